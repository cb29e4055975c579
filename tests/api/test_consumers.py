"""The API as an outside consumer uses it (the Joint Councils, other governments'
dashboards): read from a browser on another site, cached and revalidated, downloaded as
files, written without overwriting someone else's change, described by its schema."""

import csv
import datetime
import io

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django.utils.http import http_date, parse_http_date
from openpyxl import load_workbook
from rest_framework.throttling import AnonRateThrottle

from cogwg.choices import RenderStatus, ReportFormat
from cogwg.models import StatusReportFile
from cogwg.reports.content import build_content
from cogwg.reports.services import report_freeze, report_publish
from jurisdictions.choices import ChallengeStatus
from tests import factories
from workplan.choices import MilestoneStatus
from workplan.models import Milestone, WorkPlan

pytestmark = pytest.mark.django_db

ORIGIN = {"HTTP_ORIGIN": "https://dashboard.example.org"}
PUBLIC = "public, max-age=0, must-revalidate"
PRIVATE = "private, no-cache"


def rows(response):
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


# 1. CORS


def assert_cors(response):
    assert response["Access-Control-Allow-Origin"] == "*"
    assert response["Access-Control-Expose-Headers"] == (
        "ETag, Last-Modified, Content-Language, Retry-After, Content-Disposition, Link, RateLimit-Policy, RateLimit"
    )
    assert "Access-Control-Allow-Credentials" not in response


def test_an_anonymous_read_is_readable_from_any_origin_fresh_revalidated_and_kept(api):
    factories.MilestoneFactory()

    first = api.get("/api/v1/milestones/", **ORIGIN)
    kept = api.get("/api/v1/milestones/", **ORIGIN)
    revalidated = api.get("/api/v1/milestones/", HTTP_IF_NONE_MATCH=first["ETag"], **ORIGIN)

    assert (first.status_code, kept.status_code, revalidated.status_code) == (200, 200, 304)
    for response in (first, kept, revalidated):
        assert_cors(response)


@pytest.mark.parametrize(
    ("address", "status"),
    [("/api/v1/milestones/?status=finished", 400), ("/api/v1/milestones/999/", 404), ("/api/v2/", 404)],
)
def test_an_error_is_readable_from_any_origin(api, address, status):
    response = api.get(address, **ORIGIN)

    assert response.status_code == status
    assert_cors(response)


def test_a_throttled_read_is_readable_from_any_origin(api, monkeypatch):
    monkeypatch.setattr(AnonRateThrottle, "rate", "1/min", raising=False)
    api.get("/api/v1/jurisdictions/", **ORIGIN)

    response = api.get("/api/v1/jurisdictions/", **ORIGIN)

    assert response.status_code == 429
    assert_cors(response)
    assert response["Retry-After"]


def test_the_preflight_of_a_conditional_read_is_answered(api):
    response = api.options(
        "/api/v1/milestones/",
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET",
        HTTP_ACCESS_CONTROL_REQUEST_HEADERS="if-none-match, accept-language",
        **ORIGIN,
    )

    assert response.status_code == 204
    assert_cors(response)
    assert response["Access-Control-Allow-Methods"] == "GET, HEAD, OPTIONS"
    assert response["Access-Control-Allow-Headers"] == "Accept, Accept-Language, If-None-Match, If-Modified-Since"
    # Answered inside the security middleware: its headers are on this answer as on every other.
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "frame-ancestors" in response["Content-Security-Policy"]


def test_writes_stay_same_origin(api, staff_api):
    preflight = api.options(
        "/api/v1/milestones/",
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="POST",
        HTTP_ACCESS_CONTROL_REQUEST_HEADERS="x",
        **ORIGIN,
    )
    write = api.post("/api/v1/milestones/", {}, format="json", **ORIGIN)
    with_token = staff_api.get("/api/v1/milestones/", **ORIGIN)

    assert "Access-Control-Allow-Origin" not in preflight
    assert "Access-Control-Allow-Methods" not in preflight
    assert write.status_code == 401
    assert "Access-Control-Allow-Origin" not in write
    assert with_token.status_code == 200
    assert "Access-Control-Allow-Origin" not in with_token


