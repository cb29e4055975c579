"""A record's state that only actions move (a story's ``state``, the ``publication_state``
of accomplishments, challenges and progress updates) is never written by a write of the
record: a write that sends another value than the one it leaves is a 400 on that field,
naming the actions, in the request's language, and nothing is written; sending the value
as it is (a client that PUTs back what it read) is accepted."""

import datetime

import pytest
from django.contrib.auth.models import Group

from cogwg.choices import PublicationState
from cogwg.permissions import CONTRIBUTOR, roles_sync
from jurisdictions.models import Accomplishment, Challenge
from stories.choices import StoryState
from stories.models import UserStory
from tests import factories
from workplan.choices import MilestoneStatus
from workplan.models import ProgressUpdate

pytestmark = pytest.mark.django_db

NBSP = "\u00a0"
STORY_STATE = {
    "en": "A story's state is not written: a new story is submitted, then moved only by the secretariat's actions "
    "`approve`, `review`, `reject` and `publish` (POST …/stories/{id}/approve/ and the like).",
    "fr": f"L'état d'un récit ne s'écrit pas{NBSP}: un nouveau récit est soumis, puis ne change d'état que par les "
    "actions du secrétariat `approve`, `review`, `reject` et `publish` (POST …/stories/{id}/approve/, etc.).",
}
PUBLICATION_STATE = {
    "en": "The publication state is not written: a new record is a draft, then moved only by the actions `submit`, "
    "`publish`, `return` and `withdraw` (POST …/{id}/submit/ and the like).",
    "fr": f"L'état de publication ne s'écrit pas{NBSP}: un nouvel enregistrement est une ébauche, qui ne change "
    "ensuite d'état que par les actions `submit`, `publish`, `return` et `withdraw` (POST …/{id}/submit/, etc.).",
}
UPDATE_STATE = {
    "en": "The publication state is not written: send `publish`, true to publish the update at once or false to "
    "keep it as a draft; it then moves only by the actions `submit`, `publish`, `return` and `withdraw`.",
    "fr": f"L'état de publication ne s'écrit pas{NBSP}: envoyez `publish`, true pour publier la mise à jour tout de "
    f"suite ou false pour la garder comme ébauche{NBSP}; son état ne change ensuite que par les actions `submit`, "
    "`publish`, `return` et `withdraw`.",
}


def versions(record):
    """``record``'s history rows, newest first, as (type, every stored value)."""
    return list(record.history.values())


def written_back(answer, **keys):
    """What a client PUTs back of the record it read (``answer``): its fields, with the
    related records (read as objects) and the translated texts (read in one language)
    written as the API takes them, ``keys``."""
    return answer | keys


# Stories


@pytest.mark.parametrize("language", ["en", "fr"])
def test_a_write_that_moves_a_story_is_refused_naming_the_actions(staff_api, language):
    story = factories.UserStoryFactory(state=StoryState.APPROVED, published_on=None)
    before = versions(story)

    response = staff_api.patch(
        f"/api/v1/stories/{story.pk}/?lang={language}",
        {"state": "published", "title_en": "Closer clinics"},
        format="json",
    )

    assert response.status_code == 400
    assert response.json() == {"state": [STORY_STATE[language]]}
    stored = UserStory.objects.get(pk=story.pk)
    assert (stored.state, stored.published_on, stored.title_en) == (StoryState.APPROVED, None, story.title_en)
    assert versions(stored) == before


def test_the_state_is_refused_beside_the_other_fields_errors(staff_api):
    story = factories.UserStoryFactory(state=StoryState.IN_REVIEW, published_on=None)

    response = staff_api.patch(
        f"/api/v1/stories/{story.pk}/", {"state": "rejected", "user_type": "alien"}, format="json"
    )

    assert response.status_code == 400
    assert set(response.json()) == {"state", "user_type"}
    assert response.json()["state"] == [STORY_STATE["en"]]
    assert UserStory.objects.get(pk=story.pk).state == StoryState.IN_REVIEW


def test_a_story_put_back_as_read_is_accepted(staff_api):
    story = factories.UserStoryFactory(published_on=datetime.date(2020, 6, 15))
    read = staff_api.get(f"/api/v1/stories/{story.pk}/").json()
    body = written_back(
        read,
        jurisdiction=None,
        themes=[],
        datasets=[],
        release=None,
        summary_en=read["summary"],
        title_en=read["title"],
    )

    response = staff_api.put(f"/api/v1/stories/{story.pk}/", body | {"title_en": "Closer clinics"}, format="json")

    assert response.status_code == 200
    assert (response.json()["state"], response.json()["title"]) == (StoryState.PUBLISHED, "Closer clinics")
    stored = UserStory.objects.get(pk=story.pk)
    assert (stored.state, stored.title_en) == (StoryState.PUBLISHED, "Closer clinics")


