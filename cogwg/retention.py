"""How long personal information is kept, and its disposal once that time is over.

Every night (Celery beat: ``cogwg.tasks.dispose_of_personal_information``) what is older
than the periods of the settings (in days; docs/operations.md, "Personal information and
retention"; the privacy notice states them) is deleted or blanked:

- sign-in records of django-axes (address, browser and username of each sign-in, failed
  sign-in and lockout count): ``COGWG_RETENTION_ACCESS_LOG_DAYS`` after the attempt. A
  lockout still under way is never lifted by it;
- expired sessions (what ``manage.py clearsessions`` does);
- who was reminded: the addresses of a reporting period's reminders
  (``PeriodReminder``) and closing summaries (``PeriodSummary``), and those of the
  upcoming milestones' reminders (``UpcomingReminder``), ``COGWG_RETENTION_REMINDER_DAYS``
  after they were sent, whether the period has closed or not (a period never closed
  keeps none longer; a period's summaries are sent as it closes);
  the outbox's e-mail jobs (``EmailJob``: what was sent about which record, and a mail
  server's refusal, which may quote an address) once done or failed, as long after;
- the name and e-mail address of whoever sent a story the secretariat rejected:
  ``COGWG_RETENTION_REJECTED_STORY_DAYS`` after it was rejected (its last change), blanked
  in the story and in every row of its history; those of a deleted story are blanked in
  its history as it is deleted (``stories_delete``), and, for one deleted another way, as
  long after its deletion. The story itself stays, and so does the language of its
  form (``submitter_language``): it still marks a public submission, which contributors
  do not see (cogwg/permissions.py). What the secretariat erases from a story on request
  is blanked in its history at once with the admin's action ("Erase the submitter's
  personal information"), or the same night when blanked by hand in its change form.

Each disposal is one statement on the rows its rule selects, so that a second run finds
nothing to do, and nothing else is touched: a blanked story keeps its ``modified_at`` and
gets no new history row. Only counts are logged.
"""

import datetime
import logging
import operator
from dataclasses import asdict, dataclass
from functools import reduce
from importlib import import_module

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.conf import settings
from django.db import transaction
from django.db.models import Case, F, Q, Value, When
from django.utils import timezone

from stories.choices import StoryState
from stories.models import UserStory
from stories.services import stories_erase_submitters

from .choices import EmailJobState, ReportingPeriodStatus
from .models import EmailJob, PeriodReminder, PeriodSummary, UpcomingReminder

logger = logging.getLogger(__name__)

# What a submitter gave of themselves on the story form.
SUBMITTER_FIELDS = ("submitter_name", "submitter_email")


@dataclass
class Disposal:
    """How many records each rule deleted or blanked."""

    sign_ins: int = 0
    failed_sign_ins: int = 0
    sessions: int = 0
    period_reminders: int = 0
    period_summaries: int = 0
    upcoming_reminders: int = 0
    email_jobs: int = 0
    story_submitters: int = 0
    story_history_rows: int = 0

    def as_dict(self) -> dict[str, int]:
        return asdict(self)


def retention_periods() -> dict[str, int]:
    """The periods, in days, by what they keep: what the privacy notice states."""
    return {
        "access_log": settings.COGWG_RETENTION_ACCESS_LOG_DAYS,
        "reminders": settings.COGWG_RETENTION_REMINDER_DAYS,
        "rejected_story": settings.COGWG_RETENTION_REJECTED_STORY_DAYS,
    }


def _deleted(result, model) -> int:
    """The rows of ``model`` itself that ``QuerySet.delete()`` deleted (not its cascade)."""
    return result[1].get(model._meta.label, 0)


@transaction.atomic
def sign_in_records_dispose(*, before: datetime.datetime, now: datetime.datetime) -> tuple[int, int]:
    """Delete django-axes' records of sign-ins and failed sign-ins made before ``before``;
    a failure count whose lockout is still under way at ``now`` (AXES_COOLOFF_TIME) is
    kept. Returns (sign-ins, failed sign-ins) deleted."""
    sign_ins = _deleted(AccessLog.objects.filter(attempt_time__lt=before).delete(), AccessLog)
    failures = _deleted(AccessFailureLog.objects.filter(attempt_time__lt=before).delete(), AccessFailureLog)
    cooloff = settings.AXES_COOLOFF_TIME
    if isinstance(cooloff, datetime.timedelta):
        before = min(before, now - cooloff)
    failures += _deleted(AccessAttempt.objects.filter(attempt_time__lt=before).delete(), AccessAttempt)
    return sign_ins, failures


