"""A meeting's next steps stay where the pages, the API and the status reports look for
them: a step is part only of another step of the same meeting, one level deep, and is not
due before its meeting; the admin offers only the meeting's steps as parents. And each
role's admin index is titled by its role."""

import datetime

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.utils import translation

from cogwg.admin import index_title_for
from cogwg.models import Meeting, NextStep
from cogwg.permissions import CONTRIBUTOR, SECRETARIAT, roles_sync
from tests.factories import ContributorFactory, MeetingFactory, NextStepFactory, UserFactory
from tests.test_admin import admin_url, form_data

pytestmark = pytest.mark.django_db

MEETING_DAY = datetime.date(2020, 2, 27)
OTHER_DAY = datetime.date(2020, 4, 2)


@pytest.fixture(autouse=True)
def english_afterwards():
    yield
    translation.activate("en")


@pytest.fixture
def meeting():
    return MeetingFactory(date=MEETING_DAY)


def errors(step):
    with pytest.raises(ValidationError) as raised:
        step.full_clean()
    return raised.value.message_dict


def test_a_step_cannot_be_part_of_itself(meeting):
    step = NextStepFactory(meeting=meeting)
    step.parent = step

    assert errors(step) == {"parent": ["A step cannot be part of itself."]}


def test_a_step_cannot_be_part_of_another_meetings_step(meeting):
    other = NextStepFactory(meeting=MeetingFactory(date=OTHER_DAY))
    step = NextStepFactory.build(meeting=meeting, parent=other)

    assert errors(step) == {"parent": ["A step can be part only of another step of the same meeting."]}


def test_two_steps_cannot_be_part_of_each_other(meeting):
    first = NextStepFactory(meeting=meeting)
    second = NextStepFactory(meeting=meeting, parent=first)
    first.parent = second

    assert errors(first) == {
        "parent": ["This step is itself part of another step: sub-points have no sub-points of their own."]
    }


def test_a_sub_point_has_no_sub_points_of_its_own(meeting):
    top = NextStepFactory(meeting=meeting)
    middle = NextStepFactory(meeting=meeting, parent=top)
    step = NextStepFactory.build(meeting=meeting, parent=middle)

    assert errors(step) == {
        "parent": ["This step is itself part of another step: sub-points have no sub-points of their own."]
    }


def test_a_step_with_sub_points_cannot_become_one(meeting):
    top = NextStepFactory(meeting=meeting)
    other = NextStepFactory(meeting=meeting)
    NextStepFactory(meeting=meeting, parent=other)
    other.parent = top

    assert errors(other) == {"parent": ["This step has sub-points of its own: it cannot be part of another step."]}


def test_a_sub_point_of_a_step_of_its_meeting_is_valid(meeting):
    top = NextStepFactory(meeting=meeting)
    step = NextStepFactory.build(meeting=meeting, parent=top, due=MEETING_DAY)

    step.full_clean()


@pytest.mark.parametrize(
    ("language", "message"),
    [
        ("en", "A next step is due on or after its meeting's day (Feb. 27, 2020)."),
        ("fr", "Une prochaine étape est due le jour de sa réunion ou après (27 février 2020)."),
    ],
)
def test_a_step_due_before_its_meeting_is_refused(meeting, language, message):
    step = NextStepFactory.build(meeting=meeting, due=datetime.date(2020, 2, 26))

    with translation.override(language):
        assert errors(step) == {"due": [message]}


# The admin


def test_the_meeting_table_offers_only_the_meetings_steps_as_parents(staff_client, meeting):
    mine = NextStepFactory(meeting=meeting, text_en="Ours")
    NextStepFactory(meeting=MeetingFactory(date=OTHER_DAY), text_en="Theirs")

    response = staff_client.get(admin_url(Meeting, "change", meeting.pk))

    (inline,) = response.context["inline_admin_formsets"]
    (form,) = inline.formset.forms
    assert [value for value, _label in form.fields["parent"].choices] == [""]
    assert [str(value) for value, _label in inline.formset.empty_form.fields["parent"].choices] == ["", str(mine.pk)]


def test_two_steps_made_part_of_each_other_in_the_meeting_table_is_a_form_error(staff_client, meeting):
    first = NextStepFactory(meeting=meeting, order=1)
    second = NextStepFactory(meeting=meeting, order=2)
    url = admin_url(Meeting, "change", meeting.pk)
    data = form_data(staff_client.get(url))
    rows = {data[key]: key.split("-")[1] for key in data if key.startswith("next_steps-") and key.endswith("-id")}
    data[f"next_steps-{rows[str(first.pk)]}-parent"] = str(second.pk)
    data[f"next_steps-{rows[str(second.pk)]}-parent"] = str(first.pk)

    response = staff_client.post(url, data)

    assert response.status_code == 200
    assert "sub-points have no sub-points of their own" in response.content.decode()
    assert list(NextStep.objects.filter(parent__isnull=False)) == []


def test_a_step_of_another_meeting_is_not_a_choice_on_a_steps_page(staff_client, meeting):
    step = NextStepFactory(meeting=meeting)
    sibling = NextStepFactory(meeting=meeting)
    elsewhere = NextStepFactory(meeting=MeetingFactory(date=OTHER_DAY))
    url = admin_url(NextStep, "change", step.pk)

    response = staff_client.post(url, form_data(staff_client.get(url)) | {"parent": str(elsewhere.pk)})

    assert response.status_code == 200
    assert list(response.context["adminform"].form.fields["parent"].queryset) == [sibling]
    assert "parent" in response.context["adminform"].form.errors
    step.refresh_from_db()
    assert step.parent_id is None


def test_a_step_due_before_its_meeting_is_a_form_error_in_french(staff_client, meeting):
    step = NextStepFactory(meeting=meeting)
    url = admin_url(NextStep, "change", step.pk).replace("/en/", "/fr/")

    response = staff_client.post(url, form_data(staff_client.get(url)) | {"due": "2020-01-31"})

    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {
        "due": ["Une prochaine étape est due le jour de sa réunion ou après (27 février 2020)."]
    }
    step.refresh_from_db()
    assert step.due is None


# The index's title


def test_each_role_has_its_own_index_title(db):
    roles_sync()
    secretariat = UserFactory(username="sec", is_staff=True)
    secretariat.groups.add(Group.objects.get(name=SECRETARIAT))
    contributor = UserFactory(username="alice", is_staff=True)
    contributor.groups.add(Group.objects.get(name=CONTRIBUTOR))
    ContributorFactory(user=contributor)

    with translation.override("fr"):
        assert (str(index_title_for(secretariat)), str(index_title_for(contributor))) == (
            "Secrétariat",
            "Contributeur d'une administration",
        )


def test_the_contributors_index_is_not_titled_secretariat(client, db):
    roles_sync()
    contributor = UserFactory(username="alice", is_staff=True)
    contributor.groups.add(Group.objects.get(name=CONTRIBUTOR))
    ContributorFactory(user=contributor)
    client.force_login(contributor)

    response = client.get("/fr/admin/")

    assert response.status_code == 200
    assert "Secrétariat" not in response.content.decode()
