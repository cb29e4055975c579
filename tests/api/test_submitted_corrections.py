"""A progress update submitted for review is corrected through the API as in the admin: by
the secretariat, its note and its reporting jurisdiction (its page's editable fields: a
note translated before publishing, say); its date, status and progress stay as submitted
(read-only there, a 400 here naming the return for changes). To its contributors its page
is read-only: a 403 here, saying why. Locked and weighed against ``If-Match`` as every
write; a published update is still a 405."""

import datetime

import pytest
from django.contrib.auth.models import Group

from cogwg import cycles
from cogwg.choices import PublicationState
from cogwg.permissions import CONTRIBUTOR, roles_sync
from tests.cycles.conftest import AFTER_DEADLINE, JUNE_30, cycle  # noqa: F401 (a fixture)
from tests.factories import ContributorFactory, UserFactory
from tests.permissions import conftest as permissions_world
from tests.permissions.conftest import api_client
from workplan.choices import MilestoneStatus
from workplan.models import Milestone, ProgressUpdate
from workplan.services import milestone_post_update

pytestmark = pytest.mark.django_db

# The permission tests' world: roles, the active 2020 plan (ON leads priority 1, milestone
# M1), Ontario's contributor Alice, Bob of BC (no seat), the secretariat.
roles, world = permissions_world.roles, permissions_world.world

FR = {"HTTP_ACCEPT_LANGUAGE": "fr"}
NBSP = "\u00a0"
LOGGED_KEPT = {
    "en": "An update under review keeps the date, status and progress it was submitted with: the secretariat "
    "corrects its note and its jurisdiction only. To have these corrected, return it for changes (POST "
    "…/{id}/return/).",
    "fr": "Une mise à jour en cours d'examen garde la date, l'état et l'avancement avec lesquels elle a été "
    f"soumise{NBSP}: le secrétariat n'en corrige que la note et l'administration. Pour les faire corriger, "
    "retournez-la pour modifications (POST …/{id}/return/).",
}
NOT_YOURS = {
    "en": "A progress update under review is corrected by the secretariat only, which publishes it or returns it "
    "for changes: once it is returned, you can correct it.",
    "fr": "Une mise à jour des progrès en cours d'examen n'est corrigée que par le secrétariat, qui la publie ou la "
    f"retourne pour modifications{NBSP}: une fois qu'elle vous est retournée, vous pouvez la corriger.",
}
LOCKED = "This update belongs to a closed reporting period: it can no longer be changed."


def url(update):
    return f"/api/v1/progress-updates/{update.pk}/"


def stored(update):
    return ProgressUpdate.objects.get(pk=update.pk)


def milestone_state(milestone):
    milestone = Milestone.objects.get(pk=milestone.pk)
    return milestone.status, milestone.progress


@pytest.fixture
def submitted(world):
    """Ontario's update on M1 (50 %, 1 May 2020), its note in English only, posted by
    Alice and submitted for review."""
    alice = api_client(world.users.contributor_on)
    body = {
        "milestone": world.m1.pk,
        "reported_on": "2020-05-01",
        "status": "on_track",
        "progress": 50,
        "note_en": "Half done",
        "jurisdiction": "ON",
    }
    posted = alice.post("/api/v1/progress-updates/", body, format="json")
    assert posted.status_code == 201, posted.content
    update = ProgressUpdate.objects.get(pk=posted.json()["id"])
    assert alice.post(f"{url(update)}submit/").status_code == 200
    return stored(update)


def unchanged(update, before):
    after = stored(update)
    return (
        after.reported_on,
        after.status,
        after.progress,
        after.note_en,
        after.note_fr,
        after.jurisdiction_id,
        after.publication_state,
        after.modified_at,
    ) == (
        before.reported_on,
        before.status,
        before.progress,
        before.note_en,
        before.note_fr,
        before.jurisdiction_id,
        PublicationState.SUBMITTED,
        before.modified_at,
    )


# The secretariat corrects what the admin lets it


def test_the_secretariat_translates_a_submitted_note_then_publishes_the_update(world, submitted):
    secretariat = api_client(world.users.secretariat)
    refused = secretariat.post(f"{url(submitted)}publish/")
    assert refused.status_code == 400  # its note in English only
    etag = secretariat.get(url(submitted))["Record-ETag"]
    versions_before = submitted.history.count()

    response = secretariat.patch(url(submitted), {"note_fr": "À moitié fait"}, format="json", HTTP_IF_MATCH=etag)

    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["note"], body["publication_state"]) == ("Half done", "submitted")
    assert response["Record-ETag"] not in ("", etag)
    assert response["Record-ETag"] == secretariat.get(url(submitted))["Record-ETag"]
    update = stored(submitted)
    assert (update.note_fr, update.publication_state, update.author) == (
        "À moitié fait",
        PublicationState.SUBMITTED,
        world.users.contributor_on,
    )
    assert update.submitted_by == world.users.contributor_on
    latest = update.history.order_by("-history_date", "-history_id").first()
    assert (update.history.count(), latest.history_user) == (versions_before + 1, world.users.secretariat)
    # Under review, it moves no milestone; published, it does.
    assert milestone_state(world.m1) == (MilestoneStatus.NOT_STARTED, 0)
    assert secretariat.post(f"{url(submitted)}publish/").status_code == 200
    assert milestone_state(world.m1) == (MilestoneStatus.ON_TRACK, 50)


def test_the_secretariat_corrects_a_submitted_update_s_jurisdiction(world, submitted):
    response = api_client(world.users.secretariat).patch(url(submitted), {"jurisdiction": "NS"}, format="json")

    assert response.status_code == 200, response.content
    assert response.json()["jurisdiction"]["code"] == "NS"
    assert stored(submitted).jurisdiction == world.ns
    assert stored(submitted).publication_state == PublicationState.SUBMITTED


