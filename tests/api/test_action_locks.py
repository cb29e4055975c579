"""The actions outside the review's (a story's moderation, a report's freeze) act on their
record as the other writes do (``ApiViewSetMixin.get_object``): read locked in the
action's transaction, ``If-Match`` weighed against it as stored (a 412 for a stale one),
and answered with the record's new Record-ETag. A progress update posted answers with its
Record-ETag too, as the schema says a 201 does.

The race test needs row locks: it runs in a pytest process of its own, on a PostgreSQL
database of its own (the last test starts it), as tests/api/test_write_races.py's do."""

from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from cogwg.choices import StatusReportState
from cogwg.models import StatusReport
from stories.api import views as story_views
from stories.choices import StoryState
from stories.models import UserStory
from tests.api.test_write_races import ALONE, Race, alone, client
from tests.conftest import run_on_postgresql
from tests.factories import StaffFactory, UserStoryFactory
from tests.permissions import conftest as permissions_world
from tests.permissions.conftest import api_client
from workplan.models import ProgressUpdate

# The permission tests' world: roles, the active 2020 plan with milestone M1, Ontario's
# submitted story, a draft status report.
roles, world = permissions_world.roles, permissions_world.world


def story_url(world):
    return f"/api/v1/stories/{world.story.pk}/"


# A story's moderation


@pytest.mark.parametrize(
    ("name", "body", "state"),
    [
        ("approve", None, StoryState.APPROVED),
        ("review", None, StoryState.IN_REVIEW),
        ("reject", {"reason": "Not about open data."}, StoryState.REJECTED),
        ("publish", {"published_on": "2020-06-01"}, StoryState.PUBLISHED),
    ],
)
def test_each_moderation_answers_with_the_story_s_new_record_etag(world, name, body, state):
    secretariat = api_client(world.users.secretariat)
    etag = secretariat.get(story_url(world))["Record-ETag"]

    response = secretariat.post(f"{story_url(world)}{name}/", body or {}, format="json", HTTP_IF_MATCH=etag)

    assert response.status_code == 200, response.content
    assert response.json()["state"] == state
    assert response["Record-ETag"] not in ("", etag)
    assert response["Record-ETag"] == secretariat.get(story_url(world))["Record-ETag"]


def test_a_moderation_with_the_record_etag_read_before_the_last_one_is_a_412(world):
    secretariat = api_client(world.users.secretariat)
    etag = secretariat.get(story_url(world))["Record-ETag"]
    assert secretariat.post(f"{story_url(world)}review/").status_code == 200

    response = secretariat.post(f"{story_url(world)}approve/", HTTP_IF_MATCH=etag)

    assert response.status_code == 412
    assert not response.has_header("Record-ETag")
    assert UserStory.objects.get(pk=world.story.pk).state == StoryState.IN_REVIEW


# A report's freeze


def test_a_freeze_answers_with_the_report_s_new_record_etag(world):
    secretariat = api_client(world.users.secretariat)
    url = f"/api/v1/status-reports/{world.report.pk}/"
    etag = secretariat.get(url)["Record-ETag"]

    response = secretariat.post(f"{url}freeze/", HTTP_IF_MATCH=etag)

    assert response.status_code == 200, response.content
    assert response.json()["state"] == StatusReportState.FINAL
    assert response["Record-ETag"] not in ("", etag)
    assert response["Record-ETag"] == secretariat.get(url)["Record-ETag"]


def test_a_freeze_with_a_stale_record_etag_is_a_412_and_freezes_nothing(world):
    secretariat = api_client(world.users.secretariat)
    url = f"/api/v1/status-reports/{world.report.pk}/"
    etag = secretariat.get(url)["Record-ETag"]
    StatusReport.objects.get(pk=world.report.pk).save()  # changed since it was read

    response = secretariat.post(f"{url}freeze/", HTTP_IF_MATCH=etag)

    assert response.status_code == 412
    assert StatusReport.objects.get(pk=world.report.pk).state == StatusReportState.DRAFT


