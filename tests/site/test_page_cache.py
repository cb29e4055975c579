"""The page cache (cogwg/http.py): a public page is rendered once per data version and
address, served from the cache without a query, never after the data it shows changed,
and never shared with a reader who has a session."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.db import OperationalError, connection
from django.test.utils import CaptureQueriesContext

from cogwg import versioning
from cogwg.services import records_publish
from jurisdictions.models import Accomplishment
from tests.site.builders import SECRET
from tests.site.conftest import page_url

pytestmark = pytest.mark.django_db

# A minute before midnight, 30 June 2026, in the site's time zone.
TORONTO_LATE_EVENING = datetime.datetime(2026, 6, 30, 23, 59, tzinfo=ZoneInfo("America/Toronto")).timestamp()


def get_counting_queries(client, url, **headers):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, **headers)
    return response, len(queries)


def refuse_queries(execute, sql, params, many, context):
    raise OperationalError("connection to server at 127.0.0.1 failed: Connection refused")


@pytest.mark.parametrize("name", ["home", "priority", "accomplishments", "jurisdiction"])
def test_a_page_seen_again_is_served_from_the_cache_without_a_query(client, site, name):
    url = page_url(name, "fr")
    first, first_queries = get_counting_queries(client, url)

    again, again_queries = get_counting_queries(client, url)

    assert first.status_code == again.status_code == 200
    assert first_queries > 0
    assert again_queries == 0
    assert again.content == first.content
    assert again["ETag"] == first["ETag"]
    assert again["Content-Language"] == "fr"


def test_a_revalidation_runs_no_query(client, site):
    url = page_url("home", "en")
    etag = client.get(url)["ETag"]

    response, queries = get_counting_queries(client, url, HTTP_IF_NONE_MATCH=etag)

    assert response.status_code == 304
    assert queries == 0


def test_a_published_change_shows_at_once(client, site):
    url = page_url("accomplishments", "en")
    before = client.get(url)

    records_publish(queryset=Accomplishment.objects.filter(title_en=SECRET))
    after = client.get(url)

    assert SECRET not in before.content.decode()
    assert SECRET in after.content.decode()
    assert after["ETag"] != before["ETag"]


def test_the_two_languages_are_kept_apart(client, site):
    english = client.get(page_url("home", "en"))
    french = client.get(page_url("home", "fr"))

    assert client.get(page_url("home", "en")).content == english.content
    assert client.get(page_url("home", "fr")).content == french.content
    assert english.content != french.content


def test_a_reader_with_a_session_is_neither_served_nor_kept(client, site, staff):
    url = page_url("home", "en")
    client.force_login(staff)
    _signed_in, signed_in_queries = get_counting_queries(client, url)
    _again, again_queries = get_counting_queries(client, url)
    client.logout()

    _anonymous, anonymous_queries = get_counting_queries(client, url)

    assert signed_in_queries > 0 and again_queries > 0
    # The signed-in reader's page was not kept for the public either.
    assert anonymous_queries > 0


def test_a_kept_page_keeps_serving_while_the_database_is_away(client, site):
    kept_url, other_url = page_url("home", "fr"), page_url("challenges", "fr")
    client.get(kept_url)

    with connection.execute_wrapper(refuse_queries):
        kept = client.get(kept_url)
        other = client.get(other_url)

    assert kept.status_code == 200
    assert other.status_code == 503
    assert other["Retry-After"] == "30"


def test_the_cache_can_be_turned_off(client, site, settings):
    settings.COGWG_PAGE_CACHE_SECONDS = 0
    url = page_url("home", "en")
    client.get(url)

    _again, again_queries = get_counting_queries(client, url)

    assert again_queries > 0


def test_a_filtered_list_is_not_kept(client, site):
    url = page_url("accomplishments", "en") + "?q=portal"
    client.get(url)

    again, again_queries = get_counting_queries(client, url)

    assert again.status_code == 200
    assert again_queries > 0


def test_a_new_day_is_a_new_page(client, site, monkeypatch):
    # Overdue flags and "as of today" change at midnight, though no record does.
    url = page_url("home", "en")
    monkeypatch.setattr(versioning.time, "time", lambda: TORONTO_LATE_EVENING)
    first = client.get(url)
    same_day = client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])

    monkeypatch.setattr(versioning.time, "time", lambda: TORONTO_LATE_EVENING + 60)
    response, queries = get_counting_queries(client, url, HTTP_IF_NONE_MATCH=first["ETag"])

    assert (first.status_code, same_day.status_code, response.status_code) == (200, 304, 200)
    assert response["ETag"] != first["ETag"]
    assert queries > 0  # computed again, not the page kept yesterday
