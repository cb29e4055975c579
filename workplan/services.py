"""Writes with rules on the work plan: posting and publishing progress; saving a plan (an
active one closes the plan before it: at most one is active); copying a plan to the next
year; renumbering priorities and trading seats in the admin's tables.

A closed plan is kept as it was closed: its milestones take no new progress update, and
no update of theirs is published or withdrawn (``plan_closed_message``), so that its
status stays the one it closed with. The admin and the API refuse it with the same
reason; the permissions offer no posting on it to a contributor
(``Milestone.objects.open_for_updates``).

Lock order. A write that locks rows of the work plan's tables (``SELECT … FOR UPDATE`` on
PostgreSQL) takes them parent first, and within a table by primary key:

    work plan → reporting period → priority → seat → milestone → progress update

A record is locked after its ancestors (``records_lock``: an update after its plan,
priority and milestone, a seat after its plan and priority, a reporting period after its
plan), and a work plan with every plan, as making one active closes another
(``work_plan_close_previous``); a deletion then locks what it takes with it, table by
table (``records_ensure_deletable``), before Django deletes the children first. The
API's writes (``ApiViewSetMixin.lock_record``), the admin's change forms
(cogwg/admin_concurrency.py), posting, publishing, withdrawing, the review's submit and
return, and the deletions all lock so: two writes of one plan wait for each other, and
never deadlock (which would answer 503, cogwg/middleware.py). Locking a child, then
calling a service here that locks its parent, breaks the order: lock with
``records_lock`` first.

Where the two side tables sit:
- A reporting period (cogwg/cycles.py) belongs to its plan and comes right after it:
  opening one locks the plan, then checks it; closing one locks its plan, then the
  period, then the updates it publishes (their priorities and milestones after it); a
  sheet's upload, a reminder's claim, the period's admin page and its deletion lock the
  plan, then the period. What hangs from a period alone (its reminders and closing
  summaries, the links to the milestones it covers) is written after it: a reminder is
  claimed with its plan and period locked; a summary is claimed in a transaction of its
  own that locks nothing else.
- A seat (``Assignment``, a priority's lead or partner) comes after its priority and
  before the priority's milestones, as a priority's admin page locks its tables (seats,
  then milestones): its own admin page, the API's write of a priority's seats
  (workplan/api/serializers.py) and a priority's or plan's deletion lock it after its
  plan and priority. Trading seats (``seats_vacate``) is done under those locks.
"""

import calendar
import datetime
import re
from collections.abc import Collection, Iterable

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, F, Max, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop, ngettext

from cogwg import dates, notifications
from cogwg.choices import PublicationState
from cogwg.dates import date_format
from cogwg.models import REPORT_DAYS_AFTER_PLAN_END, ReportingPeriod
from cogwg.services import publication_refusals

from .choices import CLOSED_STATUSES, MilestoneStatus, WorkPlanStatus
from .models import Assignment, Milestone, Priority, ProgressUpdate, WorkPlan, one_active_plan_error
from .selectors import closed_as_of

# Why an automatic overdue mark was withdrawn (``overdue_marks_withdraw_stale``), as its
# History page says: stored in English, shown in the reader's language.
OVERDUE_MARK_WITHDRAWN = gettext_noop(
    "Withdrawn automatically: the milestone was completed or cancelled by the date of this overdue mark"
)
# An update may be dated after its plan ends for as long as a status report may be as of
# such a day (``cogwg.models.StatusReport.clean``): the plan's closing report, given a few
# months after it ends, reads the updates dated up to then. A plan closed sooner takes none.
UPDATE_DAYS_AFTER_PLAN_END = REPORT_DAYS_AFTER_PLAN_END


def plan_closed_message(work_plan: WorkPlan) -> str:
    """Why a closed plan's progress log does not change, in the active language."""
    return _(
        "The work plan “%(plan)s” is closed: its milestones take no new progress update, and their updates can "
        "no longer be published or withdrawn."
    ) % {"plan": work_plan}


