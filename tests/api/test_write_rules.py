"""What a writer is told and what a write keeps: a link the writer may not see survives
their PUT of what they read; the review's actions refuse a record in the wrong state with
a 400 saying why, in the reader's language (a contributor's own record as the
secretariat's), and answer with the record's new Record-ETag; a duplicate is refused with
the model's own words, as the admin refuses it."""

import pytest

from cogwg.choices import PublicationState
from jurisdictions.models import Accomplishment
from stories.models import UserStory
from tests.permissions import conftest as permissions_world
from tests.permissions.conftest import api_client
from workplan.models import Priority, ProgressUpdate

pytestmark = pytest.mark.django_db

# The permission tests' world: roles, an active and a draft plan, Ontario's draft records.
roles, world = permissions_world.roles, permissions_world.world

FR = {"HTTP_ACCEPT_LANGUAGE": "fr"}
NBSP = "\u00a0"
NOT_SUBMITTABLE = {
    "en": "Only a draft, or a record returned for changes, can be submitted for review.",
    "fr": "Seule une ébauche, ou un enregistrement retourné pour modifications, peut être soumis pour examen.",
}
NOT_WITHDRAWABLE = {
    "en": "Only a published record can be withdrawn (back to draft): a record under review is published or "
    "returned for changes.",
    "fr": f"Seul un enregistrement publié peut être retiré de la publication (remis à l'état d'ébauche){NBSP}: un "
    "enregistrement en cours d'examen est publié ou retourné pour modifications.",
}


def accomplishment_url(world):
    return f"/api/v1/accomplishments/{world.accomplishment.pk}/"


# A link the writer may not see


def test_a_contributor_s_put_of_what_they_read_keeps_a_priority_they_cannot_see(world):
    url = accomplishment_url(world)
    secretariat = api_client(world.users.secretariat)
    assert secretariat.patch(url, {"priority": world.draft_priority.pk}, format="json").status_code == 200
    contributor = api_client(world.users.contributor_on)
    read = contributor.get(url).json()
    assert read["priority"] is None  # a priority of the draft 2021 plan

    body = {
        "jurisdiction": "ON",
        "title_en": "Ontario portal (fixed)",
        "category": read["category"],
        "priority": read["priority"],
        "meeting": read["meeting"],
        "date": read["date"],
    }
    response = contributor.put(url, body, format="json")

    assert response.status_code == 200
    assert response.json()["priority"] is None
    stored = Accomplishment.objects.get(pk=world.accomplishment.pk)
    assert (stored.title_en, stored.priority_id) == ("Ontario portal (fixed)", world.draft_priority.pk)
    assert secretariat.get(url).json()["priority"]["id"] == world.draft_priority.pk


def test_a_contributor_still_clears_a_priority_they_see(world):
    Accomplishment.objects.filter(pk=world.accomplishment.pk).update(priority=world.first)

    response = api_client(world.users.contributor_on).patch(
        accomplishment_url(world), {"priority": None}, format="json"
    )

    assert response.status_code == 200
    assert Accomplishment.objects.get(pk=world.accomplishment.pk).priority_id is None


def test_the_secretariat_clears_a_draft_plan_s_priority(world):
    Accomplishment.objects.filter(pk=world.accomplishment.pk).update(priority=world.draft_priority)

    response = api_client(world.users.secretariat).patch(accomplishment_url(world), {"priority": None}, format="json")

    assert response.status_code == 200
    assert Accomplishment.objects.get(pk=world.accomplishment.pk).priority_id is None


def test_a_contributor_s_null_release_keeps_a_milestone_they_cannot_see(world):
    UserStory.objects.filter(pk=world.story.pk).update(release=world.draft_milestone)

    response = api_client(world.users.contributor_on).patch(
        f"/api/v1/stories/{world.story.pk}/", {"release": None, "title_en": "Ontario story, told"}, format="json"
    )

    assert response.status_code == 200
    assert response.json()["release"] is None
    stored = UserStory.objects.get(pk=world.story.pk)
    assert (stored.title_en, stored.release_id) == ("Ontario story, told", world.draft_milestone.pk)


# The review's actions in the wrong state


