"""Read queries on the work plan that pages, the API and reports share, and the progress
maths of DESIGN.md. Nothing else computes progress: one number, everywhere.

Rules:
- a milestone's status and progress "as of D" are those of its latest published update
  reported on or before D ("not started", 0 % when there is none); with no date, its
  current status and progress (which services keep equal to the latest published update),
  as of today (``status_today``): the latest date that is today somewhere in Canada, the
  latest an update may be dated (``cogwg.dates.is_future``), so that the status with no
  date and the status as of that day are one answer, labelled with that day;
- a priority's progress is the mean of its non-cancelled milestones' progress, and its
  status the worst of theirs (delayed > at risk > on track > not started > completed);
- a plan's progress is the mean of its priorities' progress, its status the worst of theirs;
- progress is carried exact (a ``Fraction``) from the milestones to the priority and to the
  plan, and rounded once, half up (``_half_up``), only where it is shown or serialized: a
  whole percent on pages and in reports (``whole_percent``), a tenth in the API
  (``tenth_percent``). A plan whose priorities are 12.25 %, 0, 0, 0 and 0 is 2.45 %: shown
  2 %, given as 2.5 in the API, never a priority rounded to 12.3 first (2.46 → 2.5 → 3 %);
- a milestone is overdue on a date when it was due before that date and is neither
  completed nor cancelled (``CLOSED_STATUSES``), and never before its due day is over
  everywhere in Canada (``overdue_cutoff``): ``is_overdue`` says it in Python, and
  ``Milestone.objects.overdue(on=…)`` in SQL, for the same statuses and the same strict
  "before": pages, API, reports and jobs call one of them, and write the rule nowhere
  else. It is due soon when it is neither and due within ``DUE_SOON_DAYS`` from the date
  (that date included);
- a status's share of a plan's milestones is a whole percent of the exact fraction,
  rounded once, half up (``whole_percent``): 19 of 21 is 90 %, never a share rounded to
  a tenth first and then again (90.5 → 91).
"""

import datetime
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from typing import NamedTuple

from django.db.models import F, JSONField, OuterRef, QuerySet, Subquery
from django.db.models.functions import JSONObject

from cogwg import dates
from stories.selectors import StoryInventory, story_inventory

from .choices import CLOSED_STATUSES, STATUS_SEVERITY, MilestoneStatus, WorkPlanStatus
from .models import Milestone, Priority, ProgressUpdate, WorkPlan

# An open milestone due within this many days of the date is due soon (the reports' "due").
DUE_SOON_DAYS = 90


@dataclass(frozen=True)
class MilestoneState:
    milestone: Milestone
    status: str
    progress: int
    overdue: bool
    note_en: str = ""
    note_fr: str = ""
    reported_on: datetime.date | None = None
    due_soon: bool = False


@dataclass
class Rollup:
    progress: Fraction | None  # exact: see whole_percent and tenth_percent
    status: str
    counts: dict[str, int] = field(default_factory=dict)


@dataclass
class PriorityStatus:
    priority: Priority
    progress: Fraction | None
    status: str
    counts: dict[str, int]
    milestones: list[MilestoneState]

    @property
    def overdue(self):
        return [state for state in self.milestones if state.overdue]

    @property
    def due_soon(self):
        return [state for state in self.milestones if state.due_soon]


