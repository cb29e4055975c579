"""A closed plan is kept as it was closed: its milestones take no new progress update, and
none of their updates is published or withdrawn, through the services, the admin and the
API alike, each saying why in the reader's language; its status stays the one it closed
with. An update is dated within its plan, or at most 180 days after it ends (as a status
report may be: ``cogwg.models.REPORT_DAYS_AFTER_PLAN_END``), and the nightly overdue
marking keeps to the same dates. What the reviewer saw on the 2020 demo: an update dated
28 November 2026 published on the closed 2020 plan moved its progress from 14.6 to 17.6."""

import datetime
from types import SimpleNamespace

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from cogwg.reports.services import milestones_mark_overdue
from tests.factories import MilestoneFactory, PriorityFactory, WorkPlanFactory
from tests.test_admin import action_messages, admin_url, form_data
from workplan.choices import MilestoneStatus, WorkPlanStatus
from workplan.models import Milestone, ProgressUpdate, WorkPlan
from workplan.selectors import work_plan_status
from workplan.services import (
    milestone_post_update,
    progress_update_publish,
    progress_update_unpublish,
    work_plan_rollover,
    work_plan_save,
)

pytestmark = pytest.mark.django_db

NBSP = "\u00a0"
CLOSED = {
    "en": (
        "The work plan “COGWG 2020 work plan” is closed: its milestones take no new progress update, and their "
        "updates can no longer be published or withdrawn."
    ),
    "fr": (
        f"Le plan de travail «{NBSP}Plan de travail 2020 du GTGOC{NBSP}» est fermé{NBSP}: ses jalons ne reçoivent "
        "plus de nouvelle mise à jour des progrès, et leurs mises à jour ne peuvent plus être publiées ni retirées "
        "de la publication."
    ),
}


@pytest.fixture(autouse=True)
def english_afterwards():
    yield
    translation.activate("en")


def plan_2020():
    plan = WorkPlanFactory(
        slug="2020",
        title_en="COGWG 2020 work plan",
        title_fr="Plan de travail 2020 du GTGOC",
        start_date=datetime.date(2020, 1, 1),
        end_date=datetime.date(2020, 12, 31),
        summary_en="The 2020 plan.",
        summary_fr="Le plan 2020.",
    )
    priority = PriorityFactory(work_plan=plan, number=1)
    milestone = MilestoneFactory(priority=priority, due_date=datetime.date(2020, 6, 30), description_en="Release")
    later = MilestoneFactory(priority=priority, due_date=datetime.date(2020, 11, 30), description_en="Later")
    return plan, milestone, later


@pytest.fixture
def closed(db):
    """The 2020 plan, with a published update and a draft, closed by making the 2021 copy active."""
    plan, milestone, later = plan_2020()
    published = milestone_post_update(
        milestone=milestone,
        reported_on=datetime.date(2020, 5, 1),
        status=MilestoneStatus.ON_TRACK,
        progress=40,
        note_en="Going",
        note_fr="En cours",
    )
    draft = milestone_post_update(
        milestone=milestone,
        reported_on=datetime.date(2020, 6, 1),
        status=MilestoneStatus.ON_TRACK,
        progress=70,
        note_en="Nearly",
        note_fr="Presque",
        publish=False,
    )
    new_plan = work_plan_rollover(work_plan=plan)
    new_plan.summary_en, new_plan.summary_fr = "The 2021 plan.", "Le plan 2021."
    new_plan.status = WorkPlanStatus.ACTIVE
    work_plan_save(work_plan=new_plan)
    plan.refresh_from_db()
    assert plan.status == WorkPlanStatus.CLOSED
    return SimpleNamespace(
        plan=plan,
        new_plan=new_plan,
        milestone=milestone,
        later=later,
        published=published,
        draft=draft,
        status=work_plan_status(work_plan=plan),
        updates=log(plan),
    )


def log(plan):
    updates = ProgressUpdate.objects.filter(milestone__priority__work_plan=plan)
    return sorted(updates.values_list("pk", "publication_state", "reported_on", "status", "progress"))


