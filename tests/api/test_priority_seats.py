"""A priority's seats (its leads and partners) are written with it by the secretariat, as
the admin's table of seats writes them: the list sent is the priority's seats (a seat
already there changed in place, one not sent deleted), judged as the admin's table judges
them (errors under the seat's index, in the reader's language), all in one transaction
with the priority, each row kept in its history with its author. Contributors' rights
follow the seats."""

import pytest
from django.contrib.auth.models import Group, Permission
from rest_framework.test import APIClient

from cogwg.permissions import SECRETARIAT
from tests.factories import AssignmentFactory
from tests.permissions import conftest as rights
from tests.permissions.conftest import api_client
from workplan.choices import SeatRole
from workplan.models import Assignment, Priority

# The rights tests' small world (ON, BC, NS, QC; ON leads priority 1, NS partners priority 2)
# and their signed-in roles, as fixtures here.
roles, world = rights.roles, rights.world

FR = {"HTTP_ACCEPT_LANGUAGE": "fr"}


def seats_of(priority):
    return list(
        Assignment.objects.filter(priority=priority)
        .order_by("role", "order", "pk")
        .values_list("role", "jurisdiction__code", "organization_en", "organization_fr", "confirmed", "order")
    )


def path_of(priority):
    return f"/api/v1/priorities/{priority.pk}/"


def test_the_secretariat_creates_a_priority_with_its_seats(world):
    body = {
        "work_plan": "2020",
        "number": 3,
        "title_en": "Data literacy",
        "slug": "data-literacy",
        "issue_en": "An issue",
        "outcome_en": "An outcome",
        "seats": [
            {"role": "lead", "jurisdiction": "ON", "organization_en": "Treasury Board", "organization_fr": "Conseil"},
            {"role": "partner", "jurisdiction": None, "confirmed": False},
            {"role": "partner", "jurisdiction": "BC"},
        ],
    }

    response = api_client(world.users.secretariat).post("/api/v1/priorities/", body, format="json", **FR)

    assert response.status_code == 201, response.content
    # Read back as any read shows seats: leads first, each role in the order sent.
    assert response.json()["seats"] == [
        {
            "role": "lead",
            "jurisdiction": {"url": "http://testserver/api/v1/jurisdictions/ON/", "code": "ON", "name": "Ontario"},
            "organization": "Conseil",
            "confirmed": True,
            "holder": "Conseil",
        },
        {"role": "partner", "jurisdiction": None, "organization": "", "confirmed": False, "holder": "à déterminer"},
        {
            "role": "partner",
            "jurisdiction": {
                "url": "http://testserver/api/v1/jurisdictions/BC/",
                "code": "BC",
                "name": "Colombie-Britannique",
            },
            "organization": "",
            "confirmed": True,
            "holder": "Colombie-Britannique",
        },
    ]
    priority = Priority.objects.get(pk=response.json()["id"])
    assert seats_of(priority) == [
        ("lead", "ON", "Treasury Board", "Conseil", True, 0),
        ("partner", None, None, None, False, 1),
        ("partner", "BC", None, None, True, 2),
    ]
    versions = Assignment.history.filter(priority_id=priority.pk)
    assert [(version.history_type, version.history_user) for version in versions] == [
        ("+", world.users.secretariat)
    ] * 3


def test_the_seats_sent_replace_the_seats_a_seat_already_there_changed_in_place(world):
    priority = world.second
    kept = world.ns_seat
    Assignment.objects.filter(pk=kept.pk).update(
        organization_en="Open NS", organization_fr="NÉ ouverte", contact_email="ns@example.org"
    )
    dropped = AssignmentFactory(priority=priority, role=SeatRole.LEAD, jurisdiction=world.qc)
    seats = [{"role": "lead", "jurisdiction": "ON"}, {"role": "partner", "jurisdiction": "NS", "confirmed": False}]
    sec = api_client(world.users.secretariat)
    read = sec.get(path_of(priority))

    response = sec.patch(path_of(priority), {"seats": seats}, format="json", HTTP_IF_MATCH=read["Record-ETag"])

    assert response.status_code == 200, response.content
    # The priority changed with its seats: a client holding the old version is told so.
    assert response["Record-ETag"] != read["Record-ETag"]
    assert [(seat["role"], seat["jurisdiction"]["code"]) for seat in response.json()["seats"]] == [
        ("lead", "ON"),
        ("partner", "NS"),
    ]
    # NS's seat is the same row, its organization and its contact kept; QC's deleted.
    assert seats_of(priority) == [
        ("lead", "ON", None, None, True, 0),
        ("partner", "NS", "Open NS", "NÉ ouverte", False, 1),
    ]
    assert Assignment.objects.get(jurisdiction=world.ns).pk == kept.pk
    assert Assignment.objects.get(pk=kept.pk).contact_email == "ns@example.org"
    versions = Assignment.history.filter(priority_id=priority.pk, history_user=world.users.secretariat)
    assert sorted((version.history_type, version.jurisdiction_id) for version in versions) == sorted(
        [("+", world.on.pk), ("~", world.ns.pk), ("-", world.qc.pk)]
    )
    assert Assignment.history.get(id=dropped.pk, history_type="-").history_user == world.users.secretariat