def test_a_database_outage_under_api_with_a_session_cookie_is_still_a_503(monkeypatch):
    from django.db import OperationalError, connections
    from django.test import Client

    def refused(*args, **kwargs):
        raise OperationalError("Connection refused")

    monkeypatch.setattr(connections["default"], "cursor", refused)

    response = Client(raise_request_exception=False).get(
        "/api/v1/milestones/", HTTP_COOKIE="sessionid=" + "a" * 32, HTTP_ACCEPT="application/json", **ORIGIN
    )

    # The session was never loaded: whether its reader is signed in is not known, no CORS.
    assert response.status_code == 503
    assert "Access-Control-Allow-Origin" not in response


# 2. Last-Modified never goes back


def test_last_modified_does_not_go_back_when_a_record_is_deleted_and_the_cache_is_lost(api, monkeypatch):
    # Midnight would hide the difference: every change is older than today here.
    monkeypatch.setattr("cogwg.api.caching.today", lambda: (timezone.localdate(), 0.0))
    kept, deleted = factories.MilestoneFactory(), factories.MilestoneFactory()
    long_ago = datetime.datetime(2020, 1, 1, tzinfo=datetime.UTC)
    Milestone.objects.update(modified_at=long_ago)
    WorkPlan.objects.update(modified_at=long_ago)
    kept.priority.__class__.objects.update(modified_at=long_ago)
    for model in (Milestone, WorkPlan, kept.priority.__class__):
        model.history.update(history_date=long_ago)
    cache.clear()
    before = api.get("/api/v1/milestones/")

    deleted.delete()
    cache.clear()  # the generation, which dated the deletion, is lost (Redis restarted)
    after = api.get("/api/v1/milestones/", HTTP_IF_MODIFIED_SINCE=before["Last-Modified"])

    assert before["Last-Modified"] == http_date(long_ago.timestamp())
    assert after.status_code == 200
    assert parse_http_date(after["Last-Modified"]) == int(
        Milestone.history.latest("history_date").history_date.timestamp()
    )
    assert [row["id"] for row in after.json()["results"]] == [kept.pk]


# 3. Cache-Control


def test_anonymous_reads_may_be_kept_by_any_cache_if_revalidated(api):
    factories.MilestoneFactory()

    first = api.get("/api/v1/milestones/")
    kept = api.get("/api/v1/milestones/")
    early_304 = api.get("/api/v1/milestones/", HTTP_IF_NONE_MATCH=first["ETag"])
    drf_304 = api.get("/api/v1/milestones/", HTTP_IF_NONE_MATCH=first["ETag"], HTTP_COOKIE="sessionid=none")

    assert [r.status_code for r in (first, kept, early_304, drf_304)] == [200, 200, 304, 304]
    assert {r["Cache-Control"] for r in (first, kept, early_304, drf_304)} == {PUBLIC}
    assert {r["Vary"] for r in (first, early_304)} == {"Accept, Accept-Language, Authorization, Cookie"}


def test_a_signed_in_readers_answers_are_private(staff_api):
    milestone = factories.MilestoneFactory()

    first = staff_api.get(f"/api/v1/milestones/{milestone.pk}/")
    again = staff_api.get(f"/api/v1/milestones/{milestone.pk}/", HTTP_IF_NONE_MATCH=first["ETag"])

    assert (first.status_code, again.status_code) == (200, 304)
    assert first["Cache-Control"] == again["Cache-Control"] == PRIVATE


# 4. Links and files in downloads


def test_links_are_written_out_in_the_csv_and_xlsx(api):
    accomplishment = factories.AccomplishmentFactory()
    factories.AccomplishmentLinkFactory(accomplishment=accomplishment, url="https://a.example/1", label_en="News")
    factories.AccomplishmentLinkFactory(accomplishment=accomplishment, url="https://a.example/2")

    table = rows(api.get("/api/v1/accomplishments/", {"format": "csv"}))
    sheet = load_workbook(io.BytesIO(api.get("/api/v1/accomplishments/", {"format": "xlsx"}).content)).active
    xlsx = [[cell.value for cell in row] for row in sheet.iter_rows()]

    expected = "News <https://a.example/1>; https://a.example/2"
    assert table[1][table[0].index("links")] == expected
    assert xlsx[1][xlsx[0].index("links")] == expected


