"""Fixtures of the ops tests: production settings in a subprocess, a gunicorn server run
with deploy/gunicorn.conf.py, a TCP proxy that can cut a server off its database, and the
fault tests' broker of their own (down until started) and workers."""

import contextlib
import http.client
import json
import os
import secrets
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

BASE_DIR = Path(__file__).resolve().parents[2]
PYTHON = sys.executable


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# A port nothing listens on: bound then released, so a connection is refused at once.
closed_port = free_port


def production_env(**overrides):
    """The environment of a production process: the project's variables from this
    process dropped, the required secrets given."""
    env = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("DJANGO_", "DATABASE_URL", "CACHE_URL", "CELERY_", "GUNICORN_"))
    }
    env.update(
        DJANGO_SETTINGS_MODULE="cogwg.settings.production",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(64),
        DJANGO_ALLOWED_HOSTS="example.org,127.0.0.1",
        DATABASE_URL="postgres://postgres@127.0.0.1:5432/postgres",
        # A mail server is required (cogwg/checks.py refuses the console): nothing listens
        # there, and none of these processes sends mail unless a test points it elsewhere.
        EMAIL_URL=f"smtp://127.0.0.1:{closed_port()}",
        DEFAULT_FROM_EMAIL="COGWG Tracker <cogwg@tracker.example.gc.ca>",
        # A broker is required too (production.py): nothing listens there either, and a
        # task sent there waits in the outbox (cogwg/outbox.py) unless a test points it elsewhere.
        CELERY_BROKER_URL=f"redis://127.0.0.1:{closed_port()}/0",
    )
    env.update(overrides)
    return {name: value for name, value in env.items() if value is not None}


def manage(*args, env, timeout=120):
    return subprocess.run(
        [PYTHON, "manage.py", *args], cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=timeout
    )


class Response:
    def __init__(self, status, headers, body):
        self.status, self.headers, self.body = status, headers, body

    def header(self, name):
        return self.headers.get(name.lower())

    def json(self):
        return json.loads(self.body)


class Server:
    """gunicorn serving the project with deploy/gunicorn.conf.py, one worker, on a free
    port of 127.0.0.1; its stdout and stderr (JSON lines) kept in files."""

    def __init__(self, env, log_dir):
        self.port = free_port()
        self.env = {**env, "GUNICORN_BIND": f"127.0.0.1:{self.port}", "GUNICORN_WORKERS": "1"}
        self.stdout_path, self.stderr_path = log_dir / "gunicorn.out", log_dir / "gunicorn.err"
        self.process = None

    def start(self, timeout=30):
        with self.stdout_path.open("wb") as out, self.stderr_path.open("wb") as err:
            self.process = subprocess.Popen(
                [PYTHON, "-m", "gunicorn", "--config", "deploy/gunicorn.conf.py", "cogwg.wsgi"],
                cwd=BASE_DIR,
                env=self.env,
                stdout=out,
                stderr=err,
            )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                pytest.fail(f"gunicorn exited ({self.process.returncode}):\n{self.logs_text()}")
            try:
                if self.get("/healthz").status == 200:
                    return self
            except OSError:
                pass
            time.sleep(0.2)
        self.stop()
        pytest.fail(f"gunicorn did not answer /healthz within {timeout} s:\n{self.logs_text()}")

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def get(self, path, headers=None):
        # As nginx sends it: the client used https.
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=15)
        try:
            connection.request(
                "GET", path, headers={"Host": "example.org", "X-Forwarded-Proto": "https", **(headers or {})}
            )
            response = connection.getresponse()
            body = response.read()
            return Response(response.status, {k.lower(): v for k, v in response.getheaders()}, body)
        finally:
            connection.close()

    def logs_text(self):
        return "\n".join(path.read_text(errors="replace") for path in (self.stdout_path, self.stderr_path))

    def log_records(self):
        """Every JSON line gunicorn and Django wrote; a line that is not JSON fails."""
        records = []
        for line in self.logs_text().splitlines():
            if line.strip():
                try:
                    records.append(json.loads(line))
                except json.JSONDecodeError:
                    pytest.fail(f"log line is not JSON: {line!r}")
        return records


