"""Portal answers that are not what CKAN's package_show gives (wrong types, over-long or
NUL-holding values, answers too large), and harvest errors told in the reader's language.
Against the fake portal on 127.0.0.1 (tests/fakes/ckan_server.py); the PostgreSQL-only
failures (a value longer than its column, a NUL character) show when the suite runs on
PostgreSQL."""

import datetime
import io
import json

import pytest
from django.core.management import call_command
from django.utils import translation

from stories import ckan
from stories.ckan import (
    CkanClient,
    CkanError,
    CkanErrorCode,
    NotADatasetUrl,
    ckan_error_message,
    parse_dataset_url,
)
from stories.models import Dataset
from stories.services import dataset_add_from_url, dataset_harvest, datasets_harvest_all
from tests.factories import DatasetFactory
from tests.fakes.ckan_server import ckan_package

pytestmark = pytest.mark.django_db

ADD_FROM_PORTAL = "/pieces-admin/stories/dataset/add-from-portal/"
pieces_admin = pytest.mark.urls("tests.fakes.admin_site")


@pytest.fixture(autouse=True)
def _http_settings(settings):
    settings.COGWG_HTTP_TIMEOUT = 0.5


def add_from_portal(client, url, language="en"):
    return client.post(ADD_FROM_PORTAL, {"url": url}, HTTP_ACCEPT_LANGUAGE=language)


# Answers of the wrong shape --------------------------------------------------------------

WRONG_SHAPES = [
    ({"resources": 5}, "resources"),
    ({"tags": 7}, "tags"),
    ({"organization": "tbs-sct"}, "organization"),
    ({"title": ["Budget"]}, "title"),
    ({"title_translated": "Budget"}, "title_translated"),
    ({"notes_translated": {"en": 5}}, "notes_translated.en"),
    ({"license_title": {"en": "OGL"}}, "license_title"),
    ({"id": 42}, "id"),
    ({"id": "x" * 300}, "id"),
    ({"id": "bad\u0000id"}, "id"),
    ({"name": "n" * 300}, "name"),
]


@pieces_admin
@pytest.mark.parametrize(("extra", "field_name"), WRONG_SHAPES)
def test_add_from_portal_refuses_an_answer_of_the_wrong_shape_and_stores_nothing(
    staff_client, ckan_server, extra, field_name
):
    package = ckan_server.add(ckan_package("budget", title_en="Budget"))
    # The fake portal keeps finding it by its first id, whatever the answer says.
    asked = package["id"]
    package.update(extra)

    response = add_from_portal(staff_client, ckan_server.dataset_page_url(asked))

    assert response.status_code == 200
    content = response.content.decode()
    assert "The portal&#x27;s answer is not a dataset as CKAN describes one (http://" in content
    assert f"package_show?id={asked}: {field_name})" in content
    assert not Dataset.objects.exists()


@pieces_admin
def test_add_from_portal_says_what_is_wrong_in_french(staff_client, ckan_server):
    ckan_server.add(ckan_package("budget", title_en="Budget", resources=5))

    response = add_from_portal(staff_client, ckan_server.dataset_page_url("budget"), language="fr")

    content = response.content.decode()
    assert "La réponse du portail n&#x27;est pas un jeu de données tel que CKAN le décrit (http://" in content
    assert "package_show?id=budget: resources)" in content
    assert not Dataset.objects.exists()


def test_harvest_keeps_going_past_a_bad_answer_and_records_it_on_that_dataset(ckan_server):
    for name in ("first", "second", "third"):
        ckan_server.add(ckan_package(name, title_en=name.title()))
    first, second, third = (
        dataset_add_from_url(url=ckan_server.dataset_page_url(name))[0] for name in ("first", "second", "third")
    )
    ckan_server.find("first").update(tags=7)
    ckan_server.find("second").update(title="Second, renamed")
    ckan_server.find("third").update(id="x" * 300)

    summary = datasets_harvest_all()

    assert summary.harvested == 1
    assert set(summary.failed) == {first.pk, third.pk}
    for dataset in (first, second, third):
        dataset.refresh_from_db()
    assert second.title_en == "Second, renamed"
    assert (second.harvest_error_code, second.harvest_error) == ("", "")
    assert first.harvest_error_code == third.harvest_error_code == CkanErrorCode.BAD_ANSWER
    assert first.harvest_error.endswith(": tags")
    assert third.harvest_error.endswith(": id")
    # The last good metadata stays.
    assert (first.title_en, third.title_en) == ("First", "Third")
    assert first.metadata["tags"] == ["open-data"]


def test_harvesting_one_dataset_records_a_bad_answer(ckan_server):
    ckan_server.add(ckan_package("budget", title_en="Budget"))
    dataset, _ = dataset_add_from_url(url=ckan_server.dataset_page_url("budget"))
    ckan_server.find("budget").update(resources=5)

    assert dataset_harvest(dataset=dataset) is False

    dataset.refresh_from_db()
    assert dataset.harvest_error_code == CkanErrorCode.BAD_ANSWER
    assert dataset.title_en == "Budget"