@pytest.mark.parametrize("language", ["en", "fr"])
def test_a_story_created_in_another_state_than_submitted_is_refused(staff_api, language):
    body = {"slug": "closer-clinics", "title_en": "Closer clinics", "summary_en": "How", "user_type": "media"}
    body |= {"impact": "social"}

    refused = staff_api.post(f"/api/v1/stories/?lang={language}", body | {"state": "published"}, format="json")

    assert refused.status_code == 400
    assert refused.json() == {"state": [STORY_STATE[language]]}
    assert not UserStory.objects.exists()
    created = staff_api.post("/api/v1/stories/", body | {"state": "submitted"}, format="json")
    assert created.status_code == 201
    assert UserStory.objects.get().state == StoryState.SUBMITTED


def test_a_contributor_who_sends_a_state_is_told_too(api):
    roles_sync()
    on = factories.JurisdictionFactory(code="ON")
    alice = factories.UserFactory(username="alice", is_staff=True)
    alice.groups.add(Group.objects.get(name=CONTRIBUTOR))
    factories.ContributorFactory(user=alice, jurisdiction=on)
    story = factories.UserStoryFactory(jurisdiction=on, state=StoryState.SUBMITTED, published_on=None)
    api.force_authenticate(alice)

    response = api.patch(f"/api/v1/stories/{story.pk}/", {"state": "published"}, format="json")
    same = api.patch(f"/api/v1/stories/{story.pk}/", {"state": "submitted", "title_en": "Ours"}, format="json")

    assert (response.status_code, response.json()) == (400, {"state": [STORY_STATE["en"]]})
    assert same.status_code == 200
    stored = UserStory.objects.get(pk=story.pk)
    assert (stored.state, stored.title_en) == (StoryState.SUBMITTED, "Ours")


# Accomplishments and challenges


RECORDS = {
    "accomplishments": (factories.AccomplishmentFactory, Accomplishment),
    "challenges": (factories.ChallengeFactory, Challenge),
}


@pytest.mark.parametrize("language", ["en", "fr"])
@pytest.mark.parametrize("resource", RECORDS)
def test_a_write_that_publishes_a_draft_is_refused_naming_the_actions(staff_api, resource, language):
    factory, model = RECORDS[resource]
    record = factory(publication_state=PublicationState.DRAFT)
    before = versions(record)

    response = staff_api.patch(
        f"/api/v1/{resource}/{record.pk}/",
        {"publication_state": "published", "title_en": "Changed"},
        format="json",
        HTTP_ACCEPT_LANGUAGE=language,
    )

    assert response.status_code == 400
    assert response.json() == {"publication_state": [PUBLICATION_STATE[language]]}
    stored = model.objects.get(pk=record.pk)
    assert (stored.publication_state, stored.published_at, stored.title_en) == (
        PublicationState.DRAFT,
        None,
        record.title_en,
    )
    assert versions(stored) == before


def test_an_accomplishment_put_back_as_read_is_accepted(staff_api):
    record = factories.AccomplishmentFactory(publication_state=PublicationState.SUBMITTED)
    read = staff_api.get(f"/api/v1/accomplishments/{record.pk}/").json()
    body = written_back(
        read, jurisdiction=record.jurisdiction.code, priority=None, meeting=None, title_en=read["title"]
    )

    response = staff_api.put(f"/api/v1/accomplishments/{record.pk}/", body | {"title_en": "Changed"}, format="json")

    assert response.status_code == 200
    stored = Accomplishment.objects.get(pk=record.pk)
    assert (stored.publication_state, stored.title_en) == (PublicationState.SUBMITTED, "Changed")


def test_a_challenge_sent_with_its_own_state_is_changed(staff_api):
    record = factories.ChallengeFactory()

    response = staff_api.patch(
        f"/api/v1/challenges/{record.pk}/", {"publication_state": "published", "title_en": "Changed"}, format="json"
    )

    assert response.status_code == 200
    assert Challenge.objects.get(pk=record.pk).title_en == "Changed"


@pytest.mark.parametrize("language", ["en", "fr"])
def test_an_accomplishment_created_published_is_refused(staff_api, language):
    jurisdiction = factories.JurisdictionFactory(code="ON")
    body = {"jurisdiction": jurisdiction.code, "title_en": "Portal", "category": "portal", "date": "2020-05-01"}

    refused = staff_api.post(
        f"/api/v1/accomplishments/?lang={language}", body | {"publication_state": "published"}, format="json"
    )

    assert refused.status_code == 400
    assert refused.json() == {"publication_state": [PUBLICATION_STATE[language]]}
    assert not Accomplishment.objects.exists()
    created = staff_api.post("/api/v1/accomplishments/", body | {"publication_state": "draft"}, format="json")
    assert created.status_code == 201
    assert Accomplishment.objects.get().publication_state == PublicationState.DRAFT


