"""Reporting cycles: the secretariat's calls for updates, their dashboard, reminders,
closing, and the Excel sheet a jurisdiction fills in (read and written in
cogwg/cycle_sheets.py).

What belongs to a period is computed, not stored on the update:
- the period covers the plan's milestones that were unfinished and due on or before its
  ``period_end`` when it opened (kept in ``ReportingPeriod.milestones``);
- an update belongs to the period when a jurisdiction posted it on one of those
  milestones between the opening and the closing (``created_at``, which the user does not
  choose, unlike ``reported_on``). One period at a time is open per plan, so a milestone's
  periods never overlap and an update belongs to at most one period;
- a jurisdiction has submitted for a milestone once one of its period updates is
  submitted for review or published; a draft or a returned update does not count;
- closing publishes the submitted updates, and from then on the period's updates are
  locked: they can no longer be changed, submitted, published, returned, withdrawn or
  deleted (the services refuse them: ``progress_update_ensure_unlocked``);
- but a submitted update whose note is in one language only is not published (a published
  update shows its note in both official languages, or has none), nor one that posting
  would refuse now (dated on or after its milestone's cancellation, say, or on a milestone
  of a plan closed since: ``progress_update_refusals``): closing leaves it
  submitted, and tells the secretariat and its submitter which and why. It is not locked
  while it stays so: the secretariat settles what kept it (enters the missing translation
  on its page, say) and publishes it (it is then locked with the others), or deletes it.
  It can no longer be returned for changes: returned, it would be locked
  (``progress_update_ensure_returnable``).

A closed plan's log is kept as it was closed (workplan/services.py): no period is opened
on it, a period of a plan closed while it was open takes no more updates and sends no
more reminders, and closing it publishes none of its updates (each is left, with why).

Reminders go weekly to the jurisdictions that have not submitted everything until the
deadline; once it has passed, each is sent one last reminder that says the updates are
overdue, and no more (the secretariat closes the period, or chases them itself).

A period's writes lock its plan, then the period (``_locked_period``), before the
priorities, milestones and updates they touch: the lock order of writes
(workplan/services.py), where a period comes right after its plan. Opening one locks
the plan first; closing, a sheet's upload, a reminder's claim and the deletion lock the
plan, then the period, and check it as it then is: a closing and a deletion, or a
closing and a reminder, wait for each other and never both act on an open period.
"""

import datetime
import logging
from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.core.mail import EmailMessage, get_connection
from django.db import IntegrityError, transaction
from django.db.models import Count, Exists, Max, OuterRef, Prefetch, Q, QuerySet
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from jurisdictions.models import Jurisdiction
from workplan.choices import CLOSED_STATUSES, MilestoneStatus, SeatRole, WorkPlanStatus
from workplan.models import Assignment, Milestone, ProgressUpdate, WorkPlan
from workplan.services import (
    milestone_post_update,
    plan_closed_message,
    progress_update_publish,
    progress_update_refusals,
    records_lock,
)

from . import dates, notifications, outbox, permissions
from .choices import PublicationState, ReportingPeriodStatus
from .models import PeriodReminder, PeriodSummary, ReportingPeriod
from .reports.render.view import percent
from .services import publication_missing

logger = logging.getLogger(__name__)

# Updates in these states count as submitted for the period.
SUBMITTED_STATES = (PublicationState.SUBMITTED, PublicationState.PUBLISHED)
# The weekly reminder skips a jurisdiction reminded less than this long ago (a task run
# twice, a beat restarted): reminders stay a week apart.
REMINDER_INTERVAL = datetime.timedelta(days=6)
# The relation from a jurisdiction to the users who contribute for it (PART A of issue 6).
CONTRIBUTORS_FIELD = "contributors"


# Who acts for which jurisdiction


def _contributors_field():
    """The jurisdiction's relation to its contributors (users), once it exists."""
    try:
        relation = Jurisdiction._meta.get_field(CONTRIBUTORS_FIELD)
    except FieldDoesNotExist:
        return None
    return relation if relation.related_model is get_user_model() else None


def contributor_jurisdictions(user) -> QuerySet:
    """The jurisdictions ``user`` reports for: all of them for the secretariat, those the
    user is bound to for a contributor (``jurisdictions.Contributor``), none for anyone else."""
    return permissions.acting_jurisdictions(user)


