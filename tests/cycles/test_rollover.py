"""Year rollover: a plan copied to the next year with its priorities, seats and
unfinished milestones (same months, starting afresh), without its summary; the old plan
untouched (it stays active until the new one is:
tests/workplan/test_plan_date_and_state_rules.py); refused when the next year's plan exists."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.forms.models import model_to_dict
from django.urls import reverse

from tests.factories import (
    AssignmentFactory,
    JurisdictionFactory,
    MilestoneFactory,
    PriorityFactory,
    StaffFactory,
    WorkPlanFactory,
)
from workplan.choices import MilestoneStatus, SeatRole, WorkPlanStatus
from workplan.models import Assignment, Milestone, Priority, ProgressUpdate, WorkPlan
from workplan.services import milestone_post_update, work_plan_rollover

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan_2020(db):
    plan = WorkPlanFactory(
        slug="2020",
        title_en="COGWG 2020 work plan",
        title_fr="Plan de travail 2020 du GTGOC",
        start_date=datetime.date(2020, 1, 1),
        end_date=datetime.date(2020, 12, 31),
        summary_en="What we do in 2020.",
        summary_fr="Ce que nous faisons en 2020.",
        source_url="https://gccollab.ca/2020",
    )
    inventory = PriorityFactory(work_plan=plan, number=1, title_en="Inventory", title_fr="Inventaire")
    standards = PriorityFactory(work_plan=plan, number=2, title_en="Standards", title_fr="Normes")
    bc = JurisdictionFactory(code="BC")
    AssignmentFactory(priority=inventory, role=SeatRole.LEAD, jurisdiction=bc, organization_en="BC Data")
    AssignmentFactory(priority=inventory, role=SeatRole.PARTNER, jurisdiction=None, confirmed=False)
    AssignmentFactory(priority=standards, role=SeatRole.LEAD, jurisdiction=JurisdictionFactory(code="ON"))
    MilestoneFactory(priority=inventory, due_date=datetime.date(2020, 2, 29), description_en="Leap-day deliverable")
    ongoing = MilestoneFactory(priority=inventory, due_date=datetime.date(2020, 6, 30), description_en="Release")
    done = MilestoneFactory(priority=inventory, due_date=datetime.date(2020, 3, 31), description_en="Done")
    dropped = MilestoneFactory(priority=standards, due_date=datetime.date(2020, 9, 30), description_en="Dropped")
    MilestoneFactory(priority=standards, due_date=datetime.date(2020, 11, 15), description_en="Mid-month")
    milestone_post_update(
        milestone=ongoing, reported_on=datetime.date(2020, 5, 1), status=MilestoneStatus.AT_RISK, progress=40
    )
    milestone_post_update(
        milestone=done, reported_on=datetime.date(2020, 3, 20), status=MilestoneStatus.COMPLETED, progress=100
    )
    milestone_post_update(
        milestone=dropped, reported_on=datetime.date(2020, 7, 1), status=MilestoneStatus.CANCELLED, progress=10
    )
    return plan


def snapshot(plan):
    """Everything about a plan, its priorities, seats, milestones and updates."""
    return {
        "plan": model_to_dict(plan),
        "priorities": [model_to_dict(p) for p in Priority.objects.filter(work_plan=plan).order_by("pk")],
        "seats": [model_to_dict(s) for s in Assignment.objects.filter(priority__work_plan=plan).order_by("pk")],
        "milestones": [model_to_dict(m) for m in Milestone.objects.filter(priority__work_plan=plan).order_by("pk")],
        "updates": [
            model_to_dict(u) for u in ProgressUpdate.objects.filter(milestone__priority__work_plan=plan).order_by("pk")
        ],
    }


def test_the_plan_is_copied_to_the_next_year(plan_2020):
    secretariat = StaffFactory(username="secretariat")

    plan = work_plan_rollover(work_plan=plan_2020, by=secretariat)

    assert (plan.slug, plan.title_en, plan.title_fr) == (
        "2021",
        "COGWG 2021 work plan",
        "Plan de travail 2021 du GTGOC",
    )
    assert (plan.start_date, plan.end_date, plan.status) == (
        datetime.date(2021, 1, 1),
        datetime.date(2021, 12, 31),
        WorkPlanStatus.DRAFT,
    )
    # The old summary speaks of its own year: the secretariat writes the new one's.
    assert (plan.summary_en, plan.summary_fr, plan.source_url) == ("", "", "")
    assert list(plan.priorities.values_list("number", "title_en", "title_fr")) == [
        (1, "Inventory", "Inventaire"),
        (2, "Standards", "Normes"),
    ]
    assert list(
        Assignment.objects.filter(priority__work_plan=plan)
        .order_by("priority__number", "pk")
        .values_list("priority__number", "role", "jurisdiction__code", "organization_en", "confirmed")
    ) == [
        (1, SeatRole.LEAD, "BC", "BC Data", True),
        (1, SeatRole.PARTNER, None, None, False),
        (2, SeatRole.LEAD, "ON", None, True),
    ]
    # Unfinished milestones only, in the same months, starting afresh.
    assert list(
        Milestone.objects.filter(priority__work_plan=plan)
        .order_by("priority__number", "due_date")
        .values_list("priority__number", "description_en", "due_date", "status", "progress", "completed_on")
    ) == [
        (1, "Leap-day deliverable", datetime.date(2021, 2, 28), MilestoneStatus.NOT_STARTED, 0, None),
        (1, "Release", datetime.date(2021, 6, 30), MilestoneStatus.NOT_STARTED, 0, None),
        (2, "Mid-month", datetime.date(2021, 11, 15), MilestoneStatus.NOT_STARTED, 0, None),
    ]
    assert not ProgressUpdate.objects.filter(milestone__priority__work_plan=plan).exists()
    assert plan.history.get().history_user == secretariat


def test_the_old_plan_is_untouched(plan_2020):
    before = snapshot(plan_2020)
    status = plan_2020.status

    work_plan_rollover(work_plan=plan_2020, by=None)

    plan_2020.refresh_from_db()
    assert plan_2020.status == status
    assert snapshot(plan_2020) == before
    assert WorkPlan.objects.count() == 2


def test_a_month_end_stays_a_month_end_into_a_leap_year(db):
    plan = WorkPlanFactory(slug="2023", start_date=datetime.date(2023, 1, 1), end_date=datetime.date(2023, 12, 31))
    MilestoneFactory(priority=PriorityFactory(work_plan=plan), due_date=datetime.date(2023, 2, 28))

    new_plan = work_plan_rollover(work_plan=plan)

    assert list(Milestone.objects.filter(priority__work_plan=new_plan).values_list("due_date", flat=True)) == [
        datetime.date(2024, 2, 29)
    ]


def test_the_copy_is_refused_when_the_next_years_plan_exists(plan_2020):
    WorkPlanFactory(slug="2021")
    before = snapshot(plan_2020)

    with pytest.raises(ValidationError, match='A work plan "2021" already exists'):
        work_plan_rollover(work_plan=plan_2020)

    plan_2020.refresh_from_db()
    assert snapshot(plan_2020) == before
    assert plan_2020.status == WorkPlanStatus.ACTIVE
    assert WorkPlan.objects.count() == 2


def test_a_plan_whose_slug_is_not_a_year_is_refused(db):
    plan = WorkPlanFactory(slug="2020-2022")

    with pytest.raises(ValidationError, match="Only a yearly plan"):
        work_plan_rollover(work_plan=plan)

    assert WorkPlan.objects.count() == 1


def test_the_admin_action_copies_the_plan(plan_2020, staff_client):
    response = staff_client.post(
        reverse("admin:workplan_workplan_changelist"),
        {"action": "roll_over", "_selected_action": [plan_2020.pk]},
        follow=True,
    )

    assert [str(message) for message in response.context["messages"]] == [
        "COGWG 2020 work plan was copied to COGWG 2021 work plan, a draft. COGWG 2020 work plan stays as it is "
        "until COGWG 2021 work plan is made active, which closes it."
    ]
    assert WorkPlan.objects.get(slug="2021").history.get().history_user.username == "secretariat"


def test_the_admin_action_says_why_it_refuses(plan_2020, staff_client):
    WorkPlanFactory(slug="2021")

    response = staff_client.post(
        reverse("admin:workplan_workplan_changelist"),
        {"action": "roll_over", "_selected_action": [plan_2020.pk]},
        follow=True,
    )

    assert [str(message) for message in response.context["messages"]] == [
        'COGWG 2020 work plan: A work plan "2021" already exists: nothing was copied.'
    ]
    plan_2020.refresh_from_db()
    assert plan_2020.status == WorkPlanStatus.ACTIVE


def test_a_plan_over_two_years_moves_each_of_its_years_on_in_its_title(db):
    plan = WorkPlanFactory(
        slug="2020",
        title_en="COGWG 2020-2021 work plan (priorities set in 2016)",
        title_fr="Plan de travail 2020-2021 du GTGOC (priorités fixées en 2016)",
        start_date=datetime.date(2020, 4, 1),
        end_date=datetime.date(2021, 3, 31),
    )

    copied = work_plan_rollover(work_plan=plan)

    # Not "2021-2021": both of the plan's years at once; a year it only names stays.
    assert (copied.title_en, copied.title_fr) == (
        "COGWG 2021-2022 work plan (priorities set in 2016)",
        "Plan de travail 2021-2022 du GTGOC (priorités fixées en 2016)",
    )
    assert (copied.start_date, copied.end_date) == (datetime.date(2021, 4, 1), datetime.date(2022, 3, 31))
