"""A challenge is resolved on or after the day it was first reported, at its meeting too
(``Challenge.clean``): a meeting is not moved past the day a challenge first reported at it
was resolved, by its change form, a revert of its History or the API. The refusal names
the challenges, in the page's language, and nothing is written."""

import datetime

import pytest
from django.utils import translation

from cogwg.models import Meeting
from jurisdictions.choices import ChallengeStatus
from tests.factories import ChallengeFactory, MeetingFactory
from tests.test_admin import admin_url, form_data

pytestmark = pytest.mark.django_db

MEETING_DAY = datetime.date(2020, 2, 20)


@pytest.fixture(autouse=True)
def english_afterwards():
    yield
    translation.activate("en")


@pytest.fixture
def meeting():
    return MeetingFactory(date=MEETING_DAY, title_en="February meeting", title_fr="Réunion de février")


def resolved(meeting, on, **kwargs):
    return ChallengeFactory(
        first_reported_at=meeting,
        first_reported_on=MEETING_DAY,
        status=ChallengeStatus.RESOLVED,
        resolved_on=on,
        **kwargs,
    )


def moved(client, meeting, day, language="en"):
    """The meeting's change form posted with ``day``, in ``language``."""
    with translation.override(language):
        url = admin_url(Meeting, "change", meeting.pk)
    return client.post(url, form_data(client.get(url)) | {"date": day.isoformat()})


def unchanged(meeting):
    stored = Meeting.objects.get(pk=meeting.pk)
    return stored.date == MEETING_DAY and stored.history.count() == 1


# The change form


@pytest.mark.parametrize(
    ("language", "message"),
    [
        (
            "en",
            "A challenge first reported at this meeting was resolved before March 15, 2020: “Staffing” (resolved on "
            "March 1, 2020). Change its “resolved on” date first, or choose another date.",
        ),
        (
            "fr",
            "Un défi signalé pour la première fois à cette réunion a été résolu avant le 15 mars 2020\u00a0: "
            "«\u00a0Personnel\u00a0» (résolu le 1er mars 2020). Modifiez d'abord sa date «\u00a0résolu le\u00a0» ou "
            "choisissez une autre date.",
        ),
    ],
)
def test_a_meeting_is_not_moved_past_the_day_a_challenge_reported_at_it_was_resolved(
    staff_client, meeting, language, message
):
    resolved(meeting, datetime.date(2020, 3, 1), title_en="Staffing", title_fr="Personnel")

    response = moved(staff_client, meeting, datetime.date(2020, 3, 15), language)

    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {"date": [message]}
    assert unchanged(meeting)


def test_every_challenge_resolved_before_the_new_day_is_named(staff_client, meeting):
    resolved(meeting, datetime.date(2020, 3, 10), title_en="Metadata")
    resolved(meeting, datetime.date(2020, 3, 1), title_en="Staffing")
    resolved(meeting, datetime.date(2020, 4, 1), title_en="Later")

    response = moved(staff_client, meeting, datetime.date(2020, 3, 15))

    assert response.context["adminform"].form.errors == {
        "date": [
            "2 challenges first reported at this meeting were resolved before March 15, 2020: “Staffing” (resolved "
            "on March 1, 2020) and “Metadata” (resolved on March 10, 2020). Change their “resolved on” dates first, "
            "or choose another date."
        ]
    }
    assert unchanged(meeting)


@pytest.mark.parametrize("day", [datetime.date(2020, 3, 1), datetime.date(2020, 1, 15)])
def test_a_meeting_moved_up_to_the_day_its_challenges_were_resolved_is_saved(staff_client, meeting, day):
    resolved(meeting, datetime.date(2020, 3, 1))

    response = moved(staff_client, meeting, day)

    assert response.status_code == 302
    assert Meeting.objects.get(pk=meeting.pk).date == day


def test_open_challenges_and_those_of_other_meetings_do_not_hold_a_meeting(staff_client, meeting):
    ChallengeFactory(first_reported_at=meeting, first_reported_on=MEETING_DAY, status=ChallengeStatus.OPEN)
    resolved(MeetingFactory(date=datetime.date(2020, 1, 10)), datetime.date(2020, 3, 1))

    response = moved(staff_client, meeting, datetime.date(2020, 6, 1))

    assert response.status_code == 302
    assert Meeting.objects.get(pk=meeting.pk).date == datetime.date(2020, 6, 1)


def test_a_meeting_is_not_reverted_past_the_day_a_challenge_reported_at_it_was_resolved(staff_client, meeting):
    meeting.date = datetime.date(2020, 6, 15)
    meeting.save()
    june = meeting.history.first()
    meeting.date = MEETING_DAY
    meeting.save()
    resolved(meeting, datetime.date(2020, 3, 1), title_en="Staffing")
    url = admin_url(Meeting, "simple_history", meeting.pk, june.history_id)

    response = staff_client.post(url, form_data(staff_client.get(url)))

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["date"] == [
        "A challenge first reported at this meeting was resolved before June 15, 2020: “Staffing” (resolved on "
        "March 1, 2020). Change its “resolved on” date first, or choose another date."
    ]
    stored = Meeting.objects.get(pk=meeting.pk)
    assert (stored.date, stored.history.count()) == (MEETING_DAY, 3)


# The API


@pytest.mark.parametrize(
    ("method", "query", "message"),
    [
        (
            "patch",
            "",
            "A challenge first reported at this meeting was resolved before March 15, 2020: “Staffing” (resolved on "
            "March 1, 2020). Change its “resolved on” date first, or choose another date.",
        ),
        (
            "put",
            "?lang=fr",
            "Un défi signalé pour la première fois à cette réunion a été résolu avant le 15 mars 2020\u00a0: "
            "«\u00a0Personnel\u00a0» (résolu le 1er mars 2020). Modifiez d'abord sa date «\u00a0résolu le\u00a0» ou "
            "choisissez une autre date.",
        ),
    ],
)
def test_the_api_refuses_the_move_with_a_400_naming_the_challenge(staff_api, meeting, method, query, message):
    resolved(meeting, datetime.date(2020, 3, 1), title_en="Staffing", title_fr="Personnel")
    body = {"date": "2020-03-15"}
    if method == "put":
        body |= {"kind": meeting.kind, "title_en": meeting.title_en, "title_fr": meeting.title_fr}

    response = getattr(staff_api, method)(f"/api/v1/meetings/{meeting.pk}/{query}", body, format="json")

    assert response.status_code == 400
    assert response.json() == {"date": [message]}
    assert unchanged(meeting)


def test_the_api_moves_a_meeting_whose_challenges_hold(staff_api, meeting):
    resolved(meeting, datetime.date(2020, 3, 1))

    response = staff_api.patch(f"/api/v1/meetings/{meeting.pk}/", {"date": "2020-03-01"}, format="json")

    assert response.status_code == 200
    assert Meeting.objects.get(pk=meeting.pk).date == datetime.date(2020, 3, 1)
