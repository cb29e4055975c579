"""A submitter's name and e-mail address can be found, corrected and erased, and leave
with their story: the secretariat finds a person's stories by name or address (the
admin's search, theirs alone), erases them on request (an action with a confirmation
page), in the story and in every row of its history, with a history row that says who did
it and when; deleting a story (admin, API) blanks them in its history rows, which stay."""

import datetime
import re

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone, translation

from cogwg.permissions import CONTRIBUTOR, SECRETARIAT, roles_sync
from stories.choices import StoryState
from stories.models import UserStory
from stories.services import (
    SUBMITTER_ERASED,
    Erasure,
    stories_delete,
    stories_erase_submitters,
    story_erase_submitter,
)
from tests.factories import JurisdictionFactory, UserStoryFactory
from tests.permissions.conftest import admin_client, api_client, make_user
from tests.test_admin import form_data

pytestmark = pytest.mark.django_db

History = UserStory.history.model
ERASE_TITLE = "Erase the submitter's personal information"


def url(name, *args, language="en"):
    with translation.override(language):
        return reverse(name, args=args)


def text(html):
    html = re.sub(r"<script.*?</script>|<style.*?</style>", "", html, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).replace("&#x27;", "'")


def levels_and_messages(response):
    return [(message.level_tag, message.message) for message in get_messages(response.wsgi_request)]


def sent(name="Camille Tremblay", email="camille@example.org", **fields):
    """A story sent through the public form (its submitter, their language, their consent),
    then edited once: two history rows hold the submitter."""
    story = UserStoryFactory(
        submitter_name=name,
        submitter_email=email,
        submitter_language="fr",
        consent_given_at=timezone.now(),
        consent_notice_version="2026-11-27",
        **fields,
    )
    story.summary_en = "Edited in review"
    story.save()
    return UserStory.objects.get(pk=story.pk)


def submitters(story_id):
    return list(
        History.objects.filter(id=story_id)
        .order_by("history_id")
        .values_list("submitter_name", "submitter_email", "submitter_language")
    )


@pytest.fixture
def people(db):
    roles_sync()
    ontario = JurisdictionFactory(code="ON")
    return {
        "secretariat": make_user("sec", SECRETARIAT),
        "contributor": make_user("alice", CONTRIBUTOR, jurisdictions=[ontario]),
    }


@pytest.fixture
def sec(client, people):
    return admin_client(client, people["secretariat"])


# The services


def test_erasing_on_request_blanks_the_story_and_every_history_row_and_records_who_did_it(people):
    story, other = sent(), sent(name="Other Person", email="other@example.org")
    before = story.modified_at

    erasure = story_erase_submitter(story=story, by=people["secretariat"])

    assert erasure == Erasure(stories=1, history_rows=2)
    assert (story.submitter_name, story.submitter_email) == ("", "")
    stored = UserStory.objects.get(pk=story.pk)
    assert (stored.submitter_name, stored.submitter_email) == ("", "")
    # The language of the form (no one's identity; it marks a public submission) and the
    # consent stay.
    assert stored.submitter_language == "fr"
    assert stored.consent_notice_version == "2026-11-27"
    assert stored.modified_at > before  # a change form opened before cannot save them back
    # Every row blanked, and one more row that says who erased them and when.
    assert submitters(story.pk) == [("", "", "fr")] * 3
    last = History.objects.filter(id=story.pk).latest("history_id")
    assert (last.history_user, last.history_change_reason) == (people["secretariat"], SUBMITTER_ERASED)
    # Another person's story is left as it was.
    assert submitters(other.pk) == [("Other Person", "other@example.org", "fr")] * 2
    assert UserStory.objects.get(pk=other.pk).submitter_email == "other@example.org"