def progress_update_validate(*, milestone, reported_on, status, progress):
    """Raise ValidationError with field messages for an update that must not be posted, nor
    published (``progress_update_publish`` checks a draft again). "In the future" is after
    today everywhere in Canada (``dates.is_future``): a reporter in St. John's dates an
    update on their own today. A closed plan's milestone takes none
    (``plan_closed_message``, on ``milestone``); an update is dated within its plan, or at
    most ``UPDATE_DAYS_AFTER_PLAN_END`` days after it ends."""
    errors = {}
    plan = _plan(milestone)
    if plan is not None and plan.status == WorkPlanStatus.CLOSED:
        errors["milestone"] = plan_closed_message(plan)
    if status not in MilestoneStatus.values:
        errors["status"] = _("Choose a valid status.")
    # A bool is an int to Python, not a progress (a sheet's TRUE would read as 1 %).
    if isinstance(progress, bool) or not isinstance(progress, int) or not 0 <= progress <= 100:
        errors["progress"] = _("Progress must be a whole number between 0 and 100.")
    elif status == MilestoneStatus.COMPLETED and progress != 100:
        # xgettext:no-python-format
        errors["progress"] = _("A completed milestone is 100% done.")
    if dates.is_future(reported_on):
        errors["reported_on"] = _("An update cannot be dated in the future.")
    elif plan is not None and reported_on < plan.start_date:
        errors["reported_on"] = _("An update cannot be dated before its work plan starts, on %(date)s.") % {
            "date": date_format(plan.start_date)
        }
    elif plan is not None and (reported_on - plan.end_date).days > UPDATE_DAYS_AFTER_PLAN_END:
        # Days counted by subtraction: adding them to a date near 9999-12-31 would overflow.
        errors["reported_on"] = _(
            "An update cannot be dated more than %(days)s days after its work plan ends, on %(date)s."
        ) % {"days": UPDATE_DAYS_AFTER_PLAN_END, "date": date_format(plan.end_date)}
    elif (cancelled_on := _cancelled_on(milestone)) and reported_on >= cancelled_on:
        # It would be the latest, and reopen the milestone: that is withdrawing the update
        # that cancelled it. A report of earlier days still completes the log.
        errors["reported_on"] = _(
            "This milestone was cancelled on %(date)s: an update must be dated before then. "
            "To reopen it, the secretariat withdraws the update that cancelled it."
        ) % {"date": date_format(cancelled_on)}
    if errors:
        raise ValidationError(errors)


def _plan(milestone) -> WorkPlan | None:
    """``milestone``'s work plan (read through its cached priority and plan when the caller
    selected them, as the services do once they are locked: ``records_lock``)."""
    if milestone is None or milestone.priority_id is None:
        return None
    return milestone.priority.work_plan


# The work plan's tables in the lock order (the module's docstring), and for a row of each
# its ancestors' tables, with the path to them, in the same order.
LOCK_ORDER = (WorkPlan, ReportingPeriod, Priority, Assignment, Milestone, ProgressUpdate)
_ANCESTORS = {
    WorkPlan: (),
    ReportingPeriod: ((WorkPlan, "work_plan"),),
    Priority: ((WorkPlan, "work_plan"),),
    Assignment: ((WorkPlan, "priority__work_plan"), (Priority, "priority")),
    Milestone: ((WorkPlan, "priority__work_plan"), (Priority, "priority")),
    ProgressUpdate: (
        (WorkPlan, "milestone__priority__work_plan"),
        (Priority, "milestone__priority"),
        (Milestone, "milestone"),
    ),
}
# What deleting a record of each takes with it (``on_delete=CASCADE``), table by table in
# the lock order: the path from those rows to the record. (A plan's reporting periods
# keep it from being deleted: ``on_delete=PROTECT``.)
_CASCADED = {
    WorkPlan: (
        (Priority, "work_plan"),
        (Assignment, "priority__work_plan"),
        (Milestone, "priority__work_plan"),
        (ProgressUpdate, "milestone__priority__work_plan"),
    ),
    Priority: ((Assignment, "priority"), (Milestone, "priority"), (ProgressUpdate, "milestone__priority")),
    Milestone: ((ProgressUpdate, "milestone"),),
    ProgressUpdate: (),
}


def _lock_rows(model, **lookups) -> None:
    """Lock the rows of ``model`` that ``lookups`` select, by primary key."""
    rows = model._default_manager.filter(**lookups).order_by("pk").select_for_update(of=("self",))
    list(rows.values_list("pk", flat=True))


