"""Two identical stories sent at the same instant (a double click that reaches two web
processes) are stored once on PostgreSQL too, where two transactions would both find no
earlier story and both store theirs: identical submissions take turns on an advisory lock
(stories.services.submissions._take_turns_with_identical_submissions); different ones do not wait.

The race is made certain rather than hoped for: the first submission stops right after
its look-up, and the second is sent while it waits.

These tests need PostgreSQL at 127.0.0.1:5432. When the suite runs on it they run in it;
when it runs on SQLite, the last test runs them in a pytest of their own on PostgreSQL
(``DATABASE_URL``), so that ``make test`` on SQLite checks them too. Without PostgreSQL
they skip with the reason, and fail in CI (COGWG_REQUIRE_SERVICES=1)."""

import threading
import time
from pathlib import Path

import pytest
from django.core import mail
from django.db import connection

from stories.models import UserStory
from stories.services import submissions
from tests.conftest import run_on_postgresql

pytestmark = pytest.mark.services

BASE_DIR = Path(__file__).resolve().parents[2]
ON_POSTGRESQL = connection.vendor == "postgresql"
ON_SQLITE = "the suite runs on SQLite: test_the_race_is_run_on_postgresql_from_a_run_on_sqlite runs this on PostgreSQL"
WAIT = 30  # seconds: a bound on each wait, never reached when things go as they should

SUBMISSION = {
    "title": "Bus data app",
    "summary": "A developer built an app on the bus schedules.",
    "language": "en",
    "user_type": "business",
    "impact": "economic",
    "submitter_email": "dev@example.org",
}


def submission_locks(*, granted: bool) -> int:
    """The submissions' advisory locks held (or awaited) in this database: pg_locks lists
    the whole server's, other runs' included."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND classid = %s AND objsubid = 2"
            " AND granted = %s AND database = (SELECT oid FROM pg_database WHERE datname = current_database())",
            [submissions.SUBMISSION_LOCK_SPACE, granted],
        )
        return cursor.fetchone()[0]


def advisory_lock_awaited() -> bool:
    return submission_locks(granted=False) > 0


def wait_until(condition) -> bool:
    deadline = time.monotonic() + WAIT
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.02)
    return False


def race(monkeypatch, first, second):
    """Submit ``first``; once it has looked for an earlier story (and found none), and while
    its transaction is still open, submit ``second``. ``first`` goes on once ``second`` has
    finished or waits on a lock. Returns (what each submission returned or raised, whether
    ``second`` finished while ``first`` was stopped)."""
    looked_up, go_on = threading.Event(), threading.Event()
    look_up = submissions._earlier_submission

    def stopping_after_the_look_up(**kwargs):
        found = look_up(**kwargs)
        if threading.current_thread().name == "first":
            looked_up.set()
            go_on.wait(WAIT)
        return found

    monkeypatch.setattr(submissions, "_earlier_submission", stopping_after_the_look_up)
    results = {}

    def submit(name, changes):
        try:
            results[name] = submissions.story_submit(**(SUBMISSION | changes))
        except Exception as error:  # reported by the assertions, not lost in the thread
            results[name] = error
        finally:
            connection.close()

    threads = {
        name: threading.Thread(target=submit, args=(name, changes), name=name)
        for name, changes in (("first", first), ("second", second))
    }
    threads["first"].start()
    assert looked_up.wait(WAIT), "the first submission never looked for an earlier one"
    threads["second"].start()
    assert wait_until(lambda: not threads["second"].is_alive() or advisory_lock_awaited())
    second_finished_first = not threads["second"].is_alive()
    go_on.set()
    for thread in threads.values():
        thread.join(WAIT)
    assert not any(thread.is_alive() for thread in threads.values())
    return results, second_finished_first


@pytest.mark.skipif(not ON_POSTGRESQL, reason=ON_SQLITE)
@pytest.mark.django_db(transaction=True)
def test_two_identical_submissions_at_the_same_instant_store_one_story(monkeypatch):
    results, second_finished_first = race(monkeypatch, first={}, second={"submitter_email": "DEV@example.org"})

    assert isinstance(results["first"], UserStory), results["first"]
    assert isinstance(results["second"], UserStory), results["second"]
    assert list(UserStory.objects.values_list("slug", "submitter_email")) == [("bus-data-app", "dev@example.org")]
    assert results["second"].pk == results["first"].pk
    assert [message.to for message in mail.outbox if message.to == ["dev@example.org"]] == [["dev@example.org"]]
    assert not second_finished_first  # it waited for the first one's transaction


@pytest.mark.skipif(not ON_POSTGRESQL, reason=ON_SQLITE)
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    "changed",
    [{"title": "Bus data app, version 2"}, {"summary": "Another app."}, {"submitter_email": "other@example.org"}],
    ids=["title", "summary", "e-mail"],
)
def test_two_different_submissions_at_the_same_instant_are_both_stored_without_waiting(monkeypatch, changed):
    results, second_finished_first = race(monkeypatch, first={}, second=changed)

    assert second_finished_first  # it did not wait for the first one
    assert isinstance(results["first"], UserStory), results["first"]
    assert isinstance(results["second"], UserStory), results["second"]
    assert results["first"].pk != results["second"].pk
    assert UserStory.objects.count() == 2
    # The same title: the second took the free slug, the first retried under another.
    assert len(set(UserStory.objects.values_list("slug", flat=True))) == 2


@pytest.mark.skipif(not ON_POSTGRESQL, reason=ON_SQLITE)
@pytest.mark.django_db(transaction=True)
def test_no_lock_is_left_once_the_submission_commits():
    submissions.story_submit(**SUBMISSION)

    assert submission_locks(granted=True) == submission_locks(granted=False) == 0


def test_the_key_is_the_same_for_the_address_in_any_case_and_differs_with_the_text():
    key = submissions._submission_key(email="dev@example.org", title="Bus data app", summary="An app.")

    assert submissions._submission_key(email="DEV@Example.org", title="Bus data app", summary="An app.") == key
    assert submissions._submission_key(email="dev@example.org", title="Bus data app 2", summary="An app.") != key
    assert submissions._submission_key(email="dev@example.org", title="Bus data app", summary="An app!") != key
    # Fields are not run together: moving text from the title to the summary is another story.
    assert submissions._submission_key(email="dev@example.org", title="Bus data", summary="app\nAn app.") != key
    assert -(2**31) <= key < 2**31  # a PostgreSQL integer


@pytest.mark.skipif(ON_POSTGRESQL, reason="the suite runs on PostgreSQL: the tests above run in it")
def test_the_race_is_run_on_postgresql_from_a_run_on_sqlite():
    run_on_postgresql(__file__, "-k", "not from_a_run_on_sqlite", database="cogwg_story_race", passed=6)
