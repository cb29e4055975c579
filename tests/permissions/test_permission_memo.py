"""A user's rights on one record are read once per user object (a request's user), so
that a contributor's change page asks each question of the database once, and never
answer from before a write made since (in the same request, by a service, or rolled
back): cogwg/permissions.py, ``_answer``."""

from collections import Counter

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from cogwg import permissions
from cogwg.choices import PublicationState
from cogwg.services import record_submit, records_publish
from tests.factories import (
    AccomplishmentFactory,
    AccomplishmentLinkFactory,
    ChallengeFactory,
    JurisdictionFactory,
    MilestoneFactory,
    ProgressUpdateFactory,
)
from tests.test_admin import admin_url
from workplan.models import ProgressUpdate

RECORDS = ("update", "accomplishment", "challenge")


def page_queries(client, record):
    url = admin_url(type(record), "change", record.pk)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return [query["sql"] for query in queries.captured_queries]


def record_checks(queries, record):
    """The queries that ask something of ``record``'s row alone (the rights' questions)."""
    table = type(record)._meta.db_table
    return [sql for sql in queries if sql.startswith(f'SELECT 1 AS "a" FROM "{table}" WHERE ("{table}"."id" = ')]


def more_data(world, times):
    """Records around the page's own: others of ON (drafts and published), of other
    jurisdictions, and the record edited again."""
    for n in range(times):
        AccomplishmentFactory(jurisdiction=world.on, publication_state=PublicationState.DRAFT)
        AccomplishmentFactory(jurisdiction=JurisdictionFactory())
        AccomplishmentLinkFactory(accomplishment=world.accomplishment)
        challenge = ChallengeFactory(publication_state=PublicationState.DRAFT)
        challenge.jurisdictions.set([world.on, world.bc] if n % 2 else [world.on])
        ProgressUpdateFactory(milestone=world.m1, jurisdiction=world.on, publication_state=PublicationState.DRAFT)
        ProgressUpdateFactory(milestone=MilestoneFactory(priority=world.first), jurisdiction=world.on)
    for name in RECORDS:
        record = getattr(world, name)
        record.save()


@pytest.mark.parametrize("name", RECORDS)
def test_a_contributors_change_page_asks_each_right_once_whatever_the_data_size(
    world, client, name, django_assert_num_queries
):
    record = getattr(world, name)
    client.force_login(world.users.contributor_on)
    client.get(admin_url(type(record), "change", record.pk))  # the session's first read

    small = page_queries(client, record)
    more_data(world, 6)

    with django_assert_num_queries(len(small)):
        client.get(admin_url(type(record), "change", record.pk))
    checks = Counter(record_checks(small, record))
    # Seen, changed, deleted, its history, locked (an update): each asked once (they were
    # asked up to 11 times).
    assert checks and set(checks.values()) == {1}
    assert set(Counter(small).values()) == {1}


def test_the_same_question_twice_asks_the_database_once(world, django_assert_num_queries):
    alice, accomplishment = world.users.contributor_on, world.accomplishment
    assert permissions.can_change(alice, accomplishment)

    with django_assert_num_queries(0):
        assert permissions.can_change(alice, accomplishment)
        assert permissions.can_delete(alice, accomplishment)
        assert permissions.can_submit(alice, accomplishment)


def test_another_users_answers_are_their_own(world):
    accomplishment = world.accomplishment

    assert permissions.can_change(world.users.contributor_on, accomplishment)
    assert not permissions.can_change(world.users.contributor_bc, accomplishment)
    assert not permissions.can_view(world.users.contributor_bc, accomplishment)


@pytest.mark.parametrize("name", RECORDS)
def test_a_record_submitted_in_the_same_request_is_no_longer_theirs_to_change(world, name):
    alice, record = world.users.contributor_on, getattr(world, name)
    assert permissions.can_change(alice, record) and permissions.can_submit(alice, record)

    record_submit(record=record, by=alice)

    record.refresh_from_db()
    assert not permissions.can_change(alice, record)
    assert not permissions.can_delete(alice, record)
    assert not permissions.can_submit(alice, record)
    assert permissions.can_view(alice, record)


def test_a_record_moved_to_another_jurisdiction_answers_for_its_new_one(world):
    alice, bob, accomplishment = world.users.contributor_on, world.users.contributor_bc, world.accomplishment
    assert permissions.can_view(alice, accomplishment) and permissions.can_view_history(alice, accomplishment)
    assert not permissions.can_view(bob, accomplishment)

    accomplishment.jurisdiction = world.bc
    accomplishment.save()

    assert not permissions.can_view(alice, accomplishment)
    assert not permissions.can_change(alice, accomplishment)
    assert not permissions.can_view_history(alice, accomplishment)
    assert permissions.can_view(bob, accomplishment) and permissions.can_change(bob, accomplishment)


def test_a_challenge_given_other_jurisdictions_answers_for_them(world):
    alice, bob, challenge = world.users.contributor_on, world.users.contributor_bc, world.challenge
    assert permissions.can_change(alice, challenge) and not permissions.can_change(bob, challenge)

    challenge.jurisdictions.set([world.bc])  # a many-to-many change: the row is not saved

    assert not permissions.can_change(alice, challenge) and not permissions.can_view(alice, challenge)
    assert permissions.can_change(bob, challenge) and permissions.can_view_history(bob, challenge)


def test_a_record_published_by_the_secretariat_in_the_same_request_is_seen_by_all(world):
    bob, accomplishment = world.users.contributor_bc, world.accomplishment
    alice = world.users.contributor_on
    assert not permissions.can_view(bob, accomplishment) and permissions.can_change(alice, accomplishment)

    records_publish(queryset=type(accomplishment).objects.filter(pk=accomplishment.pk), by=world.users.secretariat)

    assert permissions.can_view(bob, accomplishment)
    assert not permissions.can_change(alice, accomplishment)


def test_an_update_whose_seat_is_removed_is_no_longer_theirs_to_change(world):
    alice, update = world.users.contributor_on, world.update
    assert permissions.can_change(alice, update)

    world.on_lead.delete()  # another table than the record's

    assert not permissions.can_change(alice, update)


def test_what_a_rolled_back_write_changed_is_not_kept(world):
    alice, accomplishment = world.users.contributor_on, world.accomplishment
    assert permissions.can_change(alice, accomplishment)

    with pytest.raises(RuntimeError), transaction.atomic():
        record_submit(record=accomplishment, by=alice)
        assert not permissions.can_change(alice, accomplishment)  # read inside, after the write
        raise RuntimeError("refused: rolled back")

    assert type(accomplishment).objects.get(pk=accomplishment.pk).publication_state == PublicationState.DRAFT
    assert permissions.can_change(alice, accomplishment)
    assert permissions.can_submit(alice, accomplishment)


def test_a_locked_update_is_read_once_and_as_stored(world, django_assert_num_queries):
    alice, update = world.users.contributor_on, world.update
    assert not permissions.is_locked(alice, update)

    with django_assert_num_queries(0):
        assert not permissions.is_locked(alice, update)
        assert not permissions.is_locked(alice, None)
        assert not permissions.is_locked(alice, ProgressUpdate(jurisdiction=world.on))  # not stored


def test_the_memo_leaves_deletions_fast(db, django_assert_num_queries):
    """No receiver of every model's deletions: Django deletes rows nobody listens to in one
    statement, without reading them first (the retention's sign-in records, a token)."""
    from axes.models import AccessLog

    AccessLog.objects.bulk_create([AccessLog(username=f"u{n}", ip_address="127.0.0.1") for n in range(5)])

    with django_assert_num_queries(1):
        AccessLog.objects.all().delete()
