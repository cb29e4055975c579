import datetime
from fractions import Fraction

import pytest
from django.utils import timezone, translation

from cogwg.choices import PublicationState
from cogwg.reports.render.view import percent as report_percent
from cogwg.templatetags.cogwg_tags import percent as page_percent
from cogwg.templatetags.cogwg_tags import width_class
from tests.factories import MilestoneFactory, PriorityFactory, ProgressUpdateFactory, WorkPlanFactory
from workplan import selectors
from workplan.choices import MilestoneStatus as S
from workplan.choices import WorkPlanStatus
from workplan.services import milestone_post_update

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("members", "progress", "status"),
    [
        ([(S.ON_TRACK, 50), (S.NOT_STARTED, 0)], 25.0, S.ON_TRACK),
        ([(S.COMPLETED, 100), (S.NOT_STARTED, 0)], 50.0, S.NOT_STARTED),
        ([(S.COMPLETED, 100), (S.COMPLETED, 100)], 100.0, S.COMPLETED),
        ([(S.DELAYED, 10), (S.AT_RISK, 20), (S.ON_TRACK, 60)], 30.0, S.DELAYED),
        ([(S.AT_RISK, 20), (S.ON_TRACK, 60), (S.COMPLETED, 100)], 60.0, S.AT_RISK),
        ([(S.ON_TRACK, 30), (S.CANCELLED, 0)], 30.0, S.ON_TRACK),
        ([(S.CANCELLED, 0)], None, S.CANCELLED),
        ([], None, S.NOT_STARTED),
        ([(S.ON_TRACK, 33), (S.ON_TRACK, 33), (S.ON_TRACK, 34)], Fraction(100, 3), S.ON_TRACK),
    ],
)
def test_rollup_mean_of_non_cancelled_and_worst_status(members, progress, status):
    result = selectors.rollup(members)

    assert result.progress == progress
    assert result.status == status


def make_plan():
    plan = WorkPlanFactory(slug="2020", status=WorkPlanStatus.ACTIVE)
    first = PriorityFactory(work_plan=plan, number=1)
    second = PriorityFactory(work_plan=plan, number=2)
    milestones = {
        "a": MilestoneFactory(priority=first, due_date=datetime.date(2020, 3, 31)),
        "b": MilestoneFactory(priority=first, due_date=datetime.date(2020, 6, 30)),
        "c": MilestoneFactory(priority=second, due_date=datetime.date(2020, 6, 30)),
        "d": MilestoneFactory(priority=second, due_date=datetime.date(2020, 12, 31)),
    }
    return plan, first, second, milestones


def post(milestone, day, status, progress):
    milestone_post_update(milestone=milestone, reported_on=day, status=status, progress=progress)


def test_plan_status_now_uses_current_milestone_state():
    plan, _first, _second, m = make_plan()
    post(m["a"], datetime.date(2020, 3, 20), S.COMPLETED, 100)
    post(m["b"], datetime.date(2020, 4, 10), S.ON_TRACK, 40)
    post(m["c"], datetime.date(2020, 4, 10), S.AT_RISK, 10)
    post(m["d"], datetime.date(2020, 4, 10), S.CANCELLED, 0)

    status = selectors.work_plan_status(work_plan=plan)

    by_number = {p.priority.number: p for p in status.priorities}
    assert (by_number[1].progress, by_number[1].status) == (70.0, S.ON_TRACK)
    assert (by_number[2].progress, by_number[2].status) == (10.0, S.AT_RISK)
    assert (status.progress, status.status) == (40.0, S.AT_RISK)
    assert status.counts[S.COMPLETED] == 1
    assert status.counts[S.CANCELLED] == 1
    assert sum(status.counts.values()) == 4