def test_the_bulk_form_without_anyone_adds_no_history_row_and_keeps_the_date_of_the_last_change():
    story, left = sent(), sent(email="left@example.org")
    rows, before = History.objects.count(), story.modified_at

    erasure = stories_erase_submitters(queryset=UserStory.objects.filter(pk=story.pk))

    assert erasure == Erasure(stories=1, history_rows=2)
    assert History.objects.count() == rows
    assert UserStory.objects.get(pk=story.pk).modified_at == before
    assert submitters(story.pk) == [("", "", "fr")] * 2
    assert submitters(left.pk) == [("Camille Tremblay", "left@example.org", "fr")] * 2


def test_a_story_already_blank_whose_history_still_holds_its_submitter_is_erased_too(people):
    story = sent()
    UserStory.objects.filter(pk=story.pk).update(submitter_name="", submitter_email="")

    erasure = stories_erase_submitters(queryset=UserStory.objects.filter(pk=story.pk), by=people["secretariat"])

    assert erasure == Erasure(stories=1, history_rows=2)
    assert submitters(story.pk) == [("", "", "fr")] * 3


def test_a_story_that_holds_no_submitter_is_left_as_it_was(people):
    filed = UserStoryFactory(submitter_name="", submitter_email="")
    rows, before = History.objects.count(), filed.modified_at

    erasure = stories_erase_submitters(queryset=UserStory.objects.filter(pk=filed.pk), by=people["secretariat"])

    assert erasure == Erasure(stories=0, history_rows=0)
    assert History.objects.count() == rows
    assert UserStory.objects.get(pk=filed.pk).modified_at == before


def test_deleting_a_story_keeps_its_history_rows_but_not_its_submitter(people):
    story, kept = sent(), sent(email="kept@example.org")

    assert stories_delete(queryset=UserStory.objects.filter(pk=story.pk), by=people["secretariat"]) == 1

    assert not UserStory.objects.filter(pk=story.pk).exists()
    # The two rows and the deletion's, all without the submitter; who deleted it is kept.
    assert submitters(story.pk) == [("", "", "fr")] * 3
    deletion = History.objects.filter(id=story.pk).latest("history_id")
    assert (deletion.history_type, deletion.history_user) == ("-", people["secretariat"])
    assert submitters(kept.pk) == [("Camille Tremblay", "kept@example.org", "fr")] * 2


# The admin: the action


def test_the_action_asks_for_confirmation_first_and_changes_nothing_until_then(sec):
    story = sent()
    rows = History.objects.count()

    response = sec.post(
        url("admin:stories_userstory_changelist"), {"action": "erase_submitters", "_selected_action": [story.pk]}
    )

    assert response.status_code == 200
    html = response.content.decode()
    assert "admin/stories/userstory/erase_submitters_confirmation.html" in [t.name for t in response.templates]
    assert f'<input type="hidden" name="_selected_action" value="{story.pk}">' in html
    assert '<input type="hidden" name="post" value="yes">' in html
    assert "Camille Tremblay, camille@example.org" in html
    assert UserStory.objects.get(pk=story.pk).submitter_email == "camille@example.org"
    assert History.objects.count() == rows


def test_the_confirmation_page_is_in_french_on_the_french_admin(sec):
    story = sent()

    raw = sec.post(
        url("admin:stories_userstory_changelist", language="fr"),
        {"action": "erase_submitters", "_selected_action": [story.pk]},
    ).content.decode()

    html = text(raw)
    assert "Effacer les renseignements personnels de l'auteur de la soumission" in html
    assert "Voulez-vous vraiment effacer le nom et l'adresse courriel des auteurs de ces récits?" in html
    assert "Récits sélectionnés" in html
    assert 'value="Oui, les effacer"' in raw
    for english in ("Are you sure", "Selected stories", "Yes, erase them", "Erase the submitter"):
        assert english not in raw


def test_the_confirmed_action_erases_and_says_how_many(sec, people):
    erased, blank = sent(), UserStoryFactory(submitter_email="")

    response = sec.post(
        url("admin:stories_userstory_changelist"),
        {"action": "erase_submitters", "_selected_action": [erased.pk, blank.pk], "post": "yes"},
    )

    assert response.status_code == 302
    assert levels_and_messages(response) == [
        ("success", "The submitter's personal information was erased from 1 user story."),
        ("warning", "1 selected story held no personal information of its submitter and was left as it was."),
    ]
    assert submitters(erased.pk) == [("", "", "fr")] * 3
    assert History.objects.filter(id=erased.pk).latest("history_id").history_user == people["secretariat"]


