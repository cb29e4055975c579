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


# Custom form pages sent back with errors: "Error: " first in the title (Django's msgid,
# so French reads Django's "Erreur :"), and the error summary at the top of the content,
# as Django's change form says them (cogwg/templates/admin/cogwg/form_errornote.html).

ERROR_TITLE = {"en": "Error: ", "fr": "Erreur\u00a0: "}
ERRORNOTE = {"en": "Please correct the error below.", "fr": "Corrigez l\u2019erreur ci-dessous."}  # Django's own
from tests.cycles.conftest import cycle  # noqa: E402, F401  (the reporting period's fixture)


def assert_errors_announced(response, language):
    assert response.status_code == 200
    page = response.content.decode().replace("&#x27;", "'")
    title = re.search(r"<title>([^<]*)</title>", page).group(1)
    assert title.startswith(ERROR_TITLE[language]), title
    content = page[page.index('id="content"') :]
    note = re.search(r'<p class="errornote">\s*([^<]*?)\s*</p>', content)
    assert note, "no error summary"
    assert note.start() < content.index("<form"), "the error summary is not first"
    return note.group(1)


@pytest.mark.parametrize("language", ["en", "fr"])
def test_return_for_changes_announces_its_errors_and_describes_the_comment(staff_client, language):
    from cogwg.choices import PublicationState
    from tests.factories import AccomplishmentFactory

    record = AccomplishmentFactory(publication_state=PublicationState.SUBMITTED)
    data = {"action": "return_selected", "_selected_action": [record.pk], "apply": "1", "comment": ""}
    response = staff_client.post(f"/{language}/admin/jurisdictions/accomplishment/", data)
    assert assert_errors_announced(response, language) == ERRORNOTE[language]
    page = controls(response)
    comment = next(c for c in page.controls if c.get("name") == "comment")
    assert comment["aria-describedby"].split() and all(ref in page.ids for ref in comment["aria-describedby"].split())
    assert '<div class="form-row errors">' in response.content.decode()


@pytest.mark.parametrize("language", ["en", "fr"])
def test_reject_stories_announces_its_errors(staff_client, language):
    from stories.choices import StoryState
    from tests.factories import UserStoryFactory

    story = UserStoryFactory(state=StoryState.SUBMITTED)
    data = {"action": "reject_selected", "_selected_action": [story.pk], "apply": "1", "rejection_reason": ""}
    response = staff_client.post(f"/{language}/admin/stories/userstory/", data)
    assert assert_errors_announced(response, language) == ERRORNOTE[language]


@pytest.mark.parametrize("language", ["en", "fr"])
def test_add_from_portal_announces_its_errors(staff_client, language):
    response = staff_client.post(f"/{language}/admin/stories/dataset/add-from-portal/", {"url": ""})
    assert assert_errors_announced(response, language) == ERRORNOTE[language]


@pytest.mark.parametrize("language", ["en", "fr"])
def test_the_audit_announces_a_wrong_filter(staff_client, language):
    response = staff_client.get(f"/{language}/admin/audit/?kind=nonsense")
    assert assert_errors_announced(response, language) == ERRORNOTE[language]


@pytest.mark.parametrize("language", ["en", "fr"])
def test_the_dashboard_announces_a_failed_upload_first(cycle, staff_client, language):  # noqa: F811
    response = staff_client.post(f"/{language}/admin/cogwg/reportingperiod/{cycle.period.pk}/dashboard/", {})
    note = assert_errors_announced(response, language)
    assert note in ("Please correct the errors below.", "Corrigez les erreurs ci-dessous.")


def test_the_dashboard_says_first_that_a_sheet_was_refused(cycle, staff_client):  # noqa: F811
    from django.core.files.uploadedfile import SimpleUploadedFile

    sheet = SimpleUploadedFile("updates.xlsx", b"not a workbook")
    url = f"/en/admin/cogwg/reportingperiod/{cycle.period.pk}/dashboard/"
    response = staff_client.post(url, {"jurisdiction": cycle.on.pk, "sheet": sheet})
    assert response.context["sheet_errors"] or response.context["form"].errors
    assert_errors_announced(response, "en")


def test_a_page_without_errors_has_no_error_title(staff_client):
    response = staff_client.get("/en/admin/audit/")
    assert "Error:" not in re.search(r"<title>([^<]*)</title>", response.content.decode()).group(1)
    assert 'class="errornote"' not in response.content.decode()


@pytest.mark.parametrize("language", ["en", "fr"])
def test_an_accounts_groups_are_a_named_group_and_their_help_found(client, language):
    from django.contrib.auth.models import Group

    from cogwg.permissions import SECRETARIAT, roles_sync

    roles_sync()
    secretariat = UserFactory(username="sec", is_staff=True)
    secretariat.groups.add(Group.objects.get(name=SECRETARIAT))
    client.force_login(secretariat)
    response = client.get(f"/{language}/admin/auth/user/{UserFactory().pk}/change/")
    page = controls(response)
    boxes = [c for c in page.controls if c.get("name") == "groups"]
    assert boxes
    assert all(ref in page.ids for box in boxes for ref in box.get("aria-describedby", "").split())
    group = re.search(r'<div id="id_groups" role="group" aria-label="([^"]+)"', response.content.decode())
    assert group and group.group(1) == {"en": "Groups", "fr": "Groupes"}[language]


@pytest.mark.parametrize("language", ["en", "fr"])
def test_each_language_s_field_says_its_language(staff_client, language):
    """WCAG 3.1.2: the English fields of a French page (and the French ones of an English
    page) say their language, so that they are read in it."""
    priority = PriorityFactory()
    page = controls(staff_client.get(f"/{language}/admin/workplan/priority/{priority.pk}/change/"))
    by_name = {c.get("name"): c for c in page.controls}

    assert by_name["title_en"].get("lang") == "en"
    assert by_name["title_fr"].get("lang") == "fr"
    assert by_name["issue_fr"].get("lang") == "fr"
