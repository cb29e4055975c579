"""A next step is due on or after its meeting's day (``NextStep.clean``). The API's next
steps are read-only, so a meeting moved past a stored step's due date is refused with a
400 on ``date`` naming the steps, in the reader's language, and nothing is written; the
admin's change form moves the meeting and its steps' dates in one save instead."""

import datetime

import pytest

from cogwg.models import Meeting
from tests.factories import MeetingFactory, NextStepFactory

pytestmark = pytest.mark.django_db

DAY = datetime.date(2020, 2, 20)


@pytest.fixture
def meeting():
    meeting = MeetingFactory(date=DAY, title_en="February meeting", title_fr="Réunion de février")
    NextStepFactory(meeting=meeting, text_en="Share the inventory", text_fr="Partager l'inventaire", due=DAY)
    NextStepFactory(
        meeting=meeting, text_en="Draft the guide", text_fr="Rédiger le guide", due=datetime.date(2020, 3, 31)
    )
    return meeting


def unchanged(meeting):
    stored = Meeting.objects.get(pk=meeting.pk)
    return stored.date == DAY and stored.history.count() == 1


@pytest.mark.parametrize(
    ("query", "day", "message"),
    [
        (
            "",
            "2020-03-01",
            "A next step of this meeting is due before March 1, 2020: “Share the inventory” (due Feb. 20, 2020). "
            "Change its due date first, or choose another date.",
        ),
        (
            "?lang=fr",
            "2020-04-01",
            "2 prochaines étapes de cette réunion sont dues avant le 1er avril 2020\u00a0: «\u00a0Partager "
            "l'inventaire\u00a0» (échéance le 20 février 2020) et «\u00a0Rédiger le guide\u00a0» (échéance le 31 mars "
            "2020). Modifiez d'abord leurs échéances ou choisissez une autre date.",
        ),
    ],
)
def test_a_meeting_is_not_moved_past_its_steps_due_dates(staff_api, meeting, query, day, message):
    response = staff_api.patch(f"/api/v1/meetings/{meeting.pk}/{query}", {"date": day}, format="json")

    assert response.status_code == 400
    assert response.json() == {"date": [message]}
    assert unchanged(meeting)


def test_a_meeting_moved_earlier_or_to_its_first_step_s_day_is_saved(staff_api, meeting):
    for day in ("2020-02-01", "2020-02-20"):
        response = staff_api.patch(f"/api/v1/meetings/{meeting.pk}/", {"date": day}, format="json")

        assert response.status_code == 200, response.json()
        assert Meeting.objects.get(pk=meeting.pk).date.isoformat() == day


def test_other_fields_change_whatever_the_steps(staff_api, meeting):
    NextStep = meeting.next_steps.model
    NextStep.objects.filter(meeting=meeting).update(due=datetime.date(2020, 1, 1))  # stored before the rule

    response = staff_api.patch(f"/api/v1/meetings/{meeting.pk}/", {"title_en": "Winter meeting"}, format="json")

    assert response.status_code == 200
    assert Meeting.objects.get(pk=meeting.pk).title_en == "Winter meeting"