def test_harvest_records_an_unexpected_failure_without_nul_and_keeps_going(ckan_server, monkeypatch):
    ckan_server.add(ckan_package("budget", title_en="Budget"))
    broken = DatasetFactory(portal_url=ckan_server.portal_url, ckan_id="broken")
    dataset_add_from_url(url=ckan_server.dataset_page_url("budget"))
    real_package_show = CkanClient.package_show

    def package_show(self, ckan_id):
        if ckan_id == "broken":
            raise RuntimeError("went\u0000wrong")
        return real_package_show(self, ckan_id)

    monkeypatch.setattr(CkanClient, "package_show", package_show)

    summary = datasets_harvest_all()

    assert (summary.harvested, list(summary.failed)) == (1, [broken.pk])
    broken.refresh_from_db()
    assert (broken.harvest_error_code, broken.harvest_error) == (CkanErrorCode.FAILED, "RuntimeError: wentwrong")


# Values the database cannot keep ---------------------------------------------------------


def test_nul_characters_and_lone_surrogates_are_dropped_before_storing(ckan_server):
    ckan_server.add(
        ckan_package(
            "budget",
            title_en="bad\u0000title",
            title_fr="titre\u0000",
            notes_en="a\ud800b",
            organization_en="Treasury\u0000 Board",
            tags=[{"name": "open\u0000data"}],
            extra_field="ignored\u0000",
        )
    )

    dataset, created = dataset_add_from_url(url=ckan_server.dataset_page_url("budget"))

    dataset.refresh_from_db()
    assert created
    assert (dataset.title_en, dataset.title_fr) == ("badtitle", "titre")
    assert dataset.description_en == "a?b"
    assert dataset.publisher_en == "Treasury Board"
    assert dataset.metadata["tags"] == ["opendata"]
    assert "\u0000" not in json.dumps(dataset.metadata)


def test_over_long_values_are_cut_to_their_columns(ckan_server):
    ckan_server.add(
        ckan_package(
            "budget",
            title_en="T" * 800,
            title_fr="F" * 800,
            notes_en="N" * (ckan.DESCRIPTION_MAX_LENGTH + 5000),
            organization_en="P" * 400,
            license_title="L" * 300,
        )
    )

    dataset, _ = dataset_add_from_url(url=ckan_server.dataset_page_url("budget"))

    dataset.refresh_from_db()
    assert dataset.title_en == "T" * 499 + "…"
    assert dataset.title_fr == "F" * 499 + "…"
    assert len(dataset.description_en) == ckan.DESCRIPTION_MAX_LENGTH
    assert dataset.description_en.endswith("N…")
    assert dataset.publisher_en == "P" * 299 + "…"
    assert dataset.license_title == "L" * 199 + "…"


def test_the_column_lengths_ckan_cuts_to_are_the_models():
    lengths = {
        "ckan_id": ckan.ID_MAX_LENGTH,
        "portal_url": ckan.PORTAL_URL_MAX_LENGTH,
        "title_en": ckan.TITLE_MAX_LENGTH,
        "title_fr": ckan.TITLE_MAX_LENGTH,
        "publisher_en": ckan.PUBLISHER_MAX_LENGTH,
        "publisher_fr": ckan.PUBLISHER_MAX_LENGTH,
        "license_title": ckan.LICENCE_MAX_LENGTH,
    }

    assert {name: Dataset._meta.get_field(name).max_length for name in lengths} == lengths


def test_a_modification_date_out_of_range_is_left_out(ckan_server):
    ckan_server.add(ckan_package("budget", title_en="Budget", metadata_modified="9999-12-31T23:00:00-05:00"))

    dataset, _ = dataset_add_from_url(url=ckan_server.dataset_page_url("budget"))

    dataset.refresh_from_db()
    assert dataset.metadata_modified is None


def test_a_modification_date_with_an_offset_is_kept_in_utc(ckan_server):
    ckan_server.add(ckan_package("budget", title_en="Budget", metadata_modified="2020-02-20T10:31:53-05:00"))

    dataset, _ = dataset_add_from_url(url=ckan_server.dataset_page_url("budget"))

    assert dataset.metadata_modified == datetime.datetime(2020, 2, 20, 15, 31, 53, tzinfo=datetime.UTC)


@pieces_admin
def test_add_from_portal_refuses_a_portal_address_longer_than_kept(staff_client, ckan_server):
    url = ckan_server.url("/" + "p" * 200 + "/dataset/budget")

    response = add_from_portal(staff_client, url)

    assert response.status_code == 200
    assert "The portal&#x27;s address is too long (http://" in response.content.decode()
    assert ckan_server.requests == []
    assert not Dataset.objects.exists()


@pytest.mark.parametrize(
    ("url", "ckan_id"),
    [("https://open.canada.ca/data/en/dataset/bad%00id", ""), ("https://open.canada.ca/data", "bad\u0000id")],
)
def test_an_id_with_a_nul_character_names_no_dataset(url, ckan_id):
    # PostgreSQL could not even look it up.
    with pytest.raises(NotADatasetUrl):
        parse_dataset_url(url, ckan_id)


# Answers too large, or not JSON ----------------------------------------------------------


