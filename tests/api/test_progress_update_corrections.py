"""A progress update returned for changes (or still a draft) is corrected and deleted
through the API as in the admin: its date, status, progress, note and jurisdiction,
checked as posting them is, in the reader's language; its milestone does not move until
it is published. A published update is its milestone's log: neither corrected nor deleted
(405, its address takes reads only until it is withdrawn)."""

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
# M1; BC holds no seat), Ontario's draft progress update on M1.
roles, world = permissions_world.roles, permissions_world.world

FR = {"HTTP_ACCEPT_LANGUAGE": "fr"}
NBSP = "\u00a0"
COMMENT = "Progress is 60, not 50."
PUBLISHED_REFUSED = {
    "en": "A published progress update is part of its milestone's log: it is neither corrected nor deleted. "
    "Withdraw it (back to draft) first, or post a newer update.",
    "fr": f"Une mise à jour des progrès publiée fait partie du journal de son jalon{NBSP}: elle n'est ni corrigée "
    "ni supprimée. Retirez-la d'abord de la publication (remise à l'état d'ébauche), ou ajoutez une mise à jour "
    "plus récente.",
}
LOCKED = "This update belongs to a closed reporting period: it can no longer be changed."


def url(update):
    return f"/api/v1/progress-updates/{update.pk}/"


def stored(update):
    return ProgressUpdate.objects.filter(pk=update.pk).first()


def milestone_state(milestone):
    milestone = Milestone.objects.get(pk=milestone.pk)
    return milestone.status, milestone.progress


@pytest.fixture
def returned(world):
    """An update Ontario's contributor posted on M1 (50 %), submitted, and returned by the
    secretariat with ``COMMENT``."""
    alice, secretariat = api_client(world.users.contributor_on), api_client(world.users.secretariat)
    body = {
        "milestone": world.m1.pk,
        "reported_on": "2020-05-01",
        "status": "on_track",
        "progress": 50,
        "note_en": "Half done",
        "note_fr": "À moitié fait",
        "jurisdiction": "ON",
    }
    posted = alice.post("/api/v1/progress-updates/", body, format="json")
    assert posted.status_code == 201, posted.content
    update = ProgressUpdate.objects.get(pk=posted.json()["id"])
    assert alice.post(f"{url(update)}submit/").status_code == 200
    assert secretariat.post(f"{url(update)}return/", {"comment": COMMENT}, format="json").status_code == 200
    return stored(update)


def publish(world, update):
    response = api_client(world.users.secretariat).post(f"{url(update)}publish/")
    assert response.status_code == 200, response.content
    return stored(update)


# Corrected while returned (or a draft)


def test_a_contributor_corrects_their_returned_update_as_the_comment_asks(world, returned):
    alice = api_client(world.users.contributor_on)
    etag = alice.get(url(returned))["Record-ETag"]
    versions_before = returned.history.count()

    response = alice.patch(
        url(returned),
        {"progress": 60, "reported_on": "2020-05-02", "note_en": "Sixty", "note_fr": "Soixante"},
        format="json",
        HTTP_IF_MATCH=etag,
    )

    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["progress"], body["reported_on"], body["note"]) == (60, "2020-05-02", "Sixty")
    assert (body["publication_state"], body["review_comment"]) == ("returned", COMMENT)
    assert response["Record-ETag"] not in ("", etag)
    assert response["Record-ETag"] == alice.get(url(returned))["Record-ETag"]
    update = stored(returned)
    assert (update.progress, update.reported_on, update.note_en, update.note_fr) == (
        60,
        datetime.date(2020, 5, 2),
        "Sixty",
        "Soixante",
    )
    # Posted by Alice, corrected by her: her name stays on it, and its history keeps both.
    assert update.author == world.users.contributor_on
    versions = list(update.history.order_by("-history_date", "-history_id"))
    assert len(versions) == versions_before + 1
    assert (versions[0].history_user, versions[0].progress, versions[0].author_id) == (
        world.users.contributor_on,
        60,
        world.users.contributor_on.pk,
    )
    assert versions[1].progress == 50
    # Returned, it moves no milestone.
    assert milestone_state(world.m1) == (MilestoneStatus.NOT_STARTED, 0)