def test_as_of_ignores_updates_after_the_date_and_drafts():
    plan, _first, _second, m = make_plan()
    post(m["a"], datetime.date(2020, 3, 1), S.ON_TRACK, 50)
    post(m["a"], datetime.date(2020, 3, 25), S.COMPLETED, 100)
    ProgressUpdateFactory(
        milestone=m["b"],
        reported_on=datetime.date(2020, 3, 1),
        status=S.DELAYED,
        progress=5,
        publication_state=PublicationState.DRAFT,
    )

    before = selectors.work_plan_status(work_plan=plan, as_of=datetime.date(2020, 3, 10))
    after = selectors.work_plan_status(work_plan=plan, as_of=datetime.date(2020, 3, 31))

    first_before = before.priorities[0]
    assert [(s.status, s.progress) for s in first_before.milestones] == [(S.ON_TRACK, 50), (S.NOT_STARTED, 0)]
    assert (first_before.progress, first_before.status) == (25.0, S.ON_TRACK)
    first_after = after.priorities[0]
    assert [(s.status, s.progress) for s in first_after.milestones] == [(S.COMPLETED, 100), (S.NOT_STARTED, 0)]
    assert (first_after.progress, first_after.status) == (50.0, S.NOT_STARTED)


def test_as_of_a_date_before_any_update_is_not_started():
    plan, *_ = make_plan()

    status = selectors.work_plan_status(work_plan=plan, as_of=datetime.date(2019, 12, 31))

    assert status.progress == 0.0
    assert status.status == S.NOT_STARTED
    assert status.counts[S.NOT_STARTED] == 4


def test_overdue_as_of_a_date():
    plan, _first, _second, m = make_plan()
    post(m["c"], datetime.date(2020, 6, 1), S.COMPLETED, 100)

    status = selectors.work_plan_status(work_plan=plan, as_of=datetime.date(2020, 7, 1))

    assert [s.milestone for s in status.overdue] == [m["a"], m["b"]]
    assert [s.milestone for s in status.priorities[0].overdue] == [m["a"], m["b"]]


def test_overdue_milestones_come_longest_overdue_first_then_in_the_plans_order(client):
    plan, _first, second, m = make_plan()
    # Priority 2's milestone is overdue longer than priority 1's June one.
    early = MilestoneFactory(priority=second, due_date=datetime.date(2020, 2, 28))

    status = selectors.work_plan_status(work_plan=plan, as_of=datetime.date(2020, 7, 1))
    answer = client.get("/api/v1/work-plans/2020/status/", {"as_of": "2020-07-01"}).json()

    assert [s.milestone for s in status.overdue] == [early, m["a"], m["b"], m["c"]]
    assert [row["id"] for row in answer["overdue"]] == [early.pk, m["a"].pk, m["b"].pk, m["c"].pk]


def test_latest_note_as_of_a_date_in_both_languages():
    plan, _first, _second, m = make_plan()
    milestone_post_update(
        milestone=m["a"],
        reported_on=datetime.date(2020, 3, 1),
        status=S.ON_TRACK,
        progress=10,
        note_en="Started",
        note_fr="Commencé",
    )
    milestone_post_update(
        milestone=m["a"],
        reported_on=datetime.date(2020, 3, 15),
        status=S.ON_TRACK,
        progress=60,
        note_en="Halfway",
        note_fr="À mi-chemin",
    )

    state = selectors.work_plan_status(work_plan=plan, as_of=datetime.date(2020, 3, 10)).priorities[0].milestones[0]

    assert (state.note_en, state.note_fr, state.reported_on) == ("Started", "Commencé", datetime.date(2020, 3, 1))


@pytest.mark.parametrize(
    ("as_of", "notes"), [(None, True), (datetime.date(2020, 3, 10), True), (datetime.date(2020, 3, 10), False)]
)
def test_the_latest_update_is_read_in_one_subquery(as_of, notes):
    # Status, progress, notes and date of the latest update: one lookup a milestone.
    sql = str(selectors.milestones_as_of(as_of=as_of, notes=notes).query)

    assert sql.count('FROM "workplan_progressupdate"') == 1


