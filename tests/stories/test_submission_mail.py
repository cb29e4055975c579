"""A story sent through the public form is announced once it is stored: the secretariat
is told that it awaits review (nothing personal of the submitter in that e-mail), and the
submitter gets a receipt with the story's reference, in the language of the form they
used. A story a contributor files in the admin or the API is announced to the secretariat
too; the admin lists when each story arrived."""

import pytest
from django.core import mail
from django.core.cache import cache
from django.test import override_settings

from cogwg.permissions import CONTRIBUTOR, SECRETARIAT, roles_sync
from stories.choices import StoryState
from stories.models import UserStory
from tests.factories import JurisdictionFactory, ThemeFactory, UserStoryFactory
from tests.permissions.conftest import admin_client, api_client, make_user
from tests.test_admin import admin_url

pytestmark = pytest.mark.django_db

DESK = "desk@example.org"


def valid_story(**changes):
    data = {
        "title": "Des cliniques plus proches",
        "summary": "Une chercheuse a cartographié les cliniques.",
        "story": "Le récit complet.",
        "user_type": "researcher",
        "impact": "social",
        "jurisdiction": "QC",
        "themes": ["health"],
        "datasets": "",
        "submitter_name": "Camille Tremblay",
        "submitter_email": "camille@example.org",
        "consent": "on",
        "website": "",
    }
    return data | changes


@pytest.fixture(autouse=True)
def references(db):
    JurisdictionFactory(code="QC", name_en="Quebec", name_fr="Québec")
    ThemeFactory(slug="health", name_en="Health", name_fr="Santé")
    cache.clear()  # the form's rate limit
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def secretariat_desk(settings):
    settings.COGWG_SECRETARIAT_EMAILS = [DESK]
    settings.COGWG_SITE_URL = "https://cogwg.example.org"


@pytest.fixture
def alice(db):
    """A contributor for Ontario; the secretariat has a member with an address."""
    roles_sync()
    make_user("sec", SECRETARIAT)
    return make_user("alice", CONTRIBUTOR, jurisdictions=[JurisdictionFactory(code="ON")])


def by_recipient():
    return {tuple(message.to): message for message in mail.outbox}