@pytest.mark.parametrize(("language", "headers"), [("en", {}), ("fr", FR)])
def test_a_contributor_submitting_twice_is_told_why_as_the_secretariat_is(world, language, headers):
    url = f"{accomplishment_url(world)}submit/"
    contributor = api_client(world.users.contributor_on)
    assert contributor.post(url).status_code == 200
    submitted = Accomplishment.objects.get(pk=world.accomplishment.pk)

    again = contributor.post(url, **headers)
    by_the_secretariat = api_client(world.users.secretariat).post(url, **headers)

    assert (again.status_code, by_the_secretariat.status_code) == (400, 400)
    assert again.json() == by_the_secretariat.json() == {"non_field_errors": [NOT_SUBMITTABLE[language]]}
    stored = Accomplishment.objects.get(pk=world.accomplishment.pk)
    assert (stored.publication_state, stored.modified_at) == (PublicationState.SUBMITTED, submitted.modified_at)


def test_a_contributor_submitting_their_published_record_is_told_why(world):
    Accomplishment.objects.filter(pk=world.accomplishment.pk).update(publication_state=PublicationState.PUBLISHED)

    response = api_client(world.users.contributor_on).post(f"{accomplishment_url(world)}submit/")

    assert response.status_code == 400
    assert response.json() == {"non_field_errors": [NOT_SUBMITTABLE["en"]]}
    assert Accomplishment.objects.get(pk=world.accomplishment.pk).publication_state == PublicationState.PUBLISHED


def test_another_jurisdiction_s_published_record_is_still_not_theirs_to_submit(world):
    Accomplishment.objects.filter(pk=world.accomplishment.pk).update(publication_state=PublicationState.PUBLISHED)

    response = api_client(world.users.contributor_bc).post(f"{accomplishment_url(world)}submit/")

    assert response.status_code == 403
    assert Accomplishment.objects.get(pk=world.accomplishment.pk).publication_state == PublicationState.PUBLISHED


def test_a_reader_cannot_submit_a_published_record(world):
    Accomplishment.objects.filter(pk=world.accomplishment.pk).update(publication_state=PublicationState.PUBLISHED)

    assert api_client(world.users.reader).post(f"{accomplishment_url(world)}submit/").status_code == 403


@pytest.mark.parametrize("state", [PublicationState.DRAFT, PublicationState.SUBMITTED, PublicationState.RETURNED])
@pytest.mark.parametrize(("language", "headers"), [("en", {}), ("fr", FR)])
def test_withdrawing_a_record_that_is_not_published_is_refused_saying_why(world, state, language, headers):
    Accomplishment.objects.filter(pk=world.accomplishment.pk).update(publication_state=state)
    before = Accomplishment.objects.get(pk=world.accomplishment.pk)

    response = api_client(world.users.secretariat).post(f"{accomplishment_url(world)}withdraw/", **headers)

    assert response.status_code == 400
    assert response.json() == {"non_field_errors": [NOT_WITHDRAWABLE[language]]}
    stored = Accomplishment.objects.get(pk=world.accomplishment.pk)
    assert (stored.publication_state, stored.modified_at) == (state, before.modified_at)


def test_withdrawing_a_progress_update_that_is_not_published_is_refused_too(world):
    response = api_client(world.users.secretariat).post(f"/api/v1/progress-updates/{world.update.pk}/withdraw/")

    assert response.status_code == 400
    assert response.json() == {"non_field_errors": [NOT_WITHDRAWABLE["en"]]}
    assert ProgressUpdate.objects.get(pk=world.update.pk).publication_state == PublicationState.DRAFT


def test_withdrawing_a_published_record_takes_it_back_to_draft(world):
    Accomplishment.objects.filter(pk=world.accomplishment.pk).update(publication_state=PublicationState.PUBLISHED)

    response = api_client(world.users.secretariat).post(f"{accomplishment_url(world)}withdraw/")

    assert response.status_code == 200
    assert response.json()["publication_state"] == "draft"
    assert Accomplishment.objects.get(pk=world.accomplishment.pk).publication_state == PublicationState.DRAFT


# The actions' Record-ETag


