"""Open data downloads: CSV on every list, XLSX for milestones and accomplishments."""

import csv
import io

import pytest
from openpyxl import load_workbook

from tests import factories
from tests.api.records import RESOURCES, build

pytestmark = pytest.mark.django_db

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def rows(response):
    # A CSV starts with a byte order mark, for Excel (tests/api/test_consumers.py).
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


@pytest.mark.parametrize("resource", RESOURCES)
def test_every_list_downloads_as_csv(api, resource):
    list_path, _detail = build(resource, 2)

    response = api.get(list_path, {"format": "csv"})

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith("attachment; filename=")
    assert len(rows(response)) == 3
    assert rows(response)[0][0] == "url"


def test_csv_columns_are_the_same_in_both_languages_and_when_empty(api):
    factories.MilestoneFactory(description_en="Publish", description_fr="Publier")

    english = rows(api.get("/api/v1/milestones/", {"format": "csv"}))
    french = rows(api.get("/api/v1/milestones/", {"format": "csv", "lang": "fr"}))
    empty = rows(api.get("/api/v1/milestones/", {"format": "csv", "status": "cancelled"}))

    assert english[0] == french[0] == empty[0]
    assert english[0][:7] == [
        "url",
        "id",
        "priority.url",
        "priority.id",
        "priority.number",
        "priority.title",
        "lead_jurisdictions",
    ]
    column = english[0].index("description")
    assert (english[1][column], french[1][column]) == ("Publish", "Publier")
    assert len(empty) == 1


def test_csv_follows_the_filters_and_is_not_paginated(api):
    factories.MilestoneFactory.create_batch(3, status="delayed")
    factories.MilestoneFactory(status="on_track")

    body = rows(api.get("/api/v1/milestones/", {"format": "csv", "status": "delayed", "page_size": 1}))

    assert len(body) == 4


@pytest.mark.parametrize("dangerous", ["=1+2", "+SUM(A1)", "-2+3", "@cmd", "\tcmd", "\rcmd"])
def test_csv_cells_that_would_be_formulas_are_escaped(api, dangerous):
    factories.AccomplishmentFactory(title_en=dangerous)

    body = rows(api.get("/api/v1/accomplishments/", {"format": "csv"}))

    assert body[1][body[0].index("title")] == "'" + dangerous


def test_csv_lists_nested_records_by_name(api):
    challenge = factories.ChallengeFactory()
    challenge.jurisdictions.set([factories.JurisdictionFactory(code="BC"), factories.JurisdictionFactory(code="ON")])

    body = rows(api.get("/api/v1/challenges/", {"format": "csv"}))

    assert body[1][body[0].index("jurisdictions")] == "BC; ON"


@pytest.mark.parametrize("resource", ["milestones", "accomplishments"])
def test_xlsx_export_opens_in_openpyxl(api, resource):
    list_path, _detail = build(resource, 3)

    response = api.get(list_path, {"format": "xlsx"})

    assert response.status_code == 200
    assert response["Content-Type"] == XLSX
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = list(sheet.values)
    assert values[0][:2] == ("url", "id")
    assert len(values) == 4


def test_xlsx_escapes_formulas_and_drops_control_characters(api):
    factories.AccomplishmentFactory(title_en='=HYPERLINK("http://evil")', description_en="bell\x07")

    sheet = load_workbook(io.BytesIO(api.get("/api/v1/accomplishments/", {"format": "xlsx"}).content)).active
    header, row = list(sheet.values)

    assert row[header.index("title")] == '\'=HYPERLINK("http://evil")'
    assert row[header.index("description")] == "bell"


def test_xlsx_is_only_for_milestones_and_accomplishments(api):
    assert api.get("/api/v1/challenges/", {"format": "xlsx"}).status_code == 404


def test_an_error_in_csv_format_is_json(api):
    response = api.get("/api/v1/milestones/", {"format": "csv", "status": "finished"})

    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert list(response.json()) == ["status"]


def test_a_detail_downloads_as_one_csv_row(api):
    milestone = factories.MilestoneFactory()

    body = rows(api.get(f"/api/v1/milestones/{milestone.pk}/", {"format": "csv"}))

    assert len(body) == 2
    assert body[1][1] == str(milestone.pk)
