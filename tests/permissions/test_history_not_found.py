"""A version of a record a contributor may not read answers 404, as the record's change and
history pages do: a 403 would confirm that the record, or that version of it, exists."""

import pytest
from django.urls import reverse
from django.utils import translation

from cogwg.choices import PublicationState
from jurisdictions.models import Accomplishment
from tests.factories import AccomplishmentFactory
from tests.permissions.conftest import admin_client

pytestmark = pytest.mark.django_db


def url(model, view, *args, language="en"):
    with translation.override(language):
        return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


@pytest.fixture
def bc_draft(world):
    return AccomplishmentFactory(
        jurisdiction=world.bc, title_en="British Columbia's plan", publication_state=PublicationState.DRAFT
    )


@pytest.mark.parametrize("language", ["en", "fr"])
def test_a_version_of_another_jurisdictions_record_answers_as_its_change_page_does(world, client, bc_draft, language):
    version = bc_draft.history.get()
    admin_client(client, world.users.contributor_on)

    change = client.get(url(Accomplishment, "change", bc_draft.pk, language=language))
    history = client.get(url(Accomplishment, "history", bc_draft.pk, language=language))
    refused = client.get(url(Accomplishment, "simple_history", bc_draft.pk, version.history_id, language=language))

    assert (change.status_code, history.status_code, refused.status_code) == (404, 404, 404)
    assert "British Columbia" not in refused.content.decode()


def test_an_earlier_jurisdictions_version_of_ones_own_record_answers_404(world, client, bc_draft):
    bc_version = bc_draft.history.get()
    bc_draft.jurisdiction = world.on
    bc_draft.save()
    admin_client(client, world.users.contributor_on)

    refused = client.get(url(Accomplishment, "simple_history", bc_draft.pk, bc_version.history_id))
    own = client.get(url(Accomplishment, "simple_history", bc_draft.pk, bc_draft.history.first().history_id))

    assert refused.status_code == 404
    assert own.status_code == 200


def test_a_revert_posted_to_a_hidden_version_answers_404_and_changes_nothing(world, client, bc_draft):
    version = bc_draft.history.get()
    admin_client(client, world.users.contributor_on)

    refused = client.post(url(Accomplishment, "simple_history", bc_draft.pk, version.history_id), {"title_en": "Mine"})

    assert refused.status_code == 404
    assert Accomplishment.objects.get(pk=bc_draft.pk).title_en == "British Columbia's plan"


def test_the_secretariat_reads_every_version(world, client, bc_draft):
    version = bc_draft.history.get()
    admin_client(client, world.users.secretariat)

    assert client.get(url(Accomplishment, "simple_history", bc_draft.pk, version.history_id)).status_code == 200