def records_lock(*, model, pks: Collection) -> None:
    """Lock the records ``pks`` of ``model`` (one of ``LOCK_ORDER``: work plans, reporting
    periods, priorities, seats, milestones or progress updates) until the transaction
    ends, after their ancestors, in the lock order (the module's docstring): an update
    after its plan, its priority and its milestone, a seat after its plan and its
    priority, a period after its plan, each table by primary key. A work plan is locked
    with every plan. A record moved to another parent between the read of its ancestors
    and its lock (a milestone given another priority) has its new ones locked too, the
    only rows then taken out of order. None outside a transaction (a lock would end at
    once); records deleted meanwhile are not locked, and the caller finds them gone."""
    pks = sorted(set(pks))
    if not pks or not transaction.get_connection().in_atomic_block:
        return
    if model is WorkPlan:
        _lock_rows(WorkPlan)
        return
    ancestors = _ANCESTORS[model]
    records = model._default_manager.filter(pk__in=pks)
    locked = None
    while (chain := set(records.values_list("pk", *(path for _model, path in ancestors)))) != locked:
        for index, (ancestor, _path) in enumerate(ancestors, start=1):
            _lock_rows(ancestor, pk__in={row[index] for row in chain})
        _lock_rows(model, pk__in=pks)
        locked = chain


def _ensure_plan_open(milestone: Milestone) -> None:
    """Raise ValidationError (``plan_closed_message``) when ``milestone``'s plan, locked
    before it (``records_lock``) and read since, is closed: none of its updates is
    published or withdrawn."""
    plan = _plan(milestone)
    if plan.status == WorkPlanStatus.CLOSED:
        raise ValidationError(plan_closed_message(plan), code="plan_closed")


def _locked(update: ProgressUpdate) -> ProgressUpdate:
    """``update`` locked for a change after its plan, priority and milestone
    (``records_lock``), then read again with them; a ValidationError when it was deleted
    meanwhile (``records_ensure_deletable`` held it until then)."""
    records_lock(model=ProgressUpdate, pks=[update.pk])
    locked = ProgressUpdate.objects.select_related("milestone__priority__work_plan").filter(pk=update.pk).first()
    if locked is None:
        raise ValidationError(_("This progress update has just been deleted."), code="deleted")
    return locked


def _ensure_unlocked(update):
    # The closed-period lock is the reporting cycles' rule (cogwg/cycles.py), which
    # imports this module.
    from cogwg.cycles import progress_update_ensure_unlocked

    progress_update_ensure_unlocked(update)


def _cancelled_on(milestone):
    """The date of the published update that cancelled ``milestone``, if it stands cancelled:
    its latest published update's, read now or, for many milestones at once, with them
    (``_with_latest_reported_on``)."""
    if milestone is None or milestone.pk is None or milestone.status != MilestoneStatus.CANCELLED:
        return None
    if hasattr(milestone, "latest_reported_on"):
        return milestone.latest_reported_on
    return milestone.updates.approved().latest_first().values_list("reported_on", flat=True).first()


def _with_latest_reported_on(milestones: QuerySet) -> QuerySet:
    """``milestones`` annotated with the date of their latest published update (``latest_reported_on``)."""
    latest = ProgressUpdate.objects.approved().filter(milestone=OuterRef("pk")).latest_first()
    return milestones.annotate(latest_reported_on=Subquery(latest.values("reported_on")[:1]))


def milestone_refresh_status(*, milestone: Milestone) -> Milestone:
    """Set the milestone's current status and progress from its latest published update
    (``latest_first``: by report date, then the last published of the day), or back to
    "not started" when it has none."""
    latest = milestone.updates.approved().latest_first().first()
    if latest is None:
        milestone.status, milestone.progress, milestone.completed_on = MilestoneStatus.NOT_STARTED, 0, None
    else:
        milestone.status, milestone.progress = latest.status, latest.progress
        milestone.completed_on = latest.reported_on if latest.status == MilestoneStatus.COMPLETED else None
    milestone.save(update_fields=["status", "progress", "completed_on", "modified_at"])
    return milestone


