"""Anonymous API answers are kept under their ETag, as pages are (cogwg/api/viewsets.py):
a reader who does not revalidate gets the kept answer without a query, never after the
data it shows changed, and never someone else's."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.throttling import AnonRateThrottle
from rest_framework.views import APIView

from cogwg.http import pages
from tests import factories
from tests.api.conftest import redis_round_trips

pytestmark = pytest.mark.django_db

KEPT_HEADERS = ["ETag", "Last-Modified", "Content-Type", "Content-Language", "Vary", "Allow"]


@pytest.fixture
def update():
    return factories.ProgressUpdateFactory(milestone__description_en="Before")


def status_path(update):
    return f"/api/v1/work-plans/{update.milestone.priority.work_plan.slug}/status/"


def get_counting_queries(api, path, **headers):
    with CaptureQueriesContext(connection) as queries:
        response = api.get(path, **headers)
    return response, len(queries)


@pytest.mark.parametrize("kind", ["list", "detail", "status"])
@pytest.mark.parametrize("language", ["en", "fr"])
def test_an_anonymous_read_seen_again_is_the_kept_answer(api, update, kind, language):
    path = {
        "list": "/api/v1/milestones/",
        "detail": f"/api/v1/milestones/{update.milestone.pk}/",
        "status": status_path(update),
    }[kind]
    first, first_queries = get_counting_queries(api, path, HTTP_ACCEPT_LANGUAGE=language)

    again, again_queries = get_counting_queries(api, path, HTTP_ACCEPT_LANGUAGE=language)

    assert first.status_code == again.status_code == 200
    assert first_queries > 0
    assert again_queries == 0
    assert again.content == first.content
    assert {name: again[name] for name in KEPT_HEADERS} == {name: first[name] for name in KEPT_HEADERS}
    assert again["Content-Language"] == language


def test_a_kept_answer_skips_drf_s_request_set_up(api, update, monkeypatch):
    api.get("/api/v1/milestones/")

    def refuse(*args, **kwargs):
        raise AssertionError("DRF's set-up ran")

    monkeypatch.setattr(APIView, "initial", refuse)
    response = api.get("/api/v1/milestones/")

    assert response.status_code == 200


def test_each_language_is_kept_apart(api, update):
    english = api.get("/api/v1/milestones/", HTTP_ACCEPT_LANGUAGE="en")
    french = api.get("/api/v1/milestones/", HTTP_ACCEPT_LANGUAGE="fr")

    english_again = api.get("/api/v1/milestones/", HTTP_ACCEPT_LANGUAGE="en")

    assert english["ETag"] != french["ETag"]
    assert english["Content-Language"] == english_again["Content-Language"] == "en"
    assert french["Content-Language"] == "fr"
    assert english_again.content == english.content


def test_each_host_and_scheme_gets_its_own_links(api, update, settings):
    settings.ALLOWED_HOSTS = ["testserver", "cogwg.example.ca"]
    api.get("/api/v1/milestones/")

    other_host = api.get("/api/v1/milestones/", HTTP_HOST="cogwg.example.ca").json()
    over_https = api.get("/api/v1/milestones/", HTTP_HOST="cogwg.example.ca", secure=True).json()

    assert other_host["results"][0]["url"].startswith("http://cogwg.example.ca/api/v1/milestones/")
    assert over_https["results"][0]["url"].startswith("https://cogwg.example.ca/api/v1/milestones/")


def test_an_edit_is_never_answered_with_an_older_kept_answer(api, update):
    before = api.get("/api/v1/milestones/")
    milestone = update.milestone
    milestone.description_en = "After"
    milestone.save()

    after, queries = get_counting_queries(api, "/api/v1/milestones/")

    assert "Before" in before.content.decode()
    assert queries > 0
    assert "After" in after.content.decode() and "Before" not in after.content.decode()
    assert after["ETag"] != before["ETag"]


@pytest.mark.parametrize("query", ["?lang=fr", "?page=1", "?status=not_started", "?format=json"])
def test_an_address_with_a_query_string_is_not_kept(api, update, query):
    api.get(f"/api/v1/milestones/{query}")

    again, queries = get_counting_queries(api, f"/api/v1/milestones/{query}")

    assert again.status_code == 200
    assert queries > 0


def test_files_are_not_kept(api, update):
    api.get("/api/v1/milestones/", HTTP_ACCEPT="text/csv")

    again, queries = get_counting_queries(api, "/api/v1/milestones/", HTTP_ACCEPT="text/csv")

    assert again["Content-Type"].startswith("text/csv")
    assert queries > 0


def test_a_reader_who_sees_drafts_never_gets_the_public_kept_answer(api, staff_api):
    factories.MilestoneFactory(priority__work_plan__status="active", description_en="Public milestone")
    factories.MilestoneFactory(priority__work_plan__status="draft", description_en="Draft milestone")
    public = api.get("/api/v1/milestones/")

    staff, queries = get_counting_queries(staff_api, "/api/v1/milestones/")

    assert "Draft milestone" not in public.content.decode()
    assert "Draft milestone" in staff.content.decode()
    assert queries > 0


def test_a_reader_with_credentials_goes_drf_s_whole_way(api, update, monkeypatch):
    api.get("/api/v1/milestones/")
    initial = APIView.initial
    calls = []

    def counted(self, *args, **kwargs):
        calls.append(self)
        return initial(self, *args, **kwargs)

    monkeypatch.setattr(APIView, "initial", counted)
    response = api.get("/api/v1/milestones/", HTTP_COOKIE="sessionid=none")

    assert response.status_code == 200
    assert len(calls) == 1


def test_nothing_is_kept_when_the_page_cache_is_off(api, update, settings):
    settings.COGWG_PAGE_CACHE_SECONDS = 0
    api.get("/api/v1/milestones/")

    again, queries = get_counting_queries(api, "/api/v1/milestones/")

    assert again.status_code == 200
    assert queries > 0


def test_a_conditional_request_is_still_answered_304(api, update):
    first = api.get("/api/v1/milestones/")

    by_etag = api.get("/api/v1/milestones/", HTTP_IF_NONE_MATCH=first["ETag"])
    by_date = api.get("/api/v1/milestones/", HTTP_IF_MODIFIED_SINCE=first["Last-Modified"])

    assert (by_etag.status_code, by_date.status_code) == (304, 304)


@pytest.fixture
def two_per_minute(monkeypatch):
    monkeypatch.setattr(AnonRateThrottle, "rate", "2/min", raising=False)


def test_kept_answers_are_counted_by_the_throttle(api, update, two_per_minute):
    first = api.get("/api/v1/milestones/")
    kept = api.get("/api/v1/milestones/")
    over = api.get("/api/v1/milestones/")

    assert (first.status_code, kept.status_code, over.status_code) == (200, 200, 429)


@pytest.mark.services
def test_on_redis_a_kept_answer_is_one_round_trip_and_another_process_finds_it(api, update, redis_cache, monkeypatch):
    first = api.get(status_path(update))
    trips = redis_round_trips(monkeypatch)

    with CaptureQueriesContext(connection) as queries:
        kept = api.get(status_path(update))
    in_this_process = len(trips)
    pages.clear_local()  # another worker: only Redis holds the answer
    elsewhere = api.get(status_path(update))

    assert kept.content == elsewhere.content == first.content
    assert queries.captured_queries == []
    assert in_this_process == 1  # the throttle's count and the data version, together
    assert len(trips) == 3  # then the count and version again, and the kept answer
