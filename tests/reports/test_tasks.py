import datetime

import pytest
from django.utils import timezone

from cogwg.choices import RenderStatus, ReportFormat
from cogwg.models import StatusReportFile
from cogwg.reports import services, tasks
from cogwg.reports.services import report_file_requeue, report_freeze

pytestmark = pytest.mark.django_db


@pytest.fixture
def frozen(draft_report, staff):
    """A frozen report whose files were never handed to a worker (no commit in a test)."""
    return report_freeze(report=draft_report, by=staff)


@pytest.fixture
def renders(monkeypatch):
    """Counts the renderings, and lets a test make them fail."""
    calls = []
    real = services.render_file

    def render_file(content, *, format, language):
        calls.append((format, language))
        if getattr(render_file, "error", None):
            raise render_file.error
        return real(content, format=format, language=language)

    monkeypatch.setattr(services, "render_file", render_file)
    render_file.calls = calls
    return render_file


def csv_file(report, language="en"):
    return report.files.get(format=ReportFormat.CSV, language=language)


def test_a_task_run_twice_renders_once(frozen, renders):
    file = csv_file(frozen)

    first = tasks.render_report_file.delay(file.pk)
    second = tasks.render_report_file.delay(file.pk)

    assert first.get() == RenderStatus.READY
    assert second.get() is None
    assert renders.calls == [(ReportFormat.CSV, "en")]
    file.refresh_from_db()
    assert (file.status, file.attempts, file.error) == (RenderStatus.READY, 1, "")
    assert file.rendered_at is not None


def test_a_file_claimed_by_another_worker_is_left_alone(frozen, renders):
    file = csv_file(frozen)
    StatusReportFile.objects.filter(pk=file.pk).update(status=RenderStatus.RUNNING)

    assert tasks.render_report_file.delay(file.pk).get() is None

    assert renders.calls == []
    file.refresh_from_db()
    assert (file.status, file.attempts) == (RenderStatus.RUNNING, 0)


def test_a_failing_renderer_marks_the_file_failed_with_its_error(frozen, renders):
    file = csv_file(frozen)
    renders.error = ValueError("no such font")

    result = tasks.render_report_file.delay(file.pk)

    # Eager (no broker): the first failure is final, and nothing is raised to the caller.
    assert result.get() == RenderStatus.FAILED
    file.refresh_from_db()
    assert file.status == RenderStatus.FAILED
    assert file.error == "ValueError: no such font"
    assert file.attempts == 1
    assert not file.file
    # The other files were not touched.
    assert set(frozen.files.exclude(pk=file.pk).values_list("status", flat=True)) == {RenderStatus.PENDING}


def test_a_failure_before_the_last_attempt_puts_the_file_back_to_pending_for_a_retry(frozen, renders):
    file = csv_file(frozen)
    renders.error = OSError("disk full")

    with pytest.raises(services.RenderRetry):
        services.report_file_render(file_id=file.pk, final_attempt=False)

    file.refresh_from_db()
    assert (file.status, file.error, file.attempts) == (RenderStatus.PENDING, "OSError: disk full", 1)
    renders.error = None
    assert services.report_file_render(file_id=file.pk, final_attempt=True).status == RenderStatus.READY


def test_the_render_task_retries_with_backoff_and_acks_late():
    task = tasks.render_report_file

    assert task.autoretry_for == (services.RenderRetry,)
    assert task.max_retries == tasks.RENDER_MAX_RETRIES
    assert task.retry_backoff and task.retry_jitter
    assert task.acks_late and task.reject_on_worker_lost
    assert (task.time_limit, task.soft_time_limit) == (tasks.RENDER_TIME_LIMIT, tasks.RENDER_SOFT_TIME_LIMIT)


def test_a_failed_file_requeued_renders(frozen, renders, staff, django_capture_on_commit_callbacks):
    file = csv_file(frozen)
    renders.error = ValueError("no such font")
    tasks.render_report_file.delay(file.pk)
    renders.error = None

    with django_capture_on_commit_callbacks(execute=True):
        report_file_requeue(file=file, by=staff)

    file.refresh_from_db()
    assert (file.status, file.error) == (RenderStatus.READY, "")
    assert file.file.read().startswith(b"\xef\xbb\xbfPriority number")


def test_requeue_failed_files_of_a_report(frozen, renders, staff, django_capture_on_commit_callbacks):
    for language in ("en", "fr"):
        StatusReportFile.objects.filter(pk=csv_file(frozen, language).pk).update(
            status=RenderStatus.FAILED, error="boom"
        )

    with django_capture_on_commit_callbacks(execute=True):
        count = services.report_files_requeue_failed(report=frozen, by=staff)

    assert count == 2
    assert sorted(renders.calls) == [(ReportFormat.CSV, "en"), (ReportFormat.CSV, "fr")]
    assert set(frozen.files.filter(format=ReportFormat.CSV).values_list("status", flat=True)) == {RenderStatus.READY}


def test_sweeper_enqueues_old_pending_files_and_takes_back_stale_running_ones(frozen, renders):
    long_ago = timezone.now() - datetime.timedelta(hours=1)
    pending = csv_file(frozen, "en")
    running = csv_file(frozen, "fr")
    StatusReportFile.objects.filter(pk=pending.pk).update(modified_at=long_ago)
    StatusReportFile.objects.filter(pk=running.pk).update(status=RenderStatus.RUNNING, modified_at=long_ago)

    assert tasks.sweep_pending_report_files.delay(pending_minutes=10).get() == 2

    assert sorted(renders.calls) == [(ReportFormat.CSV, "en"), (ReportFormat.CSV, "fr")]
    # The files pending for less than ten minutes were left for the workers.
    assert frozen.files.filter(status=RenderStatus.PENDING).count() == 6
    assert tasks.sweep_pending_report_files.delay(pending_minutes=10).get() == 0