def overdue_marks_withdraw_stale(*, milestone: Milestone, since: datetime.date, by=None) -> list[ProgressUpdate]:
    """Withdraw the automatic overdue marks of ``milestone`` dated on or after ``since``
    that its log no longer bears out: by a mark's date, the milestone was completed or
    cancelled (``selectors.closed_as_of``). Returns the marks withdrawn.

    The services that publish or withdraw an update dated ``since`` call it in their
    transaction, the milestone locked, before its status is refreshed: the truth wins over
    the nightly marking (``cogwg.reports.services.milestones_mark_overdue``), whichever
    came first.

    - A completion dated on or before the due date, waiting for review while the job
      marked the milestone delayed, then published: the mark is withdrawn, and the
      milestone is completed on the completion's date, never delayed nor overdue.
    - The same completion published before the job runs: the job leaves the milestone
      alone (completed as of its date).
    - A completion dated after a mark: the milestone was delayed until then, so the mark
      stays in the log; the completion, the latest update, completes the milestone.
    - Withdrawing the update that reopened a completed milestone withdraws the marks that
      followed it. A mark withdrawn is not put back when its premise holds again (the
      completion withdrawn in turn): the next nightly run marks the milestone again.

    A mark is withdrawn as a person withdraws an update (back to a draft), its history
    saying who caused it (``by``) and why (``OVERDUE_MARK_WITHDRAWN``)."""
    marks = milestone.updates.approved().overdue_marks().filter(reported_on__gte=since).order_by("reported_on", "pk")
    withdrawn = []
    for mark in marks:
        if closed_as_of(milestone=milestone, on=mark.reported_on):
            mark.publication_state = PublicationState.DRAFT
            mark.published_at = None
            mark._history_user = by
            mark._change_reason = OVERDUE_MARK_WITHDRAWN
            mark.save(update_fields=["publication_state", "published_at", "modified_at"])
            withdrawn.append(mark)
    return withdrawn


@transaction.atomic
def milestone_post_update(
    *,
    milestone: Milestone,
    reported_on: datetime.date,
    status: str,
    progress: int,
    note_en: str = "",
    note_fr: str = "",
    by=None,
    jurisdiction=None,
    publish: bool = True,
    overdue_mark: bool = False,
) -> ProgressUpdate:
    """Record a progress update on a milestone. A published update moves the milestone's
    current status and progress in the same transaction, after withdrawing the automatic
    overdue marks it disproves (``overdue_marks_withdraw_stale``); a draft waits for
    review. ``overdue_mark`` is for the nightly marking of past-due milestones only.

    A draft's note is written in English, in French, in both or in neither; a published
    update's in both or neither: one in a single language is refused (``ProgressUpdate.clean``:
    ValidationError, on the missing language's field) and nothing is written. So is one
    that ``progress_update_validate`` refuses: on a closed plan's milestone, dated after
    its plan ends and the grace after it…"""
    # Locked after its plan: the plan's closing (``work_plan_save``) and this happen one
    # after the other, the later one seeing what the other did.
    records_lock(model=Milestone, pks=[milestone.pk])
    milestone = Milestone.objects.select_related("priority__work_plan").filter(pk=milestone.pk).first()
    if milestone is None:
        raise ValidationError({"milestone": _("This milestone has just been deleted.")}, code="deleted")
    progress_update_validate(milestone=milestone, reported_on=reported_on, status=status, progress=progress)
    update = ProgressUpdate(
        milestone=milestone,
        reported_on=reported_on,
        status=status,
        progress=progress,
        note_en=note_en,
        note_fr=note_fr,
        author=by,
        jurisdiction=jurisdiction,
        publication_state=PublicationState.PUBLISHED if publish else PublicationState.DRAFT,
        published_at=timezone.now() if publish else None,
        overdue_mark=overdue_mark,
    )
    update._history_user = by
    update.full_clean()
    update.save()
    if publish:
        overdue_marks_withdraw_stale(milestone=milestone, since=reported_on, by=by)
        milestone._history_user = by
        milestone_refresh_status(milestone=milestone)
    return update


def _ensure_publishable(updates) -> None:
    """Raise ValidationError, one message per update (``publication_refusals``), when one
    of ``updates`` has its note in one language only: a published update shows it in both
    official languages (or has none)."""
    if refusals := publication_refusals(updates):
        raise ValidationError(refusals, code="missing_translation")


def _ensure_postable(update: ProgressUpdate) -> None:
    """Raise what posting ``update`` now would raise (``progress_update_validate``: the same
    ValidationError, with the same messages): a draft is checked again when it is
    published, as the milestone may have changed since it was written (cancelled before
    its date, say). An automatic overdue mark that the log no longer bears out
    (``overdue_marks_withdraw_stale``) is refused too."""
    progress_update_validate(
        milestone=update.milestone, reported_on=update.reported_on, status=update.status, progress=update.progress
    )
    if update.overdue_mark and closed_as_of(milestone=update.milestone, on=update.reported_on):
        raise ValidationError(
            {
                "reported_on": _(
                    "This automatic overdue mark no longer holds: the milestone was completed or cancelled by %(date)s."
                )
                % {"date": date_format(update.reported_on)}
            },
            code="overdue_mark_disproved",
        )


