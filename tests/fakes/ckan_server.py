"""A CKAN portal and a set of good and bad web pages, served on 127.0.0.1, so that no test
reaches the internet.

Use the ``ckan_server`` fixture (tests/conftest.py loads this module as a plugin). It gives
a :class:`FakeCkan`: add packages with ``ckan_server.add(ckan_package(...))``, then point
the code at ``ckan_server.portal_url`` (open.canada.ca style, ``/data``, with pages under
``/data/en/dataset/<name>``) or ``ckan_server.base_url`` (data.ontario.ca style, pages
under ``/dataset/<name>``). The server answers like CKAN's Action API:

- ``/api/3/action/package_show?id=<id or name>``: ``{"success": true, "result": …}``, or
  404 ``{"success": false, "error": {"__type": "Not Found Error", …}}``; 409 Validation
  Error without ``id``;
- any other action: 400 ``Bad request - Action name not known``;
- ``/broken-portal/…``: 500 with an HTML page; ``/not-ckan/…``: 200 with an HTML page;
  ``/slow-portal/…``: the real answer, ``slow_seconds`` late;
- with ``ckan_server.raw_answer`` set (bytes), every action answers 200 with those bytes;
  with ``ckan_server.content_length = False``, answers carry no Content-Length (the body
  ends when the connection closes).

And pages for link checks (``ckan_server.url(LINKS["good"])``…): ``/links/ok`` (200),
``/links/redirect`` (301 then 302 then ``/links/ok``), ``/links/slow`` (200, ``slow_seconds``
late: set ``COGWG_HTTP_TIMEOUT`` below it), ``/links/missing`` (404), ``/links/error``
(500), ``/links/no-head`` (405 to HEAD, 200 to GET), ``/links/forbidden`` (403),
``/links/loop`` (redirects to itself). ``closed_port_url`` is a URL on a port nobody
listens on (connection refused). ``ckan_server.requests`` lists the :class:`Request` s the server received.

The ``no_internet`` fixture makes a test fail if anything resolves or connects to a host
other than the loopback one.
"""

import json
import socket
import threading
import time
import uuid
from dataclasses import dataclass, field
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import NamedTuple
from urllib.parse import parse_qs, urlsplit

import pytest

LOOPBACK = "127.0.0.1"
LINKS = {
    "good": "/links/ok",
    "redirected": "/links/redirect",
    "slow": "/links/slow",
    "missing": "/links/missing",
    "error": "/links/error",
    "no_head": "/links/no-head",
    "forbidden": "/links/forbidden",
    "loop": "/links/loop",
}
OPEN_CANADA_LICENCE = {
    "license_id": "ca-ogl-lgo",
    "license_title": "Open Government Licence - Canada",
    "license_url": "http://open.canada.ca/en/open-government-licence-canada",
}
# What open.canada.ca (ckanext-canada) adds to a package: the licence in French.
OPEN_CANADA_LICENCE_FR = {
    "license_title_fra": "Licence du gouvernement ouvert - Canada",
    "license_url_fra": "http://ouvert.canada.ca/fr/licence-du-gouvernement-ouvert-canada",
}


def ckan_package(
    name,
    *,
    title_en,
    title_fr=None,
    notes_en="",
    notes_fr="",
    formats=("CSV",),
    organization_en="Treasury Board of Canada Secretariat",
    organization_fr="Secrétariat du Conseil du Trésor du Canada",
    metadata_modified="2020-02-20T15:31:53.123456",
    resource_url="http://127.0.0.1/links/ok",
    **extra,
):
    """A ``package_show`` result. With ``title_fr`` it is bilingual like open.canada.ca
    (``*_translated`` fields, organization titled "English | Français", the licence's
    French title in ``license_title_fra``); without, it is unilingual like
    data.ontario.ca."""
    bilingual = title_fr is not None
    package = {
        "id": str(uuid.uuid5(uuid.NAMESPACE_URL, f"ckan-test:{name}")),
        "name": name,
        "title": title_en,
        "notes": notes_en,
        "state": "active",
        "type": "dataset",
        "metadata_created": "2019-05-01T12:00:00.000000",
        "metadata_modified": metadata_modified,
        "organization": {
            "name": "tbs-sct",
            "title": f"{organization_en} | {organization_fr}" if bilingual else organization_en,
        },
        "num_resources": len(formats),
        "resources": [
            {
                "id": str(uuid.uuid5(uuid.NAMESPACE_URL, f"ckan-test:{name}:{index}")),
                "name": f"{title_en} ({fmt})",
                "format": fmt,
                "url": resource_url,
            }
            for index, fmt in enumerate(formats)
        ],
        "tags": [{"name": "open-data"}],
        **OPEN_CANADA_LICENCE,
    }
    if bilingual:
        package.update(OPEN_CANADA_LICENCE_FR)
        package["title_translated"] = {"en": title_en, "fr": title_fr}
        package["notes_translated"] = {"en": notes_en, "fr": notes_fr}
        for resource in package["resources"]:
            resource["name_translated"] = {"en": resource["name"], "fr": resource["name"]}
    package.update(extra)
    return package


