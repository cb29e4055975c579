"""An API write of a stored record reads it locked, in the write's transaction
(``ApiViewSetMixin.get_object``): a write racing another waits for it, then is judged
(rights, If-Match), validated and saved against what the other saved. Saving the copy it
read before would undo the other's change (un-publish a record, leave a completed
milestone not started), and two writers of one If-Match would both pass.

In each test the first writer is held at a point of its write, its row locked, while the
second starts; once the second waits for the lock (or, without it, has finished), the
first goes on. These need row locks: they run in a pytest process of their own, on a
PostgreSQL database of their own (the last test starts it)."""

import datetime
import os
import threading
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from rest_framework.test import APIClient

from cogwg.api import publication
from cogwg.api.publication import PublicationActionsMixin
from cogwg.api.viewsets import ApiViewSetMixin
from cogwg.choices import PublicationState
from cogwg.permissions import CONTRIBUTOR, roles_sync
from cogwg.services import records_publish
from jurisdictions.models import Accomplishment
from tests.conftest import run_on_postgresql
from tests.factories import AccomplishmentFactory, JurisdictionFactory, MilestoneFactory, StaffFactory
from tests.permissions.conftest import make_user
from workplan.choices import MilestoneStatus
from workplan.models import Milestone
from workplan.services import milestone_post_update

ALONE = "COGWG_TEST_WRITE_RACES_ALONE"


def alone(test):
    """A race test: on PostgreSQL, in the run of its own the last test starts."""
    test = pytest.mark.django_db(transaction=True)(test)
    test = pytest.mark.skipif(os.environ.get(ALONE) != "1", reason="runs in a PostgreSQL run of its own")(test)
    return pytest.mark.services(test)


def waiting_on_a_lock() -> bool:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'"
        )
        return cursor.fetchone()[0] > 0


class Race:
    """Two writes in threads of their own: ``hold()``, called where the first write is to
    be held (a hook the test puts in its way), holds it there until the second has
    started and waits for a lock, or has finished."""

    def __init__(self):
        self.reached, self.release = threading.Event(), threading.Event()
        self.first = None
        self.answers = {}

    def hold(self):
        if threading.current_thread() is self.first:
            self.reached.set()
            assert self.release.wait(30)

    def run(self, first, second):
        def write(name, call):
            try:
                self.answers[name] = call()
            finally:
                connection.close()

        self.first = threading.Thread(target=write, args=("first", first))
        other = threading.Thread(target=write, args=("second", second))
        self.first.start()
        assert self.reached.wait(30)
        other.start()
        deadline = time.monotonic() + 10
        while other.is_alive() and not waiting_on_a_lock() and time.monotonic() < deadline:
            time.sleep(0.05)
        self.release.set()
        self.first.join(30)
        other.join(30)
        return self.answers["first"], self.answers["second"]


def held_at_check_save(monkeypatch, race):
    """The first write held once it has read, judged and validated the record, before it saves."""
    check_save = ApiViewSetMixin.check_save

    def held(self, serializer):
        race.hold()
        return check_save(self, serializer)

    monkeypatch.setattr(ApiViewSetMixin, "check_save", held)


def client(user):
    api = APIClient()
    api.force_authenticate(user)
    return api


@alone
def test_a_patch_racing_a_publish_waits_for_it_and_does_not_undo_it(monkeypatch):
    assert connection.vendor == "postgresql"
    staff = StaffFactory(username="sec")
    record = AccomplishmentFactory(title_en="Portal", title_fr="Portail", publication_state=PublicationState.SUBMITTED)
    race = Race()
    held_at_check_save(monkeypatch, race)

    patched, _published = race.run(
        lambda: client(staff).patch(f"/api/v1/accomplishments/{record.pk}/", {"title_en": "Portal, fixed"}),
        lambda: records_publish(queryset=Accomplishment.objects.filter(pk=record.pk), by=staff),
    )

    assert patched.status_code == 200
    stored = Accomplishment.objects.get(pk=record.pk)
    assert (stored.publication_state, stored.title_en) == (PublicationState.PUBLISHED, "Portal, fixed")
    assert stored.published_at is not None