def _contributor_addresses(jurisdiction_ids) -> dict[int, set[str]]:
    if _contributors_field() is None:
        return {}
    rows = Jurisdiction.objects.filter(
        pk__in=jurisdiction_ids, **{f"{CONTRIBUTORS_FIELD}__is_active": True}
    ).values_list("pk", f"{CONTRIBUTORS_FIELD}__email")
    addresses = defaultdict(set)
    for pk, email in rows:
        if email:
            addresses[pk].add(email.lower())
    return addresses


# Reads


def period_milestones(period: ReportingPeriod) -> QuerySet:
    """The period's milestones with their priority and seats, in the plan's order."""
    return (
        period.milestones.select_related("priority")
        .prefetch_related(
            Prefetch(
                "priority__seats",
                queryset=Assignment.objects.filter(jurisdiction__isnull=False).select_related("jurisdiction"),
            )
        )
        .order_by("priority__number", "due_date", "order", "pk")
    )


def period_updates(period: ReportingPeriod, *, queryset: QuerySet | None = None) -> QuerySet:
    """The progress updates that belong to the period (see the module's docstring)."""
    queryset = ProgressUpdate.objects.all() if queryset is None else queryset
    queryset = queryset.filter(
        milestone__in=period.milestones.all(), jurisdiction__isnull=False, created_at__gte=period.opened_at
    )
    if period.closed_at is not None:
        queryset = queryset.filter(created_at__lt=period.closed_at)
    return queryset


def _closed_periods(*, milestone, created_at) -> QuerySet:
    """The closed periods an update of ``milestone`` posted at ``created_at`` belongs to
    (values or ``OuterRef``s): posted between a period's opening and its closing, on one
    of its milestones. The one rule of the lock."""
    return ReportingPeriod.objects.filter(
        status=ReportingPeriodStatus.CLOSED,
        milestones=milestone,
        opened_at__lte=created_at,
        closed_at__gt=created_at,
    )


def progress_updates_locked(queryset: QuerySet | None = None) -> QuerySet:
    """The updates of ``queryset`` that belong to a closed period, but those closing left
    submitted (their note in one language: ``period_updates_left``), while they stay so."""
    queryset = ProgressUpdate.objects.all() if queryset is None else queryset
    closed_period = _closed_periods(milestone=OuterRef("milestone"), created_at=OuterRef("created_at"))
    # Submitted before the closing and still submitted: closing left it (an update
    # submitted since then, which no service does, has no such date before the closing).
    left_by_closing = Q(publication_state=PublicationState.SUBMITTED) & Exists(
        closed_period.filter(closed_at__gt=OuterRef("submitted_at"))
    )
    return queryset.filter(Exists(closed_period), jurisdiction__isnull=False).exclude(left_by_closing)


def progress_update_closed_period(update: ProgressUpdate) -> ReportingPeriod | None:
    """The closed period that locks ``update`` (a jurisdiction's), if any: to name it."""
    if update is None or update.pk is None or update.jurisdiction_id is None:
        return None
    return _closed_periods(milestone=update.milestone_id, created_at=update.created_at).first()


def progress_update_is_locked(update: ProgressUpdate) -> bool:
    if update is None or update.pk is None or update.jurisdiction_id is None:
        return False
    return progress_updates_locked(ProgressUpdate.objects.filter(pk=update.pk)).exists()


def progress_update_ensure_unlocked(update: ProgressUpdate) -> None:
    """Raise ValidationError for an update of a closed period: call it before changing,
    withdrawing or deleting an update."""
    if progress_update_is_locked(update):
        raise ValidationError(_("This update belongs to a closed reporting period: it can no longer be changed."))


def progress_update_ensure_returnable(update: ProgressUpdate) -> None:
    """Raise ValidationError for an update of a closed period that closing left submitted
    (``period_updates_left``: it may not be published, for the reasons
    ``progress_update_refusals`` gives, which follow the message): returned for changes,
    it would be locked with its period, its contributor unable to change it. Call it on an
    unlocked update."""
    if update.jurisdiction_id is not None and progress_update_closed_period(update) is not None:
        raise ValidationError(
            [
                _(
                    "Its reporting period is closed and left this update unpublished: it can no longer be returned "
                    "for changes, as it would then be locked with its period. Settle what keeps it from being "
                    "published (enter its note in the other language, say), then publish it; or delete it."
                ),
                *progress_update_refusals(update),
            ],
            code="not_returnable",
        )


def _counts(update):
    return update.publication_state in SUBMITTED_STATES


