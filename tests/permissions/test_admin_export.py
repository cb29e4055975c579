"""Exports of the admin's change lists (cogwg/admin_export.py): every row of the list as
filtered, in CSV (UTF-8 with a byte order mark) and XLSX, headers and values in the
reader's language, choices by their labels, dates as dates; only what the list shows its
reader; a constant number of queries; a refusal for those who may not view the list."""

import csv
import datetime
import io
import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from openpyxl import load_workbook

from cogwg.choices import PublicationState
from stories.choices import StoryState
from tests.factories import (
    AccomplishmentFactory,
    AccomplishmentLinkFactory,
    AssignmentFactory,
    ChallengeFactory,
    DatasetFactory,
    JurisdictionFactory,
    MilestoneFactory,
    PriorityFactory,
    ProgressUpdateFactory,
    ThemeFactory,
    UserFactory,
    UserStoryFactory,
    WorkPlanFactory,
)
from tests.permissions.conftest import admin_client
from workplan.admin import MilestoneAdmin
from workplan.choices import MilestoneKind, MilestoneStatus, SeatRole


def today():
    """The site's day, read when a test runs: a constant read at collection would be the
    day before for a run that crosses midnight."""
    return timezone.localdate().isoformat()


def url(name, *, language="en", **kwargs):
    with translation.override(language):
        return reverse(f"admin:{name}", kwargs=kwargs or None)


def export_url(model, file_format="csv", *, language="en", query=""):
    return url(f"{model}_export", language=language, file_format=file_format) + query


def csv_rows(response):
    content = response.getvalue()  # streamed
    assert content.startswith(b"\xef\xbb\xbf")  # the byte order mark Excel needs for UTF-8
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))


def xlsx_rows(response):
    sheet = load_workbook(io.BytesIO(response.content)).active
    return sheet, [list(row) for row in sheet.iter_rows(values_only=True)]


@pytest.fixture
def plan(db):
    return WorkPlanFactory(slug="2020")


@pytest.fixture
def milestones(plan):
    """Priority 3's milestones (one delayed and overdue, one completed), and one of
    priority 1."""
    third = PriorityFactory(work_plan=plan, number=3, title_en="Open by default", title_fr="Ouvert par défaut")
    first = PriorityFactory(work_plan=plan, number=1)
    late = MilestoneFactory(
        priority=third,
        due_date=datetime.date(2020, 6, 30),
        description_en="Publish the inventory",
        description_fr="Publier l'inventaire",
        status=MilestoneStatus.DELAYED,
        progress=40,
    )
    done = MilestoneFactory(
        priority=third,
        due_date=datetime.date(2020, 9, 30),
        description_en="=Train the staff",
        description_fr="=Former le personnel",
        kind=MilestoneKind.ONGOING,
        status=MilestoneStatus.COMPLETED,
        progress=100,
        completed_on=datetime.date(2020, 9, 15),
    )
    other = MilestoneFactory(priority=first, description_en="Elsewhere", status=MilestoneStatus.DELAYED)
    return late, done, other


# The list as filtered, in CSV


def test_the_secretariat_exports_the_filtered_list_of_milestones_as_csv(staff_client, milestones):
    late, _done, _other = milestones
    query = f"?priority__id__exact={late.priority_id}"

    response = staff_client.get(export_url("workplan_milestone", query=query))

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == f'attachment; filename="milestones-{today()}.csv"'
    assert csv_rows(response) == [
        [
            "Work plan",
            "Priority",
            "Due date",
            "Description",
            "Kind",
            "Status",
            "Progress (%)",
            "Completed on",
            "Overdue",
        ],
        [
            "Work plan 2020",
            "3. Open by default",
            "2020-06-30",
            "Publish the inventory",
            "Deliverable",
            "Delayed",
            "40",
            "",
            "Yes",
        ],
        # Text a spreadsheet would run as a formula is shown, never run.
        [
            "Work plan 2020",
            "3. Open by default",
            "2020-09-30",
            "'=Train the staff",
            "Ongoing",
            "Completed",
            "100",
            "2020-09-15",
            "No",
        ],
    ]


def test_the_export_follows_the_lists_filters_search_and_order_not_its_page(staff_client, milestones):
    delayed = staff_client.get(export_url("workplan_milestone", query="?status__exact=delayed&o=3&p=1"))
    searched = staff_client.get(export_url("workplan_milestone", query="?q=inventory"))

    assert [row[3] for row in csv_rows(delayed)[1:]] == ["Elsewhere", "Publish the inventory"]
    assert [row[3] for row in csv_rows(searched)[1:]] == ["Publish the inventory"]


