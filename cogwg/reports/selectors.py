"""Read queries of the status reports, shared by the content builder, the services, the
API and the pages."""

import datetime

from django.db.models import BooleanField, DateField, Exists, ExpressionWrapper, F, OuterRef, Prefetch, Q, QuerySet
from django.db.models.functions import Coalesce, TruncDate

from cogwg import permissions
from cogwg.choices import RenderStatus, StatusReportState
from cogwg.models import StatusReport, StatusReportFile, StatusReportItem
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


def last_day_reported(report: StatusReport) -> datetime.date | None:
    """The as-of date of the latest report of the same plan before ``report``
    (``reports_before``: dated before it; for a frozen report, frozen before it); None for a
    plan's first report. ``report``'s period starts the day after. A report re-issued for
    the same date is not counted, so that the re-issue covers the same period as the report
    it re-issues."""
    return reports_before(report).order_by("-as_of").values_list("as_of", flat=True).first()


def reports_before(report: StatusReport) -> QuerySet:
    """The frozen reports of ``report``'s plan whose records it does not take again: those
    dated before it (for a frozen report, frozen before it). Not one of the same date: a
    re-issue takes again what the report it re-issues took."""
    earlier = Q(as_of__lt=report.as_of)
    if report.frozen_at is not None:
        earlier &= Q(frozen_at__lt=report.frozen_at)
    return frozen_reports().filter(earlier, work_plan_id=report.work_plan_id)


def other_plans_reports(report: StatusReport) -> QuerySet:
    """The frozen reports of the other plans (for a frozen report, frozen before it)."""
    reports = frozen_reports().exclude(work_plan_id=report.work_plan_id)
    if report.frozen_at is not None:
        reports = reports.filter(frozen_at__lt=report.frozen_at)
    return reports


def not_yet_reported(report: StatusReport, *, kind: StatusReportItem.Kind) -> Q:
    """Records of ``kind``, annotated with ``reported_on``, that no report before ``report``
    took, as the freezes recorded it (``StatusReportItem``): none of the reports of its plan
    dated before it (``reports_before``), nor, for a record dated before the plan starts,
    one of another plan's (what the plan before showed is not shown again; what no report
    showed is). Whatever ``published_at`` says: a record published again after a
    withdrawal, or while a report was being frozen (its publication committed after the
    freeze read the records), is judged by what the reports took, not by when. Two
    subqueries, whatever the number of records and reports."""
    taken = StatusReportItem.objects.filter(kind=kind, record_id=OuterRef("pk"))
    return ~Exists(taken.filter(report__in=reports_before(report))) & (
        Q(reported_on__gte=report.work_plan.start_date) | ~Exists(taken.filter(report__in=other_plans_reports(report)))
    )


def in_period(*, start: datetime.date, end: datetime.date, report: StatusReport | None, kind) -> Q:
    """Records annotated with ``reported_on`` that ``report``, whose period runs from
    ``start`` to ``end``, takes: those dated up to ``end`` that no report before it took
    (``not_yet_reported``); those of its period, and those dated back before it that no
    report could show (published after the previous report was frozen, or while it was
    being frozen, or dated before the plan's first report's period). So that each published
    record is in exactly one report of the plan: the first one frozen after it was published
    whose date is on or after its own. Never one dated after ``end``. Without a report, the
    period's own records."""
    taken = Q(reported_on__gte=start) if report is None else not_yet_reported(report, kind=kind)
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
    *, start: datetime.date, end: datetime.date, report: StatusReport | None = None
) -> QuerySet:
    """Published accomplishments a report of the period from ``start`` to ``end`` takes
    (``in_period``): those reported then, and for ``report``, those dated before it that no
    report before it took; the latest first. An accomplishment is dated by the meeting it
    was reported at, else by when it happened, else by when it was published."""
    reported_on = Coalesce(F("meeting__date"), F("date"), TruncDate("published_at"), output_field=DateField())
    return (
        Accomplishment.objects.published()
        .for_listing()
        .annotate(reported_on=reported_on)
        .filter(in_period(start=start, end=end, report=report, kind=StatusReportItem.Kind.ACCOMPLISHMENT))
        # Latest first, as the home page lists them: the order they were reported in, not the
        # jurisdictions' (which put the deck's first two, Yukon and NWT, last).
        .order_by("-reported_on", F("date").desc(nulls_last=True), "-published_at", "-pk")
    )


def challenges_reported(*, start: datetime.date, end: datetime.date, report: StatusReport | None = None) -> QuerySet:
    """Published challenges known by ``end`` and not resolved before ``start``: those still
    holding jurisdictions back, and those resolved during the period; and for ``report``,
    those resolved before it that no report before it took (``in_period``). Each is ``new``
    when no report before took it (without a report: when reported in the period). A
    challenge is dated by when it was first reported, else by the meeting, else by its
    publication. Each comes with the status its history shows at ``end``
    (``with_recorded_status``), which ``jurisdictions.selectors.challenge_state_as_of`` reads."""
    reported_on = Coalesce(
        F("first_reported_on"), F("first_reported_at__date"), TruncDate("published_at"), output_field=DateField()
    )
    new = in_period(start=start, end=end, report=report, kind=StatusReportItem.Kind.CHALLENGE)
    still_shown = Q(resolved_on__isnull=True) | Q(resolved_on__gte=start)
    if report is not None:
        still_shown |= new
    return (
        Challenge.objects.published()
        .for_listing()
        .with_recorded_status(end)
        .annotate(reported_on=reported_on)
        .annotate(new=ExpressionWrapper(new, output_field=BooleanField()))
        .filter(still_shown, reported_on__lte=end)
        .order_by("reported_on", "pk")
    )