@dataclass
class PlanStatus:
    work_plan: WorkPlan
    as_of: datetime.date
    progress: Fraction | None
    status: str
    counts: dict[str, int]
    priorities: list[PriorityStatus]
    # The user stories inventory as of the date (``stories.selectors.story_inventory``),
    # when asked for (``work_plan_status(stories=True)``).
    stories: StoryInventory | None = None

    @property
    def milestones(self):
        return [state for priority in self.priorities for state in priority.milestones]

    @property
    def overdue(self):
        """Overdue milestones, the longest overdue first (then in the plan's order), as the
        dashboard, the API's status and the reports list them."""
        return sorted((state for state in self.milestones if state.overdue), key=lambda state: state.milestone.due_date)

    @property
    def due_soon(self):
        """Milestones due soon (``DUE_SOON_DAYS``), in the plan's order."""
        return [state for state in self.milestones if state.due_soon]

    @property
    def upcoming(self):
        """The milestones still to come: neither finished nor overdue, the soonest due first
        (then in their priority's order), as the dashboard's "next milestones" lists them."""
        return sorted(
            (state for state in self.milestones if not state.overdue and state.status not in CLOSED_STATUSES),
            key=lambda state: (state.milestone.due_date, state.milestone.order),
        )

    @property
    def shares(self):
        """Each status's count and share of the plan's milestones (``status_shares``)."""
        return status_shares(self.counts)


def status_today() -> datetime.date:
    """The day a status with no date is as of, and is labelled with: the latest date that
    is today somewhere in Canada (``cogwg.dates.latest_today``). Progress updates may be
    dated up to that day (``cogwg.dates.is_future``), so that a milestone's current status
    is its status as of that day: asking for it by date gives the same answer."""
    return dates.latest_today()


def _exact(value):
    """``value`` exact: an int or a ``Fraction`` as it is, a float as it is written (2.45 is
    49/20, not the binary float just above it)."""
    if isinstance(value, float):
        return Fraction(str(value))
    return value if isinstance(value, int | Fraction) else Fraction(value)


def _half_up(value, places: int) -> Decimal:
    """``value`` rounded once to ``places`` decimals as people round, half away from zero
    (32.5 → 33), not Python's half to even (32.5 → 32); from its exact value, whatever its
    type. The one rounding rule of every progress figure and share."""
    exact = _exact(value)
    numerator, denominator = exact.numerator, exact.denominator
    # floor(|n / d| * 10**places + 1/2), in integers.
    rounded = (2 * abs(numerator) * 10**places + denominator) // (2 * denominator)
    return Decimal(rounded if numerator >= 0 else -rounded).scaleb(-places)


def _mean(values) -> Fraction | None:
    """The exact mean of the values that are not None: never rounded here, so that a
    plan's mean of its priorities' means is rounded once, where it is shown."""
    values = [_exact(value) for value in values if value is not None]
    return Fraction(sum(values), len(values)) if values else None


def whole_percent(value) -> int | None:
    """A progress figure as pages, reports and files show it: a whole percent, half up."""
    return None if value is None else int(_half_up(value, 0))


def tenth_percent(value) -> float | None:
    """A progress figure as the API gives it: a percent to one decimal, half up, of the
    exact value (2.45 → 2.5)."""
    return None if value is None else float(_half_up(value, 1))


def overdue_cutoff(on: datetime.date) -> datetime.date:
    """The day before which a milestone still open on ``on`` is overdue: ``on``, but never
    later than the earliest date that is today in Canada (``cogwg.dates.earliest_today``).
    A status as of today is as of the latest such date (``status_today``), but a milestone
    due today in Vancouver is not overdue in St. John's: its day is not over everywhere
    (``cogwg.dates.is_over``, the reporting periods' deadlines' rule)."""
    return min(on, dates.earliest_today())


def is_overdue(*, due_date: datetime.date, status: str, on: datetime.date) -> bool:
    """Whether a milestone due on ``due_date``, in ``status`` on the date ``on``, is overdue
    then: the module's rule, in Python. ``Milestone.objects.overdue(on=…)`` is the same rule
    in SQL (tests/workplan/test_one_rule.py holds them equal). ``on`` is always given: a
    default of today would answer "as of today" for a state of another date."""
    return due_date < overdue_cutoff(on) and status not in CLOSED_STATUSES


