import datetime
import hashlib
import json
import logging

import pytest
from django.core.exceptions import ValidationError

from cogwg.choices import RenderStatus, ReportFormat, StatusReportState
from cogwg.models import StatusReportFile
from cogwg.reports.content import build_content
from cogwg.reports.services import (
    content_checksum,
    report_file_requeue,
    report_freeze,
    report_publish,
)
from cogwg.versioning import start_generation
from workplan.choices import MilestoneStatus
from workplan.services import milestone_post_update

pytestmark = pytest.mark.django_db


def test_freeze_stores_the_content_its_checksum_and_who_froze_it(plan, draft_report, staff):
    report = report_freeze(report=draft_report, by=staff)

    report.refresh_from_db()
    assert report.state == StatusReportState.FINAL
    assert report.frozen_by == staff
    assert report.frozen_at is not None
    assert report.content == build_content(report=report)
    canonical = json.dumps(report.content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    assert report.checksum == hashlib.sha256(canonical.encode()).hexdigest()
    assert report.history.first().history_user == staff


def test_freeze_creates_one_pending_file_per_format_and_language(draft_report, staff):
    report = report_freeze(report=draft_report, by=staff)

    files = sorted(report.files.values_list("format", "language", "status"))
    assert files == sorted(
        (format, language, RenderStatus.PENDING) for format in ReportFormat.values for language in ("en", "fr")
    )


def test_freeze_renders_every_file_once_committed(draft_report, staff, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        report = report_freeze(report=draft_report, by=staff)

    renders = [callback for callback in callbacks if callback is not start_generation]
    assert len(renders) == 8
    files = list(report.files.all())
    assert {file.status for file in files} == {RenderStatus.READY}
    assert {file.attempts for file in files} == {1}
    pdf = next(file for file in files if file.format == ReportFormat.PDF and file.language == "fr")
    assert pdf.file.name == "reports/rapport-detape-conseils-mixtes-27-fevrier-2020-2020-02-27-fr.pdf"
    assert pdf.file.read().startswith(b"%PDF")


def test_a_frozen_report_cannot_be_frozen_again(draft_report, staff):
    report = report_freeze(report=draft_report, by=staff)
    checksum, frozen_at = report.checksum, report.frozen_at

    with pytest.raises(ValidationError):
        report_freeze(report=report, by=staff)

    report.refresh_from_db()
    assert (report.checksum, report.frozen_at) == (checksum, frozen_at)
    assert report.files.count() == 8


def test_changing_the_data_after_freezing_changes_nothing_in_the_report(plan, draft_report, staff):
    report = report_freeze(report=draft_report, by=staff)
    frozen, checksum = report.content, report.checksum

    milestone_post_update(
        milestone=plan.release, reported_on=datetime.date(2020, 2, 20), status=MilestoneStatus.DELAYED, progress=5
    )
    plan.stories.title_en = "Renamed"
    plan.stories.save()
    plan.portal.delete()

    report.refresh_from_db()
    assert report.content == frozen
    assert report.checksum == checksum == content_checksum(report.content)
    # The data did change: a report built now would differ.
    assert content_checksum(build_content(report=report)) != checksum


def test_who_asked_for_a_file_to_be_rendered_again_is_logged(draft_report, staff, caplog):
    report = report_freeze(report=draft_report, by=staff)
    file = report.files.get(format=ReportFormat.CSV, language="en")

    with caplog.at_level(logging.INFO, logger="cogwg.reports.services"):
        report_file_requeue(file=file, by=staff)

    assert (
        f"status report file {file.pk} (report {report.pk}, csv en) queued to be rendered again by {staff.username}"
        in caplog.messages
    )


def test_rerendering_a_frozen_report_keeps_its_content_and_checksum(
    draft_report, staff, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        report = report_freeze(report=draft_report, by=staff)
    frozen, checksum = report.content, report.checksum
    file = report.files.get(format=ReportFormat.CSV, language="en")
    first = file.file.read()

    with django_capture_on_commit_callbacks(execute=True):
        report_file_requeue(file=file, by=staff)

    file.refresh_from_db()
    report.refresh_from_db()
    assert file.status == RenderStatus.READY
    assert file.attempts == 2
    assert file.file.read() == first
    assert report.content == frozen
    assert report.checksum == checksum == content_checksum(report.content)


def test_same_data_freezes_to_the_same_checksum(plan, draft_report, staff):
    expected = content_checksum(json.loads(json.dumps(build_content(report=draft_report))))

    report = report_freeze(report=draft_report, by=staff)

    assert report.checksum == expected


def test_publish_a_frozen_report(draft_report, staff):
    report = report_freeze(report=draft_report, by=staff)

    report = report_publish(report=report, by=staff)

    assert report.state == StatusReportState.PUBLISHED
    assert report_publish(report=report, by=staff).state == StatusReportState.PUBLISHED


def test_a_draft_cannot_be_published(draft_report, staff):
    with pytest.raises(ValidationError):
        report_publish(report=draft_report, by=staff)

    draft_report.refresh_from_db()
    assert draft_report.state == StatusReportState.DRAFT


def test_a_file_being_rendered_cannot_be_requeued(draft_report, staff):
    report = report_freeze(report=draft_report, by=staff)
    file = report.files.first()
    StatusReportFile.objects.filter(pk=file.pk).update(status=RenderStatus.RUNNING)

    with pytest.raises(ValidationError):
        report_file_requeue(file=file, by=staff)

    file.refresh_from_db()
    assert file.status == RenderStatus.RUNNING
