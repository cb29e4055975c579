"""Link health: check_links against the good, redirected, slow and broken pages of the fake
server on 127.0.0.1 (tests/fakes/ckan_server.py), the stored statuses, the selector pages
use, and the broken-link list of the admin."""

import datetime
import io
import itertools

import pytest
from django.core.management import call_command
from django.utils import timezone

from cogwg.choices import LinkErrorCode, LinkStatus
from cogwg.linkcheck import check_url, collect_urls, links_check
from cogwg.models import LinkCheck
from cogwg.selectors import link_status_for
from cogwg.tasks import check_links
from tests.factories import (
    AccomplishmentLinkFactory,
    DatasetFactory,
    JurisdictionFactory,
    UserStoryFactory,
)
from tests.fakes.ckan_server import LINKS

pytestmark = pytest.mark.django_db

USER_AGENT = "COGWG-Tracker/1.0 (+mailto:secretariat@example.org)"
LONG_AGO = datetime.datetime(2020, 1, 1, tzinfo=datetime.UTC)


@pytest.fixture(autouse=True)
def _http_settings(settings, ckan_server):
    settings.COGWG_HTTP_USER_AGENT = USER_AGENT
    settings.COGWG_HTTP_TIMEOUT = 0.5
    settings.COGWG_LINKCHECK_DELAY = 0
    ckan_server.slow_seconds = 2


@pytest.fixture
def links(ckan_server, closed_port_url):
    """The data points to one page of each kind, from every place links are held."""
    urls = {kind: ckan_server.url(path) for kind, path in LINKS.items()}
    urls["refused"] = closed_port_url
    AccomplishmentLinkFactory(url=urls["good"])
    AccomplishmentLinkFactory(url=urls["no_head"])
    JurisdictionFactory(website=urls["redirected"], open_data_url=urls["slow"], open_government_url=urls["missing"])
    UserStoryFactory(portal_url=urls["error"])
    DatasetFactory(url=urls["refused"])
    DatasetFactory(url=urls["forbidden"])
    DatasetFactory(url=urls["loop"])
    return urls


def checks_by_kind(urls):
    checks = {check.url: check for check in LinkCheck.objects.all()}
    return {kind: checks.get(url) for kind, url in urls.items()}


def test_collect_urls_gathers_every_external_link_once(ckan_server):
    good = ckan_server.url(LINKS["good"])
    AccomplishmentLinkFactory(url=good)
    JurisdictionFactory(website=good, open_data_url="https://data.example.ca/", open_government_url="")
    UserStoryFactory(portal_url="https://open.example.ca/story")
    DatasetFactory(url="https://open.example.ca/data/en/dataset/a")
    DatasetFactory(url="")

    assert collect_urls() == [
        good,
        "https://data.example.ca/",
        "https://open.example.ca/data/en/dataset/a",
        "https://open.example.ca/story",
    ]


def test_check_links_classifies_good_redirected_slow_and_broken_links(links):
    out = io.StringIO()

    call_command("check_links", stdout=out)

    checks = checks_by_kind(links)
    assert {kind: check.status for kind, check in checks.items()} == {
        "good": LinkStatus.OK,
        "no_head": LinkStatus.OK,
        "redirected": LinkStatus.REDIRECTED,
        "slow": LinkStatus.TIMEOUT,
        "missing": LinkStatus.BROKEN,
        "error": LinkStatus.BROKEN,
        "refused": LinkStatus.BROKEN,
        "forbidden": LinkStatus.ERROR,
        "loop": LinkStatus.ERROR,
    }
    assert {kind: check.status_code for kind, check in checks.items()} == {
        "good": 200,
        "no_head": 200,
        "redirected": 200,
        "slow": None,
        "missing": 404,
        "error": 500,
        "refused": None,
        "forbidden": 403,
        "loop": None,
    }
    assert checks["redirected"].final_url == links["good"]
    assert checks["good"].final_url == ""
    assert (checks["slow"].error_code, checks["slow"].error) == (LinkErrorCode.TIMEOUT, "0.5 s")
    assert (checks["missing"].error_code, checks["missing"].error) == (LinkErrorCode.HTTP_STATUS, "HTTP 404 Not Found")
    assert checks["refused"].error_code == LinkErrorCode.CONNECTION
    assert checks["loop"].error_code == LinkErrorCode.REDIRECTS
    assert checks["slow"].error_message() == "No answer in time (0.5 s)"
    assert checks["missing"].error_message() == "The server answered with an error (HTTP 404 Not Found)"
    assert checks["refused"].error_message().startswith("Connection failed (")
    assert checks["loop"].error_message().startswith("Too many redirects (")
    for kind in ("good", "no_head", "redirected"):
        assert (checks[kind].error_code, checks[kind].error) == ("", "")
    for kind in ("good", "no_head", "redirected"):
        assert checks[kind].first_failed_at is None
    for kind in ("slow", "missing", "error", "refused", "forbidden", "loop"):
        assert checks[kind].first_failed_at == checks[kind].checked_at
    assert "Checked 9 links: 2 ok, 1 redirected, 3 broken, 1 timed out, 2 error." in out.getvalue()


def test_check_asks_head_first_and_falls_back_to_get(ckan_server):
    url = ckan_server.url(LINKS["no_head"])

    result = check_url(url)

    assert (result.status, result.status_code) == (LinkStatus.OK, 200)
    assert [(request.method, request.path) for request in ckan_server.requests] == [
        ("HEAD", LINKS["no_head"]),
        ("GET", LINKS["no_head"]),
    ]
    assert {request.headers["User-Agent"] for request in ckan_server.requests} == {USER_AGENT}