def closed_as_of(*, milestone: Milestone, on: datetime.date) -> bool:
    """Whether ``milestone`` stood completed or cancelled on ``on`` by its log: its latest
    published update reported on or before then, automatic overdue marks aside, says so.
    An automatic overdue mark dated ``on`` says the opposite: the marking job does not
    mark such a milestone, and a mark the log no longer bears out is withdrawn
    (``services.overdue_marks_withdraw_stale``)."""
    latest = milestone.updates.as_of(on).exclude(overdue_mark=True).values_list("status", flat=True).first()
    return latest in CLOSED_STATUSES


def _worst(statuses):
    present = set(statuses)
    for status in STATUS_SEVERITY:
        if status in present:
            return status
    return MilestoneStatus.CANCELLED if MilestoneStatus.CANCELLED in present else MilestoneStatus.NOT_STARTED


# In the order of the choices. (MilestoneStatus.values builds this list at every read.)
STATUSES = tuple(MilestoneStatus.values)


def _counts(statuses):
    counted = Counter(statuses)
    return {status: counted.get(status, 0) for status in STATUSES}


class StatusShare(NamedTuple):
    status: MilestoneStatus
    count: int
    share: int


def status_shares(counts) -> list[StatusShare]:
    """(status, count, share of all) in the order of the status list, for the pages' stacked
    bar and its table: the share a whole percent of the exact fraction, rounded once, half up
    (``whole_percent``; 0 when there are no milestones)."""
    total = sum(counts.values())
    return [
        StatusShare(
            MilestoneStatus(status),
            counts.get(status, 0),
            whole_percent(Fraction(100 * counts.get(status, 0), total)) if total else 0,
        )
        for status in STATUSES
    ]


def rollup(statuses_and_progress) -> Rollup:
    """Progress and status of a group from its members' (status, progress) pairs."""
    pairs = list(statuses_and_progress)
    active = [(status, progress) for status, progress in pairs if status != MilestoneStatus.CANCELLED]
    return Rollup(
        progress=_mean(progress for _, progress in active),
        status=_worst(status for status, _ in pairs),
        counts=_counts(status for status, _ in pairs),
    )


# What ``milestones_as_of`` reads from a milestone's latest published update, in one
# subquery (a JSON object) rather than one subquery a column.
LATEST_NOTE = ("note_en", "note_fr", "reported_on")
LATEST_STATE = ("status", "progress")


def milestones_as_of(
    *, as_of: datetime.date | None = None, queryset: QuerySet | None = None, notes: bool = True
) -> QuerySet:
    """Milestones annotated with ``status_as_of`` and ``progress_as_of`` (their current
    values) or, with ``as_of``, with ``latest_as_of``: their latest published update on or
    before that date; and unless ``notes=False``, with that update's note and date. Read
    them with ``milestone_state()``.

    The latest update's fields come in one correlated subquery, as a JSON object: one index
    lookup a milestone, and one subquery to compile, however many fields are read."""
    queryset = Milestone.objects.all() if queryset is None else queryset
    latest = ProgressUpdate.objects.approved().filter(milestone=OuterRef("pk")).latest_first()
    if as_of is not None:
        latest = latest.filter(reported_on__lte=as_of)
    fields = (LATEST_NOTE if notes else ()) + (LATEST_STATE if as_of is not None else ())
    annotations = {}
    if fields:
        latest_fields = JSONObject(**{name: name for name in fields})
        annotations["latest_as_of"] = Subquery(latest.values_list(latest_fields)[:1], output_field=JSONField())
    if as_of is None:
        annotations |= {"status_as_of": F("status"), "progress_as_of": F("progress")}
    return queryset.annotate(**annotations)


