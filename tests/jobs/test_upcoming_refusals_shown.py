"""The weekly upcoming milestones' reminders the mail server refused for good (an unknown
mailbox: ``milestones_remind_upcoming`` keeps the claim, marked refused) are shown to the
secretariat, as the period's dashboard shows the period's own: a warning on the list of
reporting periods and on the queued e-mails, in the reader's language, naming the address
and the seats whose contact to correct. Gone once the contact is corrected, or once a later
reminder reaches the address; never shown to a contributor; the same queries however many."""

import datetime

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone, translation

from cogwg.dates import date_format
from cogwg.models import UpcomingReminder
from cogwg.permissions import CONTRIBUTOR, roles_sync
from cogwg.reports.services import milestones_remind_upcoming
from tests.factories import (
    AssignmentFactory,
    ContributorFactory,
    JurisdictionFactory,
    MilestoneFactory,
    PriorityFactory,
    StaffFactory,
    UserFactory,
)
from tests.test_admin import action_messages
from workplan.choices import SeatRole
from workplan.models import Assignment

pytestmark = pytest.mark.django_db

NBSP = "\u00a0"
LISTS = ["admin:cogwg_reportingperiod_changelist", "admin:cogwg_emailjob_changelist"]
# Each list's queries, the warnings' two included.
QUERIES = {LISTS[0]: 10, LISTS[1]: 10}


@pytest.fixture(autouse=True)
def english_afterwards():
    yield
    translation.activate("en")


def plan_with_seats(smtp, refused: int, *, seats_each: int = 2):
    """A priority whose milestone falls due in ten days, and ``refused`` mistyped contacts
    (the mail server refuses them), each the contact of ``seats_each`` seats; and one good
    contact. The reminders are then sent."""
    today = timezone.localdate()
    for number in range(1, seats_each + 1):
        priority = PriorityFactory(
            number=number,
            title_en=f"Priority {number}",
            title_fr=f"Priorité {number}",
            work_plan__slug="2099",
            work_plan__start_date=today,
            work_plan__end_date=today + datetime.timedelta(days=365),
        )
        work_plan = priority.work_plan
        MilestoneFactory(priority=priority, due_date=today + datetime.timedelta(days=10))
        for index in range(refused):
            jurisdiction = JurisdictionFactory(
                code=f"B{index}", name_en=f"Province {index}", name_fr=f"Province {index}", short_name=""
            )
            smtp.refuse.add(f"bad{index}@gov.example.ca")
            AssignmentFactory(
                priority=priority,
                role=SeatRole.LEAD if number == 1 else SeatRole.PARTNER,
                jurisdiction=jurisdiction,
                organization="",
                contact_email=f"Bad{index}@gov.example.ca",
            )
    AssignmentFactory(priority=priority, role=SeatRole.LEAD, contact_email="good@gov.example.ca")
    sent = milestones_remind_upcoming(on=today)
    assert sent == 1
    assert UpcomingReminder.objects.filter(refused=True).count() == refused
    return work_plan


def warnings(client, name, language="en"):
    with translation.override(language):
        response = client.get(reverse(name))
    assert response.status_code == 200
    return action_messages(response)


@pytest.mark.parametrize("name", LISTS)
@pytest.mark.parametrize(
    ("language", "expected"),
    [
        (
            "en",
            "The mail server refused the upcoming milestones reminder of {day} to bad0@gov.example.ca: correct the "
            "contact e-mail address of the seats that have it: 2099 · 1. Priority 1 — Province 0 (Lead), "
            "2099 · 2. Priority 2 — Province 0 (Partner).",
        ),
        (
            "fr",
            "Le serveur de courriel a refusé le rappel des jalons à venir du {day} envoyé à bad0@gov.example.ca"
            f"{NBSP}: corrigez le courriel de la personne-ressource des sièges qui l'indiquent{NBSP}: "
            "2099 · 1. Priorité 1 — Province 0 (Responsable), 2099 · 2. Priorité 2 — Province 0 (Partenaire).",
        ),
    ],
)
def test_the_secretariat_is_warned_of_an_upcoming_reminder_refused(smtp, client, name, language, expected):
    plan_with_seats(smtp, refused=1)
    client.force_login(StaffFactory())

    with translation.override(language):
        day = date_format(timezone.localdate())
    assert warnings(client, name, language) == [expected.format(day=day)]


def test_one_seat_is_named_in_the_singular(smtp, client):
    plan_with_seats(smtp, refused=1, seats_each=1)
    client.force_login(StaffFactory())

    (warning,) = warnings(client, LISTS[0])
    assert "correct the contact e-mail address of the seat that has it: 2099 · 1. Priority 1 — Province 0 (Lead)." in (
        warning
    )


@pytest.mark.parametrize("name", LISTS)
def test_no_warning_once_the_contact_is_corrected_or_a_later_reminder_reached_it(smtp, client, name):
    plan_with_seats(smtp, refused=2)
    client.force_login(StaffFactory())
    assert len(warnings(client, name)) == 2

    # The first address corrected in its seats;
    Assignment.objects.filter(contact_email="Bad0@gov.example.ca").update(contact_email="good0@gov.example.ca")
    # the second's mailbox made since: next week's reminder reaches it.
    smtp.refuse.clear()
    milestones_remind_upcoming(on=timezone.localdate() + datetime.timedelta(days=7))

    assert warnings(client, name) == []


@pytest.mark.parametrize("name", LISTS)
def test_nothing_refused_no_warning(smtp, client, name):
    plan_with_seats(smtp, refused=0)
    client.force_login(StaffFactory())

    assert warnings(client, name) == []


def test_a_contributor_of_the_seat_is_not_warned(smtp, client):
    # The seats' contacts are the secretariat's to read (and to correct).
    roles_sync()
    plan_with_seats(smtp, refused=1)
    contributor = UserFactory(is_staff=True)
    contributor.groups.add(Group.objects.get(name=CONTRIBUTOR))
    seat = Assignment.objects.get(contact_email="Bad0@gov.example.ca", priority__number=1)
    ContributorFactory(user=contributor, jurisdiction=seat.jurisdiction)
    client.force_login(contributor)

    assert warnings(client, LISTS[0]) == []


@pytest.mark.parametrize("name", LISTS)
@pytest.mark.parametrize("refused", [1, 4])
def test_the_lists_run_the_same_queries_however_many_refusals(smtp, client, django_assert_num_queries, name, refused):
    plan_with_seats(smtp, refused=refused)
    client.force_login(StaffFactory())
    client.get(reverse(name))  # warm the session and content-type caches

    with django_assert_num_queries(QUERIES[name]):
        assert len(warnings(client, name)) == refused
