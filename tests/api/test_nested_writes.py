"""An accomplishment's links and a meeting's next steps are written with their record, as
the admin's tables write them: the list sent is the record's rows (a row already there is
changed in place, one not sent is deleted), each judged as the admin judges it (errors
under the row's index, in the reader's language), all in one transaction with the record,
and kept in each row's history with its author."""

import datetime

import pytest
from django.contrib.auth.models import Group, Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cogwg.choices import PublicationState
from cogwg.models import Meeting, NextStep
from cogwg.permissions import CONTRIBUTOR
from jurisdictions.models import Accomplishment, AccomplishmentLink
from tests.factories import AccomplishmentLinkFactory, NextStepFactory
from tests.permissions import conftest as rights
from tests.permissions.conftest import api_client

# The rights tests' small world (ON, BC, …) and their signed-in roles, as fixtures here.
roles, world = rights.roles, rights.world

FR = {"HTTP_ACCEPT_LANGUAGE": "fr"}


def links_of(accomplishment):
    return list(
        AccomplishmentLink.objects.filter(accomplishment=accomplishment).values_list(
            "url", "label_en", "label_fr", "order"
        )
    )


# Links


def test_a_contributor_creates_an_accomplishment_with_its_links(world):
    on = api_client(world.users.contributor_on)
    body = {
        "jurisdiction": "ON",
        "title_en": "Portal",
        "category": "portal",
        "links": [
            {"url": "https://data.ontario.ca", "label_en": "Portal", "label_fr": "Portail"},
            {"url": "https://news.ontario.ca/portal"},
        ],
    }

    response = on.post("/api/v1/accomplishments/", body, format="json", **FR)

    assert response.status_code == 201, response.content
    assert response.json()["links"] == [
        {"url": "https://data.ontario.ca", "label": "Portail"},
        {"url": "https://news.ontario.ca/portal", "label": ""},
    ]
    accomplishment = Accomplishment.objects.get(pk=response.json()["id"])
    assert accomplishment.publication_state == PublicationState.DRAFT
    versions = AccomplishmentLink.history.filter(accomplishment_id=accomplishment.pk)
    assert {(version.history_type, version.url, version.history_user) for version in versions} == {
        ("+", "https://data.ontario.ca", world.users.contributor_on),
        ("+", "https://news.ontario.ca/portal", world.users.contributor_on),
    }


def test_the_links_sent_replace_the_links_a_link_already_there_changed_in_place(world):
    accomplishment = world.accomplishment
    kept = AccomplishmentLinkFactory(
        accomplishment=accomplishment, url="https://a.example/kept", label_en="Kept", label_fr="Gardé", order=0
    )
    dropped = AccomplishmentLinkFactory(accomplishment=accomplishment, url="https://a.example/dropped", order=1)
    links = [{"url": "https://a.example/new", "label_en": "New"}, {"url": "https://a.example/kept", "label_en": "Now"}]
    on = api_client(world.users.contributor_on)
    path = f"/api/v1/accomplishments/{accomplishment.pk}/"
    read = on.get(path)

    response = on.patch(path, {"links": links}, format="json", HTTP_IF_MATCH=read["Record-ETag"])

    assert response.status_code == 200, response.content
    # The record changed with its links: a client holding the old version is told so.
    assert response["Record-ETag"] != read["Record-ETag"]
    assert response.json()["links"] == [
        {"url": "https://a.example/new", "label": "New"},
        {"url": "https://a.example/kept", "label": "Now"},
    ]
    # The same row, its French label kept (not sent), now second; the other one deleted.
    assert AccomplishmentLink.objects.get(url="https://a.example/kept").pk == kept.pk
    assert links_of(accomplishment) == [
        ("https://a.example/new", "New", None, 0),
        ("https://a.example/kept", "Now", "Gardé", 1),
    ]
    deleted = AccomplishmentLink.history.get(id=dropped.pk, history_type="-")
    assert deleted.history_user == world.users.contributor_on


def test_a_write_without_links_leaves_them_and_an_unchanged_link_is_not_saved_again(world):
    accomplishment = world.accomplishment
    AccomplishmentLinkFactory(accomplishment=accomplishment, url="https://a.example/1", label_en="One", order=0)
    on = api_client(world.users.contributor_on)
    path = f"/api/v1/accomplishments/{accomplishment.pk}/"

    assert on.patch(path, {"title_en": "Renamed"}, format="json").status_code == 200
    # What a client read (a link's label in its language) sent back as it was.
    read = on.get(path).json()["links"]
    assert on.patch(path, {"links": read}, format="json").status_code == 200

    assert links_of(accomplishment) == [("https://a.example/1", "One", None, 0)]
    assert AccomplishmentLink.history.filter(accomplishment_id=accomplishment.pk).count() == 1


