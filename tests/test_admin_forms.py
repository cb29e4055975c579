"""The secretariat's forms and tables refuse what the database would: a clear form error
in the page's language, never a 500, and nothing half-saved; and what is valid as a whole
(two priorities swapping numbers) is saved even where a row-by-row save would not be."""

import datetime

import pytest
from django.utils import translation

from tests.factories import AssignmentFactory, JurisdictionFactory, MilestoneFactory, PriorityFactory, WorkPlanFactory
from tests.test_admin import admin_url, form_data, post_inline
from workplan.choices import MilestoneStatus, SeatRole
from workplan.models import Assignment, Milestone, Priority, ProgressUpdate, WorkPlan
from workplan.services import milestone_post_update


@pytest.fixture(autouse=True)
def english_afterwards():
    yield
    translation.activate("en")


def rows(data, prefix):
    """The row indexes of the inline ``prefix`` in posted ``data``, by the row's id."""
    return {data[key]: key.split("-")[1] for key in data if key.startswith(f"{prefix}-") and key.endswith("-id")}


# Priorities renumbered in the plan's table


@pytest.fixture
def plan():
    plan = WorkPlanFactory(slug="2020")
    for number in (1, 2, 3):
        PriorityFactory(work_plan=plan, number=number, slug=f"p{number}", title_en=f"Priority {number}")
    return plan


def test_two_priorities_swap_numbers_in_the_plans_table(staff_client, plan):
    url = admin_url(WorkPlan, "change", plan.pk)
    data = form_data(staff_client.get(url))
    first, second = Priority.objects.get(number=1), Priority.objects.get(number=2)
    index = rows(data, "priorities")
    data[f"priorities-{index[str(first.pk)]}-number"] = "2"
    data[f"priorities-{index[str(second.pk)]}-number"] = "1"

    response = staff_client.post(url, data)

    assert response.status_code == 302
    assert dict(Priority.objects.values_list("title_en", "number")) == {
        "Priority 1": 2,
        "Priority 2": 1,
        "Priority 3": 3,
    }
    # The history shows each renumbering from its stored value.
    assert [version.number for version in first.history.order_by("history_date")] == [1, 2]


def test_three_priorities_turn_round_in_the_plans_table(staff_client, plan):
    url = admin_url(WorkPlan, "change", plan.pk)
    data = form_data(staff_client.get(url))
    index = rows(data, "priorities")
    for priority in Priority.objects.all():
        data[f"priorities-{index[str(priority.pk)]}-number"] = str(priority.number % 3 + 1)

    response = staff_client.post(url, data)

    assert response.status_code == 302
    assert dict(Priority.objects.values_list("title_en", "number")) == {
        "Priority 1": 2,
        "Priority 2": 3,
        "Priority 3": 1,
    }


@pytest.mark.parametrize("language", ["en", "fr"])
def test_two_priorities_given_one_number_is_a_form_error(staff_client, plan, language):
    url = admin_url(WorkPlan, "change", plan.pk).replace("/en/", f"/{language}/")
    data = form_data(staff_client.get(url))
    index = rows(data, "priorities")
    data[f"priorities-{index[str(Priority.objects.get(number=3).pk)]}-number"] = "1"

    response = staff_client.post(url, data)

    assert response.status_code == 200
    message = {"en": "Please correct the duplicate data for number", "fr": "Corrigez les données en double"}
    assert message[language] in response.content.decode()
    assert sorted(Priority.objects.values_list("number", flat=True)) == [1, 2, 3]


# Seats in the priority's table


@pytest.fixture
def priority():
    priority = PriorityFactory(work_plan=WorkPlanFactory(slug="2020"), number=1)
    AssignmentFactory(priority=priority, role=SeatRole.LEAD, jurisdiction=JurisdictionFactory(code="ON"))
    AssignmentFactory(priority=priority, role=SeatRole.PARTNER, jurisdiction=JurisdictionFactory(code="BC"))
    return priority


def add_seat(data, *, role, jurisdiction):
    index = int(data["seats-TOTAL_FORMS"])
    data |= {
        f"seats-{index}-role": role,
        f"seats-{index}-jurisdiction": str(jurisdiction.pk),
        f"seats-{index}-confirmed": "on",
        f"seats-{index}-order": "0",
        f"seats-{index}-priority": str(data.get("seats-0-priority", "")),
        "seats-TOTAL_FORMS": str(index + 1),
    }