class Request(NamedTuple):
    """A request the fake server received; ``at`` is ``time.monotonic()`` on arrival."""

    method: str
    path: str
    headers: dict
    at: float


@dataclass
class FakeCkan:
    """What a test arranges and observes on the fake server."""

    base_url: str
    slow_seconds: float = 2.0
    packages: dict = field(default_factory=dict)
    requests: list = field(default_factory=list)
    raw_answer: bytes | None = None
    content_length: bool = True

    @property
    def portal_url(self):
        return f"{self.base_url}/data"

    def url(self, path):
        return f"{self.base_url}{path}"

    def dataset_page_url(self, name, language="en"):
        return f"{self.portal_url}/{language}/dataset/{name}"

    def add(self, package):
        self.packages[package["id"]] = package
        return package

    def remove(self, id_or_name):
        package = self.find(id_or_name)
        if package:
            del self.packages[package["id"]]

    def find(self, id_or_name):
        return self.packages.get(id_or_name) or next(
            (package for package in self.packages.values() if package["name"] == id_or_name), None
        )


class _Handler(BaseHTTPRequestHandler):
    server_version = "FakeCKAN/2.10"

    def log_message(self, format, *args):
        pass

    def do_HEAD(self):
        self._handle(body=False)

    def do_GET(self):
        self._handle(body=True)

    @property
    def fake(self) -> FakeCkan:
        return self.server.fake

    def _handle(self, body):
        parts = urlsplit(self.path)
        self.fake.requests.append(Request(self.command, self.path, dict(self.headers), time.monotonic()))
        try:
            if parts.path.startswith("/links/"):
                self._link(parts.path, body)
            else:
                self._portal(parts.path, parse_qs(parts.query), body)
        except (BrokenPipeError, ConnectionResetError):
            pass  # The client gave up (a timeout test): nothing to answer.

    def _link(self, path, body):
        if path == LINKS["good"]:
            self._send(200, "<html><body>OK</body></html>", body)
        elif path == LINKS["redirected"]:
            self._redirect(301, "/links/redirect-2")
        elif path == "/links/redirect-2":
            self._redirect(302, LINKS["good"])
        elif path == LINKS["slow"]:
            time.sleep(self.fake.slow_seconds)
            self._send(200, "<html><body>Late</body></html>", body)
        elif path == LINKS["error"]:
            self._send(500, "<html><body>Internal Server Error</body></html>", body)
        elif path == LINKS["no_head"]:
            if body:
                self._send(200, "<html><body>GET only</body></html>", body)
            else:
                self._send(405, "", body, headers={"Allow": "GET"})
        elif path == LINKS["forbidden"]:
            self._send(403, "<html><body>Forbidden</body></html>", body)
        elif path == LINKS["loop"]:
            self._redirect(302, LINKS["loop"])
        else:
            self._send(404, "<html><body>Not Found</body></html>", body)

    def _portal(self, path, query, body):
        segments = [segment for segment in path.split("/") if segment]
        if segments[:1] == ["broken-portal"]:
            return self._send(500, "<html><body>Internal Server Error</body></html>", body)
        if segments[:1] == ["not-ckan"]:
            return self._send(200, "<html><body>Welcome to our open data page</body></html>", body)
        if segments[:1] == ["slow-portal"]:
            time.sleep(self.fake.slow_seconds)
            segments = segments[1:]
        if segments[:1] == ["data"]:
            segments = segments[1:]
        if segments[:1] in (["en"], ["fr"]):
            segments = segments[1:]
        if segments[:3] == ["api", "3", "action"] and len(segments) == 4:
            return self._action(segments[3], query, body)
        if len(segments) == 2 and segments[0] == "dataset" and self.fake.find(segments[1]):
            return self._send(200, f"<html><body>{self.fake.find(segments[1])['title']}</body></html>", body)
        return self._send(404, "<html><body>Not Found</body></html>", body)

    def _action(self, action, query, body):
        help_url = f"{self.fake.base_url}/api/3/action/help_show?name={action}"
        if self.fake.raw_answer is not None:
            return self._send(200, self.fake.raw_answer, body, content_type="application/json")
        if action == "package_show":
            ckan_id = (query.get("id") or [""])[0]
            if not ckan_id:
                error = {"__type": "Validation Error", "id": ["Missing value"]}
                return self._json(409, {"help": help_url, "success": False, "error": error}, body)
            package = self.fake.find(ckan_id)
            if package is None:
                error = {"__type": "Not Found Error", "message": "Not found"}
                return self._json(404, {"help": help_url, "success": False, "error": error}, body)
            return self._json(200, {"help": help_url, "success": True, "result": package}, body)
        error = {"__type": "Bad Request", "message": f"Bad request - Action name not known: {action}"}
        return self._json(400, {"help": help_url, "success": False, "error": error}, body)

    def _json(self, status, data, body):
        self._send(status, json.dumps(data), body, content_type="application/json;charset=utf-8")

    def _redirect(self, status, location):
        self._send(status, "", False, headers={"Location": location})

    def _send(self, status, text, body, content_type="text/html; charset=utf-8", headers=None):
        data = text if isinstance(text, bytes) else text.encode()
        self.send_response(status, HTTPStatus(status).phrase)
        self.send_header("Content-Type", content_type)
        if self.fake.content_length:
            self.send_header("Content-Length", str(len(data)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        if body:
            self.wfile.write(data)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False  # Do not wait for a slow answer nobody reads any more.


@pytest.fixture(scope="session")
def _ckan_http_server():
    server = _Server((LOOPBACK, 0), _Handler)
    server.fake = FakeCkan(base_url=f"http://{LOOPBACK}:{server.server_address[1]}")
    thread = threading.Thread(target=server.serve_forever, name="fake-ckan", daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture
def ckan_server(_ckan_http_server, no_internet):
    """The fake CKAN portal and link server, empty at the start of each test."""
    _ckan_http_server.fake = FakeCkan(base_url=_ckan_http_server.fake.base_url)
    return _ckan_http_server.fake


@pytest.fixture
def closed_port_url():
    """A URL on 127.0.0.1 where nothing listens: connecting is refused."""
    with socket.socket() as sock:
        sock.bind((LOOPBACK, 0))
        port = sock.getsockname()[1]
    return f"http://{LOOPBACK}:{port}/"


_LOCAL_HOSTS = {LOOPBACK, "localhost", "::1", None}


@pytest.fixture
def no_internet(monkeypatch):
    """Fail the test if anything resolves or connects to a host off the loopback."""
    attempts = []
    real_getaddrinfo = socket.getaddrinfo
    real_connect = socket.socket.connect

    def getaddrinfo(host, *args, **kwargs):
        if host not in _LOCAL_HOSTS:
            attempts.append(host)
            raise socket.gaierror(socket.EAI_NONAME, f"tests may not resolve {host!r}")
        return real_getaddrinfo(host, *args, **kwargs)

    def connect(self, address):
        if isinstance(address, tuple) and address[0] not in _LOCAL_HOSTS:
            attempts.append(address[0])
            raise ConnectionRefusedError(f"tests may not connect to {address[0]!r}")
        return real_connect(self, address)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    monkeypatch.setattr(socket.socket, "connect", connect)
    yield
    assert not attempts, f"a test tried to reach the internet: {attempts}"
