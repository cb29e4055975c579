"""The admin's markup as assistive technologies read it, where no browser is needed: every
field of a tabular inline's rows is labelled, and every id an aria-describedby names is on
the page (cogwg/templates/admin/)."""

import re
from html.parser import HTMLParser

import pytest
from django.test import override_settings
from django.urls import reverse

from tests.factories import (
    AssignmentFactory,
    ContributorFactory,
    MeetingFactory,
    NextStepFactory,
    PriorityFactory,
    UserFactory,
    WorkPlanFactory,
)
from tests.security.conftest import PASSWORD, wrong_token

pytestmark = pytest.mark.django_db


class Controls(HTMLParser):
    """The page's form controls, its labels' targets and its ids."""

    def __init__(self):
        super().__init__()
        self.controls, self.labelled, self.ids = [], set(), set()

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if attrs.get("id"):
            self.ids.add(attrs["id"])
        if tag == "label" and attrs.get("for"):
            self.labelled.add(attrs["for"])
        if tag in ("input", "select", "textarea") and attrs.get("type") != "hidden":
            self.controls.append(attrs)


def controls(response):
    assert response.status_code == 200
    parser = Controls()
    parser.feed(response.content.decode())
    return parser


def assert_rows_labelled(response, prefix):
    page = controls(response)
    rows = [c for c in page.controls if re.fullmatch(rf"id_{prefix}-\d+-.+", c.get("id", ""))]
    assert rows, f"no row of {prefix}"
    unlabelled = [c["id"] for c in rows if c["id"] not in page.labelled and not c.get("aria-labelledby")]
    assert unlabelled == []
    missing = [
        (c.get("id"), ref)
        for c in page.controls
        for ref in c.get("aria-describedby", "").split()
        if ref not in page.ids
    ]
    assert missing == []


@pytest.mark.parametrize("language", ["en", "fr"])
def test_a_meetings_next_steps_are_labelled(staff_client, language):
    meeting = MeetingFactory()
    NextStepFactory(meeting=meeting)
    response = staff_client.get(f"/{language}/admin/cogwg/meeting/{meeting.pk}/change/")
    assert_rows_labelled(response, "next_steps")


def test_a_plans_priorities_are_labelled(staff_client):
    plan = WorkPlanFactory()
    PriorityFactory(work_plan=plan)
    response = staff_client.get(reverse("admin:workplan_workplan_change", args=[plan.pk]))
    assert_rows_labelled(response, "priorities")


def test_a_prioritys_seats_are_labelled_and_their_help_found(staff_client):
    priority = PriorityFactory()
    AssignmentFactory(priority=priority)
    response = staff_client.get(reverse("admin:workplan_priority_change", args=[priority.pk]))
    assert_rows_labelled(response, "seats")
    assert 'id="id_seats-0-organization_en_helptext"' in response.content.decode()


def test_a_users_contributions_are_labelled(staff_client):
    user = UserFactory()
    ContributorFactory(user=user)
    response = staff_client.get(reverse("admin:auth_user_change", args=[user.pk]))
    assert_rows_labelled(response, "contributions")


@override_settings(COGWG_REQUIRE_STAFF_OTP=True)
@pytest.mark.parametrize(("language", "title"), [("en", "Error: Log in"), ("fr", "Erreur\u00a0: Connexion")])
def test_a_wrong_code_is_the_code_fields_error_and_takes_the_focus(client, staff, otp_device, language, title):
    staff.set_password(PASSWORD)
    staff.save()
    data = {"username": staff.username, "password": PASSWORD, "otp_token": wrong_token(otp_device)}

    response = client.post(f"/{language}/admin/login/", data)

    page = response.content.decode()
    assert "_auth_user_id" not in client.session
    assert re.search(r"<title>([^<|]*)", page).group(1).strip() == title
    token = re.search(r"<input[^>]*name=\"otp_token\"[^>]*>", page).group(0)
    for attribute in (
        'aria-invalid="true"',
        'aria-describedby="id_otp_token_error"',
        "required",
        "autofocus",
        'autocomplete="one-time-code"',
        'inputmode="numeric"',
    ):
        assert attribute in token
    username = re.search(r"<input[^>]*name=\"username\"[^>]*>", page).group(0)
    assert "autofocus" not in username
    assert 'id="id_otp_token_error"' in page
    assert "<label>&nbsp;</label>" not in page


@override_settings(COGWG_REQUIRE_STAFF_OTP=True)
def test_a_wrong_password_leaves_the_focus_on_the_username(client, staff, otp_device):
    response = client.post("/en/admin/login/", {"username": staff.username, "password": "wrong", "otp_token": "1"})

    page = response.content.decode()
    assert "autofocus" in re.search(r"<input[^>]*name=\"username\"[^>]*>", page).group(0)
    assert "autofocus" not in re.search(r"<input[^>]*name=\"otp_token\"[^>]*>", page).group(0)