@dataclass(frozen=True)
class SeatStatus:
    """One jurisdiction's report on one milestone of the period."""

    milestone: Milestone
    roles: tuple[str, ...]
    update: ProgressUpdate | None  # its latest period update, whatever its state

    @property
    def submitted(self):
        return self.update is not None and _counts(self.update)

    @property
    def role_labels(self):
        return [SeatRole(role).label for role in self.roles]


@dataclass
class JurisdictionStatus:
    jurisdiction: Jurisdiction
    seats: list[SeatStatus] = field(default_factory=list)
    reminders_sent: int = 0
    last_reminded_at: datetime.datetime | None = None
    # Of the reminders sent, those the mail server refused (every address unknown).
    reminders_refused: int = 0

    @property
    def submitted(self):
        return sum(seat.submitted for seat in self.seats)

    @property
    def missing(self):
        return [seat for seat in self.seats if not seat.submitted]

    @property
    def complete(self):
        return not self.missing


@dataclass
class PeriodStatus:
    period: ReportingPeriod
    milestones: list[Milestone]
    jurisdictions: list[JurisdictionStatus]

    @property
    def expected(self):
        return sum(len(row.seats) for row in self.jurisdictions)

    @property
    def submitted(self):
        return sum(row.submitted for row in self.jurisdictions)


def period_status(period: ReportingPeriod, *, jurisdictions: QuerySet | None = None) -> PeriodStatus:
    """Per jurisdiction holding a seat on a covered milestone, and per such milestone:
    submitted or not, with the reminders sent. ``jurisdictions`` narrows the rows (a
    contributor sees their own). Four queries whatever the period's size (five with
    ``jurisdictions``)."""
    milestones = list(period_milestones(period))
    allowed = None if jurisdictions is None else set(jurisdictions.values_list("pk", flat=True))
    latest = {}
    for update in period_updates(period).order_by("created_at", "pk"):
        key = (update.jurisdiction_id, update.milestone_id)
        # A later draft does not undo a submission: the newest submitted update stands.
        if key not in latest or _counts(update) or not _counts(latest[key]):
            latest[key] = update
    reminders = {
        row["jurisdiction"]: row
        for row in PeriodReminder.objects.filter(period=period)
        .values("jurisdiction")
        .annotate(count=Count("pk"), last=Max("sent_at"), refused=Count("pk", filter=Q(refused=True)))
    }
    rows = {}
    for milestone in milestones:
        roles = defaultdict(list)
        holders = {}
        for seat in milestone.priority.seats.all():
            if allowed is None or seat.jurisdiction_id in allowed:
                roles[seat.jurisdiction_id].append(seat.role)
                holders[seat.jurisdiction_id] = seat.jurisdiction
        for pk, jurisdiction in holders.items():
            reminded = reminders.get(pk, {})
            row = rows.setdefault(
                pk,
                JurisdictionStatus(
                    jurisdiction, [], reminded.get("count", 0), reminded.get("last"), reminded.get("refused", 0)
                ),
            )
            row.seats.append(SeatStatus(milestone, tuple(roles[pk]), latest.get((pk, milestone.pk))))
    ordered = sorted(rows.values(), key=lambda row: (row.jurisdiction.order, row.jurisdiction.code))
    return PeriodStatus(period=period, milestones=milestones, jurisdictions=ordered)


def jurisdiction_milestones(period: ReportingPeriod, jurisdiction: Jurisdiction) -> QuerySet:
    """The period's milestones on which ``jurisdiction`` holds a seat: its sheet's rows."""
    return (
        period.milestones.filter(priority__seats__jurisdiction=jurisdiction)
        .distinct()
        .select_related("priority__work_plan")
        .order_by("priority__number", "due_date", "order", "pk")
    )


# Writes


def period_open_validate(*, work_plan, period_end: datetime.date) -> None:
    """Raise ValidationError for a period that must not be opened."""
    if work_plan.status == WorkPlanStatus.DRAFT:
        # Its milestones are hidden from contributors until the plan is published.
        raise ValidationError(_("This work plan is a draft: publish it before calling for updates on it."))
    if work_plan.status == WorkPlanStatus.CLOSED:
        raise ValidationError(_("This work plan is closed: its milestones take no more progress updates."))
    if ReportingPeriod.objects.open().filter(work_plan=work_plan).exists():
        raise ValidationError(_("This work plan already has an open reporting period: close it first."))
    if not _milestones_to_cover(work_plan, period_end).exists():
        raise ValidationError(
            _("No unfinished milestone of this work plan is due on or before %(date)s.")
            % {"date": dates.date_format(period_end)}
        )