def test_a_write_without_seats_leaves_them_and_an_unchanged_seat_is_not_saved_again(world):
    priority = world.first
    sec = api_client(world.users.secretariat)

    assert sec.patch(path_of(priority), {"title_en": "Renamed"}, format="json").status_code == 200
    read = sec.get(path_of(priority)).json()["seats"]
    sent = [{"role": seat["role"], "jurisdiction": seat["jurisdiction"]["code"]} for seat in read]
    assert sec.patch(path_of(priority), {"seats": sent}, format="json").status_code == 200

    assert seats_of(priority) == [("lead", "ON", None, None, True, 0)]
    assert Assignment.history.filter(priority_id=priority.pk).count() == 1  # its creation


def test_a_lead_and_a_partner_trade_roles_each_keeping_its_seat(world):
    priority = world.second
    Assignment.objects.filter(pk=world.ns_seat.pk).update(contact_email="ns@example.org")
    on = AssignmentFactory(priority=priority, role=SeatRole.LEAD, jurisdiction=world.on, contact_email="on@example.org")
    body = {"seats": [{"role": "lead", "jurisdiction": "NS"}, {"role": "partner", "jurisdiction": "ON"}]}

    response = api_client(world.users.secretariat).patch(path_of(priority), body, format="json")

    assert response.status_code == 200, response.content
    assert seats_of(priority) == [("lead", "NS", None, None, True, 0), ("partner", "ON", None, None, True, 1)]
    stored = {seat.jurisdiction.code: seat for seat in Assignment.objects.filter(priority=priority)}
    assert (stored["NS"].pk, stored["NS"].contact_email) == (world.ns_seat.pk, "ns@example.org")
    assert (stored["ON"].pk, stored["ON"].contact_email) == (on.pk, "on@example.org")
    changes = Assignment.history.filter(priority_id=priority.pk, history_type="~")
    assert sorted((version.id, version.role, version.history_user) for version in changes) == sorted(
        [(world.ns_seat.pk, "lead", world.users.secretariat), (on.pk, "partner", world.users.secretariat)]
    )


def test_a_seat_given_twice_is_refused_under_its_index_in_french_and_nothing_is_written(world):
    priority = world.first
    body = {
        "title_en": "Changed",
        "seats": [
            {"role": "lead", "jurisdiction": "BC"},
            {"role": "partner", "jurisdiction": "BC"},
            {"role": "partner", "jurisdiction": None},
            {"role": "partner", "jurisdiction": None},
            {"role": "lead", "jurisdiction": "BC"},
        ],
    }

    response = api_client(world.users.secretariat).patch(path_of(priority), body, format="json", **FR)

    assert response.status_code == 400
    assert response.json() == {
        "seats": {
            "4": {
                "jurisdiction": [
                    "Deux sièges «\u00a0Responsable\u00a0» vont à Colombie-Britannique\u00a0: une administration "
                    "occupe un seul siège de chaque rôle."
                ]
            }
        }
    }
    assert Priority.objects.get(pk=priority.pk).title_en == world.first.title_en
    assert seats_of(priority) == [("lead", "ON", None, None, True, 0)]
    assert Assignment.history.filter(priority_id=priority.pk).count() == 1


def test_a_seat_the_model_refuses_is_a_400_on_its_field_and_nothing_is_written(world):
    priority = world.first
    body = {
        "seats": [
            {"role": "partner", "jurisdiction": "BC"},
            {"role": "guest", "jurisdiction": "NS"},
            {"role": "partner", "jurisdiction": "XX"},
            {"role": "partner", "organization_en": "x" * 201},
            {"jurisdiction": "QC"},
        ]
    }

    response = api_client(world.users.secretariat).patch(path_of(priority), body, format="json", **FR)

    assert response.status_code == 400
    assert response.json() == {
        "seats": {
            "1": {"role": ["«\u00a0guest\u00a0» n'est pas un choix valide."]},
            "2": {"jurisdiction": ["Aucun enregistrement n'a la valeur XX pour code."]},
            "3": {"organization_en": ["Assurez-vous que ce champ comporte au plus 200\u00a0caractères."]},
            "4": {"role": ["Ce champ est obligatoire."]},
        }
    }
    assert seats_of(priority) == [("lead", "ON", None, None, True, 0)]


