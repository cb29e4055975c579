"""A meeting's next steps in the API come as the meeting lists them: each step followed by
its sub-points, each level in its own order (the 2020 deck: "In-person meeting to:" then
its three points), in JSON and in CSV alike."""

import pytest
from rest_framework.test import APIClient

from cogwg.demo.loader import load_cogwg_2020
from cogwg.models import NextStep
from tests.factories import MeetingFactory, NextStepFactory

pytestmark = pytest.mark.django_db


def test_each_step_is_followed_by_its_sub_points():
    meeting = MeetingFactory()
    second = NextStepFactory(meeting=meeting, text_en="Second", order=2)
    first = NextStepFactory(meeting=meeting, text_en="First", order=1)
    second_b = NextStepFactory(meeting=meeting, parent=second, text_en="Second, b", order=2)
    second_a = NextStepFactory(meeting=meeting, parent=second, text_en="Second, a", order=1)
    deeper = NextStepFactory(meeting=meeting, parent=second_a, text_en="Second, a, i", order=1)

    answer = APIClient().get(f"/api/v1/meetings/{meeting.pk}/").json()

    assert [step["id"] for step in answer["next_steps"]] == [first.pk, second.pk, second_a.pk, deeper.pk, second_b.pk]


def test_the_decks_next_steps_come_in_its_order():
    load_cogwg_2020()
    meeting = NextStep.objects.get(text_en="In-person meeting to:").meeting

    steps = APIClient().get(f"/api/v1/meetings/{meeting.pk}/").json()["next_steps"]

    texts = [step["text"] for step in steps]
    start = texts.index("In-person meeting to:")
    assert [step["parent"] for step in steps[start + 1 : start + 4]] == [steps[start]["id"]] * 3
    assert texts[start + 1].startswith("Discuss lessons learned")