def test_a_corrected_update_submitted_and_published_moves_its_milestone_as_corrected(world, returned):
    alice, secretariat = api_client(world.users.contributor_on), api_client(world.users.secretariat)

    assert alice.patch(url(returned), {"progress": 60}, format="json").status_code == 200
    assert milestone_state(world.m1) == (MilestoneStatus.NOT_STARTED, 0)
    assert alice.post(f"{url(returned)}submit/").status_code == 200
    assert secretariat.post(f"{url(returned)}publish/").status_code == 200

    assert milestone_state(world.m1) == (MilestoneStatus.ON_TRACK, 60)


def test_a_put_of_what_was_read_with_its_corrections_passes(world, returned):
    alice = api_client(world.users.contributor_on)
    read = alice.get(url(returned)).json()
    body = {
        "milestone": read["milestone"]["id"],
        "reported_on": read["reported_on"],
        "status": "at_risk",
        "progress": 45,
        "note_en": "Slower",
        "note_fr": "Plus lent",
        "jurisdiction": read["jurisdiction"]["code"],
        "publication_state": read["publication_state"],
    }

    response = alice.put(url(returned), body, format="json")

    assert response.status_code == 200, response.content
    update = stored(returned)
    assert (update.status, update.progress, update.milestone_id) == (MilestoneStatus.AT_RISK, 45, world.m1.pk)
    assert update.publication_state == PublicationState.RETURNED


def test_the_secretariat_corrects_a_draft(world):
    response = api_client(world.users.secretariat).patch(url(world.update), {"status": "delayed"}, format="json")

    assert response.status_code == 200, response.content
    assert stored(world.update).status == MilestoneStatus.DELAYED
    assert milestone_state(world.m1) == (MilestoneStatus.NOT_STARTED, 0)


# Whose update


def test_another_jurisdiction_s_contributor_finds_no_such_update(world):
    bob = api_client(world.users.contributor_bc)

    assert bob.patch(url(world.update), {"progress": 60}, format="json").status_code == 404
    assert bob.delete(url(world.update)).status_code == 404
    assert (stored(world.update).progress, stored(world.update).jurisdiction) == (50, world.on)


def test_a_contributor_cannot_give_their_update_to_another_jurisdiction(world, returned):
    response = api_client(world.users.contributor_on).patch(url(returned), {"jurisdiction": "BC"}, format="json")

    assert response.status_code == 403
    assert stored(returned).jurisdiction == world.on


def test_the_public_and_readers_correct_nothing(world):
    assert api_client(None).patch(url(world.update), {"progress": 60}, format="json").status_code == 401
    assert api_client(world.users.reader).delete(url(world.update)).status_code == 404
    assert stored(world.update).progress == 50


# Refused: with bad values, in the reader's language


