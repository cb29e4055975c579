"""A status report's rendered files downloaded through the API
(``GET /api/v1/status-reports/{id}/files/{language}.{file_format}``): with a token or a
session, for the readers the report's endpoints answer, as the site's download serves them
(one function, cogwg/reports/downloads.py)."""

import os

import pytest
import yaml
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.urls import reverse
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient
from rest_framework.throttling import AnonRateThrottle

from cogwg.choices import RenderStatus, ReportFormat, StatusReportState
from cogwg.models import StatusReportFile
from cogwg.permissions import CONTRIBUTOR, JOINT_COUNCILS_READER, SECRETARIAT, roles_sync
from cogwg.reports.services import report_freeze, report_publish
from tests.factories import JurisdictionFactory, StatusReportFactory, WorkPlanFactory
from tests.permissions.conftest import make_user

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.7 a final report"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture
def users(db):
    roles_sync()
    return {
        "reader": make_user("joint", JOINT_COUNCILS_READER),
        "secretariat": make_user("sec", SECRETARIAT),
        "contributor": make_user("alice", CONTRIBUTOR, jurisdictions=[JurisdictionFactory(code="ON")]),
    }


def token_client(user, **credentials):
    client = APIClient(**credentials)
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    return client


@pytest.fixture
def reader(users):
    return token_client(users["reader"])


def make_ready(report, language, format, data=PDF):
    """The report's file in ``language`` and ``format`` rendered: ``data`` in the storage."""
    name = default_storage.save(f"reports/{report.pk}-{language}.{format}", ContentFile(data))
    StatusReportFile.objects.filter(report=report, language=language, format=format).update(
        status=RenderStatus.READY, file=name, rendered_at=timezone.now()
    )
    return StatusReportFile.objects.get(report=report, language=language, format=format)


@pytest.fixture
def final(db):
    """A report frozen (final, not yet published), its French PDF rendered, the rest pending."""
    report = report_freeze(report=StatusReportFactory(work_plan=WorkPlanFactory(slug="2020")))
    make_ready(report, "fr", ReportFormat.PDF)
    return report


@pytest.fixture
def published(final):
    return report_publish(report=final)


def address(report, language="fr", format="pdf"):
    return f"/api/v1/status-reports/{report.pk}/files/{language}.{format}"


def body(response):
    return b"".join(response.streaming_content)


# The reader of the Joint Councils, with a token


def test_a_reader_downloads_a_final_reports_file_from_the_listed_address_with_a_token(reader, final):
    files = reader.get(f"/api/v1/status-reports/{final.pk}/files/").json()
    pdf = next(file for file in files if (file["language"], file["format"]) == ("fr", ReportFormat.PDF))

    response = reader.get(pdf["download_url"])

    assert pdf["download_url"] == f"http://testserver/api/v1/status-reports/{final.pk}/files/fr.pdf"
    assert response.status_code == 200
    assert body(response) == PDF
    assert response["Content-Type"] == "application/pdf"
    stored = final.files.get(language="fr", format=ReportFormat.PDF).file.name
    assert response["Content-Disposition"] == f'attachment; filename="{os.path.basename(stored)}"'
    assert response["Content-Language"] == "fr"
    assert response["Cache-Control"] == "private, no-store"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["ETag"] and response["Last-Modified"]


def test_the_reports_files_field_points_at_the_api_download_and_the_site_keeps_its_links(reader, client, final):
    report = reader.get(f"/api/v1/status-reports/{final.pk}/").json()
    addresses = {(file["language"], file["format"]): file["file"] for file in report["files"]}
    published = report_publish(report=final)
    page = client.get(reverse("reports:detail", args=[published.pk])).content.decode()

    response = reader.get(addresses[("fr", ReportFormat.PDF)])

    assert addresses[("fr", ReportFormat.PDF)] == f"http://testserver{address(final)}"
    assert addresses[("en", ReportFormat.PDF)] is None  # not rendered yet
    assert (response.status_code, body(response)) == (200, PDF)
    assert f'href="/en/status-reports/{published.pk}/files/fr.pdf"' in page
    assert "/api/v1/" not in page