def test_a_public_submission_tells_the_secretariat_and_the_submitter_once_it_commits(
    client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        response = client.post("/fr/recits-utilisateurs/soumettre/", valid_story())
    assert response.status_code == 302
    assert mail.outbox == []  # nothing before the story is stored for good
    for callback in callbacks:
        callback()

    story = UserStory.objects.get()
    messages = by_recipient()
    assert set(messages) == {(DESK,), ("camille@example.org",)}

    desk = messages[(DESK,)]
    assert desk.subject == "COGWG: user story submitted for review / GTGO\u00a0: à examiner (récit d'utilisateur)"
    assert 'The user story "Des cliniques plus proches" was sent through the public form for review.' in desk.body
    assert f"https://cogwg.example.org/en/admin/stories/userstory/{story.pk}/change/" in desk.body
    assert f"https://cogwg.example.org/fr/admin/stories/userstory/{story.pk}/change/" in desk.body
    assert (
        "Une personne a soumis «\u00a0Des cliniques plus proches\u00a0» (récit d'utilisateur) pour examen "
        "par le formulaire public." in desk.body
    )
    # Who sent it stays in the admin.
    assert "Camille" not in desk.body
    assert "camille@example.org" not in desk.body

    receipt = messages[("camille@example.org",)]
    assert receipt.subject == "GTGO\u00a0: nous avons reçu votre récit d'utilisateur"
    # The reference, not the title its sender chose (tests/security/test_privacy_logs.py).
    assert "Merci de nous avoir envoyé votre récit d'utilisateur." in receipt.body
    assert "Des cliniques plus proches" not in receipt.body
    assert f"Sa référence est #{story.pk}\u00a0:" in receipt.body
    assert "Thank" not in receipt.body and "story" not in receipt.body  # French only
    assert story.submitter_language == "fr"


def test_the_receipt_is_in_english_for_the_english_form(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/en/user-stories/submit/", valid_story(title="Closer clinics", summary="A map of clinics."))

    story = UserStory.objects.get()
    receipt = by_recipient()[("camille@example.org",)]
    assert receipt.subject == "COGWG: we have received your user story"
    assert "Thank you for sending us your user story." in receipt.body
    assert "Closer clinics" not in receipt.body
    assert f"Its reference is #{story.pk}: please quote it if you write to us about it." in receipt.body
    assert "«" not in receipt.body
    assert story.submitter_language == "en"


def test_a_robot_or_a_refused_form_sends_nothing(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/en/user-stories/submit/", valid_story(website="http://spam.example"))
        client.post("/en/user-stories/submit/", valid_story(submitter_email="not an address"))

    assert UserStory.objects.count() == 0
    assert mail.outbox == []


def test_a_story_a_contributor_files_in_the_admin_is_announced_to_the_secretariat(
    alice, client, django_capture_on_commit_callbacks
):
    admin_client(client, alice)
    data = {
        "title_en": "Ontario transit",
        "title_fr": "",
        "slug": "ontario-transit",
        "summary_en": "Riders used the open schedules.",
        "summary_fr": "",
        "story_en": "",
        "story_fr": "",
        "jurisdiction": str(alice.contributions.get().jurisdiction.pk),
        "user_type": "individual",
        "impact": "social",
        "portal_url": "",
        "_save": "Save",
    }

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(admin_url(UserStory, "add"), data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    story = UserStory.objects.get(slug="ontario-transit")
    assert story.state == StoryState.SUBMITTED
    (message,) = mail.outbox
    assert message.to == [DESK, "sec@example.org"]
    assert 'The user story "Ontario transit" was submitted for review by alice.' in message.body
    assert "Review it, then publish or reject it, in the tracker's administration:" in message.body


def test_a_story_a_contributor_files_through_the_api_is_announced_to_the_secretariat(
    alice, django_capture_on_commit_callbacks
):
    story = {"slug": "ours", "title_en": "Ours", "summary_en": "How", "jurisdiction": "ON"}

    with django_capture_on_commit_callbacks(execute=True):
        response = api_client(alice).post(
            "/api/v1/stories/", story | {"user_type": "media", "impact": "social"}, format="json"
        )

    assert response.status_code == 201
    (message,) = mail.outbox
    assert 'The user story "Ours" was submitted for review by alice.' in message.body


def test_a_story_the_secretariat_adds_itself_is_not_announced(staff_api, django_capture_on_commit_callbacks):
    story = {"slug": "ours", "title_en": "Ours", "summary_en": "How", "user_type": "media", "impact": "social"}

    with django_capture_on_commit_callbacks(execute=True):
        response = staff_api.post("/api/v1/stories/", story, format="json")

    assert response.status_code == 201
    assert mail.outbox == []


def test_the_admin_lists_when_each_story_arrived_and_sorts_on_it(staff_client):
    older = UserStoryFactory(title_en="Older", state=StoryState.SUBMITTED, published_on=None)
    newer = UserStoryFactory(title_en="Newer", state=StoryState.SUBMITTED, published_on=None)
    UserStory.objects.filter(pk=older.pk).update(created_at=newer.created_at.replace(year=2019))
    changelist = admin_url(UserStory, "changelist")
    created_column = staff_client.get(changelist).context["cl"].list_display.index("created_at")

    oldest_first = staff_client.get(changelist, {"o": str(created_column), "state__exact": "submitted"})

    assert "column-created_at" in staff_client.get(changelist).content.decode()
    assert list(oldest_first.context["cl"].result_list) == [older, newer]


@override_settings(COGWG_SECRETARIAT_EMAILS=[])
def test_nobody_to_tell_at_the_secretariat_still_sends_the_receipt(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/en/user-stories/submit/", valid_story())

    assert [message.to for message in mail.outbox] == [["camille@example.org"]]