@pytest.mark.parametrize(
    ("language", "message"),
    [
        ("en", "Two “Partner” seats go to Nova Scotia: a jurisdiction holds one seat of each role."),
        (
            "fr",
            "Deux sièges «\u00a0Partenaire\u00a0» vont à Nouvelle-Écosse\u00a0: une administration occupe un seul",
        ),
    ],
)
def test_two_new_seats_of_one_role_for_one_jurisdiction_are_a_form_error(staff_client, priority, language, message):
    nova_scotia = JurisdictionFactory(code="NS", name_en="Nova Scotia", name_fr="Nouvelle-Écosse")
    url = admin_url(Priority, "change", priority.pk).replace("/en/", f"/{language}/")
    data = form_data(staff_client.get(url))
    add_seat(data, role=SeatRole.PARTNER, jurisdiction=nova_scotia)
    add_seat(data, role=SeatRole.PARTNER, jurisdiction=nova_scotia)

    response = staff_client.post(url, data)

    assert response.status_code == 200
    assert message in response.content.decode()
    assert Assignment.objects.filter(priority=priority).count() == 2


def test_a_new_seat_for_a_jurisdiction_that_holds_that_role_is_a_form_error(staff_client, priority):
    url = admin_url(Priority, "change", priority.pk)
    data = form_data(staff_client.get(url))
    add_seat(data, role=SeatRole.LEAD, jurisdiction=Assignment.objects.get(role=SeatRole.LEAD).jurisdiction)

    response = staff_client.post(url, data)

    assert response.status_code == 200
    assert "Two “Lead” seats go to" in response.content.decode()
    assert Assignment.objects.filter(priority=priority).count() == 2


def test_two_lead_seats_trade_jurisdictions_in_the_priority_table(staff_client, priority):
    """Each row keeps its order and confirmation; only who holds it changes."""
    second_lead = AssignmentFactory(
        priority=priority, role=SeatRole.LEAD, jurisdiction=JurisdictionFactory(code="NS"), confirmed=False, order=2
    )
    first_lead = Assignment.objects.get(role=SeatRole.LEAD, jurisdiction__code="ON")
    url = admin_url(Priority, "change", priority.pk)
    data = form_data(staff_client.get(url))
    index = rows(data, "seats")
    data[f"seats-{index[str(first_lead.pk)]}-jurisdiction"] = str(second_lead.jurisdiction_id)
    data[f"seats-{index[str(second_lead.pk)]}-jurisdiction"] = str(first_lead.jurisdiction_id)

    response = staff_client.post(url, data)

    assert response.status_code == 302
    assert set(Assignment.objects.filter(role=SeatRole.LEAD).values_list("pk", "jurisdiction__code")) == {
        (first_lead.pk, "NS"),
        (second_lead.pk, "ON"),
    }


def test_open_seats_of_one_role_may_repeat(staff_client, priority):
    url = admin_url(Priority, "change", priority.pk)
    data = form_data(staff_client.get(url))
    for _ in range(2):
        index = int(data["seats-TOTAL_FORMS"])
        data |= {f"seats-{index}-role": SeatRole.PARTNER, f"seats-{index}-order": "0"}
        data["seats-TOTAL_FORMS"] = str(index + 1)

    response = staff_client.post(url, data)

    assert response.status_code == 302
    assert Assignment.objects.filter(priority=priority, jurisdiction=None).count() == 2


# Progress on a cancelled milestone


@pytest.mark.parametrize(
    ("language", "message"),
    [
        ("en", "This milestone was cancelled on June 1, 2020: an update must be dated before then."),
        ("fr", "Ce jalon a été annulé le 1er juin 2020\u00a0: une mise à jour doit être datée d'avant."),
    ],
)
def test_an_update_on_a_cancelled_milestone_is_a_form_error(staff_client, language, message):
    milestone = MilestoneFactory(description_fr="Jalon")
    milestone_post_update(milestone=milestone, reported_on=datetime.date(2020, 6, 1), status="cancelled", progress=40)
    url = admin_url(Milestone, "change", milestone.pk).replace("/en/", f"/{language}/")
    page = staff_client.get(url)
    prefix = post_inline(page).prefix
    data = form_data(page) | {
        f"{prefix}-0-reported_on": "2020-07-01",
        f"{prefix}-0-status": MilestoneStatus.ON_TRACK,
        f"{prefix}-0-progress": "50",
    }

    response = staff_client.post(url, data)

    assert response.status_code == 200
    (errors,) = post_inline(response).errors
    assert errors["reported_on"][0].startswith(message)
    assert ProgressUpdate.objects.count() == 1
    milestone.refresh_from_db()
    assert (milestone.status, milestone.progress) == (MilestoneStatus.CANCELLED, 40)
