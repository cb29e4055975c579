"""Hostile inputs at the HTTP layer: a null character in the address (cogwg.middleware.
NullCharacterMiddleware), too many parameters (handler400), a form refused for its CSRF
token (CSRF_FAILURE_VIEW): the site's own pages in the page's language, JSON under /api/,
without the database; and a page's ETag that differs for a reader who sees other records
(cogwg/http.py)."""

import pytest
from django.core.exceptions import TooManyFieldsSent
from django.db import OperationalError, connection
from django.test import Client
from django.urls import reverse

from cogwg import permissions
from cogwg.http import reader_kind
from cogwg.views import bad_request
from tests.conftest import run_on_postgresql
from tests.factories import StatusReportFactory
from tests.site.conftest import page_url

pytestmark = pytest.mark.django_db

ON_POSTGRESQL = connection.vendor == "postgresql"
TOO_MANY = "&".join(["a=1"] * 1001)

NUL_PAGES = [
    ("/en/status-reports/1/files/e%00n.pdf", "en"),
    ("/en/status-reports/1/files/en.p%00df", "en"),
    ("/fr/rapports-etape/1/fichiers/e%00n.pdf", "fr"),
    ("/fr/admin/jurisdictions/accomplishment/?publication_state__exact=%00", "fr"),
    ("/fr/admin/jurisdictions/accomplishment/?title_en=%00", "fr"),
    ("/fr/admin/workplan/priority/?slug=a%00", "fr"),
    ("/fr/admin/autocomplete/?app_label=workplan&model_name=priority&field_name=priority&term=a%00", "fr"),
    ("/en/user-stories/?q=%00", "en"),
    ("/en/user-stories/?%00=1", "en"),
]


@pytest.fixture
def quiet_client():
    """A client that gets the error page instead of the exception."""
    return Client(raise_request_exception=False)


def refuse_queries(execute, sql, params, many, context):
    raise OperationalError("connection to server at 127.0.0.1 failed: Connection refused")


def page_title(response):
    content = response.content.decode()
    return content[content.index("<title>") + 7 : content.index("</title>")]


# A null character in the address


@pytest.mark.parametrize(("url", "language"), NUL_PAGES)
def test_a_null_character_in_a_page_address_is_a_400_page_in_its_language(quiet_client, staff, url, language):
    quiet_client.force_login(staff)

    response = quiet_client.get(url)

    assert response.status_code == 400
    assert response["Content-Language"] == language
    assert f'<html lang="{language}">' in response.content.decode()
    title = "Nous n'avons pas pu lire cette requête" if language == "fr" else "We could not read this request"
    assert page_title(response).startswith(title)
    assert "%00" in response.content.decode()  # says what was wrong
    assert "\x00" not in response.content.decode()


def test_a_null_character_is_refused_before_any_query(quiet_client, django_assert_num_queries):
    with django_assert_num_queries(0), connection.execute_wrapper(refuse_queries):
        response = quiet_client.get("/fr/rapports-etape/1/fichiers/e%00n.pdf")

    assert response.status_code == 400
    assert "Groupe de travail sur le gouvernement ouvert du Canada" in response.content.decode()


@pytest.mark.parametrize(
    ("url", "headers", "detail"),
    [
        ("/api/v1/milestones/?description=a%00", {}, "The address contains a null character (%00)"),
        ("/api/v1/milestones/?description=a%00", {"HTTP_ACCEPT_LANGUAGE": "fr"}, "L'adresse contient un caractère nul"),
        ("/api/v1/milestones/?lang=fr&q=%00", {}, "L'adresse contient un caractère nul"),
        ("/api/v1/mile%00stones/", {"HTTP_ACCEPT_LANGUAGE": "fr"}, "L'adresse contient un caractère nul"),
    ],
)
def test_a_null_character_in_an_api_address_is_a_json_400_in_the_readers_language(quiet_client, url, headers, detail):
    response = quiet_client.get(url, **headers)

    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert response.json()["detail"].startswith(detail)
    assert response["Access-Control-Allow-Origin"] == "*"