def sessions_dispose(*, now: datetime.datetime) -> int:
    """Delete the sessions expired by ``now``; returns how many (0 for an engine that
    keeps them elsewhere than in the database, which clears its own)."""
    store = import_module(settings.SESSION_ENGINE).SessionStore
    if hasattr(store, "get_model_class"):  # the database engines
        model = store.get_model_class()
        return _deleted(model.objects.filter(expire_date__lt=now).delete(), model)
    store.clear_expired()
    return 0


@transaction.atomic
def reminders_dispose(*, before: datetime.datetime) -> tuple[int, int, int, int]:
    """Delete the reminders and closing summaries of reporting periods sent before
    ``before`` (or of periods closed before it, which sent them all before), the upcoming
    milestones' reminders of the days before it, and the e-mail jobs done or failed before
    it. Returns (period reminders, period summaries, upcoming reminders, e-mail jobs)
    deleted."""
    closed = Q(period__status=ReportingPeriodStatus.CLOSED, period__closed_at__lt=before)
    sent = Q(sent_at__lt=before)
    periods = PeriodReminder.objects.filter(closed | sent).delete()
    summaries = PeriodSummary.objects.filter(closed | sent).delete()
    upcoming = UpcomingReminder.objects.filter(sent_on__lt=timezone.localdate(before)).delete()
    jobs = EmailJob.objects.filter(state__in=[EmailJobState.DONE, EmailJobState.FAILED], created_at__lt=before).delete()
    return (
        _deleted(periods, PeriodReminder),
        _deleted(summaries, PeriodSummary),
        _deleted(upcoming, UpcomingReminder),
        _deleted(jobs, EmailJob),
    )


def _history_fields() -> tuple[str, ...]:
    """The submitter's fields the stories' history keeps (none once it leaves them out)."""
    kept = {field.name for field in UserStory.history.model._meta.get_fields()}
    return tuple(name for name in SUBMITTER_FIELDS if name in kept)


@transaction.atomic
def story_submitters_dispose(*, before: datetime.datetime) -> tuple[int, int]:
    """Blank the name and e-mail address of whoever sent a story rejected (last changed)
    before ``before``, in the story, then in the history of every story that no longer
    holds them (those, and those the secretariat erased on request in the change form),
    and in the history of stories deleted before ``before``. Returns (stories, history
    rows) blanked."""
    holds = ~Q(submitter_name="") | ~Q(submitter_email="")
    rejected = UserStory.objects.filter(state=StoryState.REJECTED, modified_at__lt=before)
    # Blanked in the story and in its history (stories.services.stories_erase_submitters):
    # the stories keep their modified_at, and get no history row.
    erasure = stories_erase_submitters(queryset=rejected.filter(holds))
    stories = erasure.stories
    History = UserStory.history.model
    deleted = (
        History.objects.filter(history_type="-", history_date__lt=before)
        .exclude(id__in=UserStory.objects.values("pk"))
        .values("id")
    )
    # The history follows the story: what the story no longer holds, its history loses.
    lost = {
        name: Q(id__in=UserStory.objects.filter(**{name: ""}).values("pk")) | Q(id__in=deleted)
        for name in _history_fields()
    }
    if not lost:
        return stories, erasure.history_rows
    rows = History.objects.filter(reduce(operator.or_, (rule & ~Q(**{name: ""}) for name, rule in lost.items())))
    blanked = rows.update(
        **{
            name: Case(When(rule, then=Value("")), default=F(name), output_field=History._meta.get_field(name))
            for name, rule in lost.items()
        }
    )
    return stories, erasure.history_rows + blanked


def personal_information_dispose(*, now: datetime.datetime | None = None) -> Disposal:
    """Dispose of the personal information kept longer than its period (the module's
    docstring), as of ``now``; returns the counts, which alone are logged."""
    now = now or timezone.now()
    periods = retention_periods()

    def before(name):
        return now - datetime.timedelta(days=periods[name])

    disposal = Disposal()
    disposal.sign_ins, disposal.failed_sign_ins = sign_in_records_dispose(before=before("access_log"), now=now)
    disposal.sessions = sessions_dispose(now=now)
    (
        disposal.period_reminders,
        disposal.period_summaries,
        disposal.upcoming_reminders,
        disposal.email_jobs,
    ) = reminders_dispose(before=before("reminders"))
    disposal.story_submitters, disposal.story_history_rows = story_submitters_dispose(before=before("rejected_story"))
    counts = disposal.as_dict()
    logger.info(
        "Personal information disposed of: %s",
        ", ".join(f"{name.replace('_', ' ')} {count}" for name, count in counts.items()),
        extra={"event": "retention", **counts},
    )
    return disposal