@pytest.mark.parametrize("content_length", [True, False])
def test_an_answer_larger_than_the_limit_is_refused(ckan_server, monkeypatch, content_length):
    monkeypatch.setattr(ckan, "MAX_ANSWER_BYTES", 200_000)
    ckan_server.content_length = content_length
    ckan_server.add(ckan_package("budget", title_en="Budget", notes_en="N" * 300_000))

    with pytest.raises(CkanError) as raised:
        dataset_add_from_url(url=ckan_server.dataset_page_url("budget"))

    assert raised.value.code == CkanErrorCode.TOO_LARGE
    assert str(raised.value).startswith("The portal's answer is larger than the tracker accepts (http://")
    assert not Dataset.objects.exists()


def test_an_answer_under_the_limit_without_content_length_is_read(ckan_server):
    ckan_server.content_length = False
    ckan_server.add(ckan_package("budget", title_en="Budget", notes_en="N" * 300_000))

    dataset, _ = dataset_add_from_url(url=ckan_server.dataset_page_url("budget"))

    assert dataset.description_en == "N" * (ckan.DESCRIPTION_MAX_LENGTH - 1) + "…"


@pytest.mark.parametrize(
    "raw",
    [
        b'{"success": true, "result": {"id": "a", "title": NaN}}',
        b"[" * 100_000 + b"]" * 100_000,
        b'{"success": true, "result": {"id": "\xff\xfe"}}',
    ],
    ids=["nan", "deeply-nested", "not-utf-8"],
)
def test_an_answer_that_is_not_json_is_not_ckan(ckan_server, raw):
    ckan_server.raw_answer = raw

    with pytest.raises(CkanError) as raised:
        CkanClient(ckan_server.portal_url).package_show("a")

    assert raised.value.code == CkanErrorCode.NOT_CKAN


# Errors in the reader's language ---------------------------------------------------------


def test_a_harvest_error_is_told_in_the_active_language_with_its_detail(ckan_server):
    dataset = DatasetFactory(portal_url=ckan_server.portal_url, ckan_id="gone")
    call_command("harvest_datasets", stdout=io.StringIO(), stderr=io.StringIO())
    dataset.refresh_from_db()
    detail = f"{ckan_server.portal_url}/api/3/action/package_show?id=gone: HTTP 404"

    assert (dataset.harvest_error_code, dataset.harvest_error) == (CkanErrorCode.NOT_FOUND, detail)
    assert dataset.harvest_error_message() == f"The portal has no such dataset (any more) ({detail})"
    with translation.override("fr"):
        assert dataset.harvest_error_message() == f"Le portail n'a pas (ou n'a plus) ce jeu de données ({detail})"


def test_a_harvest_error_kept_before_the_codes_still_shows():
    dataset = DatasetFactory(harvest_error="http://portal.example/api: HTTP 500, not an answer of CKAN's Action API")

    with translation.override("fr"):
        assert dataset.harvest_error_message() == dataset.harvest_error
    assert ckan_error_message("", "") == ""


@pytest.mark.parametrize("code", CkanErrorCode.values)
def test_every_harvest_error_has_a_french_message(code):
    with translation.override("fr"):
        french = ckan_error_message(code)
    assert french != ckan_error_message(code)


@pieces_admin
def test_refresh_from_portal_says_why_in_french(staff_client, ckan_server):
    gone = DatasetFactory(portal_url=ckan_server.portal_url, ckan_id="gone")

    response = staff_client.post(
        "/pieces-admin/stories/dataset/",
        {"action": "refresh_from_portal", "_selected_action": [gone.pk]},
        follow=True,
        HTTP_ACCEPT_LANGUAGE="fr",
    )

    content = response.content.decode()
    assert "Non actualisé\u00a0: Le portail n&#x27;a pas (ou n&#x27;a plus) ce jeu de données (http://" in content
    assert "HTTP 404)" in content
    assert "Not Found" not in content


@pieces_admin
def test_the_dataset_list_shows_the_harvest_error_in_french(staff_client, ckan_server):
    DatasetFactory(
        portal_url=ckan_server.portal_url,
        harvest_error_code=CkanErrorCode.TIMEOUT,
        harvest_error="http://portal.example/api/3/action/package_show?id=a, 10 s",
    )

    response = staff_client.get("/pieces-admin/stories/dataset/", HTTP_ACCEPT_LANGUAGE="fr")

    content = response.content.decode()
    assert (
        "Le portail n&#x27;a pas répondu à temps (http://portal.example/api/3/action/package_show?id=a, 10 s)"
        in content
    )


@pytest.mark.parametrize("declared", ["²", "①", "abc", ""])
def test_a_content_length_that_is_no_ascii_number_is_not_trusted(declared):
    # "²" is a digit to str.isdigit, not to int(): read the body as if none were declared.
    class Answer:
        url, status_code = "http://127.0.0.1/api/3/action/package_show", 200
        headers = {"Content-Length": declared}

        def iter_content(self, chunk_size):
            yield b'{"success": true}'

    assert ckan._read_bounded(Answer()) == b'{"success": true}'