# Who downloads what


@pytest.mark.parametrize(
    ("who", "final_status", "published_status"),
    [
        ("anonymous", 404, 200),
        ("contributor", 404, 200),
        ("reader", 200, 200),
        ("secretariat", 200, 200),
    ],
)
def test_who_downloads_the_files_of_a_final_and_a_published_report(users, who, final_status, published_status):
    plan = WorkPlanFactory(slug="2020")
    final = report_freeze(report=StatusReportFactory(work_plan=plan))
    published = report_publish(report=report_freeze(report=StatusReportFactory(work_plan=plan)))
    draft = StatusReportFactory(work_plan=plan)  # no files until it is frozen
    for report in (final, published):
        make_ready(report, "fr", ReportFormat.PDF)
    client = APIClient() if who == "anonymous" else token_client(users[who])

    assert client.get(address(final)).status_code == final_status
    assert client.get(address(published)).status_code == published_status
    assert client.get(address(draft)).status_code == 404


def test_a_reader_signed_in_on_the_site_downloads_through_the_api_too(users, final):
    client = APIClient()
    client.force_login(users["reader"])

    response = client.get(address(final))

    assert (response.status_code, body(response)) == (200, PDF)


def test_a_published_reports_file_is_public_and_revalidated(published):
    response = APIClient().get(address(published))

    assert (response.status_code, body(response)) == (200, PDF)
    assert response["Cache-Control"] == "public, max-age=0, must-revalidate"
    assert response["RateLimit-Policy"] == '"anon";q=1200;w=3600'


# The API's errors, in the reader's language


@pytest.mark.parametrize(
    ("query", "headers", "detail"),
    [
        ("", {}, "Not found."),
        ("?lang=fr", {}, "Non trouvé."),
        ("", {"HTTP_ACCEPT_LANGUAGE": "fr"}, "Non trouvé."),
    ],
)
def test_the_file_of_a_report_the_reader_may_not_see_is_the_apis_404(reader, final, query, headers, detail):
    response = APIClient().get(address(final) + query, **headers)

    assert reader.get(address(final) + query, **headers).status_code == 200
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"detail": detail}


@pytest.mark.parametrize(
    "path",
    [
        "{pk}/files/de.pdf",
        "{pk}/files/fr.docx",
        "{pk}/files/fr.pdf/",
        "{pk}/files/fr",
        "99999999999999999999/files/fr.pdf",
    ],
)
def test_no_such_language_format_or_report_is_a_404_in_json(reader, final, path):
    response = reader.get(f"/api/v1/status-reports/{path.format(pk=final.pk)}?lang=fr")

    assert reader.get(address(final) + "?lang=fr").status_code == 200
    assert response.status_code == 404
    assert response.json() == {"detail": "Non trouvé."}


def test_a_failed_file_is_a_404(reader, final):
    assert reader.get(address(final)).status_code == 200
    StatusReportFile.objects.filter(report=final, language="fr", format=ReportFormat.PDF).update(
        status=RenderStatus.FAILED
    )

    assert reader.get(address(final)).status_code == 404


def test_an_unknown_token_is_a_401_in_the_readers_language(final):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token not-a-token")

    response = client.get(address(final) + "?lang=fr")

    assert response.status_code == 401
    assert response.json() == {"detail": "Token non valide."}


def test_a_bad_language_parameter_is_a_400_naming_it(reader, final):
    response = reader.get(address(final) + "?lang=de")

    assert response.status_code == 400
    assert response.json() == {"lang": ["Choose one of: en, fr."]}


@pytest.mark.parametrize(("query", "detail"), [("", "Please try again in a minute."), ("?lang=fr", "dans une minute.")])
def test_a_file_being_rendered_is_a_503_asking_to_come_back(reader, final, query, detail):
    response = reader.get(address(final, "en", ReportFormat.XLSX) + query)

    assert response.status_code == 503
    assert response["Content-Type"] == "application/json"
    assert response["Retry-After"] == "60"
    assert response["Cache-Control"] == "no-store"
    assert response.json()["detail"].endswith(detail)