def _milestones_to_cover(work_plan, period_end):
    return Milestone.objects.filter(priority__work_plan=work_plan, due_date__lte=period_end).exclude(
        status__in=CLOSED_STATUSES
    )


def _locked_plan(work_plan) -> WorkPlan:
    """``work_plan`` read again once locked (``records_lock``: with every plan); a
    ValidationError when it was deleted meanwhile."""
    records_lock(model=WorkPlan, pks=[work_plan.pk])
    locked = WorkPlan.objects.filter(pk=work_plan.pk).first()
    if locked is None:
        raise ValidationError(_("This work plan has just been deleted."), code="deleted")
    return locked


def _locked_period(period) -> ReportingPeriod:
    """``period`` read again, with its plan, once locked after its plan (``records_lock``,
    the lock order of writes); a ValidationError when it was deleted meanwhile."""
    records_lock(model=ReportingPeriod, pks=[period.pk])
    locked = ReportingPeriod.objects.select_related("work_plan").filter(pk=period.pk).first()
    if locked is None:
        raise ValidationError(_("This reporting period has just been deleted."), code="deleted")
    return locked


@transaction.atomic
def period_open(
    *, work_plan, title_en: str, title_fr: str, period_end: datetime.date, deadline: datetime.date, by=None
) -> ReportingPeriod:
    """Open a call for updates on the plan's unfinished milestones due on or before
    ``period_end``; which milestones it covers is fixed now. The plan is locked first and
    checked as it then is (``period_open_validate``): one closed, deleted or given an open
    period meanwhile is refused (ValidationError), and nothing is written."""
    work_plan = _locked_plan(work_plan)
    period_open_validate(work_plan=work_plan, period_end=period_end)
    period = ReportingPeriod(
        work_plan=work_plan,
        title_en=title_en,
        title_fr=title_fr,
        period_end=period_end,
        deadline=deadline,
        status=ReportingPeriodStatus.OPEN,
        opened_at=timezone.now(),
        opened_by=by,
    )
    period._history_user = by
    period.full_clean()
    period.save()
    period.milestones.set(_milestones_to_cover(work_plan, period_end))
    return period


@transaction.atomic
def period_close(*, period: ReportingPeriod, by=None, on: datetime.date | None = None) -> list[ProgressUpdate]:
    """Approve and close a period once its deadline has passed: publish its submitted
    updates, oldest first (each moves its milestone), then lock them all. Returns the
    updates published.

    A submitted update that may not be published (``progress_update_refusals``: its note
    in one language only, or one that posting would refuse now, dated on or after the
    cancellation of its milestone, say, once those before it are published) is not
    published and does not keep the others from being: it is left submitted, unlocked
    (``period_updates_left`` lists them, the admin names them to the secretariat), and its
    submitter is told why in the summary.

    Its plan, the period, then the updates to publish (their priorities and milestones
    first) are locked before anything is read (the lock order of writes): a plan closed,
    or an update posted, at the same time is waited for and seen (the update then left,
    with why), and a deletion of the period waits for the closing, then is refused."""
    # The deadline day is over once it is over everywhere in Canada (dates.is_over):
    # British Columbia and Yukon still have its evening after Toronto's midnight.
    on = on or dates.earliest_today()
    period = _locked_period(period)
    if not period.is_open:
        raise ValidationError(_("This reporting period is already closed."))
    if on <= period.deadline:
        raise ValidationError(
            _("This reporting period can be closed after its deadline, %(date)s.")
            % {"date": dates.date_format(period.deadline)}
        )
    submitted = list(
        period_updates(period)
        .filter(publication_state=PublicationState.SUBMITTED)
        .order_by("reported_on", "created_at", "pk")
    )
    records_lock(model=ProgressUpdate, pks=[update.pk for update in submitted])  # all of them, in the lock order
    # One that may not be published is left submitted, the others published all the same;
    # one summary per submitter once this commits, rather than an e-mail per update.
    published, left = [], []
    for update in submitted:
        if progress_update_refusals(update):
            left.append(update)
        else:
            published.append(progress_update_publish(update=update, by=by, notify=False))
    period.status = ReportingPeriodStatus.CLOSED
    period.closed_at = timezone.now()
    period.closed_by = by
    period._history_user = by
    period.save(update_fields=["status", "closed_at", "closed_by", "modified_at"])
    if published or left:
        from .cycle_tasks import send_period_closed_summaries

        # Recorded with the closing (cogwg/outbox.py): with the broker down, it is sent later.
        outbox.enqueue(
            send_period_closed_summaries, period.pk, [update.pk for update in published], [u.pk for u in left]
        )
    return published