@pytest.mark.parametrize(
    ("count", "message"),
    [
        (0, "Les renseignements personnels de l'auteur de la soumission ont été effacés de 0 récit d'utilisateur."),
        (1, "Les renseignements personnels de l'auteur de la soumission ont été effacés de 1 récit d'utilisateur."),
        (2, "Les renseignements personnels des auteurs des soumissions ont été effacés de 2 récits d'utilisateurs."),
    ],
)
def test_the_count_agrees_with_the_french_plural_rule(sec, count, message):
    stories = [sent(email=f"person{number}@example.org") for number in range(count)]
    selected = [story.pk for story in stories] or [UserStoryFactory(submitter_email="").pk]

    response = sec.post(
        url("admin:stories_userstory_changelist", language="fr"),
        {"action": "erase_submitters", "_selected_action": selected, "post": "yes"},
    )

    assert levels_and_messages(response)[0][1] == message


def test_the_history_of_an_erased_story_shows_who_erased_it_in_the_readers_language_and_no_submitter(sec):
    story = sent()
    sec.post(
        url("admin:stories_userstory_changelist"),
        {"action": "erase_submitters", "_selected_action": [story.pk], "post": "yes"},
    )
    first = History.objects.filter(id=story.pk).earliest("history_id")

    history = text(sec.get(url("admin:stories_userstory_history", story.pk, language="fr")).content.decode())
    version = sec.get(url("admin:stories_userstory_simple_history", story.pk, first.history_id)).content.decode()

    assert "Renseignements personnels de l'auteur de la soumission effacés" in history
    assert SUBMITTER_ERASED not in history
    assert "sec" in history
    # The oldest version's page (and so its "Revert") holds no submitter any more.
    assert version.count('name="submitter_email"') == 1
    assert "camille@example.org" not in version
    assert "Camille Tremblay" not in version


def test_a_change_form_opened_before_the_erasure_cannot_save_the_submitter_back(sec, people):
    story = sent()
    change_url = url("admin:stories_userstory_change", story.pk)
    page = sec.get(change_url)
    stale = form_data(page) | {"_record_version": page.context["record_version"]}
    story_erase_submitter(story=story, by=people["secretariat"])

    response = sec.post(change_url, stale)

    assert response.status_code == 200  # refused: someone changed it since
    stored = UserStory.objects.get(pk=story.pk)
    assert (stored.submitter_name, stored.submitter_email) == ("", "")
    assert submitters(story.pk) == [("", "", "fr")] * 3


def test_a_contributor_is_not_offered_the_action_and_cannot_run_it(client, people):
    story = sent(state=StoryState.PUBLISHED)  # a published submission: contributors see it
    alice = admin_client(client, people["contributor"])

    listing = alice.get(url("admin:stories_userstory_changelist"))
    response = alice.post(
        url("admin:stories_userstory_changelist"),
        {"action": "erase_submitters", "_selected_action": [story.pk], "post": "yes"},
    )

    assert listing.status_code == 200
    assert "erase_submitters" not in listing.content.decode()
    assert response.status_code in (200, 302)
    assert UserStory.objects.get(pk=story.pk).submitter_email == "camille@example.org"
    assert submitters(story.pk) == [("Camille Tremblay", "camille@example.org", "fr")] * 2


# The admin: deleting


def test_deleting_a_story_in_the_admin_erases_its_submitter_from_its_history(sec):
    story, kept = sent(), sent(email="kept@example.org")

    response = sec.post(url("admin:stories_userstory_delete", story.pk), {"post": "yes"})
    deletion = History.objects.filter(id=story.pk).latest("history_id")
    version = sec.get(url("admin:stories_userstory_simple_history", story.pk, deletion.history_id))

    assert response.status_code == 302
    assert submitters(story.pk) == [("", "", "fr")] * 3
    assert version.status_code == 200
    assert "camille@example.org" not in version.content.decode()
    assert submitters(kept.pk) == [("Camille Tremblay", "kept@example.org", "fr")] * 2