def test_a_link_that_looks_like_a_formula_stays_text(api):
    link = factories.AccomplishmentLinkFactory(url="https://a.example/1", label_en="=HYPERLINK(1)")

    table = rows(api.get("/api/v1/accomplishments/", {"format": "csv"}))

    assert table[1][table[0].index("links")] == f"'=HYPERLINK(1) <{link.url}>"


def test_a_reports_files_are_written_out_in_the_csv(api):
    report = factories.StatusReportFactory(
        state="published", content={"work_plan": {}}, frozen_at=timezone.now(), meeting=None
    )
    StatusReportFile.objects.create(report=report, format=ReportFormat.PDF, language="en", status=RenderStatus.READY)
    StatusReportFile.objects.create(report=report, format=ReportFormat.XLSX, language="fr")

    table = rows(api.get("/api/v1/status-reports/", {"format": "csv"}))

    assert table[1][table[0].index("files")] == (
        f"en pdf http://testserver/api/v1/status-reports/{report.pk}/files/en.pdf; fr xlsx pending"
    )


# 5. Preconditions on writes


def test_a_write_with_a_stale_if_match_is_a_412_and_changes_nothing(staff_api):
    meeting = factories.MeetingFactory(title_en="Before")
    read = staff_api.get(f"/api/v1/meetings/{meeting.pk}/")
    staff_api.patch(f"/api/v1/meetings/{meeting.pk}/", {"title_en": "Someone else's"}, format="json")

    response = staff_api.patch(
        f"/api/v1/meetings/{meeting.pk}/?lang=fr",
        {"title_en": "Mine"},
        format="json",
        HTTP_IF_MATCH=read["Record-ETag"],
    )
    deleted = staff_api.delete(f"/api/v1/meetings/{meeting.pk}/", HTTP_IF_MATCH='"stale"')

    assert response.status_code == 412
    assert response.json() == {
        "detail": "L'enregistrement a changé depuis que vous l'avez lu\u00a0: relisez-le (son en-tête Record-ETag) "
        "et réessayez."
    }
    assert deleted.status_code == 412
    meeting.refresh_from_db()
    assert meeting.title_en == "Someone else's"


def test_a_write_with_the_current_record_etag_goes_through_and_gets_the_next_one(staff_api):
    meeting = factories.MeetingFactory(title_en="Before")
    read = staff_api.get(f"/api/v1/meetings/{meeting.pk}/")

    written = staff_api.patch(
        f"/api/v1/meetings/{meeting.pk}/", {"title_en": "After"}, format="json", HTTP_IF_MATCH=read["Record-ETag"]
    )
    again = staff_api.patch(
        f"/api/v1/meetings/{meeting.pk}/", {"title_en": "Again"}, format="json", HTTP_IF_MATCH=read["Record-ETag"]
    )
    last = staff_api.patch(
        f"/api/v1/meetings/{meeting.pk}/", {"title_en": "Last"}, format="json", HTTP_IF_MATCH=written["Record-ETag"]
    )

    assert (written.status_code, again.status_code, last.status_code) == (200, 412, 200)
    assert written["Record-ETag"] != read["Record-ETag"]
    meeting.refresh_from_db()
    assert meeting.title_en == "Last"


def test_a_write_with_if_unmodified_since_before_the_last_change_is_a_412(staff_api):
    meeting = factories.MeetingFactory(title_en="Before")

    stale = staff_api.patch(
        f"/api/v1/meetings/{meeting.pk}/",
        {"title_en": "After"},
        format="json",
        HTTP_IF_UNMODIFIED_SINCE="Sat, 01 Jan 2000 00:00:00 GMT",
    )
    current = staff_api.patch(
        f"/api/v1/meetings/{meeting.pk}/",
        {"title_en": "After"},
        format="json",
        HTTP_IF_UNMODIFIED_SINCE=http_date(meeting.modified_at.timestamp() + 1),
    )

    assert (stale.status_code, current.status_code) == (412, 200)


