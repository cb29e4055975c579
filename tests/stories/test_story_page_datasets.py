"""A story's page says when the last harvest found one of its datasets gone from its
portal, and the API gives the harvest's state (read-only); a theme's name shown in the
other language carries that language."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from stories.choices import CkanErrorCode
from stories.services import dataset_harvest
from tests.factories import DatasetFactory, ThemeFactory, UserStoryFactory
from tests.fakes.ckan_server import ckan_package

pytestmark = pytest.mark.django_db

WHEN = datetime.datetime(2020, 6, 1, 6, 0, tzinfo=datetime.UTC)


@pytest.fixture
def story(db):
    story = UserStoryFactory(slug="clinics", title_en="Closer clinics", title_fr="Des cliniques plus proches")
    kept = DatasetFactory(title_en="Clinics", title_fr="Cliniques", url="https://ckan.example.org/dataset/clinics")
    gone = DatasetFactory(
        title_en="Waiting times",
        title_fr="Temps d'attente",
        url="https://ckan.example.org/dataset/waiting-times",
        harvest_error_code=CkanErrorCode.NOT_FOUND,
        harvest_error="HTTP 404 from https://ckan.example.org/api/3/action/package_show",
        last_harvest_attempt=WHEN,
    )
    story.datasets.set([kept, gone])
    return story


@pytest.mark.parametrize(
    ("url", "note"),
    [
        ("/en/user-stories/clinics/", "(its portal no longer had this dataset at our last check, "),
        (
            "/fr/recits-utilisateurs/clinics/",
            "(son portail n'avait plus ce jeu de données à notre dernière vérification, ",
        ),
    ],
)
def test_the_page_says_a_dataset_is_gone_from_its_portal(client, story, url, note):
    html = client.get(url).content.decode().replace("&#x27;", "'")

    assert html.count(note) == 1
    kept, gone = html.index("https://ckan.example.org/dataset/clinics"), html.index("/dataset/waiting-times")
    assert kept < gone < html.index(note)
    assert '<time datetime="2020-06-01">' in html


def test_a_dataset_the_last_harvest_found_again_is_shown_as_fine(client, story, ckan_server):
    ckan_server.add(ckan_package("waiting-times", title_en="Waiting times"))
    gone = story.datasets.get(harvest_error_code=CkanErrorCode.NOT_FOUND)
    gone.portal_url, gone.ckan_id = ckan_server.base_url, "waiting-times"
    gone.save()
    assert dataset_harvest(dataset=gone)

    html = client.get("/en/user-stories/clinics/").content.decode()

    assert "no longer had this dataset" not in html


def test_the_page_runs_the_same_queries_with_a_dataset_gone(client, story):
    client.get("/en/user-stories/clinics/")  # warm-up
    with CaptureQueriesContext(connection) as with_gone:
        client.get("/fr/recits-utilisateurs/clinics/")
    story.datasets.update(harvest_error_code="")
    with CaptureQueriesContext(connection) as without:
        client.get("/fr/recits-utilisateurs/clinics/?again")

    assert len(with_gone) == len(without)


def test_the_api_gives_the_harvests_state_read_only(staff_api, story):
    gone = story.datasets.get(harvest_error_code=CkanErrorCode.NOT_FOUND)

    shown = staff_api.get(f"/api/v1/datasets/{gone.pk}/").json()
    written = staff_api.patch(
        f"/api/v1/datasets/{gone.pk}/",
        {"harvest_error_code": "", "last_harvest_attempt": "2021-01-01T00:00:00Z"},
        format="json",
    )

    assert shown["harvest_error_code"] == "not_found"
    assert shown["last_harvest_attempt"] == "2020-06-01T02:00:00-04:00"
    # Refused on each field, not dropped with a 200 (tests/api/test_unwritable_fields.py).
    assert (written.status_code, sorted(written.json())) == (400, ["harvest_error_code", "last_harvest_attempt"])
    gone.refresh_from_db()
    assert (gone.harvest_error_code, gone.last_harvest_attempt) == (CkanErrorCode.NOT_FOUND, WHEN)


def test_the_api_names_a_dataset_never_refused_with_an_empty_code(client, story):
    kept = story.datasets.get(harvest_error_code="")

    shown = client.get(f"/api/v1/datasets/{kept.pk}/").json()

    assert (shown["harvest_error_code"], shown["last_harvest_attempt"]) == ("", None)


@pytest.mark.parametrize(
    ("url", "theme"),
    [
        ("/fr/recits-utilisateurs/clinics/", '?theme=health" lang="en">Health</a>'),
        ("/en/user-stories/clinics/", '?theme=health">Health</a>'),
    ],
)
def test_a_theme_not_yet_translated_carries_the_language_it_is_shown_in(client, story, url, theme):
    story.themes.set([ThemeFactory(slug="health", name_en="Health", name_fr="")])

    assert theme in client.get(url).content.decode()