def progress_update_refusals(update: ProgressUpdate) -> list[str]:
    """Why ``update`` may not be published now, one message per reason, each naming it, in
    the active language; empty when it may be. Its note in one language only
    (``publication_refusals``), or what posting it now would be refused for
    (``_ensure_postable``), its milestone read as it now is. Closing a reporting period
    leaves such an update submitted; publishing several at once refuses them all."""
    update = ProgressUpdate.objects.select_related("milestone__priority__work_plan").filter(pk=update.pk).first()
    if update is None:
        return []
    return _refusals(update)


def progress_updates_refusals(updates: Iterable[ProgressUpdate]) -> dict[int, list[str]]:
    """``progress_update_refusals`` of each of ``updates``, by id (none for one deleted
    since), read again together: the same two queries however many they are (a reporting
    period's dashboard lists those its closing left). An automatic overdue mark is checked
    against its log, read for each (``_ensure_postable``): none belongs to a period."""
    milestones = _with_latest_reported_on(Milestone.objects.select_related("priority__work_plan"))
    fresh = ProgressUpdate.objects.filter(pk__in=[update.pk for update in updates]).prefetch_related(
        Prefetch("milestone", queryset=milestones)
    )
    return {update.pk: _refusals(update) for update in fresh}


def _refusals(update: ProgressUpdate) -> list[str]:
    refusals = publication_refusals([update])
    try:
        _ensure_postable(update)
    except ValidationError as error:
        refusals += [
            _("“%(update)s” cannot be published: %(reason)s") % {"update": update, "reason": reason}
            for reason in error.messages
        ]
    return refusals


@transaction.atomic
def progress_update_publish(*, update: ProgressUpdate, by=None, notify: bool = True) -> ProgressUpdate:
    """Publish a reviewed update and let it move its milestone, after withdrawing the
    automatic overdue marks it disproves (``overdue_marks_withdraw_stale``); whoever
    submitted it is e-mailed once this commits, unless ``notify`` is False (closing a
    reporting period sends one summary per submitter instead). An update of a closed
    reporting period, whose note is in one language only (``_ensure_publishable``), or
    that posting now would refuse (``_ensure_postable``: dated on or after the milestone's
    cancellation, in the future…), is refused with the same ValidationError and left as
    it was; so is any update of a closed plan (``_ensure_plan_open``), published or not."""
    update = _locked(update)
    _ensure_unlocked(update)
    _ensure_plan_open(update.milestone)
    if update.publication_state != PublicationState.PUBLISHED:
        _ensure_publishable([update])
        _ensure_postable(update)
        update.publication_state = PublicationState.PUBLISHED
        update.published_at = timezone.now()
        update._history_user = by
        update.save(update_fields=["publication_state", "published_at", "modified_at"])
        if notify and update.submitted_by_id is not None:
            # Whoever submitted it for review learns that it is public.
            notifications.enqueue(event=notifications.PUBLISHED, record=update)
    overdue_marks_withdraw_stale(milestone=update.milestone, since=update.reported_on, by=by)
    update.milestone._history_user = by
    milestone_refresh_status(milestone=update.milestone)
    return update


@transaction.atomic
def progress_updates_publish(*, queryset, by=None) -> int:
    """Publish every update of ``queryset`` not yet published (``progress_update_publish``),
    oldest first, all or none: when one is refused (a closed period's, a note in one
    language only, one that posting would refuse, once those before it are published:
    ``progress_update_refusals``) none is published, and the ValidationError gives every
    update's reason. Returns how many were published."""
    pks = list(queryset.values_list("pk", flat=True))
    records_lock(model=ProgressUpdate, pks=pks)  # all of them first, in the lock order
    updates = list(
        ProgressUpdate.objects.filter(pk__in=pks)
        .exclude(publication_state=PublicationState.PUBLISHED)
        .select_related("milestone")
        .order_by("reported_on", "created_at", "pk")
    )
    refusals = []
    for update in updates:
        if reasons := progress_update_refusals(update):
            refusals += reasons
        else:
            progress_update_publish(update=update, by=by)
    if refusals:
        # Raised out of this transaction: the updates published before are not.
        raise ValidationError(refusals, code="refused")
    return len(updates)


