"""The status reports through the API, the admin and the public pages."""

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import translation
from rest_framework.test import APIClient

from cogwg.choices import RenderStatus, ReportFormat, StatusReportState
from cogwg.models import StatusReport, StatusReportFile
from cogwg.reports.services import report_file_render, report_freeze, report_publish
from tests.factories import StatusReportFactory
from tests.reports.conftest import APRIL_1

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    """A request to a /fr/ page leaves French active in the thread: start from English."""
    with translation.override("en"):
        yield


@pytest.fixture
def api():
    return APIClient()


@pytest.fixture
def published(draft_report, staff, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        report = report_freeze(report=draft_report, by=staff)
    return report_publish(report=report, by=staff)


# API


def test_freeze_through_the_api(staff_api, draft_report, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_api.post(f"/api/v1/status-reports/{draft_report.pk}/freeze/")

    assert response.status_code == 200, response.content
    draft_report.refresh_from_db()
    assert draft_report.state == StatusReportState.FINAL
    assert response.json()["state"] == StatusReportState.FINAL
    assert response.json()["checksum"] == draft_report.checksum
    assert set(draft_report.files.values_list("status", flat=True)) == {RenderStatus.READY}


def test_freezing_twice_through_the_api_is_a_400_and_changes_nothing(staff_api, draft_report):
    report = report_freeze(report=draft_report)

    response = staff_api.post(f"/api/v1/status-reports/{report.pk}/freeze/")

    assert response.status_code == 400
    assert "non_field_errors" in response.json()
    assert StatusReport.objects.get(pk=report.pk).checksum == report.checksum


def test_the_public_cannot_freeze(api, draft_report):
    response = api.post(f"/api/v1/status-reports/{draft_report.pk}/freeze/")

    assert response.status_code in (401, 404)
    draft_report.refresh_from_db()
    assert draft_report.state == StatusReportState.DRAFT


def test_files_listed_with_their_download_urls(api, published):
    response = api.get(f"/api/v1/status-reports/{published.pk}/files/")

    assert response.status_code == 200
    files = response.json()
    assert len(files) == 8
    pdf = next(f for f in files if (f["format"], f["language"]) == (ReportFormat.PDF, "fr"))
    assert pdf["status"] == RenderStatus.READY
    assert pdf["download_url"] == f"http://testserver/api/v1/status-reports/{published.pk}/files/fr.pdf"
    assert pdf["error"] == ""
    download = api.get(pdf["download_url"])
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    assert b"".join(download.streaming_content).startswith(b"%PDF")


def test_a_failed_file_shows_its_error_to_the_secretariat_only(api, staff_api, published):
    StatusReportFile.objects.filter(report=published, format=ReportFormat.XLSX, language="en").update(
        status=RenderStatus.FAILED, error="MemoryError: "
    )

    for client, error in ((api, ""), (staff_api, "MemoryError: ")):
        files = client.get(f"/api/v1/status-reports/{published.pk}/files/").json()
        xlsx = next(f for f in files if (f["format"], f["language"]) == (ReportFormat.XLSX, "en"))
        assert (xlsx["status"], xlsx["error"], xlsx["download_url"]) == (RenderStatus.FAILED, error, None)


def test_changes_through_the_api(api, plan, published, staff):
    later = report_publish(report=report_freeze(report=StatusReportFactory(work_plan=plan.work_plan, as_of=APRIL_1)))

    response = api.get(f"/api/v1/status-reports/{later.pk}/changes/")

    assert response.status_code == 200
    changes = response.json()
    assert changes["previous_report"]["id"] == published.pk
    assert [m["id"] for m in changes["milestones_completed"]] == [plan.inventory.pk]
    assert [c["id"] for c in changes["challenges_resolved"]] == [plan.transition.pk]


def test_changes_of_a_draft_is_a_400(staff_api, draft_report):
    assert staff_api.get(f"/api/v1/status-reports/{draft_report.pk}/changes/").status_code == 400


# Admin


def admin_action(client, action, reports):
    return client.post(
        reverse("admin:cogwg_statusreport_changelist"),
        {"action": action, "_selected_action": [report.pk for report in reports]},
        follow=True,
    )


def test_admin_freezes_then_publishes_the_selected_reports(
    staff_client, draft_report, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_action(staff_client, "freeze_reports", [draft_report])

    assert response.status_code == 200
    draft_report.refresh_from_db()
    assert draft_report.state == StatusReportState.FINAL
    assert draft_report.frozen_by.username == "secretariat"
    assert "1 report frozen" in " ".join(str(m) for m in get_messages(response.wsgi_request))

    admin_action(staff_client, "publish_reports", [draft_report])

    draft_report.refresh_from_db()
    assert draft_report.state == StatusReportState.PUBLISHED


def test_admin_freeze_of_a_frozen_report_warns_and_changes_nothing(staff_client, draft_report):
    report = report_freeze(report=draft_report)

    response = admin_action(staff_client, "freeze_reports", [report])

    levels = [m.level_tag for m in get_messages(response.wsgi_request)]
    assert levels == ["warning"]
    assert StatusReport.objects.get(pk=report.pk).frozen_at == report.frozen_at


def test_admin_requeues_the_failed_files(staff_client, published, django_capture_on_commit_callbacks):
    StatusReportFile.objects.filter(report=published, format=ReportFormat.CSV).update(
        status=RenderStatus.FAILED, error="boom"
    )

    with django_capture_on_commit_callbacks(execute=True):
        admin_action(staff_client, "requeue_failed_files", [published])

    assert set(published.files.values_list("status", flat=True)) == {RenderStatus.READY}
    assert set(published.files.values_list("error", flat=True)) == {""}


# Public pages


def test_public_list_of_published_reports_with_downloads(client, published, plan):
    draft = StatusReportFactory(work_plan=plan.work_plan, title_en="Unpublished draft")

    response = client.get("/en/status-reports/")

    assert response.status_code == 200
    html = response.content.decode()
    assert "Status report – Joint Councils, February 27, 2020" in html  # noqa: RUF001
    assert f"/en/status-reports/{published.pk}/files/fr.pptx" in html
    assert draft.title_en not in html


def test_public_report_page_in_french(client, published):
    with translation.override("fr"):
        url = reverse("reports:detail", args=[published.pk])

    response = client.get(url)

    assert url.startswith("/fr/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Littératie en matière de gouvernement ouvert" in html
    assert 'href="/static/cogwg/reports/report.css"' in html
    assert "<style" not in html
    assert "<script" not in html


def test_a_draft_or_unpublished_report_has_no_public_page_or_download(client, draft_report, staff):
    frozen = report_freeze(report=draft_report)
    report_file_render(file_id=frozen.files.get(format=ReportFormat.CSV, language="en").pk)

    assert client.get(reverse("reports:detail", args=[frozen.pk])).status_code == 404
    assert client.get(reverse("reports:changes", args=[frozen.pk])).status_code == 404
    url = reverse("reports:file", kwargs={"pk": frozen.pk, "language": "en", "format": "csv"})
    assert client.get(url).status_code == 404
    client.force_login(staff)
    assert client.get(url).status_code == 200


def lose_the_file(report, language="fr", format="csv"):
    file = report.files.get(language=language, format=format)
    file.file.storage.delete(file.file.name)
    return file, reverse("reports:file", kwargs={"pk": report.pk, "language": language, "format": format})


@pytest.mark.django_db(transaction=True)
def test_a_file_lost_from_storage_is_rendered_again_and_downloaded(client, published, caplog):
    """Without a broker (make run), the rendering runs in the request, once it commits."""
    file, url = lose_the_file(published)

    response = client.get(url)

    assert response.status_code == 200
    assert b"".join(response.streaming_content).decode("utf-8-sig").startswith("Numéro de la priorité,Priorité,")
    file.refresh_from_db()
    assert file.status == RenderStatus.READY and file.file.storage.exists(file.file.name)
    assert f"status report file {file.pk} is missing from storage" in caplog.text


@pytest.mark.parametrize(
    ("language", "title", "text"),
    [
        ("en", "This file is being prepared", "Please try again in a minute."),
        ("fr", "Ce fichier est en préparation", "Veuillez réessayer dans une minute."),
    ],
)
def test_with_workers_the_reader_is_asked_to_come_back_in_their_language(
    client, published, monkeypatch, django_capture_on_commit_callbacks, language, title, text
):
    queued = []
    monkeypatch.setattr("cogwg.reports.tasks.render_report_file.delay", queued.append)
    file, url = lose_the_file(published)
    with translation.override(language):
        url = reverse("reports:file", kwargs={"pk": published.pk, "language": "fr", "format": "csv"})

    with django_capture_on_commit_callbacks(execute=True):
        response = client.get(url)

    assert response.status_code == 503
    assert response["Retry-After"] == "60"
    assert response["Cache-Control"] == "no-store"
    html = response.content.decode()
    assert f'<html lang="{language}"' in html
    assert title in html and text in html
    assert queued == [file.pk]
    file.refresh_from_db()
    assert file.status == RenderStatus.PENDING
    # Until a worker has rendered it, whoever tries again is asked to come back as well.
    again = client.get(url)
    assert (again.status_code, again["Retry-After"], queued) == (503, "60", [file.pk])


def test_a_failed_file_is_not_found(client, published):
    file = published.files.get(language="en", format="pdf")
    file.status = RenderStatus.FAILED
    file.save()

    assert (
        client.get(reverse("reports:file", kwargs={"pk": published.pk, "language": "en", "format": "pdf"})).status_code
        == 404
    )


def test_changes_page(client, plan, published):
    later = report_publish(report=report_freeze(report=StatusReportFactory(work_plan=plan.work_plan, as_of=APRIL_1)))

    response = client.get(reverse("reports:changes", args=[later.pk]))

    assert response.status_code == 200
    html = response.content.decode()
    assert "Initial inventory of user stories established." in html
    assert "Slowdown due to political transition" in html
    assert "NWT has released its open government policy" in html


def test_a_reports_files_link_to_the_download_view_in_the_api_and_the_admin(api, staff_client, published):
    answer = api.get(f"/api/v1/status-reports/{published.pk}/").json()
    admin = staff_client.get(reverse("admin:cogwg_statusreport_change", args=[published.pk])).content.decode()

    ready = {(item["language"], item["format"]): item["file"] for item in answer["files"]}
    path = reverse("reports:file", kwargs={"pk": published.pk, "language": "en", "format": "pdf"})
    api_path = reverse("api:status-report-file", kwargs={"pk": published.pk, "language": "en", "file_format": "pdf"})
    assert ready[("en", "pdf")] == f"http://testserver{api_path}"
    assert f'href="{path}"' in admin
    assert "/media/" not in admin and "/media/" not in str(answer)