@pytest.mark.parametrize(
    ("sent", "errors"),
    [
        ({"progress": 150}, {"progress": ["L'avancement doit être un nombre entier entre 0 et 100."]}),
        ({"status": "completed"}, {"progress": [f"Un jalon terminé est réalisé à 100{NBSP}%."]}),
        (
            {"reported_on": "2019-12-31"},
            {
                "reported_on": [
                    "Une mise à jour ne peut pas être datée d'avant le début de son plan de travail, le 1er "
                    "janvier 2020."
                ]
            },
        ),
        ({"reported_on": "2999-01-01"}, {"reported_on": ["Une mise à jour ne peut pas être datée dans le futur."]}),
        (
            {"milestone": "second"},
            {
                "milestone": [
                    f"Une mise à jour des progrès reste sur son jalon{NBSP}: supprimez-la et ajoutez-en une sur le bon "
                    "jalon (POST /api/v1/progress-updates/)."
                ]
            },
        ),
        (
            {"publish": True},
            {
                "publish": [
                    f"S'envoie seulement à l'ajout d'une mise à jour{NBSP}: une correction laisse son état de "
                    "publication tel quel, qui ne change que par les actions `submit`, `publish`, `return` et "
                    "`withdraw`."
                ]
            },
        ),
        (
            {"publication_state": "published"},
            {
                "publication_state": [
                    f"L'état de publication ne s'écrit pas{NBSP}: un nouvel enregistrement est une ébauche, qui ne "
                    "change ensuite d'état que par les actions `submit`, `publish`, `return` et `withdraw` (POST "
                    "…/{id}/submit/, etc.)."
                ]
            },
        ),
        ({"note_en": "x" * 5001}, {"note_en": [f"Assurez-vous que ce champ comporte au plus 5000{NBSP}caractères."]}),
    ],
)
def test_a_bad_correction_is_a_400_in_french_and_changes_nothing(world, returned, sent, errors):
    if sent.get("milestone") == "second":
        sent = {"milestone": world.second_milestone.pk}
    before = stored(returned)

    response = api_client(world.users.contributor_on).patch(url(returned), sent, format="json", **FR)

    assert response.status_code == 400
    assert response.json() == errors
    after = stored(returned)
    assert (after.reported_on, after.status, after.progress, after.note_en, after.milestone_id) == (
        before.reported_on,
        before.status,
        before.progress,
        before.note_en,
        before.milestone_id,
    )
    assert after.publication_state == PublicationState.RETURNED
    assert after.modified_at == before.modified_at


# A published update, and one under review


@pytest.mark.parametrize("role", ["secretariat", "contributor_on"])
@pytest.mark.parametrize("method", ["put", "patch", "delete"])
def test_a_published_update_is_neither_corrected_nor_deleted(world, returned, role, method):
    alice = api_client(world.users.contributor_on)
    assert alice.post(f"{url(returned)}submit/").status_code == 200
    update = publish(world, returned)
    milestone_before = milestone_state(world.m1)
    client = api_client(getattr(world.users, role))

    response = getattr(client, method)(url(update), {"progress": 10}, format="json")
    in_french = getattr(client, method)(url(update), {"progress": 10}, format="json", **FR)

    assert response.status_code == 405
    assert response["Allow"] == "GET, HEAD, OPTIONS"
    assert response.json() == {"detail": PUBLISHED_REFUSED["en"]}
    assert (in_french.status_code, in_french.json()) == (405, {"detail": PUBLISHED_REFUSED["fr"]})
    assert stored(update).progress == 50
    assert stored(update).modified_at == update.modified_at
    assert milestone_state(world.m1) == milestone_before == (MilestoneStatus.ON_TRACK, 50)


def test_a_withdrawn_update_is_corrected_again(world):
    update = publish(world, world.update)
    secretariat = api_client(world.users.secretariat)
    assert secretariat.post(f"{url(update)}withdraw/").status_code == 200

    response = secretariat.patch(url(update), {"progress": 55}, format="json")

    assert response.status_code == 200
    assert stored(update).progress == 55
    assert milestone_state(world.m1) == (MilestoneStatus.NOT_STARTED, 0)


def test_an_update_under_review_keeps_its_progress(world, returned):
    # What the secretariat corrects under review: tests/api/test_submitted_corrections.py.
    alice = api_client(world.users.contributor_on)
    assert alice.post(f"{url(returned)}submit/").status_code == 200

    by_secretariat = api_client(world.users.secretariat).patch(url(returned), {"progress": 60}, format="json")
    by_alice = alice.patch(url(returned), {"progress": 60}, format="json")

    assert (by_secretariat.status_code, list(by_secretariat.json())) == (400, ["progress"])
    assert by_alice.status_code == 403
    assert stored(returned).progress == 50


