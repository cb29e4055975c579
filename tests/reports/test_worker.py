"""Integration: a report frozen through the API is rendered by a real Celery worker, fed
by Redis, and every file is then downloadable.

The worker is a subprocess (``celery -A cogwg worker``) on a Redis database of its own
(``redis://127.0.0.1:6379/15``), sharing the test database (PostgreSQL when DATABASE_URL
points to it, else the SQLite file the test settings use) and a media folder with this
process. Its Redis keys carry a prefix of this run's own, so that two runs at once (two
developers' suites on one machine) never take each other's tasks. It is terminated at the
end, whatever happened.
"""

import io
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pypdf
import pytest
import redis
from django.db import connection
from rest_framework.test import APIClient

from cogwg.choices import RenderStatus, ReportFormat, StatusReportState
from cogwg.models import StatusReportFile
from tests.conftest import skip_or_fail
from tests.ops.faults import use_broker

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]

BROKER_URL = "redis://127.0.0.1:6379/15"
KEY_PREFIX = f"cogwg-reports-test-{os.getpid()}:"
# Bounded: the worker must start and render eight files (two PDFs) within this.
TIMEOUT_SECONDS = 90


@pytest.fixture
def worker(require_redis, transactional_db, tmp_path, settings):

    if connection.vendor == "sqlite" and connection.is_in_memory_db():
        skip_or_fail("the SQLite test database is in memory: a worker process cannot share it")
    media = tmp_path / "media"
    media.mkdir()
    settings.MEDIA_ROOT = str(media)
    settings.STORAGES = {**settings.STORAGES, "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"}}
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "cogwg.settings.test",
        "COGWG_TEST_WORKER_BROKER_URL": BROKER_URL,
        "COGWG_TEST_WORKER_DATABASE": str(connection.settings_dict["NAME"]),
        "COGWG_TEST_WORKER_MEDIA_ROOT": str(media),
        "COGWG_TEST_WORKER_KEY_PREFIX": KEY_PREFIX,
    }
    log_path = tmp_path / "worker.log"
    with open(log_path, "w") as log:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "cogwg",
                "worker",
                "--pool=solo",
                "--loglevel=INFO",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
                f"--hostname=reports-test-{os.getpid()}@%h",
            ],
            cwd=Path(settings.BASE_DIR),
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    use_broker(BROKER_URL, eager=False, key_prefix=KEY_PREFIX)
    try:
        yield process, log_path
    finally:
        use_broker("", eager=True)
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)
        broker = redis.Redis.from_url(BROKER_URL)
        for key in broker.scan_iter(f"{KEY_PREFIX}*"):
            broker.delete(key)


def wait_until_rendered(report, process, log_path):
    deadline = time.monotonic() + TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        statuses = dict(StatusReportFile.objects.filter(report=report).values_list("pk", "status"))
        if statuses and set(statuses.values()) <= {RenderStatus.READY, RenderStatus.FAILED}:
            return
        if process.poll() is not None:
            break
        time.sleep(0.5)
    pytest.fail(
        f"files not rendered within {TIMEOUT_SECONDS}s (worker exit code {process.poll()}): "
        f"{sorted(StatusReportFile.objects.filter(report=report).values_list('format', 'language', 'status'))}\n"
        f"--- worker log ---\n{log_path.read_text()[-5000:]}"
    )


def test_a_report_frozen_through_the_api_is_rendered_by_the_worker(worker, draft_report, staff):
    process, log_path = worker
    client = APIClient()
    # A session: the download is a page of the site, and the report is not yet published.
    client.force_login(staff)

    response = client.post(f"/api/v1/status-reports/{draft_report.pk}/freeze/")

    assert response.status_code == 200, response.content
    assert response.json()["state"] == StatusReportState.FINAL
    wait_until_rendered(draft_report, process, log_path)
    files = client.get(f"/api/v1/status-reports/{draft_report.pk}/files/").json()
    assert [(f["format"], f["language"], f["status"], f["error"]) for f in files if f["status"] != "ready"] == []
    assert {f["attempts"] for f in files} == {1}
    # Rendered by the worker, not here: the worker's log names each task.
    assert log_path.read_text().count("cogwg.reports.tasks.render_report_file") >= 8

    pdf = next(f for f in files if (f["format"], f["language"]) == (ReportFormat.PDF, "fr"))
    download = client.get(pdf["download_url"])
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    body = b"".join(download.streaming_content)
    assert body.startswith(b"%PDF")
    text = " ".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(body)).pages)
    assert "Littératie en matière de gouvernement ouvert" in " ".join(text.split())