def test_the_preconditions_are_in_the_schema(schema):
    patch = schema["paths"]["/api/v1/meetings/{id}/"]["patch"]
    read = schema["paths"]["/api/v1/meetings/{id}/"]["get"]

    assert {"If-Match", "If-Unmodified-Since"} <= {p["name"] for p in patch["parameters"] if p["in"] == "header"}
    assert "412" in patch["responses"]
    assert "Record-ETag" in patch["responses"]["200"]["headers"]
    assert "Record-ETag" in read["responses"]["200"]["headers"]
    assert "412" not in schema["paths"]["/api/v1/meetings/"]["post"]["responses"]


# 6, 7, 8. The schema: licence, contact, reads without credentials, no pre-filled examples


@pytest.fixture
def schema(api):
    import yaml

    return yaml.safe_load(api.get("/api/v1/schema/").content)


def test_the_schema_names_its_licence_and_contact(schema):
    assert schema["info"]["license"] == {
        "name": "Open Government Licence \u2013 Canada",
        "url": "https://open.canada.ca/en/open-government-licence-canada",
    }
    assert schema["info"]["contact"]["url"].endswith("/en/about/")


def test_downloads_name_their_licence(api):
    factories.MilestoneFactory()

    csv_file = api.get("/api/v1/milestones/", {"format": "csv"})
    xlsx_file = api.get("/api/v1/milestones/", {"format": "xlsx", "lang": "fr"})

    assert csv_file["Link"] == '<https://open.canada.ca/en/open-government-licence-canada>; rel="license"'
    assert load_workbook(io.BytesIO(xlsx_file.content)).properties.description == (
        "Licence du gouvernement ouvert \u2013 Canada (https://ouvert.canada.ca/fr/licence-du-gouvernement-ouvert-canada)"
    )


def test_reads_need_no_credentials_in_the_schema(schema):
    operations = [(method, op) for path in schema["paths"].values() for method, op in path.items()]

    assert [op["operationId"] for method, op in operations if method == "get" and {} not in op["security"]] == []
    assert [op["operationId"] for method, op in operations if method != "get" and {} in op["security"]] == []


def test_optional_query_parameters_have_no_example_to_prefill(schema):
    parameters = [
        parameter
        for path in schema["paths"].values()
        for operation in path.values()
        for parameter in operation.get("parameters", [])
        if parameter["in"] == "query"
    ]

    assert [p["name"] for p in parameters if "example" in p or "examples" in p] == []
    assert any(p["name"] == "format" for p in parameters)


# 9. A report's changes and files revalidate; "due soon" in the API's status


@pytest.fixture
def published_report(staff, django_capture_on_commit_callbacks):
    plan = factories.WorkPlanFactory()
    factories.MilestoneFactory(priority=factories.PriorityFactory(work_plan=plan))
    report = factories.StatusReportFactory(work_plan=plan, as_of=datetime.date(2020, 6, 30))
    report = report_freeze(report=report, by=staff)
    return report_publish(report=report, by=staff)


@pytest.mark.parametrize("action", ["changes", "files"])
def test_a_reports_changes_and_files_answer_304_without_a_query(api, published_report, action):
    path = f"/api/v1/status-reports/{published_report.pk}/{action}/"
    first = api.get(path)

    with CaptureQueriesContext(connection) as queries:
        early = api.get(path, HTTP_IF_NONE_MATCH=first["ETag"])
    drf = api.get(path, HTTP_IF_NONE_MATCH=first["ETag"], HTTP_COOKIE="sessionid=none")

    assert first.status_code == 200
    assert first["Last-Modified"]
    assert (early.status_code, drf.status_code) == (304, 304)
    assert queries.captured_queries == []


