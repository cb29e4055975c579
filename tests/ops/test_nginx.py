"""deploy/nginx.conf run by a real nginx (skipped where none is installed:
`apt-get install -y nginx`), rendered as the nginx image renders it (its envsubst of
nginx-env.conf.template), with only its paths and ports changed, in front of a stand-in
for gunicorn that answers with the headers it was sent."""

import functools
import http.client
import json
import os
import re
import shutil
import socket
import subprocess
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from tests.conftest import skip_or_fail
from tests.ops.conftest import BASE_DIR, free_port

DEPLOY = BASE_DIR / "deploy"
NGINX = shutil.which("nginx") or next((p for p in ("/usr/sbin/nginx",) if os.access(p, os.X_OK)), None)


@pytest.fixture(autouse=True)
def nginx_installed():
    """Skipped with the reason where nginx is missing; a failure in CI (skip_or_fail),
    which installs it (.ci/run)."""
    if NGINX is None:
        skip_or_fail("nginx is not installed (apt-get install -y nginx)")


# docker-compose.yml's nginx environment at .env.example's values.
COMPOSE_DEFAULTS = {
    "COGWG_TRUSTED_PROXY_CIDR": "127.0.0.1/32",
    "COGWG_HSTS_SECONDS": "31536000",
    "COGWG_HSTS_INCLUDE_SUBDOMAINS": "true",
    "COGWG_HSTS_PRELOAD": "true",
    "COGWG_ALLOWED_HOSTS": "localhost,127.0.0.1",
}


def render_template(values):
    """As the image's 20-envsubst-on-templates.sh with NGINX_ENVSUBST_FILTER=COGWG_:
    ${COGWG_…} (or $COGWG_…) replaced by the variable's value when it is set."""
    template = (DEPLOY / "nginx-env.conf.template").read_text()
    return re.sub(r"\$(\{)?(COGWG_\w*)(?(1)\})", lambda match: values.get(match.group(2), match.group(0)), template)


def local_copy(directory, port, upstream):
    """nginx.conf with its paths and ports changed, nothing else."""
    conf = (DEPLOY / "nginx.conf").read_text()
    replacements = [
        ("pid /tmp/nginx.pid;", f"pid {directory}/nginx.pid;"),
        ("listen [::]:80 default_server;", ""),
        ("include /etc/nginx/cogwg-env.conf;", f"include {directory}/cogwg-env.conf;"),
        ("include /etc/nginx/cogwg-security-headers.conf;", f"include {DEPLOY}/nginx-security-headers.conf;"),
        ("alias /srv/static/;", f"alias {directory}/static/;"),
        ("root /srv/errors;", f"root {DEPLOY};"),
        ("access_log /dev/stdout json;", f"access_log {directory}/access.log json;"),
    ]
    if upstream:
        replacements.append(('set $cogwg_web "web:8000";', f'set $cogwg_web "{upstream}";'))
    for old, new in replacements:
        assert old in conf, old
        conf = conf.replace(old, new)
    conf = conf.replace("listen 80 default_server;", f"listen 127.0.0.1:{port} default_server;")
    if not Path("/etc/nginx/mime.types").exists():
        conf = conf.replace("include /etc/nginx/mime.types;", "types { text/css css; text/plain txt; }")
    temp = "".join(f"    {kind}_temp_path {directory}/{kind};\n" for kind in ("client_body", "proxy"))
    conf = conf.replace("http {\n", f"http {{\n{temp}", 1)
    # Started by root, nginx's workers would run as nobody, who cannot read pytest's
    # directories (the static file): they run as root here.
    return f"user root;\n{conf}" if os.geteuid() == 0 else conf


def configure(directory, upstream=None, **environment):
    """A directory with the rendered configuration and a static file; nginx's port."""
    port = free_port()
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "static").mkdir()
    (directory / "static" / "app.css").write_text("body{}\n")
    (directory / "cogwg-env.conf").write_text(render_template({**COMPOSE_DEFAULTS, **environment}))
    (directory / "nginx.conf").write_text(local_copy(directory, port, upstream))
    return port


def nginx_command(directory):
    return [NGINX, "-p", f"{directory}/", "-e", f"{directory}/error.log", "-c", f"{directory}/nginx.conf"]


