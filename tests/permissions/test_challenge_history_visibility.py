"""A challenge's creation version (django-simple-history keeps it before its
jurisdictions are set, then a version with them) is read by the contributors of the
jurisdictions it had right after its creation, not by those of a jurisdiction it was given
later: cogwg/permissions.py, ``visible_versions``."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cogwg import permissions
from cogwg.choices import PublicationState
from cogwg.permissions import CONTRIBUTOR
from jurisdictions.models import Challenge
from tests.factories import ChallengeFactory
from tests.permissions.conftest import admin_client, api_client, make_user
from tests.test_admin import admin_url, form_data


@pytest.fixture
def carol(world):
    """A second contributor for Ontario, who saved none of the versions."""
    return make_user("carol", CONTRIBUTOR, jurisdictions=[world.on])


def history_page(client, user, challenge):
    admin_client(client, user)
    response = client.get(admin_url(Challenge, "history", challenge.pk))
    assert response.status_code == 200
    return [(version.history_type, version.history_id) for version in response.context["page_obj"]]


def versions(challenge):
    return [(version.history_type, version.history_id) for version in challenge.history.all()]


def created_in_the_admin(client, user, jurisdictions, title="Staffing"):
    admin_client(client, user)
    data = form_data(client.get(admin_url(Challenge, "add")))
    data.update({"title_en": title, "category": "resources", "status": "open", "jurisdictions": jurisdictions})
    response = client.post(admin_url(Challenge, "add"), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    return Challenge.objects.get(title_en=title)


def test_a_challenge_filed_in_the_admin_shows_its_creation_to_its_jurisdictions_contributors(world, client, carol):
    challenge = created_in_the_admin(client, world.users.contributor_on, [world.on.pk])
    creation, with_jurisdictions = versions(challenge)[::-1]

    assert creation[0] == "+"
    assert history_page(client, carol, challenge) == [with_jurisdictions, creation]
    assert history_page(client, world.users.contributor_on, challenge) == [with_jurisdictions, creation]
    admin_client(client, carol)
    assert client.get(admin_url(Challenge, "simple_history", challenge.pk, creation[1])).status_code == 200


def test_a_challenge_filed_through_the_api_shows_its_creation_to_its_jurisdictions_contributors(world, carol):
    response = api_client(world.users.contributor_on).post(
        "/api/v1/challenges/", {"title_en": "Funding", "category": "legal", "jurisdictions": ["ON"]}, format="json"
    )
    assert response.status_code == 201
    challenge = Challenge.objects.get(title_en="Funding")

    shown = permissions.visible_versions(carol, Challenge, challenge.history.all())

    assert [version.history_type for version in shown] == ["~", "+"]


def test_a_challenge_created_across_jurisdictions_keeps_its_creation_from_a_jurisdiction_given_it_later(
    world, client, carol
):
    challenge = created_in_the_admin(client, world.users.secretariat, [], title="Shared")
    (creation,) = versions(challenge)
    data = form_data(client.get(admin_url(Challenge, "change", challenge.pk)))
    data["jurisdictions"] = [world.on.pk]
    assert client.post(admin_url(Challenge, "change", challenge.pk), data).status_code == 302
    Challenge.objects.filter(pk=challenge.pk).update(publication_state=PublicationState.DRAFT)

    shown = history_page(client, carol, challenge)

    assert creation not in shown
    assert [kind for kind, _id in shown] == ["~"]  # the version that gave it Ontario
    assert client.get(admin_url(Challenge, "simple_history", challenge.pk, creation[1])).status_code == 404


def test_a_challenge_created_with_another_jurisdiction_too_keeps_its_creation_from_contributors(world, carol):
    challenge = ChallengeFactory(title_en="Shared staffing", publication_state=PublicationState.DRAFT)
    challenge.jurisdictions.set([world.on, world.bc])  # right after creation: ON and BC
    challenge.jurisdictions.set([world.on])
    ontario_only = challenge.history.first()

    assert list(permissions.visible_versions(carol, Challenge, challenge.history.all())) == [ontario_only]


def test_a_creation_is_completed_only_by_a_version_of_the_same_row(world, carol):
    challenge = ChallengeFactory(title_en="Across", publication_state=PublicationState.DRAFT)
    Challenge.jurisdictions.through.objects.create(challenge=challenge, jurisdiction=world.on)  # no version
    challenge.save()  # a later save: its version lists Ontario, but the row changed since the creation

    shown = permissions.visible_versions(carol, Challenge, challenge.history.all())

    assert list(shown) == [challenge.history.first()]


def test_a_creation_version_with_none_after_it_goes_with_the_challenges_jurisdictions(world, carol):
    ontarios = ChallengeFactory(title_en="Ontario's", publication_state=PublicationState.DRAFT)
    shared = ChallengeFactory(title_en="Shared", publication_state=PublicationState.DRAFT)
    # Links written in bulk, as cogwg/demo/generate.py writes them: no version records them.
    Challenge.jurisdictions.through.objects.bulk_create(
        [
            Challenge.jurisdictions.through(challenge=ontarios, jurisdiction=world.on),
            Challenge.jurisdictions.through(challenge=shared, jurisdiction=world.on),
            Challenge.jurisdictions.through(challenge=shared, jurisdiction=world.bc),
        ]
    )
    every_version = Challenge.history.model.objects.filter(id__in=[ontarios.pk, shared.pk])

    shown = permissions.visible_versions(carol, Challenge, every_version)

    assert list(shown) == [ontarios.history.get()]


def test_the_versions_a_contributor_reads_are_chosen_in_one_query(world, carol):
    for n in range(5):
        challenge = ChallengeFactory(publication_state=PublicationState.DRAFT)
        challenge.jurisdictions.set([world.on] if n % 2 else [world.on, world.bc])
    every_version = Challenge.history.model.objects.all()
    permissions.visibility_key(carol)  # her groups and jurisdictions, read once per user object

    with CaptureQueriesContext(connection) as queries:
        shown = list(permissions.visible_versions(carol, Challenge, every_version))

    assert len(queries) == 1
    # The world's challenge and two of the five: each creation with the version after it.
    assert len(shown) == 6
