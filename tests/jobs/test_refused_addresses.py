"""The mail server refusing one address for good (550: no such mailbox) stops no e-mail to
the others: the reminders (upcoming milestones, reporting periods) and the summaries of a
closed period each keep the refused one's claim, marked refused, and go on; the dashboard
tells the secretariat. Only a failure of the whole server (a 421 as it goes away) stops a
run, and the retry sends what was not sent, nothing twice. Against a mail server of the
tests' own (tests/fakes/smtp_server.py), told which addresses to refuse."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from cogwg import cycle_tasks, cycles
from cogwg.choices import PublicationState
from cogwg.models import PeriodReminder, PeriodSummary, UpcomingReminder
from cogwg.reports import tasks as report_tasks
from tests.cycles.conftest import AFTER_DEADLINE
from tests.factories import AssignmentFactory, MilestoneFactory, PriorityFactory, ProgressUpdateFactory, UserFactory
from tests.test_admin import action_messages
from workplan.models import Assignment

pytestmark = pytest.mark.django_db

NBSP = "\u00a0"
# Before the period's deadline (July 15, 2020).
JULY_1 = timezone.make_aware(datetime.datetime(2020, 7, 1, 8))


def run(task, *args, attempts=4):
    """The task as Celery runs it with its retries (``autoretry_for=OSError``, 3 retries):
    what each run returned, or the error it raised."""
    outcomes = []
    for _attempt in range(attempts):
        try:
            outcomes.append(task.run(*args))
        except OSError as error:
            outcomes.append(type(error).__name__)
    return outcomes


def delivered(smtp):
    """The recipients of each message the mail server accepted."""
    return [list(message.recipients) for message in smtp.messages]


# Upcoming milestones


@pytest.fixture
def upcoming(db, smtp):
    """Three seats' contacts with a milestone due in ten days; the first address is mistyped:
    the mail server refuses it."""
    smtp.refuse.add("a-bad@gov.example.ca")
    today = timezone.localdate()
    plan_end = today + datetime.timedelta(days=365)
    priority = PriorityFactory(work_plan__slug="2099", work_plan__start_date=today, work_plan__end_date=plan_end)
    for address in ("a-bad@gov.example.ca", "lead@gov.example.ca", "partner@gov.example.ca"):
        AssignmentFactory(priority=priority, contact_email=address)
    MilestoneFactory(priority=priority, due_date=today + datetime.timedelta(days=10))


def upcoming_claims():
    return list(UpcomingReminder.objects.order_by("address").values_list("address", "refused"))


def test_an_address_refused_does_not_keep_the_others_from_their_upcoming_reminder(smtp, upcoming):
    assert run(report_tasks.remind_upcoming_milestones) == [2, 0, 0, 0]

    assert delivered(smtp) == [["lead@gov.example.ca"], ["partner@gov.example.ca"]]
    assert upcoming_claims() == [
        ("a-bad@gov.example.ca", True),
        ("lead@gov.example.ca", False),
        ("partner@gov.example.ca", False),
    ]


def test_a_mail_server_gone_part_way_stops_the_upcoming_reminders_and_the_retry_sends_the_rest(smtp, upcoming):
    smtp.fail_after = 1

    assert run(report_tasks.remind_upcoming_milestones, attempts=1) == ["SMTPSenderRefused"]
    assert delivered(smtp) == [["lead@gov.example.ca"]]
    # The one that failed gave its claim back; the refused one keeps it.
    assert upcoming_claims() == [("a-bad@gov.example.ca", True), ("lead@gov.example.ca", False)]

    smtp.fail_after = None
    assert run(report_tasks.remind_upcoming_milestones, attempts=2) == [1, 0]

    assert delivered(smtp) == [["lead@gov.example.ca"], ["partner@gov.example.ca"]]


# Reporting periods


def test_a_jurisdiction_whose_addresses_are_refused_does_not_keep_the_next_from_its_reminder(smtp, cycle):
    Assignment.objects.filter(jurisdiction=cycle.bc).update(contact_email="lead@bad.bc.example")
    smtp.refuse.add("lead@bad.bc.example")

    assert run(cycle_tasks.send_period_reminders) == [1, 0, 0, 0]

    assert delivered(smtp) == [["lead@on.example", "partner@on.example"]]
    assert list(
        PeriodReminder.objects.order_by("jurisdiction__code").values_list("jurisdiction__code", "number", "refused")
    ) == [("BC", 1, True), ("ON", 1, False)]
    status = cycles.period_status(cycle.period)
    assert [(row.jurisdiction.code, row.reminders_sent, row.reminders_refused) for row in status.jurisdictions] == [
        ("BC", 1, 1),
        ("ON", 1, 0),
        ("NS", 0, 0),
    ]


def test_a_mail_server_gone_part_way_stops_the_period_reminders_and_the_retry_sends_the_rest(smtp, cycle):
    smtp.fail_after = 1

    with pytest.raises(OSError):
        cycles.period_remind(period=cycle.period, now=JULY_1)
    assert delivered(smtp) == [["lead@bc.example"]]

    smtp.fail_after = None
    assert cycles.period_remind(period=cycle.period, now=JULY_1) == 1

    assert delivered(smtp) == [["lead@bc.example"], ["lead@on.example", "partner@on.example"]]
    assert list(
        PeriodReminder.objects.order_by("jurisdiction__code").values_list("jurisdiction__code", "number", "refused")
    ) == [("BC", 1, False), ("ON", 1, False)]


@pytest.mark.parametrize(
    ("language", "warning"),
    [
        (
            "en",
            "The mail server refused 1 reminder to British Columbia: check the e-mail addresses of its contributors "
            "and of its seats' contacts.",
        ),
        (
            "fr",
            f"Le serveur de courriel a refusé 1 rappel à Colombie-Britannique{NBSP}: vérifiez les adresses courriel "
            "de ses contributeurs et des personnes-ressources de ses sièges.",
        ),
    ],
)
def test_the_dashboard_tells_of_the_reminders_refused(smtp, cycle, staff_client, language, warning):
    Assignment.objects.filter(jurisdiction=cycle.bc).update(contact_email="lead@bad.bc.example")
    smtp.refuse.add("lead@bad.bc.example")
    cycles.period_remind(period=cycle.period, now=JULY_1)

    with translation.override(language):
        response = staff_client.get(reverse("admin:cogwg_reportingperiod_dashboard", args=[cycle.period.pk]))

    assert action_messages(response) == [warning]


# The summaries of a closed period


def published_updates(cycle, *addresses):
    """One published update per address, on the period's milestones, submitted by its owner."""
    milestones = [cycle.june, cycle.guide, cycle.march]
    updates = []
    for milestone, address in zip(milestones, addresses, strict=False):
        user = UserFactory(email=address)
        updates.append(
            ProgressUpdateFactory(
                milestone=milestone, author=user, submitted_by=user, publication_state=PublicationState.PUBLISHED
            ).pk
        )
    return updates