@transaction.atomic
def progress_update_unpublish(*, update: ProgressUpdate, by=None) -> ProgressUpdate:
    """Withdraw a published update; the milestone falls back to the one before it, once
    the automatic overdue marks that this leaves disproved are withdrawn too
    (``overdue_marks_withdraw_stale``). An update of a closed reporting period, or of a
    closed plan (``_ensure_plan_open``), is refused (ValidationError)."""
    update = _locked(update)
    _ensure_unlocked(update)
    _ensure_plan_open(update.milestone)
    if update.publication_state == PublicationState.PUBLISHED:
        update.publication_state = PublicationState.DRAFT
        update.published_at = None
        update._history_user = by
        update.save(update_fields=["publication_state", "published_at", "modified_at"])
    overdue_marks_withdraw_stale(milestone=update.milestone, since=update.reported_on, by=by)
    update.milestone._history_user = by
    milestone_refresh_status(milestone=update.milestone)
    return update


@transaction.atomic
def progress_updates_unpublish(*, queryset, by=None) -> int:
    """Withdraw every published update of ``queryset`` (``progress_update_unpublish``), all
    or none: when one is refused (a closed period's, a closed plan's) none is withdrawn,
    and the ValidationError gives every update's reason. Returns how many were withdrawn."""
    pks = list(queryset.values_list("pk", flat=True))
    records_lock(model=ProgressUpdate, pks=pks)  # all of them first, in the lock order
    updates = list(
        ProgressUpdate.objects.filter(pk__in=pks, publication_state=PublicationState.PUBLISHED).order_by(
            "-reported_on", "-created_at", "-pk"
        )
    )
    refusals = []
    for update in updates:
        try:
            with transaction.atomic():
                progress_update_unpublish(update=update, by=by)
        except ValidationError as error:
            refusals += [
                _("“%(update)s” cannot be withdrawn: %(reason)s") % {"update": update, "reason": reason}
                for reason in error.messages
            ]
    if refusals:
        # Raised out of this transaction: the updates withdrawn before are not.
        raise ValidationError(refusals, code="refused")
    return len(updates)


def progress_updates_kept(queryset: QuerySet) -> QuerySet:
    """The updates of ``queryset`` that may not be deleted, neither on their own nor with
    their milestone, priority or plan: a published one carries its milestone's status
    (withdraw it first), and one of a closed reporting period is locked (cogwg/cycles.py).
    The admin and the API refuse the same deletions."""
    from cogwg.cycles import progress_updates_locked  # cogwg/cycles.py imports this module

    return queryset.filter(publication_state=PublicationState.PUBLISHED) | progress_updates_locked(queryset)


def record_ensure_deletable(*, record) -> None:
    """Raise ValidationError when deleting ``record`` (a work plan, priority, milestone or
    progress update) would delete progress updates that are kept (``progress_updates_kept``),
    saying why; call it, in the deletion's transaction, before deleting
    (``records_ensure_deletable``)."""
    if record.pk is not None:
        records_ensure_deletable(model=type(record), pks=[record.pk])


def records_ensure_deletable(*, model, pks: Collection) -> None:
    """``record_ensure_deletable`` for the records of ``model`` whose keys are ``pks``.
    The records, then what their deletion would take with it, are locked first (on
    PostgreSQL), in the lock order (the module's docstring: Django then deletes the
    children first, their rows already held), then the updates are read: a publish that
    commits between a deletion's check and the deletion itself is waited for and seen, and
    refuses the deletion; one that starts after the check waits for the deletion, then is
    refused (``_locked``)."""
    cascaded = _CASCADED.get(model)
    if cascaded is None or not pks:
        return
    pks = list(pks)
    records_lock(model=model, pks=pks)
    for child, path in cascaded:
        _lock_rows(child, **{f"{path}__in": pks})
    lookup = dict(cascaded).get(ProgressUpdate, "pk")
    updates = ProgressUpdate.objects.filter(**{f"{lookup}__in": pks})
    is_published = Q(publication_state=PublicationState.PUBLISHED)
    counts = progress_updates_kept(updates).aggregate(
        published=Count("pk", filter=is_published), locked=Count("pk", filter=~is_published)
    )
    published, locked = counts["published"], counts["locked"]
    reasons = []
    if published:
        reasons.append(
            ngettext(
                "Deleting this would delete %(count)d published progress update, which carries its milestone's "
                "status: withdraw it first.",
                "Deleting this would delete %(count)d published progress updates, which carry their milestones' "
                "status: withdraw them first.",
                published,
            )
            % {"count": published}
        )
    if locked:
        reasons.append(
            ngettext(
                "Deleting this would delete %(count)d progress update of a closed reporting period, which can no "
                "longer be changed.",
                "Deleting this would delete %(count)d progress updates of a closed reporting period, which can no "
                "longer be changed.",
                locked,
            )
            % {"count": locked}
        )
    if reasons:
        raise ValidationError(reasons, code="protected")


