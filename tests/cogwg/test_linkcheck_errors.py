"""A failed link check keeps a code and a technical detail, and says it in the reader's
language (LinkCheck.error_message), against the fake server on 127.0.0.1."""

import pytest
from django.utils import timezone, translation

from cogwg.choices import LinkErrorCode, LinkStatus
from cogwg.linkcheck import check_url, links_check
from cogwg.models import LinkCheck
from tests.fakes.ckan_server import LINKS

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _http_settings(settings, ckan_server):
    settings.COGWG_HTTP_TIMEOUT = 0.5
    settings.COGWG_LINKCHECK_DELAY = 0
    ckan_server.slow_seconds = 2


def test_a_timeout_is_stored_as_a_code_and_told_in_french(ckan_server):
    url = ckan_server.url(LINKS["slow"])

    links_check(urls=[url])

    check = LinkCheck.objects.get(url=url)
    assert (check.status, check.error_code, check.error) == (LinkStatus.TIMEOUT, LinkErrorCode.TIMEOUT, "0.5 s")
    assert check.error_message() == "No answer in time (0.5 s)"
    with translation.override("fr"):
        assert check.error_message() == "Pas de réponse à temps (0.5 s)"


def test_an_http_error_keeps_its_status_in_the_french_message(ckan_server):
    result = check_url(ckan_server.url(LINKS["missing"]))

    check = LinkCheck(url=result.url, status=result.status, error_code=result.error_code, error=result.error)
    with translation.override("fr"):
        assert check.error_message() == "Le serveur a répondu par une erreur (HTTP 404 Not Found)"


def test_a_refused_connection_is_told_in_french(closed_port_url, no_internet):
    result = check_url(closed_port_url)

    assert (result.status, result.error_code) == (LinkStatus.BROKEN, LinkErrorCode.CONNECTION)
    check = LinkCheck(url=result.url, status=result.status, error_code=result.error_code, error=result.error)
    with translation.override("fr"):
        assert check.error_message().startswith("Échec de la connexion (")


def test_a_redirect_loop_is_told_in_french(ckan_server):
    result = check_url(ckan_server.url(LINKS["loop"]))

    assert (result.status, result.error_code) == (LinkStatus.ERROR, LinkErrorCode.REDIRECTS)
    check = LinkCheck(url=result.url, status=result.status, error_code=result.error_code, error=result.error)
    with translation.override("fr"):
        assert check.error_message().startswith("Trop de redirections (")


def test_an_error_kept_before_the_codes_still_shows():
    check = LinkCheck.objects.create(
        url="https://example.org/", status=LinkStatus.TIMEOUT, error="No answer within 10 s", checked_at=timezone.now()
    )

    with translation.override("fr"):
        assert check.error_message() == "No answer within 10 s"


@pytest.mark.parametrize("code", LinkErrorCode.values)
def test_every_link_error_has_a_french_message(code):
    check = LinkCheck(error_code=code)
    with translation.override("fr"):
        french = check.error_message()
    assert french != check.error_message()