@pytest.fixture(scope="session")
def collected_static(tmp_path_factory):
    """collectstatic under production settings (hashed, compressed files), once. The
    API documentation bundles (drf-spectacular-sidecar, third-party, several MB of
    JavaScript) are left out: brotli would double the time and the tests use none."""
    root = tmp_path_factory.mktemp("static")
    env = production_env(DATABASE_URL="sqlite:///:memory:", DJANGO_STATIC_ROOT=str(root))
    result = manage("collectstatic", "--noinput", "--ignore", "drf_spectacular_sidecar", env=env, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    return root


@pytest.fixture
def start_server(tmp_path, collected_static):
    """Start gunicorn with production settings (and the probe views) plus the given
    environment; stopped at the end of the test."""
    servers = []

    def start(**env_overrides):
        env = production_env(
            DJANGO_SETTINGS_MODULE="tests.ops.server_settings",
            DJANGO_STATIC_ROOT=str(collected_static),
            **env_overrides,
        )
        log_dir = tmp_path / f"server{len(servers)}"
        log_dir.mkdir()
        server = Server(env, log_dir)
        servers.append(server)
        return server.start()

    yield start
    for server in servers:
        server.stop()


class TcpProxy:
    """Forwards 127.0.0.1:<port> to a target port; ``cut()`` drops every connection and
    refuses new ones (the database host is gone), ``restore()`` listens again."""

    def __init__(self, target_port):
        self.target_port = target_port
        self.port = free_port()
        self.sockets = set()
        self.lock = threading.Lock()
        self.listener = None
        self.running = False

    def start(self):
        self.listener = socket.socket()
        self.listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.listener.bind(("127.0.0.1", self.port))
        self.listener.listen(16)
        self.listener.settimeout(0.1)
        self.running = True
        threading.Thread(target=self._accept, args=(self.listener,), daemon=True).start()
        return self

    def _accept(self, listener):
        while self.running:
            try:
                client, _ = listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            try:
                upstream = socket.create_connection(("127.0.0.1", self.target_port), timeout=5)
            except OSError:
                client.close()
                continue
            client.settimeout(None)
            upstream.settimeout(None)
            with self.lock:
                self.sockets.update((client, upstream))
            threading.Thread(target=self._pump, args=(client, upstream), daemon=True).start()
            threading.Thread(target=self._pump, args=(upstream, client), daemon=True).start()

    def _pump(self, source, target):
        try:
            while data := source.recv(65536):
                target.sendall(data)
        except OSError:
            pass
        finally:
            for sock in (source, target):
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)

    def cut(self):
        self.running = False
        self.listener.close()
        time.sleep(0.2)
        with self.lock:
            for sock in self.sockets:
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)
                sock.close()
            self.sockets.clear()

    def restore(self):
        return self.start()


# The fault tests' own broker and workers (tests/ops/faults.py, which imports this module:
# hence the imports inside the fixtures).


@pytest.fixture
def broker_down(require_redis, tmp_path):
    """A Redis of the test's own that this process's Celery sends to, not started: the
    broker is down until the test calls ``start()``."""
    from tests.ops.faults import RedisServer, require_shared_database, use_broker

    require_shared_database()
    server = RedisServer(tmp_path)
    use_broker(server.url, eager=False)
    yield server
    use_broker("", eager=True)
    server.stop()


@pytest.fixture
def broker(broker_down):
    """The same Redis of the test's own, started."""
    return broker_down.start()


@pytest.fixture
def media_root(tmp_path, settings):
    """A media folder on disk that this process and the workers (given it) share."""
    media = tmp_path / "media"
    media.mkdir()
    settings.MEDIA_ROOT = str(media)
    settings.STORAGES = {**settings.STORAGES, "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"}}
    return media


@pytest.fixture
def workers():
    """The workers (tests/ops/faults.py) a test appends, stopped at its end."""
    started = []
    yield started
    for worker in started:
        worker.stop()
