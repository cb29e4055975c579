"""The admin's "Export selected … as CSV / XLSX" actions (cogwg/admin_export.py): the ticked
rows only, in the list's order, with the columns, headers, language and formula safety of
the whole list's export; every row across the list's pages once "Select all" is chosen;
only rows the list shows its reader, whatever a forged request names; a constant number of
queries."""

import datetime

import pytest
from django.apps import apps
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.test import Client

from cogwg.choices import PublicationState
from tests.factories import AccomplishmentFactory, MilestoneFactory, PriorityFactory, UserFactory, WorkPlanFactory
from tests.permissions.conftest import admin_client
from tests.permissions.test_admin_export import (
    EXPORT_QUERIES,
    HEADERS,
    csv_rows,
    export_url,
    make_rows,
    today,
    url,
    xlsx_rows,
)
from workplan.admin import MilestoneAdmin

ACTIONS = {"csv": "export_selected_csv", "xlsx": "export_selected_xlsx"}


def export_selected(client, model, records, file_format="csv", *, language="en", query="", across=False):
    """The list's action form, as the browser posts it, with ``records`` ticked."""
    data = {"action": ACTIONS[file_format], "index": 0, ACTION_CHECKBOX_NAME: [record.pk for record in records]}
    if across:
        data["select_across"] = 1
    return client.post(url(f"{model}_changelist", language=language) + query, data)


def file_rows(response, file_format):
    return csv_rows(response) if file_format == "csv" else xlsx_rows(response)[1]


def action_choices(response):
    form = response.context["action_form"]
    return {} if form is None else {name: str(label) for name, label in form.fields["action"].choices if name}


@pytest.fixture
def milestones(db):
    """Four milestones of one priority, due in June, September, December and March."""
    priority = PriorityFactory(
        work_plan=WorkPlanFactory(slug="2020"), number=3, title_en="Open by default", title_fr="Ouvert par défaut"
    )
    june = MilestoneFactory(
        priority=priority,
        due_date=datetime.date(2020, 6, 30),
        description_en="Publish the inventory",
        description_fr="Publier l'inventaire",
        progress=40,
    )
    september = MilestoneFactory(
        priority=priority,
        due_date=datetime.date(2020, 9, 30),
        description_en="=Train the staff",
        description_fr="=Former le personnel",
    )
    december = MilestoneFactory(priority=priority, due_date=datetime.date(2020, 12, 31), description_en="Report")
    march = MilestoneFactory(priority=priority, due_date=datetime.date(2021, 3, 31), description_en="Review")
    return june, september, december, march


# The rows ticked, in each format


def test_the_csv_holds_the_ticked_rows_only_in_the_lists_order(staff_client, milestones):
    june, september, _december, march = milestones

    # Latest due first (the list sorted on its third column, descending), ticked in another order.
    response = export_selected(staff_client, "workplan_milestone", [june, march, september], query="?o=-3")

    rows = csv_rows(response)
    assert response.status_code == 200
    assert response.streaming
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == f'attachment; filename="milestones-{today()}.csv"'
    assert rows[0] == HEADERS["workplan_milestone"]
    assert [row[2:4] for row in rows[1:]] == [
        ["2021-03-31", "Review"],
        # Text a spreadsheet would run as a formula is shown, never run.
        ["2020-09-30", "'=Train the staff"],
        ["2020-06-30", "Publish the inventory"],
    ]


def test_the_xlsx_holds_the_ticked_rows_only_with_dates_as_dates(staff_client, milestones):
    june, september, _december, _march = milestones

    response = export_selected(staff_client, "workplan_milestone", [september, june], "xlsx")

    sheet, rows = xlsx_rows(response)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert response["Content-Disposition"] == f'attachment; filename="milestones-{today()}.xlsx"'
    assert sheet.title == "Milestones"
    assert rows[0] == HEADERS["workplan_milestone"]
    assert [row[2:4] for row in rows[1:]] == [
        [datetime.datetime(2020, 6, 30), "Publish the inventory"],
        [datetime.datetime(2020, 9, 30), "=Train the staff"],
    ]
    assert sheet.cell(row=3, column=4).data_type == "s"  # text, never a formula
    assert sheet.auto_filter.ref == "A1:I3"


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_the_export_of_the_ticked_rows_speaks_french(staff_client, milestones, file_format):
    june, *_others = milestones

    response = export_selected(staff_client, "workplan_milestone", [june], file_format, language="fr")

    rows = file_rows(response, file_format)
    assert response["Content-Disposition"] == f'attachment; filename="jalons-{today()}.{file_format}"'
    assert rows[0] == [
        "Plan de travail",
        "Priorité",
        "Échéance",
        "Description",
        "Type",
        "État",
        "Avancement (%)",
        "Terminé le",
        "En retard",
    ]
    assert len(rows) == 2
    assert rows[1][1] == "3. Ouvert par défaut"
    assert rows[1][3:6] == ["Publier l'inventaire", "Livrable", "Non commencé"]


def test_select_all_exports_every_row_of_the_filtered_list_across_its_pages(staff_client, milestones, monkeypatch):
    june, september, _december, _march = milestones
    MilestoneFactory(priority=PriorityFactory(work_plan=june.priority.work_plan), description_en="Another priority's")
    monkeypatch.setattr(MilestoneAdmin, "list_per_page", 2)
    query = f"?priority__id__exact={june.priority_id}"

    # The first page ticked, then "Select all 4 milestones".
    response = export_selected(staff_client, "workplan_milestone", [june, september], query=query, across=True)

    assert [row[3] for row in csv_rows(response)[1:]] == [
        "Publish the inventory",
        "'=Train the staff",
        "Report",
        "Review",
    ]