def assert_untouched(closed):
    """The closed plan's log and status as it was closed."""
    assert log(closed.plan) == closed.updates
    assert work_plan_status(work_plan=WorkPlan.objects.get(pk=closed.plan.pk)) == closed.status
    milestone = Milestone.objects.get(pk=closed.milestone.pk)
    assert (milestone.status, milestone.progress) == (MilestoneStatus.ON_TRACK, 40)


# Posting


def test_a_closed_plans_milestone_takes_no_update(closed):
    with pytest.raises(ValidationError) as error:
        milestone_post_update(
            milestone=closed.milestone,
            reported_on=datetime.date(2020, 12, 1),
            status=MilestoneStatus.COMPLETED,
            progress=100,
        )

    assert error.value.message_dict == {"milestone": [CLOSED["en"]]}
    assert_untouched(closed)


@pytest.mark.parametrize("language", ["en", "fr"])
def test_the_api_answers_400_with_why(closed, staff_api, language):
    response = staff_api.post(
        f"/api/v1/progress-updates/?lang={language}",
        {"milestone": closed.milestone.pk, "reported_on": "2026-11-28", "status": "completed", "progress": 100},
        format="json",
    )

    assert response.status_code == 400
    assert response.json()["milestone"] == [CLOSED[language]]
    assert_untouched(closed)


@pytest.mark.parametrize("language", ["en", "fr"])
def test_the_admin_add_form_says_why_next_to_the_milestone(closed, staff_client, language):
    url = admin_url(ProgressUpdate, "add").replace("/en/", f"/{language}/")
    data = {
        "milestone": closed.milestone.pk,
        "reported_on": "2020-12-01",
        "status": MilestoneStatus.COMPLETED,
        "progress": "100",
        "note_en": "Done",
        "note_fr": "Fait",
        "publish": "on",
    }

    response = staff_client.post(url, data)

    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {"milestone": [CLOSED[language]]}
    assert_untouched(closed)


@pytest.mark.parametrize("language", ["en", "fr"])
def test_a_closed_plans_milestone_page_offers_no_update_and_says_why(closed, staff_client, language):
    url = admin_url(Milestone, "change", closed.milestone.pk).replace("/en/", f"/{language}/")

    response = staff_client.get(url)

    assert response.context["closed_plan_notice"] == CLOSED[language]
    assert [inline.formset.prefix for inline in response.context["inline_admin_formsets"]] == ["updates"]
    # The active plan's milestone still offers it.
    copy = Milestone.objects.get(priority__work_plan=closed.new_plan, description_en="Release")
    page = staff_client.get(admin_url(Milestone, "change", copy.pk))
    assert "closed_plan_notice" not in page.context
    assert len(page.context["inline_admin_formsets"]) == 2
    # The milestone itself is still saved from its page.
    saved = staff_client.post(url, form_data(response) | {"description_fr": "Diffuser"})
    assert saved.status_code == 302
    assert Milestone.objects.get(pk=closed.milestone.pk).description_fr == "Diffuser"
    assert_untouched(closed)


# Publishing and withdrawing


def test_a_draft_of_a_closed_plan_is_not_published(closed):
    with pytest.raises(ValidationError) as error:
        progress_update_publish(update=closed.draft)

    assert error.value.messages == [CLOSED["en"]]
    assert_untouched(closed)


def test_a_published_update_of_a_closed_plan_is_not_withdrawn(closed):
    with pytest.raises(ValidationError) as error:
        progress_update_unpublish(update=closed.published)

    assert error.value.messages == [CLOSED["en"]]
    assert_untouched(closed)


@pytest.mark.parametrize("action", ["publish", "withdraw"])
def test_the_api_publish_and_withdraw_answer_400_with_why(closed, staff_api, action):
    update = closed.draft if action == "publish" else closed.published

    response = staff_api.post(f"/api/v1/progress-updates/{update.pk}/{action}/?lang=fr")

    assert response.status_code == 400
    assert response.json() == {"non_field_errors": [CLOSED["fr"]]}
    assert_untouched(closed)


