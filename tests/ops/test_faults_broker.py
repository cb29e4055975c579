"""Fault: the broker is unreachable when a report is frozen. The freeze still succeeds, the
render jobs wait as pending rows in the database, and once the broker is back the sweeper
(as beat runs it) enqueues them and a real worker renders each once: nothing lost.

The broker is a ``redis-server`` of this test's own on a free port, not yet started when
the report is frozen (a connection is refused at once), started afterwards."""

import logging
import time

import pytest
from rest_framework.test import APIClient

from cogwg.choices import RenderStatus, StatusReportState
from cogwg.models import StatusReportFile
from cogwg.reports import services
from cogwg.reports.tasks import render_report_file, sweep_pending_report_files
from tests.factories import MilestoneFactory, StaffFactory, StatusReportFactory
from tests.ops.faults import RenderLog, Worker, wait_for

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]


def test_a_freeze_with_the_broker_down_keeps_the_jobs_and_the_sweeper_renders_them_once_it_is_back(
    broker_down, workers, media_root, tmp_path, caplog, monkeypatch
):
    staff = StaffFactory()
    milestone = MilestoneFactory()
    report = StatusReportFactory(work_plan=milestone.priority.work_plan)
    client = APIClient()
    client.force_authenticate(staff)

    # When the report is frozen through the API with the broker unreachable,
    attempts = []
    delay = render_report_file.delay
    monkeypatch.setattr(render_report_file, "delay", lambda *args: attempts.append(args) or delay(*args))
    with caplog.at_level(logging.ERROR, logger="cogwg.reports.services"):
        response = client.post(f"/api/v1/status-reports/{report.pk}/freeze/")
    monkeypatch.undo()

    # then the freeze succeeds, at the cost of one attempt to reach the broker, not one per file,
    assert response.status_code == 200, response.content
    assert response.json()["state"] == StatusReportState.FINAL
    assert len(attempts) == 1
    # and every render job is kept, pending, with nothing attempted;
    files = StatusReportFile.objects.filter(report=report)
    assert files.count() == len(services.REPORT_FILES)
    assert set(files.values_list("status", "attempts")) == {(RenderStatus.PENDING, 0)}
    # the failure is logged once, naming every file left to the sweeper.
    failures = [r for r in caplog.records if r.getMessage().startswith("Could not enqueue")]
    assert len(failures) == 1
    assert all(str(pk) in failures[0].getMessage() for pk in files.values_list("pk", flat=True))

    # When the broker is back and a worker runs, nothing is rendered before the sweep:
    broker_down.start()
    render_log = RenderLog(tmp_path / "renders.log")
    worker = Worker(
        broker_url=broker_down.url,
        media_root=media_root,
        log_path=tmp_path / "worker.log",
        env={"COGWG_TEST_RENDER_LOG": str(render_log.path)},
    )
    workers.append(worker.start())
    time.sleep(1)
    assert set(files.values_list("status", flat=True)) == {RenderStatus.PENDING}

    # then the sweeper, sent as beat sends it, enqueues the pending files,
    sweep_pending_report_files.apply_async(kwargs={"pending_minutes": 0})

    def all_rendered():
        statuses = set(files.values_list("status", flat=True))
        assert RenderStatus.FAILED not in statuses, list(files.values_list("format", "language", "error"))
        return statuses == {RenderStatus.READY}

    wait_for(all_rendered, message=f"files rendered by the worker\n{worker.log_text()[-4000:]}")

    # and the worker renders each of them once.
    assert set(files.values_list("attempts", flat=True)) == {1}
    assert len(render_log.events("done")) == len(services.REPORT_FILES)
    assert len({line[2] for line in render_log.events("done")}) == len(services.REPORT_FILES)
    assert all(file.file.read(4) for file in files)
    pdf = files.get(format="pdf", language="en")
    assert pdf.file.open("rb").read(4) == b"%PDF"
