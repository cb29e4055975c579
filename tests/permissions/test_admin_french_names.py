"""The French admin in words of its own: a lockout (django-axes' access attempt) is named
in the page's language wherever the admin names it (cogwg/admin_accounts.py), and a
change list's count agrees with the model's name by the page's language's plural rule,
"0 réalisation" in French (cogwg/templates/admin/pagination.html)."""

import datetime
import re

import pytest
from axes.models import AccessAttempt
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import translation

from tests.factories import AccomplishmentFactory, ChallengeFactory, UserStoryFactory
from tests.permissions.conftest import admin_client

ENGLISH = ("Attempted Access", "Attempted", "User Agent", "HTTP Accept", "Meta Data", "Form Data")


def text(html):
    html = re.sub(r"<script.*?</script>|<style.*?</style>", "", html, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).replace("&#x27;", "'").replace("&nbsp;", "\u00a0")


def url(name, *args, language="en"):
    with translation.override(language):
        return reverse(name, args=args)


@pytest.fixture
def sec(world, client):
    return admin_client(client, world.users.secretariat)


@pytest.fixture
def lockout(sec, settings):
    """Alice's lockout, dated once the secretariat is signed in (signing in clears the
    expired ones)."""
    settings.TIME_ZONE = "America/Toronto"
    attempt = AccessAttempt.objects.create(
        username="alice",
        ip_address="203.0.113.5",
        user_agent="Mozilla/5.0",
        http_accept="text/html",
        path_info="/fr/admin/login/",
        get_data="",
        post_data="",
        failures_since_start=5,
    )
    # Stamped when it is written (auto_now_add): dated afterwards.
    AccessAttempt.objects.filter(pk=attempt.pk).update(
        attempt_time=datetime.datetime(2026, 3, 4, 19, 5, tzinfo=datetime.UTC)
    )
    attempt.refresh_from_db()
    return attempt


# A lockout's name


def test_the_french_delete_confirmation_of_a_lockout_has_no_english(sec, lockout):
    page = text(sec.get(url("admin:axes_accessattempt_delete", lockout.pk, language="fr")).content.decode())

    assert "« alice depuis 203.0.113.5, 4 mars 2026 14:05 »" in page
    assert not [english for english in ENGLISH if english in page]


def test_the_french_bulk_delete_confirmation_names_lockouts_in_french(sec, lockout):
    page = sec.post(
        url("admin:axes_accessattempt_changelist", language="fr"),
        {"action": "delete_selected", "_selected_action": [lockout.pk]},
    )

    assert "alice depuis 203.0.113.5, 4 mars 2026 14:05" in text(page.content.decode())
    assert not [english for english in ENGLISH if english in text(page.content.decode())]


def test_the_french_lockout_page_and_the_message_of_its_lifting_have_no_english(sec, lockout):
    page = text(sec.get(url("admin:axes_accessattempt_change", lockout.pk, language="fr")).content.decode())
    lifted = sec.post(url("admin:axes_accessattempt_delete", lockout.pk, language="fr"), {"post": "yes"})

    assert re.search(r"Navigateur \(agent utilisateur\)\s:\sMozilla/5\.0", page)
    assert re.search(r"Types de contenu acceptés \(en-tête HTTP\)\s:\stext/html", page)
    assert not [english for english in ENGLISH if english in page]
    assert lifted.status_code == 302
    assert not AccessAttempt.objects.exists()
    (message,) = [str(message) for message in get_messages(lifted.wsgi_request)]
    assert "alice depuis 203.0.113.5, 4 mars 2026 14:05" in message
    assert "Attempted" not in message


def test_the_english_admin_names_a_lockout_in_english(sec, lockout):
    page = text(sec.get(url("admin:axes_accessattempt_delete", lockout.pk)).content.decode())

    assert "alice from 203.0.113.5, March 4, 2026, 2:05 p.m." in page
    assert "Attempted Access" not in page


def test_a_lockout_is_named_in_the_active_language(lockout):
    with translation.override("fr"):
        french = str(lockout)
    with translation.override("en"):
        english = str(lockout)

    assert french == "alice depuis 203.0.113.5, 4 mars 2026 14:05"
    assert english == "alice from 203.0.113.5, March 4, 2026, 2:05 p.m."


# A change list's count


def paginator(response):
    (count,) = re.findall(r'<p class="paginator">(.*?)</p>', response.content.decode(), flags=re.S)
    return text(count).strip()


@pytest.mark.parametrize(
    ("rows", "french", "english"),
    [
        (0, "0 réalisation", "0 accomplishments"),
        (1, "1 réalisation", "1 accomplishment"),
        (2, "2 réalisations", "2 accomplishments"),
    ],
)
def test_a_change_lists_count_takes_the_number_of_the_pages_language(staff_client, rows, french, english):
    AccomplishmentFactory.create_batch(rows)

    in_french = staff_client.get(url("admin:jurisdictions_accomplishment_changelist", language="fr"))
    in_english = staff_client.get(url("admin:jurisdictions_accomplishment_changelist"))

    assert paginator(in_french) == french
    assert paginator(in_english) == english


def test_a_contributors_empty_list_counts_in_the_singular_in_french(world, client):
    ChallengeFactory(title_en="Someone else's")
    bob = admin_client(client, world.users.contributor_bc)

    response = bob.get(url("admin:jurisdictions_challenge_changelist", language="fr") + "?q=nothing-matches")

    assert paginator(response) == "0 défi"


def test_the_count_of_an_empty_list_of_another_apps_model_is_singular_in_french(sec):
    AccessAttempt.objects.all().delete()

    response = sec.get(url("admin:axes_accessattempt_changelist", language="fr"))

    assert paginator(response) == "0 tentative de connexion"


@pytest.mark.parametrize(
    ("rejected", "french"),
    [
        ([], "0 récit d'utilisateur a été rejeté."),
        (["submitted"], "1 récit d'utilisateur a été rejeté."),
        (["submitted", "submitted"], "2 récits d'utilisateurs ont été rejetés."),
    ],
)
def test_a_moderation_message_counts_stories_in_the_number_of_the_pages_language(sec, rejected, french):
    stories = [UserStoryFactory(state=state, published_on=None) for state in rejected]
    published = UserStoryFactory()

    response = sec.post(
        url("admin:stories_userstory_changelist", language="fr"),
        {
            "action": "reject_selected",
            "_selected_action": [story.pk for story in [*stories, published]],
            "apply": "yes",
            "rejection_reason": "Hors sujet.",
        },
    )

    messages = [str(message) for message in get_messages(response.wsgi_request)]
    assert messages[0] == french


@pytest.mark.parametrize(
    ("published", "french"),
    [
        (0, "Publication\u00a0: 0 réalisation."),
        (1, "Publication\u00a0: 1 réalisation."),
        (2, "Publication\u00a0: 2 réalisations."),
    ],
)
def test_a_publication_message_counts_records_in_the_number_of_the_pages_language(sec, published, french):
    drafts = [AccomplishmentFactory(publication_state="submitted") for _ in range(published)]
    already = AccomplishmentFactory()

    response = sec.post(
        url("admin:jurisdictions_accomplishment_changelist", language="fr"),
        {"action": "publish_selected", "_selected_action": [record.pk for record in [*drafts, already]]},
    )

    messages = [str(message) for message in get_messages(response.wsgi_request)]
    assert messages[0] == french