def test_the_status_counts_the_milestones_due_soon_as_the_reports_do(api, staff):
    priority = factories.PriorityFactory()
    for due, status in [
        (datetime.date(2020, 6, 30), MilestoneStatus.ON_TRACK),  # the day itself
        (datetime.date(2020, 9, 28), MilestoneStatus.NOT_STARTED),  # the 90th day
        (datetime.date(2020, 9, 29), MilestoneStatus.NOT_STARTED),  # too far
        (datetime.date(2020, 7, 1), MilestoneStatus.COMPLETED),  # done
        (datetime.date(2020, 6, 29), MilestoneStatus.DELAYED),  # overdue
    ]:
        factories.ProgressUpdateFactory(
            milestone=factories.MilestoneFactory(priority=priority, due_date=due, status=status),
            status=status,
            progress=100 if status == MilestoneStatus.COMPLETED else 50,
        )
    report = factories.StatusReportFactory(work_plan=priority.work_plan, as_of=datetime.date(2020, 6, 30))

    status = api.get(f"/api/v1/work-plans/{priority.work_plan.slug}/status/", {"as_of": "2020-06-30"}).json()
    content = build_content(report=report)

    assert status["due_soon"] == 2
    assert sum(len(p["due"]) for p in content["priorities"]) == 2


# 10. Paging parameters


@pytest.mark.parametrize("value", ["abc", "-5", "0", "1.5"])
@pytest.mark.parametrize("name", ["page", "page_size"])
def test_a_page_or_size_that_is_not_a_whole_number_from_1_is_a_400_naming_it(api, name, value):
    factories.JurisdictionFactory()

    english = api.get("/api/v1/jurisdictions/", {name: value})
    french = api.get("/api/v1/jurisdictions/", {name: value, "lang": "fr"})

    assert (english.status_code, french.status_code) == (400, 400)
    assert list(english.json()) == list(french.json()) == [name]
    assert english.json()[name][0] in (
        "A valid integer is required.",
        "Ensure this value is greater than or equal to 1.",
    )
    assert french.json()[name][0] in (
        "Un nombre entier valide est requis.",
        "Assurez-vous que cette valeur est supérieure ou égale à\u00a01.",
    )


def test_a_size_above_200_gives_pages_of_200_and_says_so(api, schema):
    factories.JurisdictionFactory.create_batch(3)

    body = api.get("/api/v1/jurisdictions/", {"page_size": 1000, "page": 1}).json()
    size = next(p for p in schema["paths"]["/api/v1/jurisdictions/"]["get"]["parameters"] if p["name"] == "page_size")

    assert body["count"] == 3
    assert size["schema"]["maximum"] == 200
    assert size["schema"]["minimum"] == 1


def test_a_capped_size_is_carried_on_as_the_size_given(api):
    factories.JurisdictionFactory.create_batch(3)
    from cogwg.api.pagination import ApiPagination

    ApiPagination.max_page_size, before = 2, ApiPagination.max_page_size
    try:
        body = api.get("/api/v1/jurisdictions/", {"page_size": 1000}).json()
    finally:
        ApiPagination.max_page_size = before

    assert len(body["results"]) == 2
    assert body["next"] == "http://testserver/api/v1/jurisdictions/?page=2&page_size=2"


# 11. The same address in every format; a BOM for Excel


def test_a_records_url_is_the_same_in_csv_and_json(api):
    milestone = factories.MilestoneFactory()

    table = rows(api.get("/api/v1/milestones/", {"format": "csv"}))
    record = api.get("/api/v1/milestones/", {"format": "json"}).json()["results"][0]

    assert table[1][table[0].index("url")] == record["url"] == f"http://testserver/api/v1/milestones/{milestone.pk}/"
    assert table[1][table[0].index("priority.url")] == record["priority"]["url"]


def test_a_csv_starts_with_a_byte_order_mark_for_excel(api):
    factories.MilestoneFactory(description_fr="Échéance")

    response = api.get("/api/v1/milestones/", {"format": "csv", "lang": "fr"})

    assert response.content.startswith(b"\xef\xbb\xbfurl,")
    assert "Échéance" in response.content.decode("utf-8-sig")


# 12. Orderings