def test_every_row_is_exported_not_only_the_first_page(staff_client, plan, monkeypatch):
    priority = PriorityFactory(work_plan=plan, number=1)
    MilestoneFactory.create_batch(4, priority=priority)
    monkeypatch.setattr(MilestoneAdmin, "list_per_page", 2)

    listed = staff_client.get(url("workplan_milestone_changelist"))
    exported = staff_client.get(export_url("workplan_milestone"))

    assert len(listed.context["cl"].result_list) == 2
    assert len(csv_rows(exported)) == 1 + 4


def test_the_export_speaks_the_readers_language(staff_client, milestones):
    late, _done, _other = milestones

    response = staff_client.get(
        export_url("workplan_milestone", language="fr", query=f"?priority__id__exact={late.priority_id}")
    )

    rows = csv_rows(response)
    assert response["Content-Disposition"] == f'attachment; filename="jalons-{today()}.csv"'
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
    assert rows[1] == [
        "Plan de travail 2020",
        "3. Ouvert par défaut",
        "2020-06-30",
        "Publier l'inventaire",
        "Livrable",
        "Retardé",
        "40",
        "",
        "Oui",
    ]


# XLSX


def test_the_xlsx_keeps_dates_as_dates_and_text_as_text(staff_client, milestones):
    late, done, _other = milestones
    done.description_en = '=HYPERLINK("https://example.org")\x07 bell'
    done.save()

    response = staff_client.get(
        export_url("workplan_milestone", "xlsx", query=f"?priority__id__exact={late.priority_id}")
    )

    sheet, rows = xlsx_rows(response)
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert response["Content-Disposition"] == f'attachment; filename="milestones-{today()}.xlsx"'
    assert sheet.title == "Milestones"
    assert sheet.freeze_panes == "A2"
    assert rows[0][:3] == ["Work plan", "Priority", "Due date"]
    assert rows[1] == [
        "Work plan 2020",
        "3. Open by default",
        datetime.datetime(2020, 6, 30),
        "Publish the inventory",
        "Deliverable",
        "Delayed",
        40,
        None,
        "Yes",
    ]
    # Stored as text: no formula, and without the control character a sheet cannot hold.
    assert rows[2][3] == '=HYPERLINK("https://example.org") bell'
    assert sheet.cell(row=3, column=4).data_type == "s"
    assert sheet.cell(row=2, column=3).is_date


def test_date_times_are_exported_in_local_time_with_their_offset(staff_client, settings):
    settings.TIME_ZONE = "America/Toronto"
    harvested = datetime.datetime(2024, 1, 15, 17, 30, 42, tzinfo=datetime.UTC)
    DatasetFactory(title_en="Budget", last_harvested=harvested)

    as_csv = csv_rows(staff_client.get(export_url("stories_dataset")))
    _sheet, as_xlsx = xlsx_rows(staff_client.get(export_url("stories_dataset", "xlsx")))

    assert as_csv[1][-1] == "2024-01-15T12:30-05:00"
    assert as_xlsx[1][-1] == "2024-01-15T12:30-05:00"


def test_the_hour_the_clocks_go_back_exports_two_moments_apart(staff_client, settings):
    settings.TIME_ZONE = "America/Toronto"
    # 01:30 on 3 November 2024 in Toronto, twice: in daylight time, then an hour later in standard time.
    for title, hour in (("Daylight", 5), ("Standard", 6)):
        DatasetFactory(title_en=title, last_harvested=datetime.datetime(2024, 11, 3, hour, 30, tzinfo=datetime.UTC))

    as_csv = csv_rows(staff_client.get(export_url("stories_dataset")))
    _sheet, as_xlsx = xlsx_rows(staff_client.get(export_url("stories_dataset", "xlsx")))

    expected = ["2024-11-03T01:30-04:00", "2024-11-03T01:30-05:00"]
    assert [row[-1] for row in as_csv[1:]] == expected
    assert [row[-1] for row in as_xlsx[1:]] == expected


# Every main list, and what each export shows