# Progress updates: posted published or as a draft by ``publish``


@pytest.mark.parametrize("language", ["en", "fr"])
def test_an_update_posted_in_another_state_than_publish_gives_is_refused(staff_api, language):
    milestone = factories.MilestoneFactory()
    body = {"milestone": milestone.pk, "reported_on": "2020-04-01", "status": "on_track", "progress": 40}
    before = versions(milestone)

    # Posted by the secretariat, an update is published unless ``publish`` says otherwise.
    refused = staff_api.post(
        f"/api/v1/progress-updates/?lang={language}", body | {"publication_state": "draft"}, format="json"
    )

    assert refused.status_code == 400
    assert refused.json() == {"publication_state": [UPDATE_STATE[language]]}
    assert not ProgressUpdate.objects.exists()
    milestone.refresh_from_db()
    assert (milestone.status, milestone.progress) == (MilestoneStatus.NOT_STARTED, 0)
    assert versions(milestone) == before


def test_an_update_posted_with_the_state_publish_gives_is_accepted(staff_api):
    milestone = factories.MilestoneFactory()
    body = {"milestone": milestone.pk, "reported_on": "2020-04-01", "status": "on_track", "progress": 40}

    draft = staff_api.post(
        "/api/v1/progress-updates/", body | {"publish": False, "publication_state": "draft"}, format="json"
    )
    published = staff_api.post("/api/v1/progress-updates/", body | {"publication_state": "published"}, format="json")
    refused = staff_api.post(
        "/api/v1/progress-updates/", body | {"publish": True, "publication_state": "draft"}, format="json"
    )

    assert (draft.status_code, draft.json()["publication_state"]) == (201, PublicationState.DRAFT)
    assert (published.status_code, published.json()["publication_state"]) == (201, PublicationState.PUBLISHED)
    assert refused.status_code == 400
    assert ProgressUpdate.objects.count() == 2


# Milestones: status, progress and completion date move by their progress updates

MILESTONE_MOVED = {
    "en": "A milestone's status, progress and completion date are not written: they move only by posting a "
    "progress update (POST /api/v1/progress-updates/).",
    "fr": f"Le statut, l'avancement et la date d'achèvement d'un jalon ne s'écrivent pas{NBSP}: ils ne changent "
    "qu'en publiant une mise à jour des progrès (POST /api/v1/progress-updates/).",
}


@pytest.mark.parametrize("language", ["en", "fr"])
def test_a_write_of_a_milestone_s_progress_is_refused_naming_the_updates(staff_api, language):
    milestone = factories.MilestoneFactory(description_en="Guide")
    before = versions(milestone)

    response = staff_api.patch(
        f"/api/v1/milestones/{milestone.pk}/?lang={language}",
        {"status": "completed", "progress": 100, "completed_on": "2020-06-30", "description_en": "Changed"},
        format="json",
    )

    assert response.status_code == 400
    assert response.json() == {key: [MILESTONE_MOVED[language]] for key in ("status", "progress", "completed_on")}
    assert versions(milestone) == before


def test_a_milestone_put_back_as_read_is_accepted(staff_api):
    milestone = factories.MilestoneFactory(status=MilestoneStatus.ON_TRACK, progress=40)
    read = staff_api.get(f"/api/v1/milestones/{milestone.pk}/").json()
    body = written_back(read, priority=milestone.priority.pk, description_en=read["description"])
    body["progress"] = "40"  # as a form would send it

    response = staff_api.put(f"/api/v1/milestones/{milestone.pk}/", body | {"order": 3}, format="json")

    assert response.status_code == 200, response.json()
    milestone.refresh_from_db()
    assert (milestone.status, milestone.progress, milestone.order) == (MilestoneStatus.ON_TRACK, 40, 3)


def test_a_milestone_created_completed_is_refused(staff_api):
    priority = factories.PriorityFactory()
    body = {"priority": priority.pk, "due_date": "2020-06-30", "description_en": "Guide", "description_fr": "Guide"}

    refused = staff_api.post("/api/v1/milestones/", body | {"completed_on": "2020-06-30"}, format="json")
    created = staff_api.post("/api/v1/milestones/", body | {"status": "not_started", "progress": 0}, format="json")

    assert refused.status_code == 400
    assert list(refused.json()) == ["completed_on"]
    assert created.status_code == 201, created.json()
    assert priority.milestones.count() == 1


@pytest.mark.parametrize("value", [12, {}, [1], True])
def test_a_state_field_sent_as_no_value_of_its_kind_is_a_400(staff_api, value):
    milestone = factories.MilestoneFactory()

    response = staff_api.patch(f"/api/v1/milestones/{milestone.pk}/", {"completed_on": value}, format="json")

    assert response.status_code == 400
    assert list(response.json()) == ["completed_on"]
