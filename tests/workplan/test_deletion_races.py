"""A deletion that takes progress updates with it (a work plan, priority, milestone or
update) is checked again, under lock, as it happens (``records_ensure_deletable``): an
update published between the admin's confirmation page (or the API's check) and the
deletion is not deleted with it. The refusal is a message in the reader's language, and
nothing is deleted."""

import os
import threading
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib import admin
from django.contrib.messages import get_messages
from django.db import connection
from django.urls import reverse
from django.utils import translation
from rest_framework.test import APIClient

from cogwg.choices import PublicationState
from tests.conftest import run_on_postgresql
from tests.factories import MilestoneFactory, ProgressUpdateFactory, StaffFactory
from workplan import services
from workplan.models import Milestone, Priority, ProgressUpdate, WorkPlan
from workplan.services import progress_update_publish

pytestmark = pytest.mark.django_db


def admin_url(model, view, *args, language="en"):
    with translation.override(language):
        return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


@pytest.fixture
def draft():
    """A milestone whose one update is a draft: it may be deleted, with its update."""
    return ProgressUpdateFactory(publication_state=PublicationState.DRAFT, reported_on="2020-04-01")


def published_meanwhile(monkeypatch, model, update):
    """The admin of ``model`` lists what a deletion takes with it, and then, before the
    deletion itself, ``update`` is published (as by another request)."""
    model_admin = admin.site._registry[model]
    listed = model_admin.get_deleted_objects

    def listed_then_published(objs, request):
        answer = listed(objs, request)
        if request.method == "POST":
            progress_update_publish(update=update)
        return answer

    monkeypatch.setattr(model_admin, "get_deleted_objects", listed_then_published)


def messages_of(response):
    return [str(message) for message in get_messages(response.wsgi_request)]


@pytest.mark.parametrize(
    ("model", "record"),
    [
        (Milestone, lambda update: update.milestone),
        (Priority, lambda update: update.milestone.priority),
        (WorkPlan, lambda update: update.milestone.priority.work_plan),
        (ProgressUpdate, lambda update: update),
    ],
)
def test_an_update_published_before_the_admin_deletes_refuses_the_deletion(
    staff_client, monkeypatch, draft, model, record
):
    target = record(draft)
    published_meanwhile(monkeypatch, model, draft)
    address = admin_url(model, "delete", target.pk)

    response = staff_client.post(address, {"post": "yes"})

    assert response.status_code == 302
    assert response["Location"] == address
    assert messages_of(response) == [
        "Deleting this would delete 1 published progress update, which carries its milestone's status: "
        "withdraw it first."
    ]
    assert model.objects.filter(pk=target.pk).exists()
    # The deletion's transaction is rolled back whole: the update is as the other
    # request left it (here, in the same transaction, rolled back with it).
    assert ProgressUpdate.objects.filter(pk=draft.pk).exists()


def test_the_refusal_is_in_the_readers_language(staff_client, monkeypatch, draft):
    published_meanwhile(monkeypatch, Milestone, draft)
    address = admin_url(Milestone, "delete", draft.milestone.pk, language="fr")

    assert address.startswith("/fr/")
    response = staff_client.post(address, {"post": "yes"})

    assert response.status_code == 302
    (message,) = messages_of(response)
    assert message.startswith("Cette suppression emporterait 1 mise à jour des progrès publiée")
    assert Milestone.objects.filter(pk=draft.milestone.pk).exists()


def test_an_update_published_before_the_delete_action_refuses_it(staff_client, monkeypatch, draft):
    other = MilestoneFactory()
    published_meanwhile(monkeypatch, Milestone, draft)
    address = admin_url(Milestone, "changelist")

    response = staff_client.post(
        address,
        {"action": "delete_selected", "_selected_action": [draft.milestone.pk, other.pk], "post": "yes"},
    )

    assert response.status_code == 302
    assert messages_of(response) == [
        "Deleting this would delete 1 published progress update, which carries its milestone's status: "
        "withdraw it first."
    ]
    assert Milestone.objects.filter(pk__in=[draft.milestone.pk, other.pk]).count() == 2


