"""A French page shows no English UI text (tests/french.py says how English is found and
how the data's own values are set aside), each checked against the same page in English:
the pages the site's list (tests/site/conftest.py) leaves out — the privacy notice, the
status report pages, the error pages, the story form with its errors. The listed ones are
checked by tests/site/test_pages.py."""

import datetime

import pytest
from django.test import RequestFactory
from django.urls import reverse
from django.utils import translation
from django.views.defaults import server_error

from cogwg.choices import StatusReportState
from cogwg.middleware import database_unavailable_response
from cogwg.models import StatusReport, StatusReportFile
from cogwg.reports.services import report_freeze, report_publish
from cogwg.reports.views import being_prepared
from cogwg.views import bad_request, csrf_failure
from tests.factories import JurisdictionFactory, StatusReportFactory
from tests.french import data_values, english_in, html_chunks
from tests.site.conftest import LANGUAGES, PAGE_IDS, page_url

pytestmark = pytest.mark.django_db

# Public pages the site's list leaves out: (name, URL name, arguments).
MORE_PAGES = [
    ("privacy", "privacy", []),
    ("status-reports", "reports:list", []),
    ("status-report", "reports:detail", ["first"]),
    ("status-report-changes", "reports:changes", ["first"]),
    ("following-status-report", "reports:detail", ["following"]),
    ("following-status-report-changes", "reports:changes", ["following"]),
]
MORE_PAGES = [page for page in MORE_PAGES if page[0] not in PAGE_IDS]
MORE_PAGE_IDS = [name for name, _url, _args in MORE_PAGES]


@pytest.fixture
def reports(site):
    """The builder's published report, and one that follows it (whose changes page has
    something to show: what was completed since)."""
    first = StatusReport.objects.get(state=StatusReportState.PUBLISHED)
    following = StatusReportFactory(
        work_plan=first.work_plan,
        meeting=first.meeting,
        as_of=datetime.date(2020, 10, 1),
        title_en="Status report, October 2020",
        title_fr="Rapport d'étape, octobre 2020",
    )
    following = report_publish(report=report_freeze(report=following))
    return {"first": first.pk, "following": following.pk}


def url(name, language, reports):
    _name, url_name, args = next(page for page in MORE_PAGES if page[0] == name)
    with translation.override(language):
        return reverse(url_name, args=[reports[arg] for arg in args])


def chunks(client, address, status=200):
    response = client.get(address)
    assert response.status_code == status, address
    return html_chunks(response.content.decode())


@pytest.mark.parametrize("name", MORE_PAGE_IDS)
def test_a_french_page_shows_no_english(client, reports, name):
    french = chunks(client, url(name, "fr", reports))
    english = chunks(client, url(name, "en", reports))

    assert english_in(french, english, data_values()) == []


def test_the_french_404_page_shows_no_english(client, site):
    french = chunks(client, "/fr/nulle-part/", status=404)
    english = chunks(client, "/en/nowhere/", status=404)

    assert english_in(french, english, data_values()) == []


def error_page(language, make):
    request = RequestFactory().get(f"/{language}/", HTTP_ACCEPT="text/html")
    with translation.override(language):
        return html_chunks(make(request).content.decode())


@pytest.mark.parametrize(
    "make",
    [bad_request, csrf_failure, server_error, database_unavailable_response],
    ids=["400", "403-csrf", "500", "503"],
)
def test_a_french_error_page_shows_no_english(make):
    assert english_in(error_page("fr", make), error_page("en", make), []) == []


def test_a_french_page_being_prepared_shows_no_english(reports):
    file = StatusReportFile.objects.filter(report_id=reports["first"], language="fr").first()
    english, french = (error_page(language, lambda request: being_prepared(request, file)) for language in LANGUAGES)

    assert english_in(french, english, data_values()) == []


@pytest.mark.parametrize(
    "sent",
    [
        {"website": ""},
        {"title": "X", "submitter_email": "pas-une-adresse", "datasets": "ftp://example.org/x", "jurisdiction": "ZZ"},
    ],
    ids=["empty", "bad-values"],
)
def test_a_french_form_with_errors_shows_no_english(client, site, sent):
    pages = []
    for language in LANGUAGES:
        response = client.post(page_url("story-submit", language), sent)
        assert response.status_code in (200, 400)
        pages.append(html_chunks(response.content.decode()))
    french, english = pages[1], pages[0]

    # What the reader typed is data too.
    assert english_in(french, english, [*data_values(), *sent.values()]) == []


def test_each_net_catches_english_on_its_own():
    values = ["Province no 0"]

    assert english_in(["Jalons à venir"], ["Milestones due"], values) == []
    # An English message of the catalogue, inside French text.
    assert english_in(["Voir Milestones due ici"], [], values) == [
        ("catalogue", "Milestones due", "Voir Milestones due ici")
    ]
    # A literal of a template, the same on both pages, and its English words.
    found = english_in(["Back to top of page"], ["Back to top of page"], values)
    assert ("same", "Back to top of page", "Back to top of page") in found
    assert {what for net, what, _text in found if net == "words"} == {"Back", "to", "of", "top"}
    # Data, codes, words spelled alike, e-mail addresses: not English UI text.
    assert english_in(["Province no 0", "Description", "J0", "cogwg@localhost"], ["Description", "J0"], values) == []


def test_the_data_set_aside_is_french_or_has_no_french_and_is_never_a_ui_message(site):
    JurisdictionFactory(code="ZZ", name_en="Status reports", name_fr="")  # an English message, as a name
    JurisdictionFactory(code="YY", name_en="Lakeshore", name_fr="")  # no French: shown as it is

    values = data_values()

    assert "Province no 0" in values  # the French name
    assert "Province 0" not in values  # the English one, which has a French version
    assert "Lakeshore" in values
    assert "Status reports" not in values
    assert "https://gov0.example.org/" in values