def test_as_of_a_date_the_latest_update_s_progress_and_date_keep_their_types():
    plan, _first, _second, m = make_plan()
    post(m["a"], datetime.date(2020, 3, 1), S.AT_RISK, 35)

    state = selectors.work_plan_status(work_plan=plan, as_of=datetime.date(2020, 3, 10)).priorities[0].milestones[0]

    assert (state.status, state.progress) == (S.AT_RISK, 35)
    assert isinstance(state.progress, int)
    assert isinstance(state.reported_on, datetime.date)


def test_current_and_today_agree():
    plan, _first, _second, m = make_plan()
    post(m["b"], datetime.date(2020, 4, 10), S.ON_TRACK, 40)

    now = selectors.work_plan_status(work_plan=plan)
    today = selectors.work_plan_status(work_plan=plan, as_of=timezone.localdate())

    assert (now.progress, now.status, now.counts) == (today.progress, today.status, today.counts)


def test_priority_status_matches_plan_status():
    plan, first, _second, m = make_plan()
    post(m["a"], datetime.date(2020, 3, 1), S.AT_RISK, 30)

    alone = selectors.priority_status(priority=first, as_of=datetime.date(2020, 3, 31))
    in_plan = selectors.work_plan_status(work_plan=plan, as_of=datetime.date(2020, 3, 31)).priorities[0]

    assert (alone.progress, alone.status, alone.counts) == (in_plan.progress, in_plan.status, in_plan.counts)


@pytest.mark.parametrize("size", [1, 20])
def test_plan_status_runs_three_queries_whatever_the_size(django_assert_num_queries, size):
    plan = WorkPlanFactory(slug="2020")
    for number in range(1, size + 1):
        priority = PriorityFactory(work_plan=plan, number=number)
        for _ in range(3):
            ProgressUpdateFactory(milestone=MilestoneFactory(priority=priority))

    with django_assert_num_queries(3):
        status = selectors.work_plan_status(work_plan=plan, as_of=datetime.date(2020, 5, 1))
        [seat for p in status.priorities for seat in p.priority.seats.all()]

    assert len(status.milestones) == 3 * size


def test_current_work_plan_prefers_the_active_one():
    def year(y):
        return {"start_date": datetime.date(y, 1, 1), "end_date": datetime.date(y, 12, 31)}

    WorkPlanFactory(slug="2019", status=WorkPlanStatus.CLOSED, **year(2019))
    active = WorkPlanFactory(slug="2020", status=WorkPlanStatus.ACTIVE, **year(2020))
    WorkPlanFactory(slug="2021", status=WorkPlanStatus.DRAFT, **year(2021))

    assert selectors.current_work_plan() == active


@pytest.mark.parametrize(
    ("values", "mean", "tenth"),
    [
        ([30, 35], Fraction(65, 2), 32.5),
        ([1, 2, 2], Fraction(5, 3), 1.7),
        ([32.25, 32.25], Fraction(129, 4), 32.3),
        ([0.05], Fraction(1, 20), 0.1),
        ([10, 20, 40], Fraction(70, 3), 23.3),
        ([], None, None),
    ],
)
def test_a_mean_is_exact_and_the_api_gives_it_to_a_tenth_half_up(values, mean, tenth):
    assert selectors._mean(values) == mean
    assert selectors.tenth_percent(selectors._mean(values)) == tenth


@pytest.mark.parametrize(("value", "whole"), [(32.5, 33), (37.5, 38), (0.5, 1), (99.4, 99), (100, 100), (None, None)])
def test_a_percent_is_shown_whole_rounded_half_up_on_pages_and_in_reports(value, whole):
    """Python rounds half to even (32.5 → 32, 37.5 → 38): people, and spreadsheets, don't."""
    assert selectors.whole_percent(value) == whole
    with translation.override("en"):
        label = "—" if whole is None else f"{whole}%"
        assert page_percent(value) == report_percent(value) == label
    assert width_class(value) == f"pct-{whole or 0}"