class Echo(BaseHTTPRequestHandler):
    """gunicorn's stand-in: answers with the path and headers nginx sent it."""

    def do_GET(self):
        body = json.dumps({"path": self.path, "headers": {k.lower(): v for k, v in self.headers.items()}}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def upstream():
    server = ThreadingHTTPServer(("127.0.0.1", 0), Echo)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.fixture
def start_nginx(tmp_path):
    """Start nginx in front of an upstream (host:port) with the given environment; stopped
    (its own process, by its id) at the end."""
    started = []

    def start(upstream, **environment):
        directory = tmp_path / f"nginx-{len(started)}"
        port = configure(directory, upstream, **environment)
        process = subprocess.Popen(
            [*nginx_command(directory), "-g", "daemon off;"], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
        )
        started.append(process)
        deadline = time.monotonic() + 10
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                return port
            except OSError:
                assert process.poll() is None, process.stderr.read().decode()
                assert time.monotonic() < deadline, "nginx did not start"
                time.sleep(0.05)

    yield start
    for process in started:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture
def serve(start_nginx, upstream):
    """nginx in front of the stand-in for gunicorn."""
    return functools.partial(start_nginx, upstream)


def get(port, path, headers=None):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    connection.request("GET", path, headers=headers or {})
    response = connection.getresponse()
    body = response.read()
    connection.close()
    return response, body


def seen_by_gunicorn(port, path="/en/", headers=None):
    response, body = get(port, path, headers)
    assert response.status == 200, body
    return json.loads(body)


def test_the_configuration_is_valid_and_resolves_web_only_when_asked(tmp_path):
    """`web` is left as it is: with an upstream block nginx would refuse to start wherever
    the name does not resolve (and resolve it once only, where it does)."""
    directory = tmp_path / "nginx"
    configure(directory)
    result = subprocess.run([*nginx_command(directory), "-t"], capture_output=True, text=True, timeout=30)

    assert result.returncode == 0, result.stderr
    assert 'set $cogwg_web "web:8000";' in (directory / "nginx.conf").read_text()


def test_a_client_cannot_choose_its_address(serve):
    port = serve(COGWG_TRUSTED_PROXY_CIDR="192.0.2.0/24")  # a balancer elsewhere: not this client

    seen = seen_by_gunicorn(port, headers={"X-Forwarded-For": "203.0.113.66"})

    assert seen["headers"]["x-forwarded-for"] == "127.0.0.1"


def test_behind_the_trusted_balancer_the_client_is_the_one_it_saw(serve):
    port = serve(COGWG_TRUSTED_PROXY_CIDR="127.0.0.1/32")  # the balancer is this peer

    # The client wrote the first address itself; the balancer appended the one it saw.
    chained = seen_by_gunicorn(port, headers={"X-Forwarded-For": "198.51.100.1, 203.0.113.9"})
    alone = seen_by_gunicorn(port, headers={"X-Forwarded-For": "203.0.113.9"})

    assert chained["headers"]["x-forwarded-for"] == "203.0.113.9"
    assert alone["headers"]["x-forwarded-for"] == "203.0.113.9"


@pytest.mark.parametrize(
    ("environment", "hsts"),
    [
        ({}, "max-age=31536000; includeSubDomains; preload"),
        ({"COGWG_HSTS_INCLUDE_SUBDOMAINS": "false"}, "max-age=31536000; preload"),
        ({"COGWG_HSTS_PRELOAD": "False", "COGWG_HSTS_INCLUDE_SUBDOMAINS": "off"}, "max-age=31536000"),
        ({"COGWG_HSTS_SECONDS": "600", "COGWG_HSTS_PRELOAD": "0"}, "max-age=600; includeSubDomains"),
        ({"COGWG_HSTS_SECONDS": "0"}, None),
    ],
)
def test_nginx_s_own_answers_carry_django_s_hsts_header(serve, environment, hsts):
    port = serve(**environment)

    over_https, _ = get(port, "/static/app.css", {"X-Forwarded-Proto": "https"})
    over_http, _ = get(port, "/static/app.css")

    assert over_https.status == 200
    assert over_https.getheader("Strict-Transport-Security") == hsts
    assert over_http.getheader("Strict-Transport-Security") is None


@pytest.mark.parametrize(
    ("allowed_hosts", "host"),
    [
        (".tracker.example.gc.ca, example.org", "tracker.example.gc.ca"),
        ("tracker.example.gc.ca", "tracker.example.gc.ca"),
        ("*", "localhost"),
    ],
)
def test_a_balancer_s_probe_with_an_ip_host_reaches_gunicorn_s_healthz(serve, allowed_hosts, host):
    port = serve(COGWG_ALLOWED_HOSTS=allowed_hosts)

    seen = seen_by_gunicorn(port, "/nginx-healthz/web", {"Host": "10.1.2.3"})
    alone, body = get(port, "/nginx-healthz", {"Host": "10.1.2.3"})

    assert seen["path"] == "/healthz"
    assert seen["headers"]["host"] == host
    assert (alone.status, body) == (200, b"ok\n")


def test_requests_reach_gunicorn_with_their_host_and_path(serve):
    port = serve()

    seen = seen_by_gunicorn(port, "/en/stories/?page=2", {"Host": "localhost:8080", "X-Request-ID": "abc"})

    assert seen["path"] == "/en/stories/?page=2"
    assert seen["headers"]["host"] == "localhost:8080"
    assert seen["headers"]["x-request-id"] == "abc"
    assert seen["headers"]["x-forwarded-proto"] == "http"


# The scheme: Django believes X-Forwarded-Proto (SECURE_PROXY_SSL_HEADER), and gunicorn
# takes its two other scheme headers for wsgi.url_scheme; nginx alone sets them.
CLAIMS_HTTPS = {"X-Forwarded-Proto": "https", "X-Forwarded-Ssl": "on", "X-Forwarded-Protocol": "ssl"}


def test_a_client_cannot_choose_its_scheme(serve):
    port = serve(COGWG_TRUSTED_PROXY_CIDR="192.0.2.0/24")  # a balancer elsewhere: not this client

    seen = seen_by_gunicorn(port, headers=CLAIMS_HTTPS)
    static, _ = get(port, "/static/app.css", CLAIMS_HTTPS)

    assert seen["headers"]["x-forwarded-proto"] == "http"
    assert "x-forwarded-ssl" not in seen["headers"]
    assert "x-forwarded-protocol" not in seen["headers"]
    assert static.getheader("Strict-Transport-Security") is None  # nginx's own answer: http too


@pytest.mark.parametrize(
    ("sent", "passed"),
    [
        ("https", "https"),
        ("HTTPS", "https"),
        ("http", "http"),
        ("https, http", "http"),
        ("gopher", "http"),
        (None, "http"),
    ],
)
def test_the_trusted_balancer_tells_the_scheme_it_received(serve, sent, passed):
    """http or https from the balancer; anything else, or nothing: the scheme nginx received."""
    port = serve(COGWG_TRUSTED_PROXY_CIDR="127.0.0.1/32")  # the balancer is this peer

    seen = seen_by_gunicorn(port, headers={"X-Forwarded-Proto": sent} if sent else {})

    assert seen["headers"]["x-forwarded-proto"] == passed


@pytest.fixture
def django_behind_nginx(start_server, start_nginx, tmp_path):
    """gunicorn with the production settings (tests/ops/conftest.py), HTTPS required, and
    nginx in front of it with the given environment: nginx's port."""

    def start(**environment):
        server = start_server(DATABASE_URL=f"sqlite:///{tmp_path / 'ops.sqlite3'}")
        return start_nginx(f"127.0.0.1:{server.port}", **environment)

    return start


def test_django_redirects_a_client_that_claims_https_over_plain_http(django_behind_nginx):
    port = django_behind_nginx(COGWG_TRUSTED_PROXY_CIDR="192.0.2.0/24")  # not this client

    response, _ = get(port, "/en/ops-probe/log/", {"Host": "example.org", **CLAIMS_HTTPS})

    assert response.status == 301
    assert response.getheader("Location") == "https://example.org/en/ops-probe/log/"
    assert response.getheader("Strict-Transport-Security") is None


def test_django_believes_the_trusted_balancer_s_scheme(django_behind_nginx):
    port = django_behind_nginx(COGWG_TRUSTED_PROXY_CIDR="127.0.0.1/32")  # the balancer is this peer

    over_https, body = get(port, "/en/ops-probe/log/", {"Host": "example.org", "X-Forwarded-Proto": "https"})
    over_http, _ = get(port, "/en/ops-probe/log/", {"Host": "example.org", "X-Forwarded-Proto": "http"})

    assert (over_https.status, body) == (200, b"logged")
    assert over_https.getheader("Strict-Transport-Security") == "max-age=31536000; includeSubDomains; preload"
    assert over_http.status == 301
    assert over_http.getheader("Location") == "https://example.org/en/ops-probe/log/"
