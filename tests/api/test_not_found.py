"""Addresses under /api/v1/ that are none of the API's: a JSON 404 in the language asked
for, or a redirect to the address with its trailing slash."""

import pytest

from tests import factories
from workplan.models import Milestone

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("address", "location"),
    [
        ("/api/v1/milestones", "/api/v1/milestones/"),
        ("/api/v1/milestones?status=delayed&page=2", "/api/v1/milestones/?status=delayed&page=2"),
        ("/api/v1/work-plans/2020/status", "/api/v1/work-plans/2020/status/"),
        ("/api/v1/work-plans/2020/status?as_of=2020-05-01", "/api/v1/work-plans/2020/status/?as_of=2020-05-01"),
        ("/api/v1/docs", "/api/v1/docs/"),
    ],
)
def test_a_read_without_the_trailing_slash_is_redirected_to_it(api, address, location):
    response = api.get(address)

    assert response.status_code == 301
    assert response["Location"] == location


def test_a_head_without_the_trailing_slash_is_redirected_to_it(api):
    response = api.head("/api/v1/milestones?lang=fr")

    assert response.status_code == 301
    assert response["Location"] == "/api/v1/milestones/?lang=fr"


def test_a_write_without_the_trailing_slash_is_a_404_that_names_the_address(staff_api):
    response = staff_api.post("/api/v1/milestones", {"description_en": "Publish"}, format="json")

    assert response.status_code == 404
    assert response.json() == {"detail": "This address ends with a slash: /api/v1/milestones/"}
    assert Milestone.objects.count() == 0


def test_the_message_of_a_write_without_the_slash_is_translated(staff_api):
    response = staff_api.delete("/api/v1/milestones/1?lang=fr")

    assert response.status_code == 404
    assert response.json() == {
        "detail": "Cette adresse se termine par une barre oblique\u00a0: /api/v1/milestones/1/?lang=fr"
    }


@pytest.mark.parametrize("address", ["/api/v1/nope", "/api/v1/nope/", "/api/v1/milestones/1/nope"])
def test_an_address_that_is_none_of_the_apis_is_a_json_404(api, address):
    response = api.get(address)

    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"detail": "Not found."}


def test_the_404_follows_lang(api):
    response = api.get("/api/v1/nope/", {"lang": "fr"})

    assert response.status_code == 404
    assert response["Content-Language"] == "fr"
    assert response.json() == {"detail": "Non trouvé."}


def test_the_404_follows_accept_language(api):
    response = api.get("/api/v1/nope/", HTTP_ACCEPT_LANGUAGE="fr-CA,fr;q=0.9")

    assert response["Content-Language"] == "fr"
    assert response.json() == {"detail": "Non trouvé."}


def test_an_unknown_lang_leaves_the_404_a_404_in_english(api):
    response = api.get("/api/v1/nope/", {"lang": "de"})

    assert response.status_code == 404
    assert response["Content-Language"] == "en"
    assert response.json() == {"detail": "Not found."}


@pytest.mark.parametrize(
    ("language", "message"),
    [
        ("en", "This address has no “csv” format: it answers in json."),
        ("fr", "Cette adresse n'a pas de format «\u00a0csv\u00a0»\u00a0: elle répond en json."),
    ],
)
def test_a_format_an_address_does_not_give_is_a_404_naming_those_it_does(api, language, message):
    factories.WorkPlanFactory(slug="2020")

    response = api.get("/api/v1/work-plans/2020/status/", {"format": "csv", "lang": language})

    assert response.status_code == 404
    assert response.json() == {"detail": message}
    assert api.get("/api/v1/work-plans/2020/status/", {"format": "json"}).status_code == 200
    assert api.get("/api/v1/milestones/", {"format": "csv"}).status_code == 200