@alone
def test_a_milestone_patch_racing_a_progress_update_keeps_the_milestone_in_step_with_its_log(monkeypatch):
    assert connection.vendor == "postgresql"
    staff = StaffFactory(username="sec")
    milestone = MilestoneFactory()
    race = Race()
    held_at_check_save(monkeypatch, race)

    patched, _update = race.run(
        lambda: client(staff).patch(f"/api/v1/milestones/{milestone.pk}/", {"order": 3}, format="json"),
        lambda: milestone_post_update(
            milestone=milestone, reported_on=datetime.date(2020, 5, 1), status="completed", progress=100, by=staff
        ),
    )

    assert patched.status_code == 200
    stored = Milestone.objects.get(pk=milestone.pk)
    assert (stored.status, stored.progress, stored.order) == (MilestoneStatus.COMPLETED, 100, 3)


@alone
def test_two_writers_with_the_same_if_match_do_not_both_win(monkeypatch):
    assert connection.vendor == "postgresql"
    staff = StaffFactory(username="sec")
    record = AccomplishmentFactory(title_en="Original", publication_state=PublicationState.DRAFT)
    url = f"/api/v1/accomplishments/{record.pk}/"
    etag = client(staff).get(url)["Record-ETag"]
    race = Race()
    held_at_check_save(monkeypatch, race)

    alice, bob = race.run(
        lambda: client(staff).patch(url, {"title_en": "Alice's"}, format="json", HTTP_IF_MATCH=etag),
        lambda: client(staff).patch(url, {"title_en": "Bob's"}, format="json", HTTP_IF_MATCH=etag),
    )

    assert (alice.status_code, bob.status_code) == (200, 412)
    assert Accomplishment.objects.get(pk=record.pk).title_en == "Alice's"


@alone
def test_a_publish_with_if_match_racing_a_return_is_a_412(monkeypatch):
    assert connection.vendor == "postgresql"
    staff = StaffFactory(username="sec")
    record = AccomplishmentFactory(title_en="Portal", title_fr="Portail", publication_state=PublicationState.SUBMITTED)
    url = f"/api/v1/accomplishments/{record.pk}/"
    etag = client(staff).get(url)["Record-ETag"]
    race = Race()
    record_return = publication.record_return

    def held_return(**kwargs):
        race.hold()
        return record_return(**kwargs)

    monkeypatch.setattr(publication, "record_return", held_return)

    returned, published = race.run(
        lambda: client(staff).post(f"{url}return/", {"comment": "Name the portal."}, format="json"),
        lambda: client(staff).post(f"{url}publish/", HTTP_IF_MATCH=etag),
    )

    assert (returned.status_code, published.status_code) == (200, 412)
    assert Accomplishment.objects.get(pk=record.pk).publication_state == PublicationState.RETURNED


@alone
def test_a_contributor_s_patch_racing_a_publish_does_not_write_into_the_published_record(monkeypatch):
    assert connection.vendor == "postgresql"
    roles_sync()
    on = JurisdictionFactory(code="ON")
    contributor = make_user("alice", CONTRIBUTOR, jurisdictions=[on])
    staff = StaffFactory(username="sec")
    record = AccomplishmentFactory(
        jurisdiction=on, title_en="Portal", title_fr="Portail", publication_state=PublicationState.RETURNED
    )
    url = f"/api/v1/accomplishments/{record.pk}/"
    race = Race()
    publish_record = PublicationActionsMixin.publish_record

    def held_publish(self, record, by):
        race.hold()
        return publish_record(self, record, by)

    monkeypatch.setattr(PublicationActionsMixin, "publish_record", held_publish)

    published, patched = race.run(
        lambda: client(staff).post(f"{url}publish/"),
        lambda: client(contributor).patch(url, {"title_en": "Mine now"}, format="json"),
    )

    assert (published.status_code, patched.status_code) == (200, 403)
    stored = Accomplishment.objects.get(pk=record.pk)
    assert (stored.publication_state, stored.title_en) == (PublicationState.PUBLISHED, "Portal")


RACES = [
    test_a_patch_racing_a_publish_waits_for_it_and_does_not_undo_it,
    test_a_milestone_patch_racing_a_progress_update_keeps_the_milestone_in_step_with_its_log,
    test_two_writers_with_the_same_if_match_do_not_both_win,
    test_a_publish_with_if_match_racing_a_return_is_a_412,
    test_a_contributor_s_patch_racing_a_publish_does_not_write_into_the_published_record,
]


@pytest.mark.services
def test_the_write_races_on_postgresql():
    """The tests above, in a run of their own on a PostgreSQL database of their own."""
    here = Path(__file__).relative_to(settings.BASE_DIR)
    tests = [f"{here}::{test.__name__}" for test in RACES]
    env = {ALONE: "1", "COGWG_REQUIRE_SERVICES": "1"}
    run_on_postgresql("--create-db", *tests, database="cogwg_write_races", passed=len(RACES), env=env)