def _next_year(day: datetime.date) -> datetime.date:
    """The same month of the next year. A month's last day stays its month's last day
    (29 February 2024 → 28 February 2025, 28 February 2023 → 29 February 2024); another
    day is kept, within the month's length."""
    year = day.year + 1
    length = calendar.monthrange(year, day.month)[1]
    if day.day == calendar.monthrange(day.year, day.month)[1]:
        return day.replace(year=year, day=length)
    return day.replace(year=year, day=min(day.day, length))


def _copy(record, *, by, **changes):
    """A new row with ``record``'s values (both languages) and ``changes``."""
    copied = type(record)._default_manager.get(pk=record.pk)
    copied.pk = None
    copied._state.adding = True
    copied.created_at = timezone.now()
    for name, value in changes.items():
        setattr(copied, name, value)
    copied._history_user = by
    copied.full_clean()
    copied.save()
    return copied


@transaction.atomic
def work_plan_rollover(*, work_plan: WorkPlan, by=None) -> WorkPlan:
    """Copy a yearly plan to the next year as a draft: its priorities, their seats, and
    the milestones not yet finished, each due in the same month of the new year and
    starting afresh (not started, 0 %). The old plan is left as it is, its progress log
    with it: it stays active (public, its milestones marked overdue) until the new one is
    activated (``work_plan_close_previous``), and is then closed, its log kept as it was.

    The copy's summary is left empty in both languages: the old one speaks of its own
    year ("…work plan for 2020, as outlined to the Joint Councils…"). The secretariat
    writes the new year's before making it active: a public plan shows its summary in both
    official languages (``WorkPlan.publication_gaps``), so activating it without one is
    refused, next to each missing language."""
    work_plan = WorkPlan.objects.select_for_update().get(pk=work_plan.pk)
    if not work_plan.slug.isdigit():
        raise ValidationError(_('Only a yearly plan (slug "2020") can be copied to the next year.'))
    year, slug = int(work_plan.slug), str(int(work_plan.slug) + 1)
    if WorkPlan.objects.filter(slug=slug).exists():
        raise ValidationError(_('A work plan "%(slug)s" already exists: nothing was copied.') % {"slug": slug})

    # The plan's own years (its slug's, its dates'): each moves on by one, at once, in its
    # title ("2020-2021" → "2021-2022", not "2021-2021"); another year named stays.
    years = {year, *range(work_plan.start_date.year, work_plan.end_date.year + 1)}

    def next_year_in(found):
        return str(int(found[0]) + 1) if int(found[0]) in years else found[0]

    def next_title(title):
        return re.sub(r"(?<!\d)\d{4}(?!\d)", next_year_in, title or "")

    new_plan = _copy(
        work_plan,
        by=by,
        slug=slug,
        title_en=next_title(work_plan.title_en),
        title_fr=next_title(work_plan.title_fr),
        start_date=_next_year(work_plan.start_date),
        end_date=_next_year(work_plan.end_date),
        status=WorkPlanStatus.DRAFT,
        summary_en="",
        summary_fr="",
        source_url="",
    )
    for priority in work_plan.priorities.order_by("number"):
        new_priority = _copy(priority, by=by, work_plan=new_plan)
        for seat in priority.seats.order_by("pk"):
            _copy(seat, by=by, priority=new_priority)
        unfinished = priority.milestones.exclude(status__in=CLOSED_STATUSES).order_by("due_date", "order", "pk")
        for milestone in unfinished:
            _copy(
                milestone,
                by=by,
                priority=new_priority,
                due_date=_next_year(milestone.due_date),
                status=MilestoneStatus.NOT_STARTED,
                progress=0,
                completed_on=None,
            )
    return new_plan