@pytest.mark.parametrize("model", HEADERS)
def test_each_main_list_offers_both_actions_in_both_languages(staff_client, model):
    english = action_choices(staff_client.get(url(f"{model}_changelist")))
    french = action_choices(staff_client.get(url(f"{model}_changelist", language="fr")))

    plural = {"workplan_milestone": "milestones", "stories_dataset": "datasets"}.get(model)
    assert {"export_selected_csv", "export_selected_xlsx"} <= english.keys()
    assert english["export_selected_csv"].startswith("Export selected ")
    assert english["export_selected_csv"].endswith(" as CSV")
    assert english["export_selected_xlsx"].endswith(" as XLSX")
    assert french["export_selected_csv"].startswith("Exporter la sélection en CSV (")
    assert french["export_selected_xlsx"].startswith("Exporter la sélection en XLSX (")
    if plural:
        assert english["export_selected_csv"] == f"Export selected {plural} as CSV"


def test_a_list_opened_to_pick_a_record_offers_no_action(staff_client, milestones):
    response = staff_client.get(url("workplan_milestone_changelist") + "?_popup=1&_to_field=id")

    assert action_choices(response) == {}


def test_the_whole_list_export_is_unchanged(staff_client, milestones):
    response = staff_client.get(url("workplan_milestone_changelist"))

    html = response.content.decode()
    assert f'href="{export_url("workplan_milestone", "csv")}"' in html
    assert len(csv_rows(staff_client.get(export_url("workplan_milestone")))) == 1 + 4


# Only what the list shows its reader


def test_a_contributor_exports_the_ticked_rows_their_list_shows_them(world, client):
    bc_draft = AccomplishmentFactory(
        jurisdiction=world.bc, title_en="BC draft", publication_state=PublicationState.DRAFT
    )
    bc_published = AccomplishmentFactory(jurisdiction=world.bc, title_en="BC published")
    alice = admin_client(client, world.users.contributor_on)

    offered = action_choices(alice.get(url("jurisdictions_accomplishment_changelist")))
    # A forged request also names BC's draft, which alice's list never shows.
    response = export_selected(alice, "jurisdictions_accomplishment", [world.accomplishment, bc_published, bc_draft])

    rows = csv_rows(response)
    assert {"export_selected_csv", "export_selected_xlsx"} <= offered.keys()
    assert {row[1] for row in rows[1:]} == {"Ontario portal", "BC published"}
    assert "BC draft" not in str(rows)


@pytest.mark.parametrize(
    ("model", "record"),
    [
        ("jurisdictions_accomplishment", "accomplishment"),
        ("jurisdictions_challenge", "challenge"),
        ("workplan_progressupdate", "update"),
        ("stories_userstory", "story"),
    ],
)
@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_a_forged_post_never_exports_another_jurisdictions_draft(world, client, model, record, file_format):
    """Bob (BC) names Ontario's draft (or submitted story) in the action's form."""
    bob = admin_client(client, world.users.contributor_bc)

    response = export_selected(bob, model, [getattr(world, record)], file_format)

    rows = file_rows(response, file_format)
    assert response.status_code == 200
    assert rows == [HEADERS[model]]  # the header alone


def test_a_reader_who_may_not_view_the_list_gets_nothing(world, client):
    reader = admin_client(client, world.users.reader)

    response = export_selected(reader, "jurisdictions_accomplishment", [world.accomplishment])

    assert response.status_code == 403
    assert not response.has_header("Content-Disposition")


def test_anyone_signed_out_gets_nothing(world):
    response = export_selected(Client(), "jurisdictions_accomplishment", [world.accomplishment])

    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


# Queries


@pytest.mark.parametrize("model", HEADERS)
@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_the_ticked_rows_are_read_in_constant_queries(db, client, model, file_format, django_assert_num_queries):
    """The same queries for 2 ticked rows as for 6: those of the whole list's export (the
    session and the user, the list's filter choices and counts, the rows, their
    many-to-many records), and the filters' choices once more: Django's change list makes
    its filters again for the queryset it gives the action."""
    staff = UserFactory(username="export-staff", is_staff=True, is_superuser=True)
    client.force_login(staff)
    make_rows(model, 2)
    listed = apps.get_model(model.replace("_", ".", 1)).objects
    export_selected(client, model, list(listed.all()), file_format)  # content types and the like

    few = list(listed.all())
    # The content is read inside: a streamed file is made as it is read.
    with django_assert_num_queries(EXPORT_QUERIES[model] + FILTER_CHOICES[model]):
        small = file_rows(export_selected(client, model, few, file_format), file_format)
    make_rows(model, 4)
    many = list(listed.all())
    with django_assert_num_queries(EXPORT_QUERIES[model] + FILTER_CHOICES[model]):
        large = file_rows(export_selected(client, model, many, file_format), file_format)

    assert (len(small), len(large)) == (1 + 2, 1 + 6)


# The queries of the choices of the list's filters by a related record (plan, jurisdiction,
# theme), as counted in EXPORT_QUERIES.
FILTER_CHOICES = {
    "workplan_priority": 1,
    "workplan_milestone": 2,
    "workplan_progressupdate": 2,
    "jurisdictions_accomplishment": 1,
    "jurisdictions_challenge": 1,
    "stories_userstory": 2,
    "stories_dataset": 0,
}