def test_the_accept_header_does_not_refuse_the_file_and_errors_stay_json(reader, final):
    make_ready(final, "en", ReportFormat.XLSX, b"PK sheet")

    sheet = reader.get(address(final, "en", ReportFormat.XLSX), HTTP_ACCEPT="application/json")
    pdf = reader.get(address(final) + "?format=csv", HTTP_ACCEPT="application/pdf")
    missing = reader.get(address(final, "en"), HTTP_ACCEPT="application/pdf")

    assert (sheet.status_code, sheet["Content-Type"], body(sheet)) == (200, XLSX_TYPE, b"PK sheet")
    assert (pdf.status_code, pdf["Content-Type"], body(pdf)) == (200, "application/pdf", PDF)
    assert (missing.status_code, missing["Content-Type"]) == (503, "application/json")


# Conditional GET, storage, throttling


def test_a_current_copy_is_a_304_without_reading_the_storage(reader, final, monkeypatch):
    first = reader.get(address(final))
    monkeypatch.setattr("cogwg.reports.downloads.report_file_open", lambda **kwargs: pytest.fail("storage read"))

    again = reader.get(address(final), HTTP_IF_NONE_MATCH=first["ETag"])
    since = reader.get(address(final), HTTP_IF_MODIFIED_SINCE=first["Last-Modified"])

    assert first.status_code == 200
    assert (again.status_code, again["ETag"], again["Cache-Control"]) == (304, first["ETag"], "private, no-store")
    assert since.status_code == 304


def test_the_site_and_the_api_serve_a_file_alike(client, published):
    site_address = reverse("reports:file", kwargs={"pk": published.pk, "language": "fr", "format": "pdf"})
    site = client.get(site_address)
    site_body = body(site)
    api = APIClient().get(address(published))
    api_body = body(api)
    site_again = client.get(site_address, HTTP_IF_NONE_MATCH=api["ETag"])

    for name in ("Content-Type", "Content-Disposition", "Content-Language", "ETag", "Last-Modified", "Cache-Control"):
        assert site[name] == api[name], name
    assert site_body == api_body == PDF
    assert site_again.status_code == 304


@pytest.mark.django_db(transaction=True)
def test_a_file_lost_from_storage_is_rendered_again_and_downloaded(users):
    """Without a broker the rendering runs in the request, once it commits."""
    report = report_freeze(report=StatusReportFactory(work_plan=WorkPlanFactory(slug="2020")))
    # (Rendered as it was frozen: without a broker, once the freezing committed.)
    file = report.files.get(language="fr", format=ReportFormat.CSV)
    reader = token_client(users["reader"])
    before = reader.get(address(report, "fr", ReportFormat.CSV))
    default_storage.delete(file.file.name)

    response = reader.get(address(report, "fr", ReportFormat.CSV))

    assert response.status_code == 200
    assert body(response).decode("utf-8-sig").startswith("Numéro de la priorité,")
    assert response["ETag"] != before["ETag"]
    file.refresh_from_db()
    assert file.status == RenderStatus.READY and default_storage.exists(file.file.name)


def test_with_workers_a_lost_file_is_a_503_until_rendered(
    reader, final, monkeypatch, django_capture_on_commit_callbacks
):
    queued = []
    monkeypatch.setattr("cogwg.reports.tasks.render_report_file.delay", queued.append)
    file = StatusReportFile.objects.get(report=final, language="fr", format=ReportFormat.PDF)
    default_storage.delete(file.file.name)

    with django_capture_on_commit_callbacks(execute=True):
        response = reader.get(address(final) + "?lang=fr")

    assert (response.status_code, response["Retry-After"]) == (503, "60")
    assert response.json()["detail"].startswith("Le fichier est produit")
    assert queued == [file.pk]


