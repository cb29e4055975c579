"""A version's page and the revert's message name the fields a revert leaves as they are
for the record's state: a draft progress update's date, status and progress are brought
back (its own to correct), a published one's are its log's and stay as they are."""

import datetime
import html

from django.contrib.messages import get_messages

from cogwg.choices import PublicationState
from tests.factories import ProgressUpdateFactory
from tests.permissions.conftest import admin_client
from tests.permissions.test_revert_rules import text, url
from tests.test_admin import form_data
from workplan.models import ProgressUpdate
from workplan.services import progress_update_unpublish

DRAFT_KEPT = "published at, milestone, author, submitted at, submitted by"
PUBLISHED_KEPT = "published at, milestone, reported on, status, progress (%), author, submitted at, submitted by"


def corrected(update):
    """``update`` corrected once (a new version); returns the version before."""
    first = update.history.first()
    update.reported_on, update.status, update.progress = datetime.date(2020, 5, 1), "at_risk", 60
    update.save()
    return first


def version_page(client, update, version, language="en"):
    return text(
        client.get(
            url(ProgressUpdate, "simple_history", update.pk, version.history_id, language=language)
        ).content.decode()
    )


def test_a_draft_updates_version_page_does_not_name_its_date_status_and_progress_as_kept(world, client):
    first = corrected(world.update)
    admin_client(client, world.users.secretariat)

    english = version_page(client, world.update, first)
    french = version_page(client, world.update, first, "fr")

    assert f"The fields kept by the services ({DRAFT_KEPT}) stay as they are now." in english
    assert (
        "Les champs tenus à jour par les services (publié le, jalon, auteur, soumis le, soumis par) restent tels quels."
    ) in french


def test_a_published_updates_version_page_names_its_date_status_and_progress_as_kept(world, client):
    update = ProgressUpdateFactory(
        milestone=world.m1, jurisdiction=world.on, publication_state=PublicationState.PUBLISHED
    )
    first = corrected(update)
    admin_client(client, world.users.secretariat)

    assert f"The fields kept by the services ({PUBLISHED_KEPT}) stay as they are now." in version_page(
        client, update, first
    )


def test_reverting_a_draft_update_restores_its_date_status_and_progress_and_says_what_it_kept(world, client):
    update = world.update
    first = corrected(update)
    admin_client(client, world.users.secretariat)
    address = url(ProgressUpdate, "simple_history", update.pk, first.history_id)

    reverted = client.post(address, form_data(client.get(address)))

    assert reverted.status_code == 302
    update.refresh_from_db()
    assert (update.reported_on, update.status, update.progress) == (datetime.date(2020, 4, 1), "on_track", 50)
    (message,) = [html.unescape(str(message)) for message in get_messages(reverted.wsgi_request)]
    assert message.endswith(
        f"was reverted to the chosen version. The fields kept by the services ({DRAFT_KEPT}) stayed as they were."
    )


def test_reverting_a_published_update_keeps_its_date_status_and_progress_and_says_so(world, client):
    update = ProgressUpdateFactory(
        milestone=world.m1, jurisdiction=world.on, publication_state=PublicationState.PUBLISHED
    )
    first = corrected(update)
    admin_client(client, world.users.secretariat)
    address = url(ProgressUpdate, "simple_history", update.pk, first.history_id, language="fr")

    reverted = client.post(address, form_data(client.get(address)))

    assert reverted.status_code == 302
    update.refresh_from_db()
    assert (update.reported_on, update.status, update.progress) == (datetime.date(2020, 5, 1), "at_risk", 60)
    (message,) = [html.unescape(str(message)) for message in get_messages(reverted.wsgi_request)]
    assert message.endswith(
        "Les champs tenus à jour par les services (publié le, jalon, signalé le, état, avancement (%), auteur, "
        "soumis le, soumis par) n'ont pas changé."
    )


def test_a_revert_that_publishes_a_draft_says_what_it_kept_of_the_draft(world, client):
    """The message names what the revert left as it was, not what the record, published
    by the services on the way, would now keep."""
    update = ProgressUpdateFactory(
        milestone=world.m1, jurisdiction=world.on, publication_state=PublicationState.PUBLISHED
    )
    published = update.history.get()
    progress_update_unpublish(update=update, by=world.users.secretariat)
    update.refresh_from_db()
    corrected(update)
    admin_client(client, world.users.secretariat)
    address = url(ProgressUpdate, "simple_history", update.pk, published.history_id)

    reverted = client.post(address, form_data(client.get(address)))

    assert reverted.status_code == 302
    update.refresh_from_db()
    assert (update.publication_state, update.status, update.progress) == (PublicationState.PUBLISHED, "on_track", 50)
    (message,) = [html.unescape(str(message)) for message in get_messages(reverted.wsgi_request)]
    assert message.endswith(f"The fields kept by the services ({DRAFT_KEPT}) stayed as they were.")
