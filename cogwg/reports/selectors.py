"""Read queries of the status reports, shared by the content builder, the services, the
API and the pages."""

import datetime
from typing import NamedTuple

from django.db.models import DateField, F, Prefetch, Q, QuerySet
from django.db.models.functions import Coalesce, TruncDate

from cogwg import permissions
from cogwg.choices import RenderStatus, StatusReportState
from cogwg.models import StatusReport, StatusReportFile
from jurisdictions.models import Accomplishment, Challenge

FROZEN_STATES = (StatusReportState.FINAL, StatusReportState.PUBLISHED)


def frozen_reports() -> QuerySet:
    return StatusReport.objects.filter(state__in=FROZEN_STATES)


def previous_frozen_report(report: StatusReport) -> StatusReport | None:
    """The frozen report of the same plan that came just before ``report``: an earlier
    as-of date, or the same date frozen earlier. For a draft, any frozen report up to its
    date counts, since the draft will come after it once frozen."""
    if report.frozen_at is None:
        before = Q(as_of__lte=report.as_of)
    else:
        before = Q(as_of__lt=report.as_of) | Q(as_of=report.as_of, frozen_at__lt=report.frozen_at)
    return (
        frozen_reports()
        .filter(before, work_plan_id=report.work_plan_id)
        .exclude(pk=report.pk)
        .order_by("-as_of", "-frozen_at", "-pk")
        .first()
    )


class LastReported(NamedTuple):
    """What the reports before a report covered (``last_reported``)."""

    day: datetime.date | None  # the last day of their periods
    frozen_at: datetime.datetime | None  # when the one that covered that day was frozen


def last_reported(report: StatusReport) -> LastReported:
    """The as-of date of the latest frozen report of the same plan dated before ``report``
    (for a frozen report, among those frozen before it), and when it was frozen (the latest
    such report's, should it have been re-issued); (None, None) for a plan's first report.
    ``report``'s period starts the day after, and takes in what was published after that
    freezing, whatever its date (``accomplishments_reported``): what is dated back to a
    period already reported comes in the next report. A report re-issued for the same date
    is not counted, so that the re-issue covers the same period as the report it re-issues."""
    earlier = Q(as_of__lt=report.as_of)
    if report.frozen_at is not None:
        earlier &= Q(frozen_at__lt=report.frozen_at)
    found = (
        frozen_reports()
        .filter(earlier, work_plan_id=report.work_plan_id)
        .order_by("-as_of", "-frozen_at")
        .values_list("as_of", "frozen_at")
        .first()
    )
    return LastReported(*found) if found else LastReported(None, None)


def last_day_reported(report: StatusReport) -> datetime.date | None:
    """The last day the reports before ``report`` covered (``last_reported``)."""
    return last_reported(report).day


def in_period(*, start: datetime.date, end: datetime.date, published_after: datetime.datetime | None) -> Q:
    """Records annotated with ``reported_on`` that a report's period, ``start`` to ``end``,
    takes in: those reported then, and those reported before it but published after
    ``published_after``, the freezing of the report that covered the day before ``start``
    (``last_reported``), which could not show them. So that each published record, whatever
    the day it is dated back to, is in one report of the plan: the first one frozen after it
    was published whose date is on or after its own. Never one dated after ``end``."""
    taken = Q(reported_on__gte=start)
    if published_after is not None:
        taken |= Q(published_at__gt=published_after)
    return Q(reported_on__lte=end) & taken


def recorded_baseline_id(report: StatusReport) -> int | None:
    """The id of the report ``report`` was compared with when it was frozen, as its frozen
    content records it (``previous_report``); None for a draft or a plan's first report."""
    recorded = ((report.content or {}).get("report") or {}).get("previous_report")
    return recorded["id"] if recorded else None


def report_baseline(report: StatusReport, *, user) -> StatusReport | None:
    """The report ``report`` is compared with, as ``user`` may see it: the one recorded when
    it was frozen, never searched for again (a report frozen or published since does not
    change a frozen report's comparison). None when nothing was recorded, or when ``user``
    may not see the recorded one (the public, while it is not published)."""
    pk = recorded_baseline_id(report)
    if pk is None:
        return None
    return permissions.visible(user, frozen_reports()).filter(pk=pk).only("pk", "content").first()


def published_reports() -> QuerySet:
    """What the public sees: published reports, latest first, with their meeting, plan and
    ready files (``ready_files``)."""
    ready = StatusReportFile.objects.filter(status=RenderStatus.READY).order_by("language", "format")
    return (
        StatusReport.objects.published()
        .select_related("meeting", "work_plan")
        .prefetch_related(Prefetch("files", queryset=ready, to_attr="ready_files"))
        .order_by("-as_of", "-pk")
    )


def latest_published_report() -> StatusReport | None:
    """The latest published report in short, as the dashboard links to it: its title, its
    date and its ready files; not its meeting, its plan or its (large) frozen content."""
    return published_reports().select_related(None).defer("content").first()


def report_files(report: StatusReport) -> QuerySet:
    return StatusReportFile.objects.filter(report=report).order_by("format", "language")


def accomplishments_reported(
    *, start: datetime.date, end: datetime.date, published_after: datetime.datetime | None = None
) -> QuerySet:
    """Published accomplishments reported between two dates, both included, and those
    reported before them but published after ``published_after`` (``in_period``), the
    latest first. An accomplishment is dated by the meeting it was reported at, else by
    when it happened, else by when it was published."""
    reported_on = Coalesce(F("meeting__date"), F("date"), TruncDate("published_at"), output_field=DateField())
    return (
        Accomplishment.objects.published()
        .for_listing()
        .annotate(reported_on=reported_on)
        .filter(in_period(start=start, end=end, published_after=published_after))
        # Latest first, as the home page lists them: the order they were reported in, not the
        # jurisdictions' (which put the deck's first two, Yukon and NWT, last).
        .order_by("-reported_on", F("date").desc(nulls_last=True), "-published_at", "-pk")
    )


def challenges_reported(
    *, start: datetime.date, end: datetime.date, published_after: datetime.datetime | None = None
) -> QuerySet:
    """Published challenges known by ``end`` and not resolved before ``start``: those still
    holding jurisdictions back, and those resolved during the period; and those resolved
    before it but published after ``published_after``, which no report could show
    (``in_period``). A challenge is dated by when it was first reported, else by the
    meeting, else by its publication. Each comes with the status its history shows at
    ``end`` (``with_recorded_status``), which ``jurisdictions.selectors.challenge_state_as_of``
    reads."""
    not_yet_shown = Q(resolved_on__isnull=True) | Q(resolved_on__gte=start)
    if published_after is not None:
        not_yet_shown |= Q(published_at__gt=published_after)
    reported_on = Coalesce(
        F("first_reported_on"), F("first_reported_at__date"), TruncDate("published_at"), output_field=DateField()
    )
    return (
        Challenge.objects.published()
        .for_listing()
        .with_recorded_status(end)
        .annotate(reported_on=reported_on)
        .filter(not_yet_shown, reported_on__lte=end)
        .order_by("reported_on", "pk")
    )