@transaction.atomic
def period_delete(*, period: ReportingPeriod, by=None) -> None:
    """Delete an open period (a call for updates opened by mistake), with its reminders
    and the links to the milestones it covers; its updates stay. A closed one is refused
    (ValidationError): deleting it would unlock its updates. The period is locked after
    its plan and read again first (``_locked_period``): a closing at the same time is
    waited for, and the deletion then refused."""
    period = _locked_period(period)
    if not period.is_open:
        raise ValidationError(
            _(
                "This reporting period was closed meanwhile: a closed period is not deleted, as its updates would "
                "then no longer be locked."
            ),
            code="closed",
        )
    period._history_user = by
    period.delete()


def period_updates_left(period: ReportingPeriod) -> QuerySet:
    """The updates that closing ``period`` left submitted, unpublished, as they may not be
    published (``period_close``: their note in one language only, or one that posting would
    refuse; ``progress_update_refusals`` says why), while they stay so; none while it is open.
    ``period`` is read again: the one a caller holds may predate the closing."""
    period = ReportingPeriod.objects.get(pk=period.pk)
    if period.closed_at is None:
        return ProgressUpdate.objects.none()
    return (
        period_updates(period)
        .filter(publication_state=PublicationState.SUBMITTED, submitted_at__lt=period.closed_at)
        .select_related("milestone__priority")
        .order_by("milestone__priority__number", "milestone__due_date", "milestone__pk", "reported_on", "pk")
    )


def _milestone_line(milestone, language):
    """ "- 3. June 30, 2020: Publish…", "- 3. 30 juin 2020 : Publier…" (in ``language``, active)."""
    description = getattr(milestone, f"description_{language}") or milestone.description_en
    return "- " + _("%(number)s. %(due)s: %(description)s") % {
        "number": milestone.priority.number,
        "due": dates.date_format(milestone.due_date),
        "description": description,
    }


def _update_line(update, language):
    return (
        f"{_milestone_line(update.milestone, language)} "
        f"({MilestoneStatus(update.status).label}, {percent(update.progress)})"
    )


def period_closed_summaries(*, period: ReportingPeriod, updates, left=None) -> list[EmailMessage]:
    """The messages that tell each submitter which of their updates closing ``period``
    published, and which (``left``) it left unpublished: as their note is in one language
    only, with the language each lacks, or as they may not be published, with why
    (``progress_update_refusals``): one per person (who submitted the update, else who
    posted it). One published since, or that may be published now, is no longer listed as
    left: its submitter is told when it is published."""
    # Published; left for a translation; left for another reason.
    by_address = defaultdict(lambda: ([], [], []))
    for index, queryset in enumerate((updates, left if left is not None else ProgressUpdate.objects.none())):
        ordered = queryset.select_related("milestone__priority", "submitted_by", "author").order_by(
            "milestone__priority__number", "milestone__due_date", "milestone__pk"
        )
        for update in ordered:
            slot = index
            if index and update.is_published:
                continue
            if index and not update.publication_gaps():
                if not progress_update_refusals(update):
                    continue
                slot = 2
            for address in notifications.contributor_addresses(update):
                by_address[address][slot].append(update)
    messages = []
    for address, (published, unpublished, refused) in sorted(by_address.items()):
        subjects, bodies = [], []
        for language in notifications.LANGUAGES:
            with translation.override(language):
                title = getattr(period, f"title_{language}") or period.title_en
                if unpublished:
                    subject = _("COGWG: %(period)s is closed; some of your updates need a translation")
                elif refused:
                    subject = _("COGWG: %(period)s is closed; some of your updates were not published")
                else:
                    subject = _("COGWG: your updates for %(period)s are published")
                subjects.append(subject % {"period": title})
                lines = []
                if published:
                    lines.append(
                        _("%(period)s is closed. These updates you submitted are now published:") % {"period": title}
                    )
                    lines += [_update_line(update, language) for update in published]
                if unpublished:
                    if not published:
                        lines.append(_("%(period)s is closed.") % {"period": title})
                    lines.append(
                        _(
                            "These updates you submitted are not published yet: a published update shows its note "
                            "in both official languages, and theirs lacks one. Send the secretariat the missing "
                            "translation, so that it can publish them:"
                        )
                    )
                    lines += [
                        f"{_update_line(update, language)} — "
                        + _("missing: %(texts)s") % {"texts": ", ".join(publication_missing(update))}
                        for update in unpublished
                    ]
                if refused:
                    if not published and not unpublished:
                        lines.append(_("%(period)s is closed.") % {"period": title})
                    lines.append(
                        _(
                            "These updates you submitted were not published, for the reason given with each: ask "
                            "the secretariat what to do with them:"
                        )
                    )
                    lines += [f"- {reason}" for update in refused for reason in progress_update_refusals(update)]
                lines.append(notifications.site_url(reverse("admin:cogwg_reportingperiod_dashboard", args=[period.pk])))
                bodies.append("\n".join(lines))
        messages.append(EmailMessage(subject=" / ".join(subjects), body="\n\n---\n\n".join(bodies), to=[address]))
    return messages