def test_the_null_character_answer_keeps_the_security_headers(quiet_client):
    response = quiet_client.get("/en/status-reports/1/files/e%00n.pdf", HTTP_X_REQUEST_ID="probe-1")

    assert response["X-Request-ID"] == "probe-1"
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]
    assert "unsafe-inline" not in response["Content-Security-Policy"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in response["Cache-Control"]


def test_an_address_without_a_null_character_is_left_alone(quiet_client, site):
    assert quiet_client.get("/en/user-stories/?q=100%25").status_code == 200
    assert quiet_client.get("/en/status-reports/999999/files/en.pdf").status_code == 404


@pytest.mark.skipif(not ON_POSTGRESQL, reason="the suite runs on SQLite: the test below runs this on PostgreSQL")
def test_a_report_download_with_a_null_character_is_a_400_on_postgresql(quiet_client):
    report = StatusReportFactory()

    for url in [f"/en/status-reports/{report.pk}/files/e%00n.pdf", f"/en/status-reports/{report.pk}/files/en.p%00df"]:
        assert quiet_client.get(url).status_code == 400


@pytest.mark.services
@pytest.mark.skipif(ON_POSTGRESQL, reason="the suite runs on PostgreSQL: the test above runs in it")
def test_the_report_download_is_run_on_postgresql_from_a_run_on_sqlite():
    run_on_postgresql(__file__, "-k", "on_postgresql and not from_a_run", database="cogwg_hostile_http", passed=1)


# Too many parameters


def test_too_many_parameters_on_a_page_is_the_sites_400_page_in_its_language(quiet_client, site):
    response = quiet_client.get(f"{page_url('stories', 'fr')}?{TOO_MANY}")

    content = response.content.decode()
    assert response.status_code == 400
    assert response["Content-Language"] == "fr"
    assert '<html lang="fr">' in content
    assert page_title(response).startswith("Nous n'avons pas pu lire cette requête")
    assert "Bad Request" not in content
    assert f'href="{page_url("stories", "fr")}"' in content  # the page again, without its parameters
    assert f'href="{page_url("stories", "en")}"' in content  # the language switcher


def test_too_many_parameters_on_the_api_is_json_in_the_readers_language(quiet_client):
    english = quiet_client.get(f"/api/v1/milestones/?{TOO_MANY}")
    french = quiet_client.get(f"/api/v1/milestones/?{TOO_MANY}", HTTP_ACCEPT_LANGUAGE="fr")

    assert english.status_code == french.status_code == 400
    assert english["Content-Type"] == french["Content-Type"] == "application/json"
    assert english.json() == {"detail": "The request has too many parameters to be read."}
    assert french.json() == {"detail": "La requête a trop de paramètres pour être lue."}
    assert french["Content-Language"] == "fr"


def test_the_400_page_needs_no_database(rf, django_assert_num_queries):
    # A page that queries before it reads its parameters answers 503 during an outage:
    # the handler itself is what must not need the database.
    request = rf.get(f"/fr/recits-utilisateurs/?{TOO_MANY}")

    with django_assert_num_queries(0), connection.execute_wrapper(refuse_queries):
        response = bad_request(request, TooManyFieldsSent())

    assert response.status_code == 400
    assert page_title(response).startswith("Nous n'avons pas pu lire cette requête")


# A form refused for its CSRF token


@pytest.fixture
def csrf_client():
    return Client(enforce_csrf_checks=True, raise_request_exception=False)


@pytest.mark.parametrize("language", ["en", "fr"])
def test_a_story_form_sent_without_its_token_is_the_sites_page_in_its_language(csrf_client, site, language):
    url = page_url("story-submit", language)

    response = csrf_client.post(url, {"title": "Bus data app"})

    content = response.content.decode()
    assert response.status_code == 403
    assert response["Content-Language"] == language
    assert f'<html lang="{language}">' in content
    assert "403 Forbidden" not in content
    title = "Votre formulaire n'a pas pu être envoyé" if language == "fr" else "Your form could not be sent"
    assert page_title(response).startswith(title)
    assert "cookies" in content
    assert f'href="{url}"' in content  # reload the form
    other = "en" if language == "fr" else "fr"
    assert f'href="{page_url("story-submit", other)}"' in content  # the language switcher
    assert "<style" not in content and "<script" not in content
    assert "unsafe-inline" not in response["Content-Security-Policy"]


def test_the_csrf_page_needs_no_database(csrf_client, site):
    url = page_url("story-submit", "fr")

    with connection.execute_wrapper(refuse_queries):
        response = csrf_client.post(url, {"title": "Bus data app"})

    assert response.status_code == 403
    assert page_title(response).startswith("Votre formulaire n'a pas pu être envoyé")


# The ETag follows what the reader may see


def test_the_secretariat_and_the_public_get_different_tags_for_the_status_reports(client, staff):
    StatusReportFactory(title_en="A draft for the secretariat")  # the public's list does not show it
    url = reverse("reports:list")
    public = client.get(url)

    client.force_login(staff)
    response = client.get(url, HTTP_IF_NONE_MATCH=public["ETag"])

    assert "A draft for the secretariat" not in public.content.decode()
    assert response.status_code == 200
    assert response["ETag"] != public["ETag"]
    assert "A draft for the secretariat" in response.content.decode()


def test_the_reader_kind_names_no_account(rf, staff):
    request = rf.get("/en/status-reports/", HTTP_COOKIE="sessionid=x")
    request.user = staff

    assert reader_kind(request) == permissions.visibility_key(staff) == "all"
    assert str(staff.pk) not in reader_kind(request)


def test_the_public_status_report_list_is_revalidated_without_a_query(client, django_assert_num_queries):
    StatusReportFactory()
    url = reverse("reports:list")
    etag = client.get(url)["ETag"]

    with django_assert_num_queries(0):
        response = client.get(url, HTTP_IF_NONE_MATCH=etag)

    assert response.status_code == 304