def make_rows(model, count):
    """``count`` rows of ``model``'s list, each with the related records its columns read."""
    plan = WorkPlanFactory(slug="2020")
    for n in range(count):
        jurisdiction = JurisdictionFactory()
        if model == "workplan_priority":
            priority = PriorityFactory(work_plan=plan)
            AssignmentFactory(priority=priority, role=SeatRole.LEAD, jurisdiction=jurisdiction)
            AssignmentFactory(priority=priority, role=SeatRole.PARTNER, jurisdiction=JurisdictionFactory())
        elif model == "workplan_milestone":
            MilestoneFactory(priority=PriorityFactory(work_plan=plan))
        elif model == "workplan_progressupdate":
            ProgressUpdateFactory(
                milestone=MilestoneFactory(priority=PriorityFactory(work_plan=plan)),
                jurisdiction=jurisdiction,
                author=UserFactory(),
            )
        elif model == "jurisdictions_accomplishment":
            accomplishment = AccomplishmentFactory(jurisdiction=jurisdiction, priority=PriorityFactory(work_plan=plan))
            AccomplishmentLinkFactory.create_batch(2, accomplishment=accomplishment)
        elif model == "jurisdictions_challenge":
            ChallengeFactory().jurisdictions.set([jurisdiction, JurisdictionFactory()])
        elif model == "stories_userstory":
            story = UserStoryFactory(
                jurisdiction=jurisdiction,
                release=MilestoneFactory(priority=PriorityFactory(work_plan=plan)),
                submitter_name=f"Submitter {n}",
                submitter_email=f"submitter{n}@example.org",
            )
            story.themes.set([ThemeFactory(), ThemeFactory()])
            story.datasets.set([DatasetFactory()])
        elif model == "stories_dataset":
            DatasetFactory(formats=["CSV", "JSON"])


HEADERS = {
    "workplan_priority": [
        "Work plan",
        "Number",
        "Title",
        "Leads",
        "Partners",
        "Issue",
        "Consequences",
        "Expected outcome",
        "Results",
    ],
    "workplan_milestone": [
        "Work plan",
        "Priority",
        "Due date",
        "Description",
        "Kind",
        "Status",
        "Progress (%)",
        "Completed on",
        "Overdue",
    ],
    "workplan_progressupdate": [
        "Priority",
        "Milestone",
        "Reported on",
        "Status",
        "Progress (%)",
        "Note",
        "Reporting jurisdiction",
        "Author",
        "Publication state",
        "Published at",
    ],
    "jurisdictions_accomplishment": [
        "Jurisdiction",
        "Title",
        "Description",
        "Date",
        "Category",
        "Priority advanced",
        "Reported at",
        "Links",
        "Publication state",
        "Published at",
    ],
    "jurisdictions_challenge": [
        "Title",
        "Jurisdictions",
        "Category",
        "Status",
        "Description",
        "Mitigation",
        "First reported at",
        "First reported on",
        "Resolved on",
        "Publication state",
        "Published at",
    ],
    "stories_userstory": [
        "Title",
        "Jurisdiction",
        "Who used the data",
        "Impact",
        "Themes",
        "Datasets",
        "Summary",
        "State",
        "Released under",
        "Created",
        "Published on",
        "Page on the open government portal",
    ],
    "stories_dataset": [
        "Title",
        "Publisher",
        "Portal (CKAN base URL)",
        "CKAN id or name",
        "Page URL",
        "Licence",
        "Resource formats",
        "Modified on the portal",
        "Last harvested",
    ],
}


@pytest.mark.parametrize("model", HEADERS)
def test_each_main_list_exports_its_columns(staff_client, model):
    make_rows(model, 2)

    rows = csv_rows(staff_client.get(export_url(model)))

    assert rows[0] == HEADERS[model]
    assert len(rows) == 3
    assert all(len(row) == len(HEADERS[model]) for row in rows)


@pytest.mark.parametrize("model", HEADERS)
def test_each_export_has_no_english_header_in_french(staff_client, model):
    make_rows(model, 1)

    rows = csv_rows(staff_client.get(export_url(model, language="fr")))

    # The same word in both languages aside.
    assert not set(rows[0]) & set(HEADERS[model]) - {"Date", "Description", "Impact", "Licence", "Note"}


@pytest.mark.parametrize("model", HEADERS)
@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_an_export_reads_its_rows_in_constant_queries(db, client, model, file_format, django_assert_num_queries):
    """The same queries for 2 rows as for 6: the columns' related records are read with
    the rows. (Counted with the staff user already signed in: the session and the user.)"""
    staff = UserFactory(username="export-staff", is_staff=True, is_superuser=True)
    client.force_login(staff)
    export = export_url(model, file_format)
    make_rows(model, 2)
    client.get(export)  # content types and the like, cached once
    expected = EXPORT_QUERIES[model]

    # The content is read inside: a streamed file is made as it is read.
    with django_assert_num_queries(expected):
        small = client.get(export)
        small.getvalue()
    make_rows(model, 4)
    with django_assert_num_queries(expected):
        large = client.get(export)
        large.getvalue()

    assert small.status_code == large.status_code == 200


