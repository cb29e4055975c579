"""ETag and Last-Modified on lists and details; 304 when the client's copy is current."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils.http import parse_http_date
from rest_framework.throttling import AnonRateThrottle
from rest_framework.views import APIView

from cogwg import versioning
from tests import factories
from tests.api.conftest import redis_round_trips

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("path", ["/api/v1/milestones/", "milestone"])
def test_reads_carry_validators_and_answer_304(api, path):
    milestone = factories.MilestoneFactory()
    path = f"/api/v1/milestones/{milestone.pk}/" if path == "milestone" else path

    first = api.get(path)
    again = api.get(path, HTTP_IF_NONE_MATCH=first["ETag"])

    assert first.status_code == 200
    assert first["ETag"].startswith('"')
    assert first["Last-Modified"]
    assert again.status_code == 304
    assert again.content == b""
    assert again["ETag"] == first["ETag"]


def test_a_304_does_not_load_the_data(api):
    factories.MilestoneFactory()
    etag = api.get("/api/v1/milestones/")["ETag"]

    with CaptureQueriesContext(connection) as queries:
        response = api.get("/api/v1/milestones/", HTTP_IF_NONE_MATCH=etag)

    # The data version is in the cache since the first answer: not a single query.
    assert response.status_code == 304
    assert queries.captured_queries == []


def test_a_304_of_the_status_runs_no_query(api):
    update = factories.ProgressUpdateFactory()
    path = f"/api/v1/work-plans/{update.milestone.priority.work_plan.slug}/status/"
    etag = api.get(path)["ETag"]

    with CaptureQueriesContext(connection) as queries:
        response = api.get(path, HTTP_IF_NONE_MATCH=etag)

    assert response.status_code == 304
    assert queries.captured_queries == []


@pytest.mark.parametrize("backend", ["locmem", pytest.param("redis", marks=pytest.mark.services)])
def test_an_edit_changes_the_etag(api, request, backend):
    if backend == "redis":  # the version is then read by the throttle's script, with its count
        request.getfixturevalue("redis_cache")
    milestone = factories.MilestoneFactory(description_en="Before")
    etag = api.get("/api/v1/milestones/")["ETag"]

    milestone.description_en = "After"
    milestone.save()
    response = api.get("/api/v1/milestones/", HTTP_IF_NONE_MATCH=etag)

    assert response.status_code == 200
    assert response["ETag"] != etag
    assert "After" in response.content.decode()


def test_an_edit_of_a_nested_record_changes_the_etag(api):
    milestone = factories.MilestoneFactory()
    etag = api.get(f"/api/v1/milestones/{milestone.pk}/")["ETag"]

    priority = milestone.priority
    priority.title_en = "Renamed"
    priority.save()

    assert api.get(f"/api/v1/milestones/{milestone.pk}/", HTTP_IF_NONE_MATCH=etag).status_code == 200


def test_a_deletion_changes_the_etag(api):
    kept, deleted = factories.DatasetFactory.create_batch(2)
    etag = api.get("/api/v1/datasets/")["ETag"]

    deleted.delete()

    response = api.get("/api/v1/datasets/", HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 200
    assert [dataset["id"] for dataset in response.json()["results"]] == [kept.pk]


def test_the_etag_depends_on_language_filters_and_format(api):
    factories.MilestoneFactory()

    etags = {
        api.get("/api/v1/milestones/")["ETag"],
        api.get("/api/v1/milestones/", HTTP_ACCEPT_LANGUAGE="fr")["ETag"],
        api.get("/api/v1/milestones/", {"status": "delayed"})["ETag"],
        api.get("/api/v1/milestones/", {"format": "csv"})["ETag"],
    }

    assert len(etags) == 4


def test_the_etag_differs_for_readers_who_see_drafts(api, staff_api):
    factories.MilestoneFactory()

    assert api.get("/api/v1/milestones/")["ETag"] != staff_api.get("/api/v1/milestones/")["ETag"]


def test_if_modified_since_answers_304(api):
    factories.MilestoneFactory()
    last_modified = api.get("/api/v1/milestones/")["Last-Modified"]

    assert api.get("/api/v1/milestones/", HTTP_IF_MODIFIED_SINCE=last_modified).status_code == 304


def test_a_stale_etag_on_the_status_gets_the_new_status(api):
    update = factories.ProgressUpdateFactory()
    path = f"/api/v1/work-plans/{update.milestone.priority.work_plan.slug}/status/"
    etag = api.get(path)["ETag"]

    factories.ProgressUpdateFactory(milestone=update.milestone)

    assert api.get(path, HTTP_IF_NONE_MATCH=etag).status_code == 200
    assert api.get(path, HTTP_IF_NONE_MATCH=api.get(path)["ETag"]).status_code == 304


@pytest.mark.services
@pytest.mark.parametrize("path", ["/api/v1/milestones/", "/api/v1/work-plans/{plan}/status/"])
def test_on_redis_an_api_revalidation_is_one_round_trip_and_no_query(api, redis_cache, monkeypatch, path):
    # The throttle's count and the data version are read together.
    update = factories.ProgressUpdateFactory()
    path = path.format(plan=update.milestone.priority.work_plan.slug)
    first = api.get(path)
    trips = redis_round_trips(monkeypatch)

    with CaptureQueriesContext(connection) as queries:
        again = api.get(path, HTTP_IF_NONE_MATCH=first["ETag"])

    assert (first.status_code, again.status_code) == (200, 304)
    assert queries.captured_queries == []
    assert len(trips) == 1


# Anonymous revalidations are answered before DRF's request set-up (ApiViewSetMixin.dispatch).

ANONYMOUS_VARIANTS = [
    ("/api/v1/milestones/", {}),
    ("/api/v1/milestones/?lang=fr", {}),
    ("/api/v1/milestones/", {"HTTP_ACCEPT_LANGUAGE": "fr"}),
    ("/api/v1/milestones/?format=csv", {}),
    ("/api/v1/milestones/", {"HTTP_ACCEPT": "text/csv"}),
    ("/api/v1/milestones/?status=completed", {}),
    ("/api/v1/milestones/{milestone}/", {}),
    ("/api/v1/work-plans/{plan}/status/", {}),
    ("/api/v1/work-plans/{plan}/status/?as_of=2020-06-30&lang=fr", {}),
]


def through_drf(headers):
    # A session cookie that names no session: the same anonymous reader, but DRF's whole way.
    return {**headers, "HTTP_COOKIE": "sessionid=none"}


@pytest.fixture
def plan_with_update():
    return factories.ProgressUpdateFactory()


@pytest.mark.parametrize(("path", "headers"), ANONYMOUS_VARIANTS)
def test_an_anonymous_revalidation_before_drf_answers_as_drf_does(api, plan_with_update, path, headers):
    milestone = plan_with_update.milestone
    path = path.format(milestone=milestone.pk, plan=milestone.priority.work_plan.slug)
    first = api.get(path, **headers)
    with CaptureQueriesContext(connection) as queries:
        early = api.get(path, HTTP_IF_NONE_MATCH=first["ETag"], **headers)
    drf = api.get(path, HTTP_IF_NONE_MATCH=first["ETag"], **through_drf(headers))

    assert (first.status_code, drf.status_code, early.status_code) == (200, 304, 304)
    assert queries.captured_queries == []
    # Each answer has its own request id, and its own count left (RateLimit: one fewer for DRF's).
    per_request = ("X-Request-ID", "RateLimit")
    assert {name: value for name, value in early.items() if name not in per_request} == {
        name: value for name, value in drf.items() if name not in per_request
    }
    assert [response["RateLimit"].split(";")[1] for response in (early, drf)] == ["r=1198", "r=1197"]
    assert early["Content-Language"] == first["Content-Language"]


def test_an_anonymous_revalidation_skips_drf_authentication_and_negotiation(api, monkeypatch):
    etag = api.get("/api/v1/milestones/")["ETag"]

    def refuse(*args, **kwargs):
        raise AssertionError("DRF's request set-up ran")

    monkeypatch.setattr("rest_framework.views.APIView.initial", refuse)

    assert api.get("/api/v1/milestones/", HTTP_IF_NONE_MATCH=etag).status_code == 304


def test_an_anonymous_revalidation_does_not_load_a_session_or_user(api, monkeypatch):
    etag = api.get("/api/v1/milestones/")["ETag"]

    def refuse(request):
        raise AssertionError("the user was loaded")

    monkeypatch.setattr("django.contrib.auth.middleware.auth.get_user", refuse)

    assert api.get("/api/v1/milestones/", HTTP_IF_NONE_MATCH=etag).status_code == 304


@pytest.mark.parametrize(
    "headers",
    [{"HTTP_AUTHORIZATION": "Token nonsense"}, {"HTTP_COOKIE": "sessionid=none"}],
    ids=["token", "session cookie"],
)
def test_a_reader_with_credentials_goes_drf_s_whole_way(api, monkeypatch, headers):
    etag = api.get("/api/v1/milestones/")["ETag"]
    calls = []
    initial = APIView.initial

    def counted(self, *args, **kwargs):
        calls.append(self)
        return initial(self, *args, **kwargs)

    monkeypatch.setattr(APIView, "initial", counted)
    response = api.get("/api/v1/milestones/", HTTP_IF_NONE_MATCH=etag, **headers)

    assert calls
    # A bad token is refused, whatever the ETag; an unknown session is an anonymous reader.
    assert response.status_code == (401 if "HTTP_AUTHORIZATION" in headers else 304)


def test_staff_get_their_own_etag_not_the_anonymous_one(api, staff_api):
    public = api.get("/api/v1/milestones/")["ETag"]

    response = staff_api.get("/api/v1/milestones/", HTTP_IF_NONE_MATCH=public)

    assert response.status_code == 200
    assert response["ETag"] != public


def test_a_bad_language_with_an_etag_is_still_a_400(api):
    etag = api.get("/api/v1/milestones/")["ETag"]

    response = api.get("/api/v1/milestones/?lang=de", HTTP_IF_NONE_MATCH=etag)

    assert response.status_code == 400
    assert "lang" in response.json()


@pytest.fixture
def two_per_minute(monkeypatch):
    monkeypatch.setattr(AnonRateThrottle, "rate", "2/min", raising=False)


def test_an_anonymous_revalidation_is_throttled(api, two_per_minute):
    etag = api.get("/api/v1/milestones/")["ETag"]

    again = api.get("/api/v1/milestones/", HTTP_IF_NONE_MATCH=etag)
    over = api.get("/api/v1/milestones/", HTTP_IF_NONE_MATCH=etag)

    assert again.status_code == 304
    assert over.status_code == 429
    assert 1 <= int(over["Retry-After"]) <= 60


def test_a_stale_revalidation_is_counted_once(api, two_per_minute):
    # Counted before DRF, then answered by DRF: one request, one count.
    api.get("/api/v1/milestones/")

    stale = api.get("/api/v1/milestones/", HTTP_IF_NONE_MATCH='"stale"')
    over = api.get("/api/v1/milestones/")

    assert stale.status_code == 200
    assert over.status_code == 429


def test_a_new_day_is_a_new_answer(api, monkeypatch):
    # Overdue flags and "as of today" change at midnight, though no record does: the ETag
    # changes, and Last-Modified is no earlier than the day's midnight.
    update = factories.ProgressUpdateFactory()
    path = f"/api/v1/work-plans/{update.milestone.priority.work_plan.slug}/status/"
    evening = datetime.datetime(2026, 6, 30, 23, 59, tzinfo=ZoneInfo("America/Toronto"))
    monkeypatch.setattr(versioning.time, "time", evening.timestamp)
    first = api.get(path)
    same_day = api.get(path, HTTP_IF_NONE_MATCH=first["ETag"])

    monkeypatch.setattr(versioning.time, "time", lambda: evening.timestamp() + 60)
    next_day = api.get(path, HTTP_IF_NONE_MATCH=first["ETag"])

    assert (first.status_code, same_day.status_code, next_day.status_code) == (200, 304, 200)
    assert next_day["ETag"] != first["ETag"]
    midnight = datetime.datetime(2026, 7, 1, tzinfo=ZoneInfo("America/Toronto"))
    assert parse_http_date(next_day["Last-Modified"]) >= midnight.timestamp()
