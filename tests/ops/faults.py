"""What the fault tests of the broker and the workers (tests/ops/test_faults_*.py) share:
a Redis server of their own that a test starts and stops, real Celery workers on it (the
project's app, with tests/ops/fault_worker.py's render log and slow renderer), and a way
to point this process's Celery app at a broker.

The shared Redis of the machine is never stopped: a test that needs the broker to go
away starts its own ``redis-server`` on a free port and ends it, by its process id."""

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import kombu.pools
import pytest
import redis
from django.db import connection

from cogwg.celery import app
from tests.conftest import skip_or_fail
from tests.ops.conftest import BASE_DIR, free_port

# A worker must start, or a file be rendered, within this many seconds.
TIMEOUT_SECONDS = 60


def wait_for(predicate, *, timeout=TIMEOUT_SECONDS, interval=0.2, message="condition"):
    """Poll ``predicate`` until it returns a true value, which is returned; fail after
    ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    pytest.fail(f"{message}: not within {timeout} s")


def use_broker(url, *, eager, key_prefix=None):
    """Point this process's Celery app at ``url`` (or back to eager), dropping the
    connection and producer pools made for the previous broker. They live in kombu's
    registry, keyed by broker address, beside the app: a pool closed but left there
    would be handed out again to the next task sent to that address (even an eager one
    takes a producer) and fail with "Acquire on closed pool"."""
    app.conf.broker_url = url
    app.conf.task_always_eager = eager
    app.conf.broker_transport_options = {"global_keyprefix": key_prefix} if key_prefix else {}
    kombu.pools.reset()
    app._pool = None
    if "amqp" in app.__dict__:
        app.amqp._producer_pool = None


class RedisServer:
    """``redis-server`` on a free port of 127.0.0.1, keeping nothing on disk. The port is
    chosen at once, so that a broker URL can name it before the server runs."""

    def __init__(self, log_dir: Path):
        if not shutil.which("redis-server"):
            skip_or_fail("redis-server is not installed (apt-get install -y redis-server)")
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.log_path = log_dir / f"redis-{self.port}.log"
        self.process = None

    def start(self):
        self.process = subprocess.Popen(
            [
                "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.log_path.parent),
                "--logfile",
                str(self.log_path),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        client = redis.Redis(host="127.0.0.1", port=self.port, socket_connect_timeout=0.5)

        def answers():
            if self.process.poll() is not None:
                pytest.fail(f"redis-server exited ({self.process.returncode}): {self.log_path.read_text()}")
            try:
                return client.ping()
            except redis.ConnectionError:
                return False

        wait_for(answers, timeout=15, message=f"redis-server on port {self.port}")
        return self

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)


class Worker:
    """``celery worker`` with the project's tasks (the app of tests/ops/fault_worker.py),
    sharing this process's test database and a media folder; its log in a file. ``queues``:
    the queues it consumes, comma-separated (default: the default queue only)."""

    # What its log says once it takes tasks.
    ready_text = " ready."

    def __init__(self, *, broker_url, media_root, log_path, pool="solo", queues=None, env=None):
        self.log_path = log_path
        self.hostname = f"faults-{os.getpid()}-{log_path.stem}@%h"
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "tests.ops.worker_settings",
            "COGWG_TEST_WORKER_BROKER_URL": broker_url,
            "COGWG_TEST_WORKER_DATABASE": str(connection.settings_dict["NAME"]),
            "COGWG_TEST_WORKER_MEDIA_ROOT": str(media_root),
            # A broker of the test's own: no other run shares its keys.
            "COGWG_TEST_WORKER_KEY_PREFIX": "",
            **(env or {}),
        }
        self.args = [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "tests.ops.fault_worker",
            "worker",
            f"--pool={pool}",
            "--concurrency=1",
            "--loglevel=INFO",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            f"--hostname={self.hostname}",
            # Those it consumes (as docker-compose.yml's workers name theirs); by default the default queue.
            *([f"--queues={queues}"] if queues else []),
        ]
        self.process = None

    def start(self):
        with open(self.log_path, "w") as log:
            self.process = subprocess.Popen(
                self.args, cwd=BASE_DIR, env=self.env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
            )
        wait_for(self._ready, message=f"worker ready (log: {self.log_path})")
        return self

    def _ready(self):
        if self.process.poll() is not None:
            pytest.fail(f"worker exited ({self.process.returncode}):\n{self.log_text()}")
        return self.ready_text in self.log_text()

    def log_text(self):
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def kill(self):
        """``kill -9`` the worker and every process of its pool, with no warning."""
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=10)


class Beat(Worker):
    """``celery beat`` with the project's schedule and scheduler (django-celery-beat's, in
    this process's test database), sending to the test's broker; its log in a file."""

    ready_text = "beat: Starting..."

    def __init__(self, *, broker_url, media_root, log_path, env=None):
        super().__init__(broker_url=broker_url, media_root=media_root, log_path=log_path, env=env)
        self.args = [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "tests.ops.fault_worker",
            "beat",
            "--loglevel=INFO",
            f"--schedule={log_path.with_suffix('.schedule')}",
            # Wakes up every second: what a test changes in the schedule is seen at once.
            "--max-interval=1",
        ]


def require_shared_database():
    if connection.vendor == "sqlite" and connection.is_in_memory_db():
        skip_or_fail("the SQLite test database is in memory: a worker process cannot share it")


class RenderLog:
    """The lines the workers' renderer writes (tests/ops/fault_worker.py): ``start`` and
    ``done`` with the process id and the file's format and language."""

    def __init__(self, path: Path):
        self.path = path

    def lines(self):
        if not self.path.exists():
            return []
        return [line.split() for line in self.path.read_text().splitlines() if line.strip()]

    def events(self, event, tag=None):
        return [line for line in self.lines() if line[0] == event and (tag is None or line[2] == tag)]