def test_a_contributor_writes_no_seats(world):
    # Priorities and their seats are the secretariat's, in the admin as here.
    on = api_client(world.users.contributor_on)
    seats = [{"role": "lead", "jurisdiction": "ON"}, {"role": "partner", "jurisdiction": "ON"}]

    response = on.patch(path_of(world.second), {"seats": seats}, format="json")

    assert response.status_code == 403
    assert seats_of(world.second) == [("partner", "NS", None, None, True, 0)]


def test_a_seat_change_refused_while_saving_takes_the_prioritys_change_back_too(world):
    """All or nothing: a writer whose role may not delete seats (the admin's table then
    offers no deletion) gets a 403, and the priority's own change is not kept."""
    Group.objects.get(name=SECRETARIAT).permissions.remove(Permission.objects.get(codename="delete_assignment"))
    priority = world.first
    sec = api_client(world.users.secretariat)

    response = sec.patch(
        path_of(priority), {"title_en": "Changed", "seats": [{"role": "lead", "jurisdiction": "BC"}]}, format="json"
    )

    assert response.status_code == 403
    assert Priority.objects.get(pk=priority.pk).title_en == world.first.title_en
    assert seats_of(priority) == [("lead", "ON", None, None, True, 0)]
    # Adding one, which the role may, passes.
    seats = [{"role": "lead", "jurisdiction": "ON"}, {"role": "lead", "jurisdiction": "BC"}]
    assert sec.patch(path_of(priority), {"seats": seats}, format="json").status_code == 200


def test_a_contributors_rights_follow_the_seats_the_api_writes(world):
    sec = api_client(world.users.secretariat)
    on = api_client(world.users.contributor_on)
    payload = {"reported_on": "2020-05-01", "status": "on_track", "progress": 30, "jurisdiction": "ON"}
    on_second = payload | {"milestone": world.second_milestone.pk}
    assert on.post("/api/v1/progress-updates/", on_second, format="json").status_code == 403

    # ON given the lead seat of priority 2, and its seat on priority 1 given to BC.
    seats = [{"role": "lead", "jurisdiction": "ON"}, {"role": "partner", "jurisdiction": "NS"}]
    assert sec.patch(path_of(world.second), {"seats": seats}, format="json").status_code == 200
    seats = [{"role": "lead", "jurisdiction": "BC"}]
    assert sec.patch(path_of(world.first), {"seats": seats}, format="json").status_code == 200

    assert on.post("/api/v1/progress-updates/", on_second, format="json").status_code == 201
    on_first = payload | {"milestone": world.m1.pk}
    assert on.post("/api/v1/progress-updates/", on_first, format="json").status_code == 403
    # Nor may ON still change its draft update on priority 1's milestone.
    draft = f"/api/v1/progress-updates/{world.update.pk}/"
    assert on.patch(draft, {"progress": 40}, format="json").status_code == 403


@pytest.mark.parametrize("method", ["put", "patch"])
def test_a_put_or_patch_with_no_seats_leaves_the_priority_none(world, method):
    priority = world.first
    body = {"seats": []}
    if method == "put":
        body |= {
            "work_plan": "2020",
            "number": 1,
            "title_en": priority.title_en,
            "slug": priority.slug,
            "issue_en": priority.issue_en,
            "outcome_en": priority.outcome_en,
        }

    response = getattr(api_client(world.users.secretariat), method)(path_of(priority), body, format="json")

    assert response.status_code == 200, response.content
    assert response.json()["seats"] == []
    assert seats_of(priority) == []


def test_a_public_reader_sees_the_new_seats_at_once(world):
    # The data version moves with the seats: neither a 304 nor a kept answer shows the old ones.
    path = path_of(world.first)
    before = APIClient().get(path)
    seats = [{"role": "lead", "jurisdiction": "BC"}]
    assert api_client(world.users.secretariat).patch(path, {"seats": seats}, format="json").status_code == 200

    revalidated = APIClient().get(path, HTTP_IF_NONE_MATCH=before["ETag"])
    again = APIClient().get(path)

    assert revalidated.status_code == 200
    assert [seat["jurisdiction"]["code"] for seat in revalidated.json()["seats"]] == ["BC"]
    assert again.json()["seats"] == revalidated.json()["seats"]
