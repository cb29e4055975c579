"""Rules on a progress update that every path shares: a progress is a whole number, not
a boolean; an update is dated within its plan (not before it starts, not in the future);
a note is at most 5 000 characters, refused by the API, the admin form and the service."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from tests import factories
from workplan.choices import MilestoneStatus
from workplan.models import ProgressUpdate
from workplan.services import milestone_post_update, progress_update_validate

pytestmark = pytest.mark.django_db

PLAN_START = datetime.date(2020, 1, 1)  # the factories' plan


@pytest.fixture
def milestone():
    return factories.MilestoneFactory()


def messages(error):
    return error.value.message_dict


@pytest.mark.parametrize("progress", [True, False])
def test_a_boolean_progress_is_refused(milestone, progress):
    with pytest.raises(ValidationError) as error:
        progress_update_validate(
            milestone=milestone, reported_on=PLAN_START, status=MilestoneStatus.ON_TRACK, progress=progress
        )

    assert messages(error) == {"progress": ["Progress must be a whole number between 0 and 100."]}


def test_an_update_dated_before_its_plan_starts_is_refused(milestone):
    with pytest.raises(ValidationError) as error:
        milestone_post_update(
            milestone=milestone, reported_on=datetime.date(1, 1, 1), status=MilestoneStatus.ON_TRACK, progress=10
        )

    assert messages(error) == {
        "reported_on": ["An update cannot be dated before its work plan starts, on Jan. 1, 2020."]
    }
    assert not ProgressUpdate.objects.exists()


def test_an_update_dated_on_the_plans_first_day_is_taken(milestone):
    update = milestone_post_update(milestone=milestone, reported_on=PLAN_START, status="on_track", progress=10)

    assert update.reported_on == PLAN_START


def test_the_api_refuses_an_update_dated_before_the_plan(staff_api, milestone):
    response = staff_api.post(
        "/api/v1/progress-updates/",
        {"milestone": milestone.pk, "reported_on": "0001-01-01", "status": "on_track", "progress": 10},
        format="json",
    )

    assert response.status_code == 400
    assert response.json() == {
        "reported_on": ["An update cannot be dated before its work plan starts, on Jan. 1, 2020."]
    }
    assert not ProgressUpdate.objects.exists()


def test_the_api_refuses_an_over_long_note(staff_api, milestone):
    response = staff_api.post(
        "/api/v1/progress-updates/",
        {
            "milestone": milestone.pk,
            "reported_on": "2020-05-01",
            "status": "on_track",
            "progress": 10,
            "note_en": "x" * 5001,
        },
        format="json",
    )

    assert response.status_code == 400
    assert list(response.json()) == ["note_en"]
    assert not ProgressUpdate.objects.exists()


def test_the_service_refuses_an_over_long_note(milestone):
    with pytest.raises(ValidationError) as error:
        milestone_post_update(
            milestone=milestone, reported_on=PLAN_START, status="on_track", progress=10, note_fr="x" * 5001
        )

    assert "note_fr" in messages(error)
    assert not ProgressUpdate.objects.exists()


def test_a_note_of_5000_characters_is_taken(milestone):
    update = milestone_post_update(
        milestone=milestone,
        reported_on=PLAN_START,
        status="on_track",
        progress=10,
        note_en="x" * 5000,
        note_fr="x" * 5000,
    )

    assert len(update.note_en) == 5000


def test_the_admin_form_refuses_an_over_long_note(staff_client, milestone):
    response = staff_client.post(
        reverse("admin:workplan_progressupdate_add"),
        {
            "milestone": milestone.pk,
            "reported_on": "2020-05-01",
            "status": "on_track",
            "progress": 10,
            "note_en": "x" * 5001,
            "note_fr": "",
        },
    )

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["note_en"] == [
        "Ensure this value has at most 5000 characters (it has 5001)."
    ]
    assert not ProgressUpdate.objects.exists()


def test_the_notes_limit_is_told_in_the_help_text():
    assert "5,000 characters" in str(ProgressUpdate._meta.get_field("note_en").help_text)