# The session and the user; the choices of the list's filters by a related record (plan,
# jurisdiction, theme); the list's two counts (as filtered, and in all), which the export
# reads with the list; the rows; their many-to-many records (seats, links, jurisdictions,
# themes and datasets).
EXPORT_QUERIES = {
    "workplan_priority": 2 + 1 + 2 + 1 + 1,
    "workplan_milestone": 2 + 2 + 2 + 1,
    "workplan_progressupdate": 2 + 2 + 2 + 1,
    "jurisdictions_accomplishment": 2 + 1 + 2 + 1 + 1,
    "jurisdictions_challenge": 2 + 1 + 2 + 1 + 1,
    "stories_userstory": 2 + 2 + 2 + 1 + 2,
    "stories_dataset": 2 + 0 + 2 + 1,
}


def test_the_story_export_never_names_its_submitter(staff_client):
    UserStoryFactory(title_en="Transit data", submitter_name="Jane Doe", submitter_email="jane@example.org")

    content = staff_client.get(export_url("stories_userstory")).getvalue().decode("utf-8-sig")

    assert "Transit data" in content
    assert "Jane Doe" not in content
    assert "jane@example.org" not in content


def test_choices_many_to_many_and_links_are_named_in_words(staff_client):
    ontario = JurisdictionFactory(code="ON", name_en="Ontario", order=1)
    quebec = JurisdictionFactory(code="QC", name_en="Quebec", order=2)
    challenge = ChallengeFactory(title_en="Staffing", publication_state=PublicationState.SUBMITTED)
    challenge.jurisdictions.set([quebec, ontario])
    accomplishment = AccomplishmentFactory(jurisdiction=ontario, title_en="Portal")
    AccomplishmentLinkFactory(accomplishment=accomplishment, url="https://example.org/a", order=1)
    AccomplishmentLinkFactory(accomplishment=accomplishment, url="https://example.org/b", order=2)

    challenges = csv_rows(staff_client.get(export_url("jurisdictions_challenge")))
    accomplishments = csv_rows(staff_client.get(export_url("jurisdictions_accomplishment")))

    assert challenges[1][:4] == ["Staffing", "ON, QC", "Resources", "Open"]
    assert challenges[1][9] == "Submitted for review"
    assert accomplishments[1][7] == "https://example.org/a\nhttps://example.org/b"


# Each reader exports what their list shows them


def test_a_contributor_exports_what_their_list_shows_them(world, client):
    bc_draft = AccomplishmentFactory(
        jurisdiction=world.bc, title_en="BC draft", publication_state=PublicationState.DRAFT
    )
    AccomplishmentFactory(jurisdiction=world.bc, title_en="BC published")
    alice = admin_client(client, world.users.contributor_on)

    listed = alice.get(url("jurisdictions_accomplishment_changelist"))
    exported = csv_rows(alice.get(export_url("jurisdictions_accomplishment")))

    shown = {str(record) for record in listed.context["cl"].result_list}
    assert {row[1] for row in exported[1:]} == shown == {"Ontario portal", "BC published"}
    assert bc_draft.title_en not in shown


def test_a_contributor_never_exports_another_jurisdictions_authors(world, client):
    bob = world.users.contributor_bc
    world.update.author = world.users.contributor_on
    world.update.save()
    ProgressUpdateFactory(milestone=world.m1, jurisdiction=world.bc, author=bob, note_en="BC update")
    ProgressUpdateFactory(milestone=world.m1, jurisdiction=world.on, author=world.users.contributor_on)

    as_bob = csv_rows(admin_client(client, bob).get(export_url("workplan_progressupdate")))
    authors = {(row[6], row[7]) for row in as_bob[1:]}

    assert authors == {("British Columbia", "bob"), ("Ontario", "—")}
    assert "alice" not in str(as_bob)


def test_a_contributor_cannot_filter_on_an_author_the_list_hides(world, client):
    bob = admin_client(client, world.users.contributor_bc)

    alice = world.users.contributor_on.pk

    response = bob.get(export_url("workplan_progressupdate", query=f"?author__id__exact={alice}"))
    by_id = bob.get(export_url("workplan_progressupdate", query=f"?author_id={alice}"))

    assert response.status_code == by_id.status_code == 400


def test_a_contributor_cannot_filter_stories_on_their_submitters(world):
    UserStoryFactory(jurisdiction=world.bc, submitter_email="someone@example.org")
    query = "?submitter_email__startswith=someone"

    refused = admin_client(Client(), world.users.contributor_on).get(export_url("stories_userstory", query=query))
    allowed = admin_client(Client(), world.users.secretariat).get(export_url("stories_userstory", query=query))

    assert refused.status_code == 400
    assert allowed.status_code == 200
    assert len(csv_rows(allowed)) == 2


