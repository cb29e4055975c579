"""The API's date filters take ISO 8601 dates (YYYY-MM-DD) only, in every language, and
say so; the quarter filter takes every quarter of the years it accepts. The public lists,
which share the FilterSets, read the address the same way."""

import datetime

import pytest
from django.test import Client
from rest_framework.test import APIClient

from cogwg.filtersets import IsoDateField
from tests.factories import (
    AccomplishmentFactory,
    JurisdictionFactory,
    MilestoneFactory,
    PriorityFactory,
    WorkPlanFactory,
)
from workplan.filtersets import quarter_bounds

pytestmark = pytest.mark.django_db

FORMAT_EN = "Enter a valid date. Use YYYY-MM-DD, e.g. 2020-06-30."
FORMAT_FR = "Saisissez une date valide. Utilisez AAAA-MM-JJ, p.\u00a0ex. 2020-06-30."

DATE_FILTERS = [
    ("/api/v1/milestones/", "due_after"),
    ("/api/v1/milestones/", "due_before"),
    ("/api/v1/progress-updates/", "reported_after"),
    ("/api/v1/progress-updates/", "reported_before"),
    ("/api/v1/status-reports/", "as_of_after"),
    ("/api/v1/meetings/", "date_before"),
    ("/api/v1/accomplishments/", "date_after"),
    ("/api/v1/stories/", "published_after"),
]


@pytest.fixture
def milestones():
    priority = PriorityFactory(work_plan=WorkPlanFactory(slug="2020"))
    return [
        MilestoneFactory(priority=priority, due_date=datetime.date(2020, 1, 31)),
        MilestoneFactory(priority=priority, due_date=datetime.date(2020, 10, 31)),
    ]


def due(query, language):
    response = APIClient().get("/api/v1/milestones/", {**query, "lang": language})
    return response.status_code, response.json()


@pytest.mark.parametrize("language", ["en", "fr"])
def test_an_iso_date_means_the_same_day_in_every_language(milestones, language):
    status, body = due({"due_after": "2020-10-01"}, language)

    assert status == 200
    assert [m["id"] for m in body["results"]] == [milestones[1].pk]


@pytest.mark.parametrize(("language", "message"), [("en", FORMAT_EN), ("fr", FORMAT_FR)])
@pytest.mark.parametrize("value", ["10/01/2020", "01/10/2020", "30/06/2020", "2020-6-3", "20200630", "2020-02-30"])
def test_a_date_written_otherwise_is_a_400_that_gives_the_format(milestones, value, language, message):
    assert due({"due_after": value}, language) == (400, {"due_after": [message]})


@pytest.mark.parametrize(("path", "name"), DATE_FILTERS)
def test_every_date_filter_takes_iso_dates_only(path, name):
    assert APIClient().get(path, {name: "2020-06-30"}).status_code == 200
    response = APIClient().get(path, {name: "06/30/2020"})

    assert response.status_code == 400
    assert response.json() == {name: [FORMAT_EN]}


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2020-06-30", datetime.date(2020, 6, 30)),
        (" 2020-06-30 ", datetime.date(2020, 6, 30)),
        ("0001-01-01", datetime.date(1, 1, 1)),
        ("9999-12-31", datetime.date(9999, 12, 31)),
        ("", None),
    ],
)
def test_the_field_reads_iso_dates(value, expected):
    assert IsoDateField(required=False).clean(value) == expected


@pytest.mark.parametrize(("language", "message"), [("en", "Enter a valid date."), ("fr", "Saisissez une date valide.")])
def test_a_public_list_reads_the_address_as_the_api_does(language, message):
    AccomplishmentFactory(jurisdiction=JurisdictionFactory(code="BC"), date=datetime.date(2020, 1, 10))
    path = "/en/accomplishments/" if language == "en" else "/fr/realisations/"

    ok = Client().get(path, {"date_after": "2020-01-01"})
    slashed = Client().get(path, {"date_after": "10/01/2020"}).content.decode()

    assert ok.status_code == 200 and "error-summary" not in ok.content.decode()
    assert message in slashed and ("YYYY-MM-DD" if language == "en" else "AAAA-MM-JJ") in slashed


@pytest.mark.parametrize(
    ("quarter", "bounds"),
    [
        ("2020-Q1", (datetime.date(2020, 1, 1), datetime.date(2020, 3, 31))),
        ("2020-Q2", (datetime.date(2020, 4, 1), datetime.date(2020, 6, 30))),
        ("2020-Q4", (datetime.date(2020, 10, 1), datetime.date(2020, 12, 31))),
        ("1000-Q1", (datetime.date(1000, 1, 1), datetime.date(1000, 3, 31))),
        ("9999-Q4", (datetime.date(9999, 10, 1), datetime.date(9999, 12, 31))),
    ],
)
def test_every_quarter_has_its_bounds(quarter, bounds):
    assert quarter_bounds(quarter) == bounds


@pytest.mark.parametrize("quarter", ["9999-Q4", "1000-Q1"])
def test_the_first_and_last_quarters_are_an_empty_list_not_an_error(milestones, quarter):
    response = APIClient().get("/api/v1/milestones/", {"quarter": quarter})

    assert (response.status_code, response.json()["count"]) == (200, 0)


@pytest.mark.parametrize("quarter", ["10000-Q1", "0999-Q4", "2020-Q5", "2020-Q0", "2020-q2"])
def test_a_quarter_out_of_bounds_is_a_400(milestones, quarter):
    response = APIClient().get("/api/v1/milestones/", {"quarter": quarter})

    assert response.status_code == 400
    assert list(response.json()) == ["quarter"]


def test_a_quarter_lists_its_milestones(milestones):
    response = APIClient().get("/api/v1/milestones/", {"quarter": "2020-Q4"})

    assert [m["id"] for m in response.json()["results"]] == [milestones[1].pk]