# Deleted


def test_a_contributor_deletes_their_returned_update(world, returned):
    response = api_client(world.users.contributor_on).delete(url(returned))

    assert response.status_code == 204
    assert stored(returned) is None
    deleted = ProgressUpdate.history.get(id=returned.pk, history_type="-")
    assert deleted.history_user == world.users.contributor_on
    assert milestone_state(world.m1) == (MilestoneStatus.NOT_STARTED, 0)


def test_the_secretariat_deletes_a_stray_draft(world):
    response = api_client(world.users.secretariat).delete(url(world.update))

    assert response.status_code == 204
    assert stored(world.update) is None


def test_only_the_secretariat_deletes_an_update_under_review(world, returned):
    alice = api_client(world.users.contributor_on)
    assert alice.post(f"{url(returned)}submit/").status_code == 200

    assert alice.delete(url(returned)).status_code == 403
    assert stored(returned) is not None
    assert api_client(world.users.secretariat).delete(url(returned)).status_code == 204
    assert stored(returned) is None


def test_a_deletion_with_a_stale_record_etag_is_a_412(world, returned):
    alice = api_client(world.users.contributor_on)
    etag = alice.get(url(returned))["Record-ETag"]
    assert alice.patch(url(returned), {"progress": 60}, format="json").status_code == 200

    assert alice.delete(url(returned), HTTP_IF_MATCH=etag).status_code == 412
    assert alice.patch(url(returned), {"progress": 70}, format="json", HTTP_IF_MATCH=etag).status_code == 412
    assert stored(returned).progress == 60


# An update of a closed reporting period


def test_a_draft_of_a_closed_reporting_period_is_neither_corrected_nor_deleted(cycle):  # noqa: F811
    roles_sync()
    contributor = UserFactory(username="bc-contributor", is_staff=True)
    contributor.groups.add(Group.objects.get(name=CONTRIBUTOR))
    ContributorFactory(user=contributor, jurisdiction=cycle.bc)
    update = milestone_post_update(
        milestone=cycle.march,
        reported_on=JUNE_30,
        status=MilestoneStatus.ON_TRACK,
        progress=50,
        jurisdiction=cycle.bc,
        by=contributor,
        publish=False,
    )
    cycles.period_close(period=cycle.period, by=cycle.secretariat, on=AFTER_DEADLINE)
    secretariat = api_client(cycle.secretariat)

    corrected = secretariat.patch(url(update), {"progress": 60}, format="json")
    deleted = secretariat.delete(url(update))

    assert (corrected.status_code, corrected.json()) == (400, {"non_field_errors": [LOCKED]})
    assert deleted.status_code == 409
    assert stored(update).progress == 50


# The schema says so


def test_the_schema_describes_the_correction_and_the_deletion(world):
    import yaml

    schema = yaml.safe_load(api_client(None).get("/api/v1/schema/").content)
    operations = schema["paths"]["/api/v1/progress-updates/{id}/"]
    components = schema["components"]["schemas"]

    assert {"get", "put", "patch", "delete"} <= set(operations)
    for method in ("put", "patch"):
        operation = operations[method]
        assert "draft or returned for changes" in operation["description"]
        assert {"400", "403", "404", "405", "412"} <= set(operation["responses"])
        assert "Record-ETag" in operation["responses"]["200"]["headers"]
        assert operation["responses"]["200"]["content"]["application/json"]["schema"] == {
            "$ref": "#/components/schemas/ProgressUpdate"
        }
    request = components["ProgressUpdateCorrectionRequest"]["properties"]
    assert set(request) == {"reported_on", "status", "progress", "note_en", "note_fr", "jurisdiction"}
    assert set(components["ProgressUpdateCorrectionRequest"]["required"]) == {"reported_on", "status", "progress"}
    assert "published" in operations["delete"]["description"]
    assert {"405", "409", "412"} <= set(operations["delete"]["responses"])