def test_a_reader_without_the_view_permission_is_refused(world, client):
    reader = admin_client(client, world.users.reader)

    answers = [reader.get(export_url(model)) for model in HEADERS]

    assert [answer.status_code for answer in answers] == [403] * len(HEADERS)
    assert all(not answer.has_header("Content-Disposition") for answer in answers)


def test_anyone_signed_out_is_sent_to_the_login_page(client, db):
    response = client.get(export_url("workplan_milestone"))

    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def test_an_unknown_format_is_not_found(staff_client):
    assert staff_client.get(export_url("workplan_milestone", "pdf")).status_code == 404


@pytest.mark.parametrize(
    "query",
    [
        "?due_date__gte=not-a-date",  # a value the field cannot take
        "?priority__work_plan__title=2020",  # a filter the list does not offer
    ],
)
def test_filters_the_list_cannot_apply_are_a_translated_400(staff_client, milestones, query):
    response = staff_client.get(export_url("workplan_milestone", language="fr", query=query))

    text = re.sub(r"\s+", " ", response.content.decode())
    assert response.status_code == 400
    assert not response.has_header("Content-Disposition")
    assert "Cette liste ne peut pas être exportée" in text
    assert "Ses filtres ou sa recherche ne s'appliquent pas à cette liste" in text.replace("&#x27;", "'")
    assert url("workplan_milestone_changelist", language="fr") in text


# The buttons


def test_the_list_offers_the_exports_of_its_filtered_rows(staff_client, milestones):
    response = staff_client.get(url("workplan_milestone_changelist") + "?status__exact=delayed&q=inventory&o=3")

    links = re.findall(r'<a href="([^"]*/export/[^"]*)"', response.content.decode())
    assert [link.replace("&amp;", "&") for link in links] == [
        export_url("workplan_milestone", "csv", query="?status__exact=delayed&q=inventory&o=3"),
        export_url("workplan_milestone", "xlsx", query="?status__exact=delayed&q=inventory&o=3"),
    ]


def test_a_list_opened_to_pick_a_record_offers_no_export(staff_client, milestones):
    response = staff_client.get(url("workplan_milestone_changelist") + "?_popup=1&_to_field=id")

    assert "/export/" not in response.content.decode()


def test_the_export_buttons_are_named_in_french(staff_client, milestones):
    response = staff_client.get(url("workplan_milestone_changelist", language="fr"))

    html = response.content.decode()
    assert "Exporter en CSV" in html
    assert "Exporter en XLSX" in html
    assert "Export as" not in html


def test_a_contributor_exports_the_stories_they_see(world, client):
    UserStoryFactory(jurisdiction=world.bc, title_en="BC submitted", state=StoryState.SUBMITTED, published_on=None)
    UserStoryFactory(jurisdiction=world.bc, title_en="BC published")
    alice = admin_client(client, world.users.contributor_on)

    rows = csv_rows(alice.get(export_url("stories_userstory")))

    assert {row[0] for row in rows[1:]} == {"Ontario story", "BC published"}


@pytest.mark.parametrize("model", HEADERS)
def test_each_main_list_offers_both_exports(staff_client, model):
    response = staff_client.get(url(f"{model}_changelist"))

    html = response.content.decode()
    assert f'href="{export_url(model, "csv")}"' in html
    assert f'href="{export_url(model, "xlsx")}"' in html


def test_a_list_without_export_columns_offers_none(staff_client):
    response = staff_client.get(url("cogwg_meeting_changelist"))

    assert "/export/" not in response.content.decode()


@pytest.mark.parametrize(
    ("model", "lookup"),
    [
        ("jurisdictions_accomplishment", "review_comment__icontains=staff"),
        ("jurisdictions_challenge", "submitted_by__id__exact=1"),
        ("workplan_progressupdate", "submitted_at__isnull=False"),
    ],
)
def test_a_contributor_cannot_filter_on_another_jurisdictions_review(world, model, lookup):
    refused = admin_client(Client(), world.users.contributor_bc).get(export_url(model, query=f"?{lookup}"))
    listed = admin_client(Client(), world.users.contributor_bc).get(url(f"{model}_changelist") + f"?{lookup}")
    allowed = admin_client(Client(), world.users.secretariat).get(export_url(model, query=f"?{lookup}"))

    assert refused.status_code == listed.status_code == 400
    assert allowed.status_code == 200
