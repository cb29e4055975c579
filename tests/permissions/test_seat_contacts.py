"""A seat's contact person (name and e-mail address) is personal data: in the admin the
secretariat reads every seat's, a contributor only their own jurisdiction's (workplan/
admin.py, ``shows_seat_contact``), and nobody may filter a list of seats on it to guess it.
The public (site, API, open data) never reads it."""

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from tests.permissions.conftest import admin_client, api_client

ON_CONTACT = ("Olivia Ontario", "olivia@ontario.example")
NS_CONTACT = ("Nadia Scotia", "nadia@novascotia.example")


@pytest.fixture
def contacts(world):
    """ON's lead seat on priority 1 and NS's partner seat on priority 2, with contacts."""
    for seat, (name, email) in ((world.on_lead, ON_CONTACT), (world.ns_seat, NS_CONTACT)):
        seat.contact_name, seat.contact_email = name, email
        seat.save()
    return world


def seat_page(client, seat):
    return client.get(reverse("admin:workplan_assignment_change", args=[seat.pk])).content.decode()


def test_a_contributor_reads_only_their_own_jurisdictions_contact(contacts, client):
    alice = admin_client(client, contacts.users.contributor_on)

    own = seat_page(alice, contacts.on_lead)
    other = seat_page(alice, contacts.ns_seat)

    assert all(text in own for text in ON_CONTACT)
    assert not any(text in other for text in NS_CONTACT)
    assert "contact_email" not in other
    # The seat itself is still theirs to read.
    assert "Nova Scotia" in other


def test_a_contributor_of_no_seat_reads_no_contact(contacts, client):
    bob = admin_client(client, contacts.users.contributor_bc)

    pages = seat_page(bob, contacts.on_lead) + seat_page(bob, contacts.ns_seat)

    assert not any(text in pages for text in (*ON_CONTACT, *NS_CONTACT))


def test_the_secretariat_reads_and_changes_every_contact(contacts, client):
    secretariat = admin_client(client, contacts.users.secretariat)

    pages = seat_page(secretariat, contacts.on_lead) + seat_page(secretariat, contacts.ns_seat)

    assert all(text in pages for text in (*ON_CONTACT, *NS_CONTACT))
    assert 'name="contact_email"' in pages


@pytest.mark.parametrize("lookup", ["contact_email__startswith", "contact_name__icontains", "contact_email"])
def test_a_contributor_cannot_guess_a_contact_by_filtering_the_seats(contacts, lookup):
    value = "nadia" if "name" not in lookup else "Nadia"
    url = reverse("admin:workplan_assignment_changelist") + f"?{lookup}={value}"

    as_contributor = admin_client(Client(), contacts.users.contributor_on).get(url)
    as_secretariat = admin_client(Client(), contacts.users.secretariat).get(url)

    assert as_contributor.status_code == 400
    assert NS_CONTACT[1] not in as_contributor.content.decode()
    assert as_secretariat.status_code == 200


def test_the_seats_list_shows_no_contact_to_a_contributor(contacts, client):
    alice = admin_client(client, contacts.users.contributor_on)

    page = alice.get(reverse("admin:workplan_assignment_changelist")).content.decode()

    assert "Nova Scotia" in page
    assert not any(text in page for text in (*ON_CONTACT, *NS_CONTACT))


def test_the_public_never_reads_a_seats_contact(contacts, client):
    with translation.override("en"):
        pages = [
            reverse("workplan:detail", kwargs={"slug": "2020"}),
            reverse("workplan:priority", kwargs={"plan": "2020", "slug": "stories"}),
            reverse("workplan:priority", kwargs={"plan": "2020", "slug": "literacy"}),
            reverse("jurisdictions:detail", kwargs={"code": "NS"}),
        ]
    api = api_client(None)
    answers = [client.get(page) for page in pages] + [
        api.get(reverse("api:priority-list")),
        api.get(reverse("api:priority-list") + "?format=csv"),
        api.get(reverse("api:priority-detail", args=[contacts.second.pk])),
        api.get(reverse("api:milestone-list")),
    ]

    assert [answer.status_code for answer in answers] == [200] * len(answers)
    for answer in answers:
        content = answer.content.decode("utf-8-sig")
        # The seats are there, their holders named; their contacts are not.
        assert "Ontario" in content or "Nova Scotia" in content, answer.request["PATH_INFO"]
        assert not any(text in content for text in (*ON_CONTACT, *NS_CONTACT)), answer.request["PATH_INFO"]