def test_each_action_answers_with_the_record_s_new_record_etag(world):
    url = accomplishment_url(world)
    contributor = api_client(world.users.contributor_on)
    secretariat = api_client(world.users.secretariat)
    read = contributor.get(url)["Record-ETag"]

    submitted = contributor.post(f"{url}submit/", HTTP_IF_MATCH=read)
    returned = secretariat.post(
        f"{url}return/", {"comment": "Name the portal."}, format="json", HTTP_IF_MATCH=submitted["Record-ETag"]
    )
    resubmitted = contributor.post(f"{url}submit/", HTTP_IF_MATCH=returned["Record-ETag"])
    published = secretariat.post(f"{url}publish/", HTTP_IF_MATCH=resubmitted["Record-ETag"])
    withdrawn = secretariat.post(f"{url}withdraw/", HTTP_IF_MATCH=published["Record-ETag"])

    answers = [submitted, returned, resubmitted, published, withdrawn]
    assert [answer.status_code for answer in answers] == [200] * 5
    etags = [read, *(answer["Record-ETag"] for answer in answers)]
    assert len(set(etags)) == 6  # each action saved the record
    assert withdrawn["Record-ETag"] == secretariat.get(url)["Record-ETag"]


def test_an_action_with_the_record_etag_read_before_the_last_action_is_a_412(world):
    url = accomplishment_url(world)
    secretariat = api_client(world.users.secretariat)
    read = secretariat.get(url)["Record-ETag"]
    assert secretariat.post(f"{url}submit/", HTTP_IF_MATCH=read).status_code == 200

    response = secretariat.post(f"{url}publish/", HTTP_IF_MATCH=read)

    assert response.status_code == 412
    assert Accomplishment.objects.get(pk=world.accomplishment.pk).publication_state == PublicationState.SUBMITTED


def test_a_refused_action_sends_no_record_etag(world):
    response = api_client(world.users.secretariat).post(f"{accomplishment_url(world)}withdraw/")

    assert response.status_code == 400
    assert not response.has_header("Record-ETag")


# Duplicates


DUPLICATES = {
    "en": {
        "priority": "Priority with this Work plan and Number already exists.",
        "meeting": "Meeting with this Kind and Date already exists.",
        "dataset": "Dataset with this Portal (CKAN base URL) and CKAN id or name already exists.",
    },
    "fr": {
        "priority": "Un objet Priorité avec ces champs Plan de travail et Numéro existe déjà.",
        "meeting": "Un objet Réunion avec ces champs Type et Date existe déjà.",
        "dataset": "Un objet Jeu de données avec ces champs Portail (URL de base CKAN) et Identifiant ou nom CKAN "
        "existe déjà.",
    },
}


@pytest.mark.parametrize(("language", "headers"), [("en", {}), ("fr", FR)])
def test_a_duplicate_is_refused_in_the_model_s_words_as_the_admin_refuses_it(world, language, headers):
    secretariat = api_client(world.users.secretariat)
    meeting, dataset = world.meeting, world.dataset
    priorities = Priority.objects.count()

    answers = {
        "priority": secretariat.post(
            "/api/v1/priorities/",
            {"work_plan": "2020", "number": 1, "slug": "again", "title_en": "T", "issue_en": "I", "outcome_en": "O"},
            format="json",
            **headers,
        ),
        "meeting": secretariat.post(
            "/api/v1/meetings/",
            {"kind": meeting.kind, "date": str(meeting.date), "title_en": "Again"},
            format="json",
            **headers,
        ),
        "dataset": secretariat.post(
            "/api/v1/datasets/",
            {"portal_url": dataset.portal_url, "ckan_id": dataset.ckan_id, "title_en": "Again"},
            format="json",
            **headers,
        ),
    }

    assert {name: (answer.status_code, answer.json()) for name, answer in answers.items()} == {
        name: (400, {"non_field_errors": [message]}) for name, message in DUPLICATES[language].items()
    }
    assert Priority.objects.count() == priorities


def test_renumbering_a_priority_onto_a_taken_number_is_refused_in_the_model_s_words(world):
    response = api_client(world.users.secretariat).patch(
        f"/api/v1/priorities/{world.second.pk}/", {"number": 1}, format="json", **FR
    )

    assert response.status_code == 400
    assert response.json() == {"non_field_errors": [DUPLICATES["fr"]["priority"]]}
    assert Priority.objects.get(pk=world.second.pk).number == 2
