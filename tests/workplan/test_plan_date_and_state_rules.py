"""Dates and states that make sense: a milestone is due within its plan, an
accomplishment is not dated in the future (the same message in the admin and the API, in
the page's language); a plan stays active until the next one is activated, and a plan
whose record is public cannot go back to draft."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone, translation

from cogwg.choices import ReportingPeriodStatus, StatusReportState
from jurisdictions.models import Accomplishment
from tests.factories import (
    AccomplishmentFactory,
    JurisdictionFactory,
    MilestoneFactory,
    PriorityFactory,
    ReportingPeriodFactory,
    StatusReportFactory,
    WorkPlanFactory,
)
from tests.test_admin import admin_url, form_data
from workplan.choices import WorkPlanStatus
from workplan.models import Milestone, WorkPlan
from workplan.services import work_plan_rollover

pytestmark = pytest.mark.django_db

YEAR_2021 = {"start_date": datetime.date(2021, 1, 1), "end_date": datetime.date(2021, 12, 31)}
OUTSIDE_EN = "A milestone is due within its work plan, from Jan. 1, 2021 to Dec. 31, 2021."
OUTSIDE_FR = "Un jalon est dû pendant son plan de travail, du 1er janvier 2021 au 31 décembre 2021."


@pytest.fixture(autouse=True)
def english_afterwards():
    yield
    translation.activate("en")


@pytest.fixture
def priority():
    return PriorityFactory(work_plan=WorkPlanFactory(slug="2021", **YEAR_2021))


# A milestone's due date


@pytest.mark.parametrize("due", [datetime.date(1999, 3, 31), datetime.date(2035, 3, 31), datetime.date(2020, 12, 31)])
def test_a_milestone_due_outside_its_plan_is_refused(priority, due):
    milestone = MilestoneFactory.build(priority=priority, due_date=due)

    with pytest.raises(ValidationError) as raised:
        milestone.full_clean()

    assert raised.value.message_dict == {"due_date": [OUTSIDE_EN]}


@pytest.mark.parametrize("due", [datetime.date(2021, 1, 1), datetime.date(2021, 12, 31)])
def test_a_milestone_due_on_its_plans_first_or_last_day_is_valid(priority, due):
    MilestoneFactory.build(priority=priority, due_date=due).full_clean()


@pytest.mark.parametrize(("language", "message"), [("en", OUTSIDE_EN), ("fr", OUTSIDE_FR)])
def test_the_api_refuses_a_milestone_due_outside_its_plan(staff_api, priority, language, message):
    response = staff_api.post(
        f"/api/v1/milestones/?lang={language}",
        {"priority": priority.pk, "due_date": "2035-03-31", "description_en": "Far away", "kind": "deliverable"},
        format="json",
    )

    assert response.status_code == 400
    assert response.json() == {"due_date": [message]}
    assert not Milestone.objects.exists()


def test_the_admin_refuses_a_milestone_due_outside_its_plan_in_french(staff_client, priority):
    milestone = MilestoneFactory(priority=priority, due_date=datetime.date(2021, 3, 31))
    url = admin_url(Milestone, "change", milestone.pk).replace("/en/", "/fr/")

    response = staff_client.post(url, form_data(staff_client.get(url)) | {"due_date": "1999-03-31"})

    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {"due_date": [OUTSIDE_FR]}
    milestone.refresh_from_db()
    assert milestone.due_date == datetime.date(2021, 3, 31)


def test_a_plan_cannot_be_shortened_past_its_milestones(priority):
    MilestoneFactory(priority=priority, due_date=datetime.date(2021, 12, 31))
    plan = priority.work_plan
    plan.end_date = datetime.date(2021, 6, 30)

    with pytest.raises(ValidationError, match="milestones would be due outside these dates"):
        plan.full_clean()


# An accomplishment's date


def test_an_accomplishment_dated_in_the_future_is_refused():
    accomplishment = AccomplishmentFactory.build(
        jurisdiction=JurisdictionFactory(), date=timezone.localdate() + datetime.timedelta(days=1)
    )

    with pytest.raises(ValidationError) as raised:
        accomplishment.full_clean()

    assert raised.value.message_dict == {"date": ["An accomplishment cannot be dated in the future."]}


def test_an_accomplishment_dated_today_is_valid():
    AccomplishmentFactory.build(jurisdiction=JurisdictionFactory(), date=timezone.localdate()).full_clean()


@pytest.mark.parametrize(
    ("language", "message"),
    [
        ("en", "An accomplishment cannot be dated in the future."),
        ("fr", "Une réalisation ne peut pas être datée dans le futur."),
    ],
)
def test_the_api_refuses_an_accomplishment_dated_in_the_future(staff_api, language, message):
    JurisdictionFactory(code="BC")

    response = staff_api.post(
        f"/api/v1/accomplishments/?lang={language}",
        {"jurisdiction": "BC", "title_en": "Portal", "category": "portal", "date": "2030-03-01"},
        format="json",
    )

    assert response.status_code == 400
    assert response.json() == {"date": [message]}
    assert not Accomplishment.objects.exists()


def test_the_admin_refuses_an_accomplishment_dated_in_the_future_in_french(staff_client):
    accomplishment = AccomplishmentFactory(date=datetime.date(2020, 2, 1))
    url = admin_url(Accomplishment, "change", accomplishment.pk).replace("/en/", "/fr/")

    response = staff_client.post(url, form_data(staff_client.get(url)) | {"date": "2030-03-01"})

    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {
        "date": ["Une réalisation ne peut pas être datée dans le futur."]
    }
    accomplishment.refresh_from_db()
    assert accomplishment.date == datetime.date(2020, 2, 1)


# Roll-over and activation


@pytest.fixture
def plan_2020():
    plan = WorkPlanFactory(slug="2020", title_en="COGWG 2020 work plan", status=WorkPlanStatus.ACTIVE)
    MilestoneFactory(priority=PriorityFactory(work_plan=plan), due_date=datetime.date(2020, 9, 30))
    return plan


def test_the_copy_leaves_the_plan_active(plan_2020):
    new_plan = work_plan_rollover(work_plan=plan_2020)

    plan_2020.refresh_from_db()
    assert (plan_2020.status, new_plan.status) == (WorkPlanStatus.ACTIVE, WorkPlanStatus.DRAFT)


def test_the_admin_action_copies_without_closing(plan_2020, staff_client):
    response = staff_client.post(
        reverse("admin:workplan_workplan_changelist"),
        {"action": "roll_over", "_selected_action": [plan_2020.pk]},
        follow=True,
    )

    assert [str(message) for message in response.context["messages"]] == [
        "COGWG 2020 work plan was copied to COGWG 2021 work plan, a draft. COGWG 2020 work plan stays as it is "
        "until COGWG 2021 work plan is made active, which closes it."
    ]
    plan_2020.refresh_from_db()
    assert plan_2020.status == WorkPlanStatus.ACTIVE


def test_the_actions_name_says_it_no_longer_closes(staff_client, plan_2020):
    url = reverse("admin:workplan_workplan_changelist").replace("/en/", "/fr/")

    response = staff_client.get(url)

    actions = dict(response.context["action_form"].fields["action"].choices)
    assert actions["roll_over"] == "Copier à l'année suivante (en ébauche)"


# The copy has no summary: the secretariat writes the new year's before activating it.
SUMMARY_2021 = {"summary_en": "What we do in 2021.", "summary_fr": "Ce que nous faisons en 2021."}


def test_activating_the_next_plan_in_the_admin_closes_the_previous_one(plan_2020, staff_client):
    new_plan = work_plan_rollover(work_plan=plan_2020)
    url = admin_url(WorkPlan, "change", new_plan.pk)

    response = staff_client.post(
        url, form_data(staff_client.get(url)) | {"status": WorkPlanStatus.ACTIVE} | SUMMARY_2021, follow=True
    )

    plan_2020.refresh_from_db()
    new_plan.refresh_from_db()
    assert (plan_2020.status, new_plan.status) == (WorkPlanStatus.CLOSED, WorkPlanStatus.ACTIVE)
    assert "COGWG 2020 work plan was closed: COGWG 2021 work plan is now the active plan." in [
        str(message) for message in response.context["messages"]
    ]


def test_saving_a_draft_or_an_earlier_plan_closes_nothing(plan_2020, staff_client):
    new_plan = work_plan_rollover(work_plan=plan_2020)
    older = WorkPlanFactory(
        slug="2019",
        status=WorkPlanStatus.DRAFT,
        start_date=datetime.date(2019, 1, 1),
        end_date=datetime.date(2019, 12, 31),
        summary_en="2019",
        summary_fr="2019",
    )
    older_url = admin_url(WorkPlan, "change", older.pk)
    new_url = admin_url(WorkPlan, "change", new_plan.pk)

    staff_client.post(new_url, form_data(staff_client.get(new_url)) | {"title_en": "Next year"})
    response = staff_client.post(older_url, form_data(staff_client.get(older_url)) | {"status": WorkPlanStatus.ACTIVE})

    # An earlier plan does not replace the active one (tests/workplan/test_one_active_plan.py).
    assert response.context["adminform"].form.errors == {
        "status": [
            "Only one work plan is active at a time: “COGWG 2020 work plan” is active, and it starts on Jan. 1, "
            "2020, not before this one. Close it first to make this plan active."
        ]
    }
    assert dict(WorkPlan.objects.values_list("slug", "status")) == {
        "2019": WorkPlanStatus.DRAFT,
        "2020": WorkPlanStatus.ACTIVE,
        "2021": WorkPlanStatus.DRAFT,
    }


def test_activating_the_next_plan_through_the_api_closes_the_previous_one(plan_2020, staff_api):
    new_plan = work_plan_rollover(work_plan=plan_2020)

    response = staff_api.patch(
        f"/api/v1/work-plans/{new_plan.slug}/", {"status": "active"} | SUMMARY_2021, format="json"
    )

    assert response.status_code == 200, response.content
    assert dict(WorkPlan.objects.values_list("slug", "status")) == {
        "2020": WorkPlanStatus.CLOSED,
        "2021": WorkPlanStatus.ACTIVE,
    }


BACK_TO_DRAFT_FR = (
    "Ce plan a des rapports d'étape publiés ou des périodes de rapport closes\u00a0: il ne peut pas redevenir "
    "une ébauche. Fermez-le plutôt."
)


@pytest.mark.parametrize(
    "public_record",
    [
        lambda plan: StatusReportFactory(
            work_plan=plan, state=StatusReportState.PUBLISHED, content={}, frozen_at=timezone.now()
        ),
        lambda plan: ReportingPeriodFactory(
            work_plan=plan,
            status=ReportingPeriodStatus.CLOSED,
            opened_at=timezone.now() - datetime.timedelta(days=30),
            closed_at=timezone.now(),
        ),
    ],
    ids=["published report", "closed period"],
)
def test_a_plan_with_a_public_record_cannot_go_back_to_draft(plan_2020, staff_client, public_record):
    public_record(plan_2020)
    url = admin_url(WorkPlan, "change", plan_2020.pk).replace("/en/", "/fr/")

    response = staff_client.post(url, form_data(staff_client.get(url)) | {"status": WorkPlanStatus.DRAFT})

    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {"status": [BACK_TO_DRAFT_FR]}
    plan_2020.refresh_from_db()
    assert plan_2020.status == WorkPlanStatus.ACTIVE


def test_a_plan_with_a_draft_report_only_may_go_back_to_draft(plan_2020, staff_client):
    StatusReportFactory(work_plan=plan_2020)
    url = admin_url(WorkPlan, "change", plan_2020.pk)

    response = staff_client.post(url, form_data(staff_client.get(url)) | {"status": WorkPlanStatus.DRAFT})

    assert response.status_code == 302
    plan_2020.refresh_from_db()
    assert plan_2020.status == WorkPlanStatus.DRAFT


def test_the_api_refuses_a_public_plan_back_to_draft(plan_2020, staff_api):
    StatusReportFactory(work_plan=plan_2020, state=StatusReportState.PUBLISHED, content={}, frozen_at=timezone.now())

    response = staff_api.patch("/api/v1/work-plans/2020/?lang=fr", {"status": "draft"}, format="json")

    assert response.status_code == 400
    assert response.json() == {"status": [BACK_TO_DRAFT_FR]}
    plan_2020.refresh_from_db()
    assert plan_2020.status == WorkPlanStatus.ACTIVE
