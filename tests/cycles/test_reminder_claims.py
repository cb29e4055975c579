"""Reminders are claimed before they are sent: a run inserts the reminder's row (on a
unique key: the period, the jurisdiction and the reminder's number; the address and the
day) in a transaction of its own, sends only if the insert took, and gives the claim back
when the mail server fails. So two runs that both found a reminder due (beat and a manual
run, a task delivered again) send it once; and a failed message is sent by a later run.

The race is made certain rather than hoped for: the first run stops once it has looked up
what is due, right before it sends, and the second run goes the whole way meanwhile. The
tests of the race run in one thread on any database, and between two threads (two
connections) on PostgreSQL at 127.0.0.1:5432: when the suite runs on SQLite, the last
test runs those in a pytest of their own on PostgreSQL (``DATABASE_URL``). Without
PostgreSQL they skip with the reason, and fail in CI (COGWG_REQUIRE_SERVICES=1)."""

import datetime
import threading
from pathlib import Path

import pytest
from django.core import mail
from django.core.mail import get_connection
from django.db import connection
from django.utils import timezone

from cogwg import cycles
from cogwg.models import PeriodReminder, UpcomingReminder
from cogwg.reports import services
from tests.conftest import run_on_postgresql
from tests.factories import AssignmentFactory, MilestoneFactory, PriorityFactory, WorkPlanFactory

BASE_DIR = Path(__file__).resolve().parents[2]
ON_POSTGRESQL = connection.vendor == "postgresql"
ON_SQLITE = (
    "the suite runs on SQLite: test_the_races_are_run_on_postgresql_from_a_run_on_sqlite runs them on PostgreSQL"
)
WAIT = 30  # seconds: a bound on each wait, never reached when things go as they should
WEEK = datetime.timedelta(days=7)
MARCH_10 = datetime.date(2020, 3, 10)
# Before the period's deadline (July 15, 2020), and a week before a second reminder.
JULY_1 = timezone.make_aware(datetime.datetime(2020, 7, 1, 8))


def period_reminders():
    return list(
        PeriodReminder.objects.order_by("jurisdiction__code", "number").values_list("jurisdiction__code", "number")
    )


def upcoming_reminders():
    return list(UpcomingReminder.objects.order_by("address").values_list("address", "sent_on"))


def recipients():
    return sorted(tuple(message.to) for message in mail.outbox)


@pytest.fixture
def upcoming(db):
    """Two seats' contacts, each with a milestone due ten days after March 10, 2020."""
    priority = PriorityFactory(work_plan=WorkPlanFactory(slug="2020"), number=1)
    AssignmentFactory(priority=priority, contact_email="lead@example.org")
    AssignmentFactory(priority=priority, contact_email="partner@example.org")
    MilestoneFactory(priority=priority, due_date=MARCH_10 + datetime.timedelta(days=10))


class FailingConnection:
    """A mail connection that delivers ``count`` messages, then fails as a server does."""

    def __init__(self, count):
        self.count = count

    def __call__(self, *args, **kwargs):
        backend = get_connection()
        send = backend.send_messages

        def send_messages(messages):
            if self.count == 0:
                raise OSError("421 Service not available")
            self.count -= 1
            return send(messages)

        backend.send_messages = send_messages
        return backend


def overtaken(monkeypatch, module, second_run):
    """Patch ``module``'s mail connection so that, the first time a run asks for it (it
    has looked up what is due, and sends next), ``second_run`` goes the whole way."""
    started, done = [], []

    def connection_after_the_second_run(*args, **kwargs):
        if not started:  # the second run asks too, and goes on at once
            started.append(True)
            done.append(second_run())
        return get_connection(*args, **kwargs)

    monkeypatch.setattr(module, "get_connection", connection_after_the_second_run)
    return done


# Reporting periods


def test_a_run_overtaken_by_another_sends_none_of_its_reminders_again(cycle, monkeypatch):
    now = JULY_1
    second = overtaken(monkeypatch, cycles, lambda: cycles.period_remind(period=cycle.period, now=now))

    first = cycles.period_remind(period=cycle.period, now=now)

    # The second run sent BC's and ON's reminders; the first, which had found them due
    # too, found them claimed and sent neither.
    assert (second, first) == ([2], 0)
    assert recipients() == [("lead@bc.example",), ("lead@on.example", "partner@on.example")]
    assert period_reminders() == [("BC", 1), ("ON", 1)]


def test_the_reminders_of_a_period_are_numbered_one_by_one(cycle):
    now = JULY_1

    assert cycles.period_remind(period=cycle.period, now=now) == 2
    assert cycles.period_remind(period=cycle.period, now=now) == 0  # a second run at once
    assert cycles.period_remind(period=cycle.period, now=now + WEEK) == 2

    assert period_reminders() == [("BC", 1), ("BC", 2), ("ON", 1), ("ON", 2)]
    assert len(mail.outbox) == 4