def test_milestones_sorted_by_status_come_worst_first(api):
    priority = factories.PriorityFactory()
    for status in MilestoneStatus.values:
        factories.MilestoneFactory(priority=priority, status=status)

    ascending = [m["status"] for m in api.get("/api/v1/milestones/", {"ordering": "status"}).json()["results"]]
    descending = [m["status"] for m in api.get("/api/v1/milestones/", {"ordering": "-status"}).json()["results"]]

    assert ascending == ["delayed", "at_risk", "on_track", "not_started", "completed", "cancelled"]
    assert descending == ascending[::-1]


def test_challenges_sorted_by_status_follow_its_course(api):
    for status in (ChallengeStatus.RESOLVED, ChallengeStatus.OPEN, ChallengeStatus.BEING_ADDRESSED):
        factories.ChallengeFactory(
            status=status, resolved_on=datetime.date(2020, 5, 1) if status == "resolved" else None
        )

    statuses = [c["status"] for c in api.get("/api/v1/challenges/", {"ordering": "status"}).json()["results"]]

    assert statuses == ["open", "being_addressed", "resolved"]


def test_jurisdictions_sorted_by_name_ignore_accents_and_case(api):
    for code, english, french in [
        ("PE", "Prince Edward Island", "Île-du-Prince-Édouard"),
        ("MB", "Manitoba", "Manitoba"),
        ("AB", "Alberta", "Alberta"),
        ("YT", "Yukon", "yukon"),
    ]:
        factories.JurisdictionFactory(code=code, name_en=english, name_fr=french)

    french = [
        j["code"] for j in api.get("/api/v1/jurisdictions/", {"ordering": "name", "lang": "fr"}).json()["results"]
    ]
    english = [j["code"] for j in api.get("/api/v1/jurisdictions/", {"ordering": "-name"}).json()["results"]]

    assert french == ["AB", "PE", "MB", "YT"]
    assert english == ["YT", "PE", "MB", "AB"]


# 13. Errors in the request's language, JSON everywhere under /api/, 405 and 406 described


def test_a_malformed_json_body_is_answered_in_french(staff_api):
    meeting = factories.MeetingFactory(title_en="Before")

    response = staff_api.patch(f"/api/v1/meetings/{meeting.pk}/?lang=fr", data="{bad", content_type="application/json")

    assert response.status_code == 400
    assert response.json() == {
        "detail": "Le corps de la requête est illisible\u00a0: envoyez du JSON valide (application/json) "
        "ou un formulaire."
    }


@pytest.mark.parametrize("address", ["/api/", "/api", "/api/v2/", "/api/v2/milestones/"])
def test_other_addresses_under_api_are_a_json_404(api, address):
    response = api.get(address, HTTP_ACCEPT_LANGUAGE="fr")

    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"detail": "Pas trouvé."} or response.json() == {"detail": "Non trouvé."}


def test_405_and_406_are_described(schema):
    read = schema["paths"]["/api/v1/work-plans/{slug}/status/"]["get"]
    write = schema["paths"]["/api/v1/accomplishments/"]["post"]

    assert {"405", "406"} <= set(read["responses"]) & set(write["responses"])


def published_reports(staff, count):
    """Two published reports of a plan of ``count`` priorities, the second following the first."""
    plan = factories.WorkPlanFactory()
    for _ in range(count):
        factories.ProgressUpdateFactory(
            milestone=factories.MilestoneFactory(priority=factories.PriorityFactory(work_plan=plan))
        )
        factories.AccomplishmentFactory(date=datetime.date(2020, 5, 1))
    reports = []
    for as_of in (datetime.date(2020, 3, 31), datetime.date(2020, 6, 30)):
        report = report_freeze(report=factories.StatusReportFactory(work_plan=plan, as_of=as_of), by=staff)
        reports.append(report_publish(report=report, by=staff))
    return reports[-1]


@pytest.mark.parametrize("count", [1, 20])
@pytest.mark.parametrize(("action", "queries"), [("changes", 4), ("files", 4)])
def test_a_reports_changes_and_files_run_a_constant_number_of_queries(
    api, staff, django_assert_num_queries, count, action, queries
):
    report = published_reports(staff, count)

    with django_assert_num_queries(queries):
        response = api.get(f"/api/v1/status-reports/{report.pk}/{action}/")

    assert response.status_code == 200
    assert response["ETag"]