def test_the_admin_publish_action_names_the_closed_plan(closed, staff_client):
    response = staff_client.post(
        reverse("admin:workplan_progressupdate_changelist"),
        {"action": "publish_selected", "_selected_action": [closed.draft.pk]},
        follow=True,
    )

    assert action_messages(response) == [f"“{closed.draft}” cannot be published: {CLOSED['en']}"]
    assert_untouched(closed)


def test_the_admin_withdraw_action_withdraws_none_when_one_is_refused(closed, staff_client):
    copy = Milestone.objects.get(priority__work_plan=closed.new_plan, description_en="Release")
    other = milestone_post_update(
        milestone=copy, reported_on=datetime.date(2021, 3, 1), status=MilestoneStatus.ON_TRACK, progress=10
    )

    response = staff_client.post(
        reverse("admin:workplan_progressupdate_changelist"),
        {"action": "unpublish_selected", "_selected_action": [closed.published.pk, other.pk]},
        follow=True,
    )

    assert action_messages(response) == [f"“{closed.published}” cannot be withdrawn: {CLOSED['en']}"]
    assert ProgressUpdate.objects.get(pk=other.pk).is_published
    assert_untouched(closed)


def test_a_closed_plans_update_page_says_why(closed, staff_client):
    response = staff_client.get(admin_url(ProgressUpdate, "change", closed.published.pk).replace("/en/", "/fr/"))

    assert response.context["locked_notice"] == CLOSED["fr"]


# Dates after the plan ends

AFTER_END = "An update cannot be dated more than 180 days after its work plan ends, on Dec. 31, 2020."


def test_an_update_is_dated_at_most_180_days_after_its_plan_ends(db):
    _plan, milestone, _later = plan_2020()

    with pytest.raises(ValidationError) as error:
        milestone_post_update(
            milestone=milestone, reported_on=datetime.date(2021, 6, 30), status=MilestoneStatus.DELAYED, progress=50
        )
    last = milestone_post_update(
        milestone=milestone, reported_on=datetime.date(2021, 6, 29), status=MilestoneStatus.DELAYED, progress=50
    )

    assert error.value.message_dict == {"reported_on": [AFTER_END]}
    assert list(ProgressUpdate.objects.all()) == [last]


def test_the_api_refuses_an_update_dated_years_after_its_plan_in_french(db, staff_api):
    _plan, milestone, _later = plan_2020()

    response = staff_api.post(
        "/api/v1/progress-updates/?lang=fr",
        {"milestone": milestone.pk, "reported_on": "2026-11-28", "status": "completed", "progress": 100},
        format="json",
    )

    assert response.status_code == 400
    assert response.json() == {
        "reported_on": [
            "Une mise à jour ne peut pas être datée de plus de 180 jours après la fin de son plan de travail, le "
            "31 décembre 2020."
        ]
    }
    assert not ProgressUpdate.objects.exists()


def test_a_draft_dated_too_late_is_not_published(db):
    _plan, milestone, _later = plan_2020()
    draft = milestone_post_update(
        milestone=milestone, reported_on=datetime.date(2021, 6, 1), status=MilestoneStatus.ON_TRACK, progress=50
    )
    ProgressUpdate.objects.filter(pk=draft.pk).update(
        reported_on=datetime.date(2026, 11, 28), publication_state="draft", published_at=None
    )

    with pytest.raises(ValidationError) as error:
        progress_update_publish(update=draft)

    assert error.value.message_dict == {"reported_on": [AFTER_END]}


# The nightly overdue marking


def test_the_overdue_marking_keeps_to_the_days_an_update_may_be_dated(db):
    plan_2020()

    # Still active, 180 days after it ended: marked, dated then.
    assert milestones_mark_overdue(on=datetime.date(2021, 6, 29)) == 2
    ProgressUpdate.objects.all().delete()
    Milestone.objects.update(status=MilestoneStatus.NOT_STARTED)
    # A day later, nothing: no update is dated that late (no error either).
    assert milestones_mark_overdue(on=datetime.date(2021, 6, 30)) == 0
    assert not ProgressUpdate.objects.exists()