def test_anonymous_downloads_are_throttled_and_token_readers_are_not(published, reader, monkeypatch):
    monkeypatch.setattr(AnonRateThrottle, "rate", "2/min", raising=False)

    anonymous = [APIClient().get(address(published)).status_code for _ in range(3)]
    with_token = {reader.get(address(published)).status_code for _ in range(3)}

    assert anonymous == [200, 200, 429]
    assert with_token == {200}


# Constant queries


def reports_with_files(count, formats):
    """``count`` final reports, each with its files in ``formats`` in both languages, ready."""
    plan = WorkPlanFactory(slug="2020")
    reports = []
    for _ in range(count):
        report = StatusReportFactory(
            work_plan=plan, state=StatusReportState.FINAL, content={}, frozen_at=timezone.now(), checksum="0" * 64
        )
        StatusReportFile.objects.bulk_create(
            StatusReportFile(report=report, format=format, language=language)
            for format in formats
            for language in ("en", "fr")
        )
        for format in formats:
            make_ready(report, "fr", format)
        reports.append(report)
    return reports


SIZES = [(1, [ReportFormat.PDF]), (30, list(ReportFormat))]


@pytest.mark.parametrize(("count", "formats"), SIZES)
def test_a_download_runs_a_constant_number_of_queries(users, django_assert_num_queries, count, formats):
    reports = reports_with_files(count, formats)
    reader = token_client(users["reader"])
    signed_in = APIClient()
    signed_in.force_login(users["reader"])
    report_publish(report=reports[-1])

    # The token and its user, the reader's groups, the file with its report.
    with django_assert_num_queries(3):
        with_token = reader.get(address(reports[-1]))
    # The session, its user, the reader's groups, the file with its report.
    with django_assert_num_queries(4):
        with_session = signed_in.get(address(reports[-1]))
    with django_assert_num_queries(1):
        anonymous = APIClient().get(address(reports[-1]))

    assert [with_token.status_code, with_session.status_code, anonymous.status_code] == [200, 200, 200]


@pytest.mark.parametrize(("count", "formats"), SIZES)
def test_the_files_listing_runs_a_constant_number_of_queries(users, django_assert_num_queries, count, formats):
    reports = reports_with_files(count, formats)
    reader = token_client(users["reader"])

    # The token and its user, the reader's groups, the report (and the files it is read
    # with), the data version (the ETag), the reader's jurisdictions (what they see), the files.
    with django_assert_num_queries(7):
        response = reader.get(f"/api/v1/status-reports/{reports[-1].pk}/files/")

    ready = [file["download_url"] for file in response.json() if file["status"] == RenderStatus.READY]
    assert len(response.json()) == 2 * len(formats)
    assert ready == [f"http://testserver{address(reports[-1], 'fr', format)}" for format in sorted(formats)]


# The OpenAPI schema


def test_the_download_is_described_as_binary_files_with_their_errors(api):
    schema = yaml.safe_load(api.get("/api/v1/schema/").content)

    operation = schema["paths"]["/api/v1/status-reports/{id}/files/{language}.{file_format}"]["get"]
    parameters = {parameter["name"]: parameter for parameter in operation["parameters"]}
    ok = operation["responses"]["200"]

    assert operation["operationId"] == "status_reports_file_download"
    assert parameters["language"]["schema"]["enum"] == ["en", "fr"]
    assert parameters["file_format"]["schema"]["enum"] == ["csv", "pdf", "pptx", "xlsx"]
    assert {parameters[name]["in"] for name in ("id", "language", "file_format")} == {"path"}
    assert set(ok["content"]) == {
        "application/pdf",
        XLSX_TYPE,
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        "text/csv",
    }
    assert {media["schema"]["format"] for media in ok["content"].values()} == {"binary"}
    assert {"Content-Disposition", "Content-Language", "ETag", "Last-Modified"} <= set(ok["headers"])
    assert set(operation["responses"]) == {"200", "304", "400", "401", "404", "405", "429", "503"}
    assert "Retry-After" in operation["responses"]["503"]["headers"]
    assert {} in operation["security"]