def test_a_reminder_the_mail_server_failed_gives_its_claim_back_and_is_sent_by_the_next_run(cycle, monkeypatch):
    now = JULY_1
    monkeypatch.setattr(cycles, "get_connection", FailingConnection(1))

    with pytest.raises(OSError):
        cycles.period_remind(period=cycle.period, now=now)

    # BC's went; ON's failed, and is not recorded as sent:
    assert recipients() == [("lead@bc.example",)]
    assert period_reminders() == [("BC", 1)]

    # the retry sends it, and BC's not again.
    monkeypatch.undo()
    assert cycles.period_remind(period=cycle.period, now=now) == 1
    assert recipients() == [("lead@bc.example",), ("lead@on.example", "partner@on.example")]
    assert period_reminders() == [("BC", 1), ("ON", 1)]


def test_the_weekly_task_run_twice_sends_each_reminder_once(cycle):
    from cogwg import cycle_tasks

    assert cycle_tasks.send_period_reminders.delay().get() == 2
    assert cycle_tasks.send_period_reminders.delay().get() == 0

    assert len(mail.outbox) == 2


# Upcoming milestones


def test_an_upcoming_milestones_run_overtaken_by_another_sends_none_of_its_reminders_again(upcoming, monkeypatch):
    second = overtaken(monkeypatch, services, lambda: services.milestones_remind_upcoming(on=MARCH_10))

    first = services.milestones_remind_upcoming(on=MARCH_10)

    assert (second, first) == ([2], 0)
    assert recipients() == [("lead@example.org",), ("partner@example.org",)]
    assert upcoming_reminders() == [("lead@example.org", MARCH_10), ("partner@example.org", MARCH_10)]


def test_an_upcoming_milestones_reminder_that_failed_gives_its_claim_back(upcoming, monkeypatch):
    monkeypatch.setattr(services, "get_connection", FailingConnection(0))

    with pytest.raises(OSError):
        services.milestones_remind_upcoming(on=MARCH_10)

    assert mail.outbox == []
    assert upcoming_reminders() == []
    monkeypatch.undo()
    assert services.milestones_remind_upcoming(on=MARCH_10) == 2
    assert services.milestones_remind_upcoming(on=MARCH_10) == 0
    assert recipients() == [("lead@example.org",), ("partner@example.org",)]


# The same races between two connections on PostgreSQL


def race(monkeypatch, module, run):
    """``run`` in a thread "first" that stops once it has looked up what is due (when it
    asks for the mail connection), and in a thread "second" that starts then and goes the
    whole way. Returns what each run returned or raised, and whether the second finished
    while the first was stopped."""
    looked_up, go_on = threading.Event(), threading.Event()

    def stopping_before_sending(*args, **kwargs):
        if threading.current_thread().name == "first":
            looked_up.set()
            go_on.wait(WAIT)
        return get_connection(*args, **kwargs)

    monkeypatch.setattr(module, "get_connection", stopping_before_sending)
    results = {}

    def target(name):
        try:
            results[name] = run()
        except Exception as error:  # reported by the assertions, not lost in the thread
            results[name] = error
        finally:
            connection.close()

    threads = {name: threading.Thread(target=target, args=(name,), name=name) for name in ("first", "second")}
    threads["first"].start()
    assert looked_up.wait(WAIT), "the first run never looked up what is due"
    threads["second"].start()
    threads["second"].join(WAIT)
    second_finished_first = not threads["second"].is_alive()
    go_on.set()
    for thread in threads.values():
        thread.join(WAIT)
    assert not any(thread.is_alive() for thread in threads.values())
    return results, second_finished_first


@pytest.mark.services
@pytest.mark.skipif(not ON_POSTGRESQL, reason=ON_SQLITE)
@pytest.mark.django_db(transaction=True)
def test_two_period_reminder_runs_at_the_same_time_send_each_reminder_once(cycle, monkeypatch):
    now = JULY_1

    results, second_finished_first = race(
        monkeypatch, cycles, lambda: cycles.period_remind(period=cycle.period, now=now)
    )

    assert second_finished_first  # the claims take no lock that would make it wait
    assert results == {"second": 2, "first": 0}
    assert recipients() == [("lead@bc.example",), ("lead@on.example", "partner@on.example")]
    assert period_reminders() == [("BC", 1), ("ON", 1)]


@pytest.mark.services
@pytest.mark.skipif(not ON_POSTGRESQL, reason=ON_SQLITE)
@pytest.mark.django_db(transaction=True)
def test_two_upcoming_milestones_runs_at_the_same_time_send_each_reminder_once(upcoming, monkeypatch):
    results, second_finished_first = race(
        monkeypatch, services, lambda: services.milestones_remind_upcoming(on=MARCH_10)
    )

    assert second_finished_first
    assert results == {"second": 2, "first": 0}
    assert recipients() == [("lead@example.org",), ("partner@example.org",)]
    assert upcoming_reminders() == [("lead@example.org", MARCH_10), ("partner@example.org", MARCH_10)]


@pytest.mark.services
@pytest.mark.skipif(ON_POSTGRESQL, reason="the suite runs on PostgreSQL: the races above run in it")
def test_the_races_are_run_on_postgresql_from_a_run_on_sqlite():
    run_on_postgresql(__file__, "-k", "at_the_same_time", database="cogwg_reminder_race", passed=2)