def test_a_put_with_no_links_deletes_them(world):
    accomplishment = world.accomplishment
    AccomplishmentLinkFactory(accomplishment=accomplishment, url="https://a.example/1")
    body = {"jurisdiction": "ON", "title_en": "Ontario portal", "category": "portal", "links": []}

    response = api_client(world.users.secretariat).put(
        f"/api/v1/accomplishments/{accomplishment.pk}/", body, format="json"
    )

    assert response.status_code == 200, response.content
    assert response.json()["links"] == []
    assert links_of(accomplishment) == []


def test_a_url_listed_twice_is_refused_under_its_index_in_the_readers_language(world):
    accomplishment = world.accomplishment
    AccomplishmentLinkFactory(accomplishment=accomplishment, url="https://a.example/1")
    links = [{"url": "https://a.example/2"}, {"url": "https://a.example/3"}, {"url": "https://a.example/2"}]

    response = api_client(world.users.contributor_on).patch(
        f"/api/v1/accomplishments/{accomplishment.pk}/", {"title_en": "Changed", "links": links}, format="json", **FR
    )

    assert response.status_code == 400
    assert response.json() == {
        "links": {"2": {"url": ["Corrigez les données en double dans URL qui doit contenir des valeurs uniques."]}}
    }
    stored = Accomplishment.objects.get(pk=accomplishment.pk)
    assert (stored.title_en, links_of(accomplishment)) == ("Ontario portal", [("https://a.example/1", None, None, 0)])


@pytest.mark.parametrize(
    ("link", "errors"),
    [
        ({"url": "not a web address"}, {"url": ["Saisissez une URL valide."]}),
        ({"label_en": "No address"}, {"url": ["Ce champ est obligatoire."]}),
        (
            {"url": "https://a.example/" + "x" * 500},
            {"url": ["Assurez-vous que ce champ comporte au plus 500\u00a0caractères."]},
        ),
    ],
)
def test_a_link_the_model_refuses_is_a_400_on_its_field_and_nothing_is_written(world, link, errors):
    accomplishment = world.accomplishment
    body = {"title_en": "Changed", "links": [{"url": "https://a.example/ok"}, link]}

    response = api_client(world.users.contributor_on).patch(
        f"/api/v1/accomplishments/{accomplishment.pk}/", body, format="json", **FR
    )

    assert response.status_code == 400
    assert response.json() == {"links": {"1": errors}}
    assert Accomplishment.objects.get(pk=accomplishment.pk).title_en == "Ontario portal"
    assert links_of(accomplishment) == []


def test_a_link_change_refused_while_saving_takes_the_records_change_back_too(world):
    """All or nothing: a contributor whose role may not delete links (the admin's table
    then offers no deletion) gets a 403, and the record's own change is not kept."""
    Group.objects.get(name=CONTRIBUTOR).permissions.remove(Permission.objects.get(codename="delete_accomplishmentlink"))
    accomplishment = world.accomplishment
    AccomplishmentLinkFactory(accomplishment=accomplishment, url="https://a.example/1")
    on = api_client(world.users.contributor_on)
    path = f"/api/v1/accomplishments/{accomplishment.pk}/"

    response = on.patch(path, {"title_en": "Changed", "links": [{"url": "https://a.example/2"}]}, format="json")

    assert response.status_code == 403
    assert Accomplishment.objects.get(pk=accomplishment.pk).title_en == "Ontario portal"
    assert links_of(accomplishment) == [("https://a.example/1", None, None, 0)]
    # Adding one, which the role may, passes.
    links = [{"url": "https://a.example/1"}, {"url": "https://a.example/2"}]
    assert on.patch(path, {"links": links}, format="json").status_code == 200


@pytest.mark.parametrize("state", [PublicationState.SUBMITTED, PublicationState.PUBLISHED])
def test_a_contributor_changes_no_links_of_a_record_out_of_their_hands(world, state):
    """As in the admin, where a submitted or published accomplishment (with its table of
    links) is read-only to its contributors."""
    accomplishment = world.accomplishment
    Accomplishment.objects.filter(pk=accomplishment.pk).update(publication_state=state)
    AccomplishmentLinkFactory(accomplishment=accomplishment, url="https://a.example/1")

    response = api_client(world.users.contributor_on).patch(
        f"/api/v1/accomplishments/{accomplishment.pk}/", {"links": [{"url": "https://a.example/2"}]}, format="json"
    )

    assert response.status_code == 403
    assert links_of(accomplishment) == [("https://a.example/1", None, None, 0)]