def milestone_state(milestone: Milestone, *, on: datetime.date) -> MilestoneState:
    """The state of a milestone annotated by ``milestones_as_of`` (with no note when
    annotated with ``notes=False``)."""
    latest = getattr(milestone, "latest_as_of", None) or {}
    if hasattr(milestone, "status_as_of"):
        status, progress = milestone.status_as_of, milestone.progress_as_of
    else:  # as of a date: not started, 0 %, before the first update
        status, progress = latest.get("status", MilestoneStatus.NOT_STARTED.value), latest.get("progress", 0)
    reported_on = latest.get("reported_on")
    is_open = status not in CLOSED_STATUSES
    return MilestoneState(
        milestone=milestone,
        status=status,
        progress=progress,
        overdue=is_overdue(due_date=milestone.due_date, status=status, on=on),
        # Counted in days between the dates: ``on`` plus the window overflows late in year 9999.
        due_soon=is_open and 0 <= (milestone.due_date - on).days <= DUE_SOON_DAYS,
        note_en=latest.get("note_en") or "",
        note_fr=latest.get("note_fr") or "",
        reported_on=datetime.date.fromisoformat(reported_on) if reported_on else None,
    )


def _priority_statuses(priorities, milestones, *, on):
    by_priority = {}
    for milestone in milestones:
        by_priority.setdefault(milestone.priority_id, []).append(milestone_state(milestone, on=on))
    result = []
    for priority in priorities:
        states = by_priority.get(priority.pk, [])
        summary = rollup((state.status, state.progress) for state in states)
        result.append(PriorityStatus(priority, summary.progress, summary.status, summary.counts, states))
    return result


def work_plan_status(
    *,
    work_plan: WorkPlan,
    as_of: datetime.date | None = None,
    seats: bool = True,
    notes: bool = True,
    stories: bool = False,
) -> PlanStatus:
    """The plan's progress and status, and each priority's, as of a date (default: now, as
    of ``status_today()``).
    Three queries whatever the plan's size. A page that does not show them may leave out
    the priorities' seats (``seats=False``: ``priority.seats`` is then not loaded, a query
    fewer) or the milestones' latest notes (``notes=False``); the numbers are the same.
    With ``stories=True`` it also counts the user stories received and published since
    the plan began and in all (``stories.selectors.story_inventory``: a query more)."""
    on = as_of or status_today()
    # The plan is known: its priorities get it as their work_plan without joining it again.
    priorities = work_plan.priorities.with_seats() if seats else work_plan.priorities.all()
    priorities = list(priorities.select_related(None).order_by("number"))
    milestones = milestones_as_of(
        as_of=as_of,
        queryset=Milestone.objects.filter(priority__work_plan=work_plan).in_priority_order(),
        notes=notes,
    )
    priority_statuses = _priority_statuses(priorities, milestones, on=on)
    plan = rollup(
        (p.status, p.progress) for p in priority_statuses if p.milestones and p.status != MilestoneStatus.CANCELLED
    )
    return PlanStatus(
        work_plan=work_plan,
        as_of=on,
        progress=plan.progress,
        status=plan.status,
        counts=_counts(state.status for p in priority_statuses for state in p.milestones),
        priorities=priority_statuses,
        stories=story_inventory(work_plan=work_plan, as_of=on) if stories else None,
    )


def priority_rollup(*, priority: Priority) -> Rollup:
    """A priority's current progress, status and counts: ``priority_status``'s numbers with
    no date, from its milestones' current status and progress, read with it where they were
    prefetched (``Priority.objects.for_listing()``: no query then)."""
    return rollup((milestone.status, milestone.progress) for milestone in priority.milestones.all())


def priority_status(*, priority: Priority, as_of: datetime.date | None = None) -> PriorityStatus:
    """One priority's progress, status and milestones as of a date (default: now, as of
    ``status_today()``)."""
    on = as_of or status_today()
    milestones = milestones_as_of(as_of=as_of, queryset=Milestone.objects.filter(priority=priority).in_priority_order())
    return _priority_statuses([priority], milestones, on=on)[0]


def current_work_plan() -> WorkPlan | None:
    """The plan the public sees first: the latest active one, else the latest published."""
    published = WorkPlan.objects.published().order_by("-start_date")
    return published.filter(status=WorkPlanStatus.ACTIVE).first() or published.first()