def test_check_of_a_good_link_needs_no_get(ckan_server):
    check_url(ckan_server.url(LINKS["good"]))

    assert [request.method for request in ckan_server.requests] == ["HEAD"]


def test_check_follows_the_whole_redirect_chain(ckan_server):
    result = check_url(ckan_server.url(LINKS["redirected"]))

    assert result.status == LinkStatus.REDIRECTED
    assert [request.path for request in ckan_server.requests] == [LINKS["redirected"], "/links/redirect-2", "/links/ok"]


def test_one_request_at_a_time_per_host_with_the_delay(ckan_server, settings):
    settings.COGWG_LINKCHECK_DELAY = 0.2
    urls = [ckan_server.url(f"{LINKS['good']}?page={page}") for page in range(3)]

    links_check(urls=urls)

    arrivals = [request.at for request in ckan_server.requests]
    assert len(arrivals) == 3
    assert all(later - earlier >= 0.19 for earlier, later in itertools.pairwise(arrivals))


def test_failing_since_is_kept_while_failing_and_cleared_once_answering(ckan_server):
    good, missing = ckan_server.url(LINKS["good"]), ckan_server.url(LINKS["missing"])
    for url in (good, missing):
        LinkCheck.objects.create(
            url=url,
            status=LinkStatus.BROKEN,
            status_code=404,
            error_code=LinkErrorCode.HTTP_STATUS,
            error="HTTP 404 Not Found",
            checked_at=LONG_AGO,
            first_failed_at=LONG_AGO,
        )

    links_check(urls=[good, missing])

    recovered, still_missing = LinkCheck.objects.get(url=good), LinkCheck.objects.get(url=missing)
    assert (recovered.status, recovered.first_failed_at, recovered.error_code, recovered.error) == (
        LinkStatus.OK,
        None,
        "",
        "",
    )
    assert still_missing.status == LinkStatus.BROKEN
    assert still_missing.first_failed_at == LONG_AGO
    assert still_missing.checked_at > LONG_AGO


def test_a_full_run_forgets_links_the_data_no_longer_holds(links, ckan_server):
    gone = LinkCheck.objects.create(url="https://gone.example.org/", status=LinkStatus.OK, checked_at=LONG_AGO)

    links_check(urls=[links["good"]])
    assert LinkCheck.objects.filter(pk=gone.pk).exists()

    links_check()

    assert not LinkCheck.objects.filter(pk=gone.pk).exists()
    assert LinkCheck.objects.count() == len(links)


def test_check_links_task_checks_and_counts(links):
    counts = check_links.delay().get()

    assert counts == {"ok": 2, "redirected": 1, "broken": 3, "timeout": 1, "error": 2}


def test_link_status_for_returns_checks_by_url_in_one_query(django_assert_num_queries):
    now = timezone.now()
    ok = LinkCheck.objects.create(url="https://ok.example.org/", status=LinkStatus.OK, checked_at=now)
    broken = LinkCheck.objects.create(
        url="https://broken.example.org/",
        status=LinkStatus.BROKEN,
        status_code=404,
        checked_at=now,
        first_failed_at=now,
    )

    with django_assert_num_queries(1):
        statuses = link_status_for([ok.url, broken.url, "https://never.example.org/", ""])

    assert statuses == {ok.url: ok, broken.url: broken}
    assert not statuses[ok.url].is_unreachable
    assert statuses[broken.url].is_unreachable
    with django_assert_num_queries(0):
        assert link_status_for([]) == {}


# The admin's broken-link list (on a throwaway admin site) --------------------------------

pieces_admin = pytest.mark.urls("tests.fakes.admin_site")


@pieces_admin
def test_admin_lists_the_broken_links(staff_client, links):
    links_check()

    response = staff_client.get("/pieces-admin/cogwg/linkcheck/", {"status": LinkStatus.BROKEN})

    content = response.content.decode()
    assert response.status_code == 200
    for kind in ("missing", "error", "refused"):
        assert links[kind] in content
    for kind in ("good", "redirected", "slow", "no_head"):
        assert f">{links[kind]}<" not in content
    assert "3 link checks" in content


@pieces_admin
def test_admin_filters_unreachable_and_failing_links(staff_client, links):
    links_check()

    unreachable = staff_client.get("/pieces-admin/cogwg/linkcheck/", {"failing": "unreachable"}).content.decode()
    failing = staff_client.get("/pieces-admin/cogwg/linkcheck/", {"failing": "failing"}).content.decode()

    assert "4 link checks" in unreachable
    assert links["slow"] in unreachable
    assert links["forbidden"] not in unreachable
    assert "6 link checks" in failing
    assert links["forbidden"] in failing


@pieces_admin
def test_admin_link_checks_are_read_only_and_can_be_checked_again(staff_client, ckan_server):
    url = ckan_server.url(LINKS["good"])
    check = LinkCheck.objects.create(
        url=url, status=LinkStatus.BROKEN, status_code=500, checked_at=LONG_AGO, first_failed_at=LONG_AGO
    )
    assert staff_client.get("/pieces-admin/cogwg/linkcheck/add/").status_code == 403

    response = staff_client.post(
        "/pieces-admin/cogwg/linkcheck/", {"action": "check_again", "_selected_action": [check.pk]}, follow=True
    )

    assert "Checked again: 1 ok." in response.content.decode()
    check.refresh_from_db()
    assert (check.status, check.first_failed_at) == (LinkStatus.OK, None)


def test_the_site_admin_lists_the_broken_links(staff_client, links):
    links_check()

    response = staff_client.get("/en/admin/cogwg/linkcheck/", {"status": LinkStatus.BROKEN})

    content = response.content.decode()
    assert response.status_code == 200
    for kind in ("missing", "error", "refused"):
        assert links[kind] in content
    assert f">{links['good']}<" not in content