def test_the_secretariat_changes_a_published_accomplishments_links_and_it_stays_published(world):
    accomplishment = world.accomplishment
    Accomplishment.objects.filter(pk=accomplishment.pk).update(publication_state=PublicationState.PUBLISHED)

    response = api_client(world.users.secretariat).patch(
        f"/api/v1/accomplishments/{accomplishment.pk}/",
        {"links": [{"url": "https://a.example/1", "label_en": "One"}]},
        format="json",
    )

    assert response.status_code == 200, response.content
    assert response.json()["publication_state"] == PublicationState.PUBLISHED
    assert links_of(accomplishment) == [("https://a.example/1", "One", None, 0)]


# Next steps


@pytest.fixture
def meeting(world):
    return world.meeting


def steps_of(meeting):
    return list(
        NextStep.objects.filter(meeting=meeting)
        .order_by("order", "pk")
        .values_list("text_en", "parent__text_en", "owner__code", "due", "done", "order")
    )


def test_the_secretariat_writes_a_meetings_next_steps_with_it(world, meeting):
    sec = api_client(world.users.secretariat)
    path = f"/api/v1/meetings/{meeting.pk}/"
    body = {
        "next_steps": [
            {"text_en": "Share the inventory", "text_fr": "Partager l'inventaire", "owner": "ON", "due": "2021-03-31"},
            {"text_en": "Draft the guide", "order": 1},
        ]
    }

    response = sec.patch(path, body, format="json")

    assert response.status_code == 200, response.content
    first, second = response.json()["next_steps"]
    assert (first["text"], first["owner"]["code"], first["due"], second["text"]) == (
        "Share the inventory",
        "ON",
        "2021-03-31",
        "Draft the guide",
    )
    # A step changed by its id keeps what is not sent; a sub-point under it; one more.
    body = {
        "next_steps": [
            {"id": first["id"], "done": True},
            {"id": second["id"], "parent": first["id"]},
            {"text_en": "Report back", "order": 2},
        ]
    }
    response = sec.patch(path, body, format="json")

    assert response.status_code == 200, response.content
    assert [step["text"] for step in response.json()["next_steps"]] == [
        "Share the inventory",
        "Draft the guide",
        "Report back",
    ]
    assert steps_of(meeting) == [
        ("Share the inventory", None, "ON", datetime.date(2021, 3, 31), True, 0),
        ("Draft the guide", "Share the inventory", None, None, False, 1),
        ("Report back", None, None, None, False, 2),
    ]
    versions = NextStep.history.filter(meeting_id=meeting.pk)
    assert {version.history_user for version in versions} == {world.users.secretariat}
    assert versions.filter(history_type="~").count() == 2  # the two steps changed


def test_a_step_not_sent_is_deleted_with_its_sub_points(world, meeting):
    kept = NextStepFactory(meeting=meeting, text_en="Kept")
    gone = NextStepFactory(meeting=meeting, text_en="Gone")
    NextStepFactory(meeting=meeting, parent=gone, text_en="Gone, a")
    moved = NextStepFactory(meeting=meeting, parent=gone, text_en="Moved")
    body = {"next_steps": [{"id": kept.pk}, {"id": moved.pk, "parent": kept.pk}]}

    response = api_client(world.users.secretariat).patch(f"/api/v1/meetings/{meeting.pk}/", body, format="json")

    assert response.status_code == 200, response.content
    assert [(text, parent) for text, parent, *_rest in steps_of(meeting)] == [("Kept", None), ("Moved", "Kept")]
    deleted = NextStep.history.filter(history_type="-")
    assert sorted(version.text_en for version in deleted) == ["Gone", "Gone, a"]
    assert {version.history_user for version in deleted} == {world.users.secretariat}


def test_steps_are_judged_as_the_admins_table_judges_them_and_nothing_is_written(world, meeting):
    top = NextStepFactory(meeting=meeting, text_en="Top")
    sub = NextStepFactory(meeting=meeting, parent=top, text_en="Sub")
    elsewhere = NextStepFactory(text_en="Another meeting's")
    dropped = NextStepFactory(meeting=meeting, text_en="Dropped")
    body = {
        "title_en": "Renamed",
        "next_steps": [
            {"id": top.pk},
            {"id": sub.pk},
            {"text_en": "Under a sub-point", "parent": sub.pk},
            {"text_en": "Elsewhere", "parent": elsewhere.pk},
            {"text_en": "Under a step deleted", "parent": dropped.pk},
            {"id": top.pk},
            {"id": elsewhere.pk},
            {"text_en": "Too early", "due": str(meeting.date - datetime.timedelta(days=1))},
        ],
    }

    response = api_client(world.users.secretariat).patch(f"/api/v1/meetings/{meeting.pk}/", body, format="json", **FR)

    assert response.status_code == 400
    assert response.json() == {
        "next_steps": {
            "2": {
                "parent": [
                    "Cette étape fait elle-même partie d'une autre étape\u00a0: un sous-point n'a pas de sous-points."
                ]
            },
            "3": {"parent": ["Une étape ne peut faire partie que d'une autre étape de la même réunion."]},
            "4": {
                "parent": [
                    "Cette étape ferait partie d'une étape qui n'est pas parmi les étapes envoyées, et que cette "
                    "écriture supprime\u00a0: envoyez aussi cette étape, ou rattachez celle-ci à une autre."
                ]
            },
            "5": {"id": ["Corrigez les données en double dans ID qui doit contenir des valeurs uniques."]},
            "6": {"id": [f"Aucun enregistrement n'a la valeur {elsewhere.pk} pour id."]},
            "7": {"due": [response.json()["next_steps"]["7"]["due"][0]]},
        }
    }
    assert response.json()["next_steps"]["7"]["due"][0].startswith("Une prochaine étape est due le jour de sa réunion")
    assert Meeting.objects.get(pk=meeting.pk).title_en == "Lone meeting"
    assert [text for text, *_rest in steps_of(meeting)] == ["Top", "Sub", "Dropped"]
    assert NextStep.history.filter(meeting_id=meeting.pk, history_type__in="~-").count() == 0