def test_a_put_of_what_was_read_with_a_corrected_note_passes(world, submitted):
    secretariat = api_client(world.users.secretariat)
    read = secretariat.get(url(submitted)).json()
    body = {
        "milestone": read["milestone"]["id"],
        "reported_on": read["reported_on"],
        "status": read["status"],
        "progress": read["progress"],
        "note_en": "Half done, on time",
        "note_fr": "À moitié fait, dans les temps",
        "jurisdiction": read["jurisdiction"]["code"],
        "publication_state": read["publication_state"],
    }

    response = secretariat.put(url(submitted), body, format="json")

    assert response.status_code == 200, response.content
    update = stored(submitted)
    assert (update.note_en, update.note_fr, update.progress, update.reported_on) == (
        "Half done, on time",
        "À moitié fait, dans les temps",
        50,
        datetime.date(2020, 5, 1),
    )


# What it reports stays as submitted


@pytest.mark.parametrize("language", ["en", "fr"])
def test_its_date_status_and_progress_stay_as_submitted(world, submitted, language):
    before = stored(submitted)
    sent = {"reported_on": "2020-05-02", "status": "at_risk", "progress": 40, "note_fr": "À moitié fait"}

    response = api_client(world.users.secretariat).patch(
        url(submitted), sent, format="json", HTTP_ACCEPT_LANGUAGE=language
    )

    assert response.status_code == 400
    assert response.json() == {name: [LOGGED_KEPT[language]] for name in ("reported_on", "status", "progress")}
    assert unchanged(submitted, before)  # the note neither: all or nothing


def test_a_bad_note_is_refused_as_for_a_draft(world, submitted):
    before = stored(submitted)

    response = api_client(world.users.secretariat).patch(url(submitted), {"note_fr": "x" * 5001}, format="json", **FR)

    assert response.status_code == 400
    assert response.json() == {"note_fr": [f"Assurez-vous que ce champ comporte au plus 5000{NBSP}caractères."]}
    assert unchanged(submitted, before)


# Its contributors, and others


@pytest.mark.parametrize("language", ["en", "fr"])
@pytest.mark.parametrize("method", ["put", "patch"])
def test_its_contributor_may_not_correct_it_under_review(world, submitted, method, language):
    before = stored(submitted)
    alice = api_client(world.users.contributor_on)
    body = alice.get(url(submitted)).json() | {"note_fr": "À moitié fait", "jurisdiction": "ON"}
    body["milestone"] = body["milestone"]["id"]

    response = getattr(alice, method)(url(submitted), body, format="json", HTTP_ACCEPT_LANGUAGE=language)

    assert response.status_code == 403
    assert response.json() == {"detail": NOT_YOURS[language]}
    assert unchanged(submitted, before)


def test_another_jurisdiction_s_contributor_finds_no_such_update(world, submitted):
    before = stored(submitted)

    response = api_client(world.users.contributor_bc).patch(url(submitted), {"note_fr": "x"}, format="json")

    assert response.status_code == 404
    assert unchanged(submitted, before)


def test_a_stale_record_etag_is_a_412(world, submitted):
    secretariat = api_client(world.users.secretariat)
    etag = secretariat.get(url(submitted))["Record-ETag"]
    assert secretariat.patch(url(submitted), {"note_fr": "À moitié"}, format="json").status_code == 200

    response = secretariat.patch(url(submitted), {"note_fr": "À moitié fait"}, format="json", HTTP_IF_MATCH=etag)

    assert response.status_code == 412
    assert stored(submitted).note_fr == "À moitié"


def test_a_submitted_update_of_a_closed_reporting_period_is_not_corrected(cycle):  # noqa: F811
    roles_sync()
    contributor = UserFactory(username="bc-contributor", is_staff=True)
    contributor.groups.add(Group.objects.get(name=CONTRIBUTOR))
    ContributorFactory(user=contributor, jurisdiction=cycle.bc)
    update = milestone_post_update(
        milestone=cycle.march,
        reported_on=JUNE_30,
        status=MilestoneStatus.ON_TRACK,
        progress=50,
        note_en="Halfway",
        note_fr="À mi-chemin",
        jurisdiction=cycle.bc,
        by=contributor,
        publish=False,
    )
    cycles.period_close(period=cycle.period, by=cycle.secretariat, on=AFTER_DEADLINE)
    # Submitted once its period was closed: locked all the same.
    ProgressUpdate.objects.filter(pk=update.pk).update(publication_state=PublicationState.SUBMITTED)
    locked = ProgressUpdate.objects.get(pk=update.pk)
    assert cycles.progress_update_is_locked(locked)

    response = api_client(cycle.secretariat).patch(url(locked), {"note_en": "Corrected"}, format="json")

    assert (response.status_code, response.json()) == (400, {"non_field_errors": [LOCKED]})
    assert ProgressUpdate.objects.get(pk=update.pk).note_en == "Halfway"


# The schema says so


def test_the_schema_says_who_corrects_an_update_under_review(world):
    import yaml

    schema = yaml.safe_load(api_client(None).get("/api/v1/schema/").content)
    operations = schema["paths"]["/api/v1/progress-updates/{id}/"]

    for method in ("put", "patch"):
        operation = operations[method]
        assert "Under review (submitted), it is corrected by the secretariat only" in operation["description"]
        assert "draft or returned for changes" in operation["description"]
        assert {"400", "403", "404", "405", "412"} <= set(operation["responses"])