def summary_claims(cycle):
    return list(PeriodSummary.objects.filter(period=cycle.period).values_list("address", "refused"))


def test_a_retry_after_the_mail_server_went_away_sends_each_summary_once(smtp, cycle):
    updates = published_updates(cycle, "alice@gov.example.ca", "bob@gov.example.ca")
    smtp.fail_after = 1

    assert run(cycle_tasks.send_period_closed_summaries, cycle.period.pk, updates, [], attempts=1) == [
        "SMTPSenderRefused"
    ]
    smtp.fail_after = None
    assert run(cycle_tasks.send_period_closed_summaries, cycle.period.pk, updates, [], attempts=2) == [1, 0]

    assert delivered(smtp) == [["alice@gov.example.ca"], ["bob@gov.example.ca"]]
    assert summary_claims(cycle) == [("alice@gov.example.ca", False), ("bob@gov.example.ca", False)]


def test_a_submitter_whose_address_is_refused_keeps_nobody_from_their_summary(smtp, cycle):
    smtp.refuse.add("bob-bad@gov.example.ca")
    updates = published_updates(cycle, "alice@gov.example.ca", "bob-bad@gov.example.ca", "carol@gov.example.ca")

    assert run(cycle_tasks.send_period_closed_summaries, cycle.period.pk, updates, []) == [2, 0, 0, 0]

    assert delivered(smtp) == [["alice@gov.example.ca"], ["carol@gov.example.ca"]]
    assert summary_claims(cycle) == [
        ("alice@gov.example.ca", False),
        ("bob-bad@gov.example.ca", True),
        ("carol@gov.example.ca", False),
    ]


@pytest.mark.parametrize(
    ("language", "warning"),
    [
        ("en", "The mail server refused the closing summary sent to: bob-bad@gov.example.ca."),
        ("fr", f"Le serveur de courriel a refusé le résumé de clôture envoyé à{NBSP}: bob-bad@gov.example.ca."),
    ],
)
def test_the_dashboard_of_a_closed_period_tells_the_secretariat_of_the_summaries_refused(
    smtp, cycle, staff_client, language, warning
):
    smtp.refuse.add("bob-bad@gov.example.ca")
    updates = published_updates(cycle, "alice@gov.example.ca", "bob-bad@gov.example.ca")
    cycles.period_close(period=cycle.period, by=cycle.secretariat, on=AFTER_DEADLINE)
    cycle_tasks.send_period_closed_summaries.run(cycle.period.pk, updates, [])

    with translation.override(language):
        response = staff_client.get(reverse("admin:cogwg_reportingperiod_dashboard", args=[cycle.period.pk]))

    assert action_messages(response) == [warning]