def test_a_new_step_needs_its_text_even_in_a_patch(world, meeting):
    response = api_client(world.users.secretariat).patch(
        f"/api/v1/meetings/{meeting.pk}/", {"next_steps": [{"done": True}]}, format="json", **FR
    )

    assert response.status_code == 400
    assert response.json() == {"next_steps": {"0": {"text_en": ["Ce champ est obligatoire."]}}}
    assert steps_of(meeting) == []


def test_a_meeting_is_created_with_its_steps(world):
    body = {
        "kind": "cogwg",
        "date": "2021-05-04",
        "title_en": "May meeting",
        "next_steps": [{"text_en": "Follow up", "due": "2021-05-04"}],
    }

    response = api_client(world.users.secretariat).post("/api/v1/meetings/", body, format="json")

    assert response.status_code == 201, response.content
    (step,) = response.json()["next_steps"]
    assert (step["text"], step["due"], step["parent"]) == ("Follow up", "2021-05-04", None)


def test_a_contributor_writes_no_next_steps(world, meeting):
    # Meetings are the secretariat's, in the admin as here.
    response = api_client(world.users.contributor_on).patch(
        f"/api/v1/meetings/{meeting.pk}/", {"next_steps": [{"text_en": "Mine"}]}, format="json"
    )

    assert response.status_code == 403
    assert steps_of(meeting) == []


def test_the_answer_to_a_write_reads_the_steps_owners_in_one_query(world, meeting):
    steps = [{"text_en": f"Step {index}", "owner": "ON"} for index in range(10)]

    with CaptureQueriesContext(connection) as queries:
        response = api_client(world.users.secretariat).patch(
            f"/api/v1/meetings/{meeting.pk}/", {"next_steps": steps}, format="json"
        )

    assert [step["owner"]["code"] for step in response.json()["next_steps"]] == ["ON"] * 10
    # Each owner sent is looked up by its code, then the answer reads them all at once.
    reads = [query for query in queries.captured_queries if 'FROM "jurisdictions_jurisdiction"' in query["sql"]]
    assert len(reads) == 10 + 1


def test_a_meeting_moves_with_its_steps_in_one_write(world, meeting):
    """As the admin's change form: the day moves past a stored step's due date when the
    write moves that step too; without the steps, the move is refused naming them."""
    step = NextStepFactory(meeting=meeting, text_en="Follow up", due=meeting.date)
    later = meeting.date + datetime.timedelta(days=30)
    sec = api_client(world.users.secretariat)
    path = f"/api/v1/meetings/{meeting.pk}/"

    refused = sec.patch(path, {"date": later.isoformat()}, format="json")
    moved = sec.patch(
        path, {"date": later.isoformat(), "next_steps": [{"id": step.pk, "due": later.isoformat()}]}, format="json"
    )

    assert refused.status_code == 400 and "date" in refused.json(), refused.content
    assert moved.status_code == 200, moved.content
    meeting.refresh_from_db()
    step.refresh_from_db()
    assert (meeting.date, step.due) == (later, later)


def test_a_step_sent_due_before_the_new_day_is_refused_and_nothing_moves(world, meeting):
    step = NextStepFactory(meeting=meeting, text_en="Follow up", due=meeting.date)
    before = meeting.date
    later = meeting.date + datetime.timedelta(days=30)

    response = api_client(world.users.secretariat).patch(
        f"/api/v1/meetings/{meeting.pk}/",
        {"date": later.isoformat(), "next_steps": [{"id": step.pk}]},
        format="json",
        **FR,
    )

    assert response.status_code == 400, response.content
    assert "next_steps" in response.json()
    meeting.refresh_from_db()
    step.refresh_from_db()
    assert (meeting.date, step.due) == (before, before)