def test_deleting_selected_stories_in_the_admin_erases_their_submitters_from_their_history(sec):
    first, second, kept = sent(email="a@example.org"), sent(email="b@example.org"), sent(email="c@example.org")

    response = sec.post(
        url("admin:stories_userstory_changelist"),
        {"action": "delete_selected", "_selected_action": [first.pk, second.pk], "post": "yes"},
    )

    assert response.status_code == 302
    assert list(UserStory.objects.values_list("pk", flat=True)) == [kept.pk]
    assert submitters(first.pk) == submitters(second.pk) == [("", "", "fr")] * 3
    assert submitters(kept.pk) == [("Camille Tremblay", "c@example.org", "fr")] * 2


def test_deleting_a_story_through_the_api_erases_its_submitter_from_its_history(people):
    story, kept = sent(), sent(email="kept@example.org")

    response = api_client(people["secretariat"]).delete(f"/api/v1/stories/{story.pk}/")

    assert response.status_code == 204
    assert submitters(story.pk) == [("", "", "fr")] * 3
    assert History.objects.filter(id=story.pk).latest("history_id").history_user == people["secretariat"]
    assert submitters(kept.pk) == [("Camille Tremblay", "kept@example.org", "fr")] * 2


def test_a_contributor_cannot_delete_a_story_through_the_api(people):
    story = sent(state=StoryState.PUBLISHED)

    response = api_client(people["contributor"]).delete(f"/api/v1/stories/{story.pk}/")

    assert response.status_code == 403
    assert UserStory.objects.filter(pk=story.pk).exists()
    assert submitters(story.pk) == [("Camille Tremblay", "camille@example.org", "fr")] * 2


# The admin: finding a person's stories, and what the change form shows


@pytest.mark.parametrize("term", ["camille@example.org", "CAMILLE@EXAMPLE.ORG", "Tremblay"])
def test_the_secretariat_finds_a_persons_stories_by_address_or_name(sec, term):
    found = sent(title_en="Clinics")
    sent(name="Someone Else", email="someone@example.org", title_en="Buses")

    response = sec.get(url("admin:stories_userstory_changelist"), {"q": term})

    assert [story.pk for story in response.context["cl"].result_list] == [found.pk]


def test_a_contributor_cannot_find_stories_by_their_submitter(client, people):
    published = sent(state=StoryState.PUBLISHED, title_en="Clinics")  # visible to everyone
    alice = admin_client(client, people["contributor"])

    by_address = alice.get(url("admin:stories_userstory_changelist"), {"q": "camille@example.org"})
    by_title = alice.get(url("admin:stories_userstory_changelist"), {"q": "Clinics"})

    assert list(by_address.context["cl"].result_list) == []
    assert [story.pk for story in by_title.context["cl"].result_list] == [published.pk]


def test_the_secretariat_reads_the_consent_in_the_change_form_without_changing_it(sec):
    story = sent()
    UserStory.objects.filter(pk=story.pk).update(
        consent_given_at=datetime.datetime(2026, 11, 27, 15, 30, tzinfo=datetime.UTC)
    )

    response = sec.get(url("admin:stories_userstory_change", story.pk))

    html = response.content.decode()
    assert "consent_given_at" not in response.context["adminform"].form.fields
    assert "consent_notice_version" not in response.context["adminform"].form.fields
    assert "Consent given at" in html
    assert "2026-11-27" in html


def test_a_contributor_sees_neither_the_submitter_nor_the_consent(client, people):
    story = sent(state=StoryState.PUBLISHED)

    html = admin_client(client, people["contributor"]).get(url("admin:stories_userstory_change", story.pk))

    body = html.content.decode()
    assert html.status_code == 200
    for hidden in ("camille@example.org", "Camille Tremblay", "Consent given at", "Privacy notice agreed to"):
        assert hidden not in body
