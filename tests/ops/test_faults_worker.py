"""Fault: a worker is killed with ``kill -9`` in the middle of rendering a file. The task is
acknowledged late, so it is not lost: it comes back (at once from the pool's parent with
``reject_on_worker_lost``, or from Redis to a new worker once its visibility timeout has
passed), finds the file still claimed by the dead rendering, waits for the claim to lapse
and renders the file then: exactly once, and never twice at the same time.

Each test freezes a report whose files a real worker renders, one of them slowly (the
worker's renderer is instrumented by tests/ops/fault_worker.py, which also logs every
rendering started and done), on a Redis of the test's own: the broker, media and workers
fixtures of tests/ops/conftest.py."""

import datetime
import os
import re
import signal

import pytest

from cogwg.choices import RenderStatus
from cogwg.models import StatusReportFile
from cogwg.reports import services
from tests.factories import MilestoneFactory, StaffFactory, StatusReportFactory
from tests.ops.faults import RenderLog, Worker, wait_for

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]

SLOW_FILE = ("xlsx", "en")
SLOW_SECONDS = 4
# Longer than the slow rendering, as the hard time limit is in production (render_lease).
LEASE_SECONDS = 8


@pytest.fixture
def render_lease(settings):
    settings.COGWG_REPORT_RENDER_LEASE_SECONDS = LEASE_SECONDS


@pytest.fixture
def start_worker(broker, media_root, render_lease, workers, tmp_path):
    """Start a worker (tests/ops/faults.py) on the test's broker (tests/ops/conftest.py)
    whose renderer logs each rendering and renders SLOW_FILE slowly; the conftest's
    ``workers`` stops it at the end."""
    render_log = RenderLog(tmp_path / "renders.log")

    def start(*, pool="solo", visibility_timeout=3600):
        worker = Worker(
            broker_url=broker.url,
            media_root=media_root,
            log_path=tmp_path / f"worker{len(workers)}.log",
            pool=pool,
            env={
                "COGWG_TEST_RENDER_LOG": str(render_log.path),
                "COGWG_TEST_SLOW_FILE": "-".join(SLOW_FILE),
                "COGWG_TEST_SLOW_SECONDS": str(SLOW_SECONDS),
                "COGWG_TEST_RENDER_LEASE_SECONDS": str(LEASE_SECONDS),
                "COGWG_TEST_WORKER_VISIBILITY_TIMEOUT": str(visibility_timeout),
            },
        )
        workers.append(worker)
        return worker.start()

    start.render_log = render_log
    start.workers = workers
    return start


def freeze_a_report():
    """A report frozen, its files enqueued once the freeze commits."""
    milestone = MilestoneFactory()
    report = StatusReportFactory(work_plan=milestone.priority.work_plan)
    return services.report_freeze(report=report, by=StaffFactory())


def slow_rendering_started(render_log):
    tag = "-".join(SLOW_FILE)
    return wait_for(lambda: render_log.events("start", tag), message="the slow rendering started")[0]


def assert_rendered_exactly_once(report, render_log, workers, media_root, *, slow_attempts):
    files = StatusReportFile.objects.filter(report=report)
    tag = "-".join(SLOW_FILE)
    slow = files.get(format=SLOW_FILE[0], language=SLOW_FILE[1])
    # Every file is ready, the slow one after its killed attempt and the one that took over,
    assert set(files.values_list("status", flat=True)) == {RenderStatus.READY}
    assert slow.attempts == slow_attempts
    assert set(files.exclude(pk=slow.pk).values_list("attempts", flat=True)) == {1}
    # its rendering started twice, and was completed and stored once;
    assert len(render_log.events("start", tag)) == 2
    assert len(render_log.events("done", tag)) == 1
    stored = re.findall(
        rf"Rendered status report file {slow.pk} \(attempt \d+\)", "".join(w.log_text() for w in workers)
    )
    assert stored == [f"Rendered status report file {slow.pk} (attempt {slow_attempts})"]
    # every other file was rendered once, and no half-made file was left behind.
    for done_tag in {line[2] for line in render_log.events("done")} - {tag}:
        assert len(render_log.events("done", done_tag)) == 1, done_tag
    assert len(render_log.events("done")) == len(services.REPORT_FILES)
    assert len([path for path in media_root.rglob("*") if path.is_file()]) == len(services.REPORT_FILES)
    assert slow.file.open("rb").read(2) == b"PK"


def wait_until_all_ready(report, workers):
    files = StatusReportFile.objects.filter(report=report)

    def all_ready():
        assert not files.filter(status=RenderStatus.FAILED).exists(), list(files.values_list("format", "error"))
        return set(files.values_list("status", flat=True)) == {RenderStatus.READY}

    logs = "\n".join(w.log_text()[-3000:] for w in workers)
    wait_for(all_ready, message=f"every file rendered\n{logs}")


def test_a_pool_process_killed_while_rendering_is_replaced_and_the_file_rendered_once(start_worker, media_root):
    # Given a worker whose pool process renders the report's files, one of them slowly,
    worker = start_worker(pool="prefork")
    report = freeze_a_report()
    _, pid, _ = slow_rendering_started(start_worker.render_log)
    slow = StatusReportFile.objects.get(report=report, format=SLOW_FILE[0], language=SLOW_FILE[1])
    assert slow.status == RenderStatus.RUNNING

    # a second rendering of the claimed file, at the same time, is impossible;
    with pytest.raises(services.RenderBusy):
        services.report_file_render(file_id=slow.pk)

    # when that process is killed in the middle of the rendering,
    os.kill(int(pid), signal.SIGKILL)

    # then the worker gives the task back (reject_on_worker_lost), a new pool process
    # takes it, waits for the dead rendering's claim to lapse and renders the file once.
    wait_until_all_ready(report, start_worker.workers)
    assert "signal 9 (SIGKILL)" in worker.log_text()
    assert worker.process.poll() is None
    pids = {line[1] for line in start_worker.render_log.events("start", "-".join(SLOW_FILE))}
    assert len(pids) == 2
    assert_rendered_exactly_once(report, start_worker.render_log, start_worker.workers, media_root, slow_attempts=2)


def test_a_worker_killed_while_rendering_loses_nothing_and_the_next_worker_renders_the_file_once(
    start_worker, media_root
):
    # Given a worker rendering the report's files, one of them slowly; Redis gives an
    # unacknowledged task to another worker after 3 s,
    first = start_worker(visibility_timeout=3)
    report = freeze_a_report()
    slow_rendering_started(start_worker.render_log)
    slow = StatusReportFile.objects.get(report=report, format=SLOW_FILE[0], language=SLOW_FILE[1])
    claimed_at = slow.modified_at

    # when the worker is killed (kill -9) in the middle of the rendering,
    first.kill()

    # the file stays claimed by the dead rendering, and nothing else is lost:
    slow.refresh_from_db()
    assert (slow.status, slow.attempts) == (RenderStatus.RUNNING, 1)
    assert not StatusReportFile.objects.filter(report=report, status=RenderStatus.FAILED).exists()

    # then a new worker gets the task back, waits for the claim to lapse, and renders the
    # file once; with every file the dead worker had not done.
    start_worker(visibility_timeout=3)
    wait_until_all_ready(report, start_worker.workers)
    slow.refresh_from_db()
    assert slow.rendered_at >= claimed_at + datetime.timedelta(seconds=LEASE_SECONDS)
    assert_rendered_exactly_once(report, start_worker.render_log, start_worker.workers, media_root, slow_attempts=2)