def test_the_schema_gives_the_moderation_and_the_freeze_their_record_etag(world):
    import yaml

    paths = yaml.safe_load(api_client(None).get("/api/v1/schema/").content)["paths"]
    operations = [
        paths[f"/api/v1/stories/{{id}}/{name}/"]["post"] for name in ("publish", "approve", "review", "reject")
    ]
    operations.append(paths["/api/v1/status-reports/{id}/freeze/"]["post"])

    for operation in operations:
        assert "Record-ETag" in operation["responses"]["200"]["headers"], operation["operationId"]
        assert "`If-Match`" in operation["description"], operation["operationId"]
        assert "412" in operation["responses"], operation["operationId"]
    # The docstring still says what the action does.
    assert paths["/api/v1/stories/{id}/approve/"]["post"]["description"].startswith("A story submitted or under")


# A progress update posted


def test_a_posted_progress_update_answers_with_its_record_etag(world):
    secretariat = api_client(world.users.secretariat)
    body = {"milestone": world.m1.pk, "reported_on": "2020-05-01", "status": "on_track", "progress": 40}

    response = secretariat.post("/api/v1/progress-updates/", body, format="json")

    assert response.status_code == 201, response.content
    update = ProgressUpdate.objects.get(pk=response.json()["id"])
    assert response["Location"].endswith(f"/api/v1/progress-updates/{update.pk}/")
    assert response["Record-ETag"] == secretariat.get(response["Location"])["Record-ETag"]


def test_a_contributor_s_draft_answers_with_its_record_etag_too(world):
    alice = api_client(world.users.contributor_on)
    body = {
        "milestone": world.m1.pk,
        "reported_on": "2020-05-01",
        "status": "on_track",
        "progress": 40,
        "jurisdiction": "ON",
    }

    response = alice.post("/api/v1/progress-updates/", body, format="json")

    assert response.status_code == 201, response.content
    assert response.json()["publication_state"] == "draft"
    assert response["Record-ETag"] == alice.get(response["Location"])["Record-ETag"]


# Racing (PostgreSQL)


@alone
def test_two_moderations_with_the_same_if_match_do_not_both_win(monkeypatch):
    """Two members of the secretariat read a submitted story: one puts it under review, the
    other approves it with the Record-ETag both read. Without the lock the approval read
    the story before the review committed, its If-Match held, and it then approved the
    story the review had just moved."""
    assert connection.vendor == "postgresql"
    staff = StaffFactory(username="sec")
    story = UserStoryFactory(state=StoryState.SUBMITTED, published_on=None)
    url = f"/api/v1/stories/{story.pk}/"
    etag = client(staff).get(url)["Record-ETag"]
    race = Race()
    story_move = story_views.story_move

    def held_move(**kwargs):
        race.hold()
        return story_move(**kwargs)

    monkeypatch.setattr(story_views, "story_move", held_move)

    reviewed, approved = race.run(
        lambda: client(staff).post(f"{url}review/"),
        lambda: client(staff).post(f"{url}approve/", HTTP_IF_MATCH=etag),
    )

    assert (reviewed.status_code, approved.status_code) == (200, 412)
    assert UserStory.objects.get(pk=story.pk).state == StoryState.IN_REVIEW


RACES = [test_two_moderations_with_the_same_if_match_do_not_both_win]


@pytest.mark.services
def test_the_action_races_on_postgresql():
    """The tests above, in a run of their own on a PostgreSQL database of their own."""
    here = Path(__file__).relative_to(settings.BASE_DIR)
    tests = [f"{here}::{test.__name__}" for test in RACES]
    env = {ALONE: "1", "COGWG_REQUIRE_SERVICES": "1"}
    run_on_postgresql("--create-db", *tests, database="cogwg_action_locks", passed=len(RACES), env=env)
