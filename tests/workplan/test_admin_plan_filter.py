"""The work plan filters of the admin's lists (priorities, seats, milestones, progress
updates, status reports) offer the plans under way and the last one closed, not every plan of every
year; an older plan chosen through the address still filters and shows as chosen."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cogwg.models import StatusReport
from cogwg.permissions import CONTRIBUTOR, roles_sync
from tests.factories import (
    AssignmentFactory,
    JurisdictionFactory,
    MilestoneFactory,
    PriorityFactory,
    ProgressUpdateFactory,
    StatusReportFactory,
    WorkPlanFactory,
)
from tests.permissions.conftest import make_user
from tests.test_admin import admin_url
from workplan.choices import WorkPlanStatus
from workplan.models import Assignment, Milestone, Priority, ProgressUpdate

pytestmark = pytest.mark.django_db

# Each list, and the path of its plan filter.
LISTS = {
    Priority: "work_plan",
    Assignment: "priority__work_plan",
    Milestone: "priority__work_plan",
    ProgressUpdate: "milestone__priority__work_plan",
    StatusReport: "work_plan",
}


def plan(year, status=WorkPlanStatus.CLOSED):
    return WorkPlanFactory(
        slug=str(year),
        title_en=f"Work plan {year}",
        start_date=datetime.date(year, 1, 1),
        end_date=datetime.date(year, 12, 31),
        status=status,
    )


def with_rows(work_plan, jurisdiction):
    """A priority of ``work_plan`` with a seat, a milestone and a published update, and a
    status report of the plan."""
    priority = PriorityFactory(work_plan=work_plan, number=1)
    AssignmentFactory(priority=priority, jurisdiction=jurisdiction)
    milestone = MilestoneFactory(priority=priority, due_date=work_plan.end_date)
    ProgressUpdateFactory(milestone=milestone, jurisdiction=jurisdiction, reported_on=work_plan.start_date)
    StatusReportFactory(work_plan=work_plan, as_of=work_plan.end_date)
    return work_plan


@pytest.fixture
def plans(db):
    """Twenty-five closed plans (2000 to 2024), the active 2025 plan and the 2026 draft,
    each with a priority, a seat, a milestone and an update."""
    ontario = JurisdictionFactory(code="ON")
    closed = [with_rows(plan(year), ontario) for year in range(2000, 2025)]
    active = with_rows(plan(2025, WorkPlanStatus.ACTIVE), ontario)
    draft = with_rows(plan(2026, WorkPlanStatus.DRAFT), ontario)
    return closed, active, draft


def plan_filter(response, path):
    (spec,) = [spec for spec in response.context["cl"].filter_specs if spec.field_path == path]
    return spec


def offered(response, path):
    return [label for _pk, label in plan_filter(response, path).lookup_choices]


def chosen(response, path):
    return [
        choice["display"]
        for choice in plan_filter(response, path).choices(response.context["cl"])
        if choice["selected"]
    ]


@pytest.mark.parametrize("model", LISTS)
def test_the_plan_filter_offers_the_plans_under_way_and_the_last_closed(staff_client, plans, model):
    response = staff_client.get(admin_url(model, "changelist"))

    assert offered(response, LISTS[model]) == ["Work plan 2026", "Work plan 2025", "Work plan 2024"]
    assert chosen(response, LISTS[model]) == ["All"]


@pytest.mark.parametrize("model", LISTS)
def test_an_older_plan_chosen_through_the_address_filters_and_shows_as_chosen(staff_client, plans, model):
    closed, _active, _draft = plans
    old = closed[3]  # 2003

    response = staff_client.get(admin_url(model, "changelist"), {f"{LISTS[model]}__id__exact": old.pk})

    assert response.status_code == 200
    assert offered(response, LISTS[model]) == ["Work plan 2026", "Work plan 2025", "Work plan 2024", "Work plan 2003"]
    assert chosen(response, LISTS[model]) == ["Work plan 2003"]
    (row,) = response.context["cl"].result_list
    assert plan_of(row) == old


def plan_of(row):
    if isinstance(row, Priority | StatusReport):
        return row.work_plan
    if isinstance(row, ProgressUpdate):
        return row.milestone.priority.work_plan
    return row.priority.work_plan


def test_a_contributor_is_not_offered_a_draft_plan(client, plans):
    roles_sync()
    client.force_login(make_user("alice", CONTRIBUTOR, jurisdictions=[Assignment.objects.first().jurisdiction]))

    response = client.get(admin_url(ProgressUpdate, "changelist"))

    assert offered(response, LISTS[ProgressUpdate]) == ["Work plan 2025", "Work plan 2024"]


def test_the_plan_filter_reads_its_plans_in_one_query_whatever_their_number(staff_client, plans):
    url = admin_url(Milestone, "changelist")
    staff_client.get(url)
    with CaptureQueriesContext(connection) as few:
        staff_client.get(url)
    for year in range(1950, 1990):
        with_rows(plan(year), JurisdictionFactory(code=f"X{year}"))

    with CaptureQueriesContext(connection) as many:
        response = staff_client.get(url)

    assert len(many) == len(few)
    assert offered(response, "priority__work_plan") == ["Work plan 2026", "Work plan 2025", "Work plan 2024"]


def test_with_a_single_plan_under_way_and_none_closed_there_is_nothing_to_filter(staff_client):
    with_rows(plan(2020, WorkPlanStatus.ACTIVE), JurisdictionFactory(code="ON"))

    response = staff_client.get(admin_url(Milestone, "changelist"))

    assert "priority__work_plan" not in [spec.field_path for spec in response.context["cl"].filter_specs]


@pytest.mark.parametrize("value", ["²", "٣", "99999999999999999999", "-1", "abc"])
@pytest.mark.parametrize("model", [Priority, Milestone])
def test_a_plan_or_priority_that_is_no_id_is_never_a_500(staff_client, plans, model, value):
    """A digit that is no ASCII digit ("²"), or a number past the database's integers."""
    path = LISTS[model]
    for parameter in (f"{path}__id__exact", "priority__id__exact", "priority__work_plan__id__exact"):
        response = staff_client.get(admin_url(model, "changelist"), {parameter: value})

        assert response.status_code in (200, 302), (parameter, response.status_code)