def period_closed_notify(*, period: ReportingPeriod, updates, left=None) -> int:
    """E-mail the summaries of ``period_closed_summaries``; returns the messages sent.

    Each summary is claimed before it is sent: its ``PeriodSummary`` (the period and the
    address) is inserted in a transaction of its own, and a run that finds it inserted (a
    retry after the mail server failed part way, a second run) skips the address, so that
    nobody is sent their summary twice. One the mail server refuses for good (an unknown
    mailbox) keeps its claim, marked refused, and the others are sent; any other failure
    (the server out of reach) gives its claim back and stops the run, for the retry.

    A claim locks nothing else (its period is closed for good, and a closed period is not
    deleted): only the key of its period, which the insert shares, and which waits for
    nothing but a write of that period (the lock order of writes: a period before what
    hangs from it)."""
    messages = period_closed_summaries(period=period, updates=updates, left=left)
    claimed = set(PeriodSummary.objects.filter(period=period).values_list("address", flat=True))
    due = [message for message in messages if message.to[0] not in claimed]
    if not due:
        return 0
    sent = 0
    with get_connection() as connection:
        for message in due:
            try:
                with transaction.atomic():
                    claim = PeriodSummary.objects.create(period=period, address=message.to[0])
            except IntegrityError:  # the unique (period, address): another run has it
                continue
            try:
                connection.send_messages([message])
            except Exception as error:
                if not outbox.recipients_refused(error):
                    claim.delete()
                    raise
                PeriodSummary.objects.filter(pk=claim.pk).update(refused=True)
                logger.warning("The mail server refused the summary %s of reporting period %s", claim.pk, period.pk)
                continue
            sent += 1
    return sent


def period_summaries_refused(period: ReportingPeriod) -> list[str]:
    """The addresses the mail server refused the closing summary of ``period`` to."""
    return list(
        PeriodSummary.objects.filter(period=period, refused=True).order_by("address").values_list("address", flat=True)
    )


def _locked_open_period(period):
    period = _locked_period(period)
    if not period.is_open:
        raise ValidationError(_("This reporting period is closed: it takes no more updates."))
    if period.work_plan.status == WorkPlanStatus.CLOSED:
        # Closed while the period was open: its milestones take no more updates.
        raise ValidationError(plan_closed_message(period.work_plan))
    return period


def _submit(update, *, by):
    # Posted as a draft by milestone_post_update, then handed to the secretariat's review,
    # as records_submit would, without its e-mail per record: the period's dashboard lists
    # the jurisdictions that have submitted.
    update.publication_state = PublicationState.SUBMITTED
    update.submitted_at = timezone.now()
    update.submitted_by = by
    update._history_user = by
    update.save(update_fields=["publication_state", "submitted_at", "submitted_by", "modified_at"])
    return update


@dataclass(frozen=True)
class Submission:
    """What ``period_submit_updates`` did: the updates it submitted for review, and the
    uploader's own earlier unpublished updates they replaced (now deleted)."""

    updates: list[ProgressUpdate]
    replaced: list[ProgressUpdate]


def _user_name(user):
    if user is None:
        return _("another user")
    return user.get_full_name() or user.get_username()