def test_a_deletion_with_nothing_kept_still_goes_through(staff_client, draft):
    response = staff_client.post(admin_url(Milestone, "delete", draft.milestone.pk), {"post": "yes"})

    assert response.status_code == 302
    assert not Milestone.objects.filter(pk=draft.milestone.pk).exists()
    assert not ProgressUpdate.objects.filter(pk=draft.pk).exists()


def test_the_delete_action_with_nothing_kept_still_goes_through(staff_client, draft):
    other = MilestoneFactory()
    staff_client.post(
        admin_url(Milestone, "changelist"),
        {"action": "delete_selected", "_selected_action": [draft.milestone.pk, other.pk], "post": "yes"},
    )

    assert not Milestone.objects.filter(pk__in=[draft.milestone.pk, other.pk]).exists()


def test_publishing_an_update_deleted_meanwhile_is_refused_not_a_500(draft):
    stale = ProgressUpdate.objects.get(pk=draft.pk)
    draft.milestone.delete()

    with pytest.raises(services.ValidationError) as refusal:
        progress_update_publish(update=stale)

    assert refusal.value.messages == ["This progress update has just been deleted."]


# The test below runs in a pytest process of its own, on a PostgreSQL database of its own
# (the one after it starts it): its writes commit, and so empty the database when it ends.
ALONE = "COGWG_TEST_DELETION_RACES_ALONE"


def _waiting_on_a_lock() -> bool:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'"
        )
        return cursor.fetchone()[0] > 0


@pytest.mark.services
@pytest.mark.skipif(
    os.environ.get(ALONE) != "1",
    reason="runs in a PostgreSQL run of its own: test_a_deletion_racing_a_publish_on_postgresql",
)
@pytest.mark.django_db(transaction=True)
def test_an_api_deletion_racing_a_publish_waits_for_it_and_is_refused(monkeypatch):
    """The publish is held once it has marked the update published, before it commits; the
    API's deletion of the milestone starts then. Its check waits for the update's lock,
    then sees it published: 409, and the update is kept. Without the lock the check
    read the update as a draft, and the deletion waited only at its DELETE, which then
    deleted the published update."""
    assert connection.vendor == "postgresql"
    update = ProgressUpdateFactory(publication_state=PublicationState.DRAFT, reported_on="2020-04-01")
    api = APIClient()
    api.force_authenticate(StaffFactory())
    marked, release = threading.Event(), threading.Event()
    refresh = services.milestone_refresh_status
    publisher = {}

    def held_refresh(*, milestone):
        if threading.current_thread() is publisher.get("thread"):
            marked.set()
            assert release.wait(30)
        return refresh(milestone=milestone)

    monkeypatch.setattr(services, "milestone_refresh_status", held_refresh)
    answers = {}

    def publish():
        try:
            progress_update_publish(update=update)
        finally:
            connection.close()

    def delete():
        try:
            answers["delete"] = api.delete(f"/api/v1/milestones/{update.milestone.pk}/")
        finally:
            connection.close()

    publishing = publisher["thread"] = threading.Thread(target=publish)
    deleting = threading.Thread(target=delete)
    publishing.start()
    assert marked.wait(30)
    deleting.start()
    deadline = time.monotonic() + 10
    while deleting.is_alive() and not _waiting_on_a_lock() and time.monotonic() < deadline:
        time.sleep(0.05)
    release.set()
    publishing.join(30)
    deleting.join(30)

    assert answers["delete"].status_code == 409
    assert "withdraw it first" in answers["delete"].json()["detail"]
    kept = ProgressUpdate.objects.get(pk=update.pk)
    assert kept.publication_state == PublicationState.PUBLISHED
    assert Milestone.objects.filter(pk=update.milestone_id).exists()


@pytest.mark.services
def test_a_deletion_racing_a_publish_on_postgresql():
    """The test above, in a run of its own on a PostgreSQL database of its own."""
    here = Path(__file__).relative_to(settings.BASE_DIR)
    test = f"{here}::{test_an_api_deletion_racing_a_publish_waits_for_it_and_is_refused.__name__}"
    env = {ALONE: "1", "COGWG_REQUIRE_SERVICES": "1"}
    run_on_postgresql("--create-db", test, database="cogwg_deletion_races", passed=1, env=env)