@transaction.atomic
def work_plan_close_previous(*, work_plan: WorkPlan, by=None) -> list[WorkPlan]:
    """Before ``work_plan`` is stored as active, close the other active plans, each saved
    with ``by`` in its history, and return them: a plan stays active until the next one
    is. One that starts on or after ``work_plan`` is not closed: an older plan does not
    replace a newer one (``WorkPlan.newer_active_plan``); the ValidationError on the
    status field (``ONE_ACTIVE_PLAN``) names it, and nothing is closed. Nothing to close
    for a plan that is not active.

    Every plan is locked first (a few rows, one per year): two plans made active at the
    same time are made active one after the other, the later one reading what the
    earlier did (locking only the active plans would not: each would find the plan both
    close, then store its own as active)."""
    if work_plan.status != WorkPlanStatus.ACTIVE:
        return []
    list(WorkPlan.objects.select_for_update().order_by("pk").values_list("pk", flat=True))
    others = WorkPlan.objects.active().order_by("start_date", "pk")
    if work_plan.pk is not None:
        others = others.exclude(pk=work_plan.pk)
    previous = list(others)
    if newer := [plan for plan in previous if plan.start_date >= work_plan.start_date]:
        raise one_active_plan_error(newer[-1])
    for plan in previous:
        plan.status = WorkPlanStatus.CLOSED
        plan._history_user = by
        plan.save(update_fields=["status", "modified_at"])
    return previous


@transaction.atomic
def work_plan_save(*, work_plan: WorkPlan, by=None, force_insert: bool = False) -> list[WorkPlan]:
    """Store ``work_plan`` as a form, a revert, an API call or a restore changed it (they
    validated it: ``WorkPlan.clean``) and, when it is active, close the plans before it
    first, in the same transaction (``work_plan_close_previous``). Returns the plans it
    closed. ``force_insert``: a deleted plan brought back under the key it had
    (cogwg/recovery.py), never written over a plan given that key since.

    At most one plan is active: a plan is not made active while one that starts on or
    after it is. That is refused (a ValidationError on its status, ``ONE_ACTIVE_PLAN``),
    checked again here under lock, and nothing is written.

    The database holds to it too (``WorkPlan.Meta``). A plan the lock could not wait for
    (the first plans of a database: no row to lock) and that was made active meanwhile
    meets the save; it is then read, and the plan checked again as if it had come
    second: the other is closed if it starts before, else this one is refused, as above.
    Never an IntegrityError for it."""
    work_plan._history_user = by
    closed = []
    for last_try in (False, True):
        closed += work_plan_close_previous(work_plan=work_plan, by=by)
        try:
            with transaction.atomic():
                work_plan.save(force_insert=force_insert)
        except IntegrityError as error:
            active = _other_active_plan(work_plan)
            if active is None:  # another rule of the database (a slug taken meanwhile)
                raise
            if last_try:
                raise one_active_plan_error(active) from error
        else:
            return closed


def _other_active_plan(work_plan: WorkPlan) -> WorkPlan | None:
    """The active plan other than ``work_plan``, while ``work_plan`` is to be active."""
    if work_plan.status != WorkPlanStatus.ACTIVE:
        return None
    others = WorkPlan.objects.active()
    if work_plan.pk is not None:
        others = others.exclude(pk=work_plan.pk)
    return others.order_by("-start_date", "-pk").first()


@transaction.atomic
def priorities_make_room(*, work_plan: WorkPlan, priority_ids: Collection[int], numbers: Iterable[int]) -> None:
    """Move the priorities ``priority_ids`` of ``work_plan`` above every number stored in
    the plan or in ``numbers`` (those they are about to take): priorities renumbered
    together (two swapped, say) are then saved one at a time, each unique in its plan at
    every step. The caller saves them in the same transaction.

    No ``by``, and no history on purpose: the move is undone by those saves before the
    transaction ends, and each priority's history shows its renumbering from the number
    it had (1 → 2), not from the number it held for a moment."""
    stored = Priority.objects.filter(work_plan=work_plan).aggregate(top=Max("number"))["top"] or 0
    Priority.objects.filter(work_plan=work_plan, pk__in=priority_ids).update(
        number=F("number") + max([stored, *numbers])
    )


@transaction.atomic
def seats_vacate(*, priority: Priority, seat_ids: Collection[int]) -> None:
    """Free the seats ``seat_ids`` of ``priority`` (no jurisdiction): seats that trade
    jurisdictions or roles are then saved one at a time, a jurisdiction holding one seat of
    each role at every step. The caller saves them in the same transaction; no ``by``, and
    no history, for the reason ``priorities_make_room`` gives.

    The caller holds ``priority`` (its admin page and the API lock it, after its plan, as
    they read it: the module's lock order); the seats are locked here after it, by
    primary key, rather than in the order the update would meet them."""
    _lock_rows(Assignment, priority=priority, pk__in=seat_ids)
    Assignment.objects.filter(priority=priority, pk__in=seat_ids).update(jurisdiction=None)