@transaction.atomic
def period_submit_updates(*, period: ReportingPeriod, jurisdiction: Jurisdiction, rows, by) -> Submission:
    """Post a jurisdiction's updates for the period, all or none, and submit them for
    review (not published). ``rows`` are checked rows of a sheet (cogwg/cycle_sheets.py).

    On the same milestone, the uploader's own earlier unpublished period updates (draft,
    submitted or returned) are replaced. A colleague's update submitted for review is
    not: the sheet is refused, naming the milestone, until the row is left empty or the
    secretariat has returned that update. A colleague's draft or returned update is left
    as it is (it does not count as submitted)."""
    period = _locked_open_period(period)
    if not contributor_jurisdictions(by).filter(pk=jurisdiction.pk).exists():
        raise ValidationError(_("You do not report for this jurisdiction."))
    allowed = set(
        permissions.reportable_milestones(by, jurisdiction_milestones(period, jurisdiction)).values_list(
            "pk", flat=True
        )
    )
    if any(row.milestone.pk not in allowed for row in rows):
        raise ValidationError(_("Only this period's milestones of the jurisdiction's priorities can be reported."))
    row_numbers = {row.milestone.pk: row.row for row in rows}
    pending = list(
        period_updates(period)
        .filter(jurisdiction=jurisdiction, milestone__in=list(row_numbers))
        .exclude(publication_state=PublicationState.PUBLISHED)
        .select_related("milestone", "author")
        .order_by("milestone__due_date", "milestone__pk", "created_at", "pk")
    )
    colleagues = [
        update
        for update in pending
        if update.author_id != by.pk and update.publication_state == PublicationState.SUBMITTED
    ]
    if colleagues:
        raise ValidationError(
            [
                _(
                    "Row %(row)s (%(milestone)s): %(user)s has already submitted an update for review. "
                    "Leave this row empty, or ask the secretariat to return that update first."
                )
                % {
                    "row": row_numbers[update.milestone_id],
                    "milestone": update.milestone,
                    "user": _user_name(update.author),
                }
                for update in colleagues
            ]
        )
    replaced = [update for update in pending if update.author_id == by.pk]
    # Locked in the lock order of writes (workplan/services.py) before the deletions and
    # the posts below take them: the rows' milestones after their plan, then the updates.
    records_lock(model=Milestone, pks=list(row_numbers))
    records_lock(model=ProgressUpdate, pks=[update.pk for update in replaced])
    for update in replaced:
        update._history_user = by
        update.delete()
    today = dates.today()
    updates = [
        _submit(
            milestone_post_update(
                milestone=row.milestone,
                reported_on=today,
                status=row.status,
                progress=row.progress,
                note_en=row.note_en,
                note_fr=row.note_fr,
                by=by,
                jurisdiction=jurisdiction,
                publish=False,
            ),
            by=by,
        )
        for row in rows
    ]
    return Submission(updates=updates, replaced=replaced)


# Reminders


def _reminder_message(period, row, recipients, *, overdue=False):
    subjects, bodies = [], []
    for language in ("en", "fr"):
        with translation.override(language):
            title = getattr(period, f"title_{language}") or period.title_en
            names = {
                "jurisdiction": getattr(row.jurisdiction, f"name_{language}") or row.jurisdiction.name_en,
                "period": title,
                "deadline": dates.date_format(period.deadline),
            }
            if overdue:
                subjects.append(_("COGWG: updates overdue for %(period)s") % names)
                introduction = _(
                    "Jurisdiction: %(jurisdiction)s. These milestones have no update for %(period)s, "
                    "although the deadline was %(deadline)s:"
                )
            else:
                subjects.append(_("COGWG: updates due for %(period)s") % names)
                introduction = _(
                    "Jurisdiction: %(jurisdiction)s. These milestones have no update yet for %(period)s "
                    "(deadline: %(deadline)s):"
                )
            lines = [introduction % names]
            lines += [
                f"{_milestone_line(seat.milestone, language)} ({MilestoneStatus(seat.milestone.status).label})"
                for seat in row.missing
            ]
            lines.append(
                _(
                    "Add an update on each, or upload the period's sheet, from the reporting period's page "
                    "in the tracker's administration."
                )
            )
            lines.append(notifications.site_url(reverse("admin:cogwg_reportingperiod_dashboard", args=[period.pk])))
            if overdue:
                lines.append(_("This is the last reminder for this period."))
            bodies.append("\n".join(lines))
    return EmailMessage(subject=" / ".join(subjects), body="\n\n---\n\n".join(bodies), to=sorted(recipients))


def _reminder_due(row, *, now, deadline, overdue):
    if row.complete:
        return False
    last = row.last_reminded_at
    if last is None:
        return True
    if overdue and dates.is_over(deadline, last):
        return False  # the overdue reminder has been sent
    return now - last >= REMINDER_INTERVAL


def overdue_reminders_over(period: ReportingPeriod, *, now: datetime.datetime) -> bool:
    """Whether the time of a period's overdue reminders is over at ``now``: once
    ``COGWG_RETENTION_REMINDER_DAYS`` have passed since its deadline and since it opened.
    The retention deletes each reminder that long after it was sent (cogwg/retention.py),
    even while the period stays open; the last, overdue, reminder was sent after both, so
    that its record is never gone while another could still be sent in its place."""
    since = max(period.opened_at, dates.day_over_at(period.deadline))
    return now - datetime.timedelta(days=settings.COGWG_RETENTION_REMINDER_DAYS) > since


def period_remind(*, period: ReportingPeriod, now: datetime.datetime | None = None) -> int:
    """E-mail the jurisdictions that hold a seat on the period's milestones and have not
    submitted every update: their contributors and their seats' contacts. A jurisdiction
    reminded less than ``REMINDER_INTERVAL`` ago is skipped; after the deadline, each is
    sent one last reminder, worded as overdue, and then no more. Nothing is sent for a
    period of a draft plan, nor of a closed one (its milestones take no more updates),
    nor once the retention of reminders (``overdue_reminders_over``) has passed since its
    deadline and its opening. Returns the messages sent.

    Each reminder is claimed before it is sent: its ``PeriodReminder`` is inserted, in a
    transaction of its own, under the next number of the jurisdiction's reminders for the
    period. Two runs at the same time (beat and a manual run, a redelivered task) claim
    the same number, which the database takes once: the other run skips the jurisdiction.
    A claim locks the plan and the period first, and the run stops once the period no
    longer sends reminders (``_reminding``: closed, or its plan, since the run read it).
    A message the mail server refuses for good (every address unknown) keeps its claim,
    marked refused, and the run goes on; one that could not be sent for another reason
    (the server out of reach) gives its claim back and stops the run, for the retry, which
    resumes after the reminders already sent."""
    now = now or timezone.now()
    if not period.is_open or period.work_plan.status != WorkPlanStatus.ACTIVE:
        return 0
    overdue = dates.is_over(period.deadline, now)
    if overdue and overdue_reminders_over(period, now=now):
        return 0
    # Read before what is due: a run that another overtakes from here on either finds the
    # other's reminder (not due yet) or claims the number the other claimed.
    numbers = dict(
        PeriodReminder.objects.filter(period=period)
        .order_by()
        .values("jurisdiction")
        .annotate(last=Max("number"))
        .values_list("jurisdiction", "last")
    )
    status = period_status(period)
    due = [
        row for row in status.jurisdictions if _reminder_due(row, now=now, deadline=period.deadline, overdue=overdue)
    ]
    contributors = _contributor_addresses([row.jurisdiction.pk for row in due])
    connection = get_connection()
    sent = 0
    for row in due:
        recipients = set(contributors.get(row.jurisdiction.pk, ()))
        for seat in row.missing:
            for holder in seat.milestone.priority.seats.all():
                if holder.jurisdiction_id == row.jurisdiction.pk and holder.contact_email:
                    recipients.add(holder.contact_email.lower())
        if not recipients:
            continue
        try:
            with transaction.atomic():
                if not _reminding(period):
                    break  # closed, deleted or its plan closed since this run read it: no more
                claim = PeriodReminder.objects.create(
                    period=period,
                    jurisdiction=row.jurisdiction,
                    number=numbers.get(row.jurisdiction.pk, 0) + 1,
                    sent_at=now,
                    recipients="\n".join(sorted(recipients)),
                    missing=len(row.missing),
                )
        except IntegrityError:  # the unique number: another run has claimed this reminder
            continue
        try:
            connection.send_messages([_reminder_message(period, row, recipients, overdue=overdue)])
        except Exception as error:
            if not outbox.recipients_refused(error):  # the server out of reach: stop, for the retry
                claim.delete()
                raise
            # Every address refused for good: the claim stays, marked (the dashboard says
            # so), and the next jurisdictions are reminded.
            PeriodReminder.objects.filter(pk=claim.pk).update(refused=True)
            logger.warning("The mail server refused reminder %s of reporting period %s", claim.pk, period.pk)
            continue
        sent += 1
    return sent


def _reminding(period) -> bool:
    """Whether ``period`` still sends reminders, read again once locked after its plan (the
    lock order of writes), in a reminder's claim: open, of an active plan. A closing, or
    the plan's, at the same time is waited for and seen."""
    try:
        period = _locked_period(period)
    except ValidationError:  # deleted meanwhile
        return False
    return period.is_open and period.work_plan.status == WorkPlanStatus.ACTIVE


def periods_remind(*, now: datetime.datetime | None = None) -> int:
    """Remind for every open period; returns the messages sent."""
    periods = ReportingPeriod.objects.open().select_related("work_plan")
    return sum(period_remind(period=period, now=now) for period in periods)
