"""The API's Swagger UI at /api/v1/docs/ under the site's Content-Security-Policy (no inline
script or style): the page loads its init script from an address of its own."""

import json
from html.parser import HTMLParser

import pytest
from django.core.management import call_command
from django.utils.html import escapejs

pytestmark = pytest.mark.django_db

SWAGGER_UI = "drf_spectacular_sidecar/swagger-ui-dist"


class Parts(HTMLParser):
    """What a page loads (``<script src>``, ``<link href>``), and what the CSP would block:
    inline scripts, styles and event handlers."""

    def __init__(self, html):
        super().__init__()
        self.loaded, self.inline = [], []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in ("script", "link") and (address := attrs.get("src") or attrs.get("href")):
            self.loaded.append(address)
        elif tag in ("script", "style"):
            self.inline.append(f"<{tag}>")
        self.inline += [f"{name}=" for name in attrs if name == "style" or name.startswith("on")]


def test_the_docs_page_has_no_inline_script_or_style(client):
    response = client.get("/api/v1/docs/")

    assert response.status_code == 200
    csp = dict(directive.strip().split(" ", 1) for directive in response["Content-Security-Policy"].split(";"))
    assert csp["script-src"] == "'self'"
    assert csp["style-src"] == "'self'"
    page = Parts(response.content.decode())
    assert page.inline == []
    # Its text is Swagger UI's, in English (WCAG 3.1.1: the page's language is given).
    assert '<html lang="en">' in response.content.decode()
    assert page.loaded == [
        f"/static/{SWAGGER_UI}/favicon-32x32.png",
        f"/static/{SWAGGER_UI}/swagger-ui.css",
        f"/static/{SWAGGER_UI}/swagger-ui-bundle.js",
        f"/static/{SWAGGER_UI}/swagger-ui-standalone-preset.js",
        "/api/v1/docs/?script=",
    ]


def test_the_init_script_is_javascript_that_loads_the_schema(client):
    response = client.get("/api/v1/docs/", {"script": ""})

    assert response.status_code == 200
    assert response["Content-Type"] == "application/javascript"
    script = response.content.decode()
    assert "SwaggerUIBundle({" in script
    assert 'url: "/api/v1/schema/"' in script


def test_the_docs_in_french_load_the_french_schema(client):
    page = Parts(client.get("/api/v1/docs/", {"lang": "fr"}).content.decode())

    assert page.loaded[-1] == "/api/v1/docs/?lang=fr&script="
    script = client.get(page.loaded[-1]).content.decode()
    assert f'url: "{escapejs("/api/v1/schema/?lang=fr")}"' in script


def test_under_production_storage_the_docs_load_hashed_files_whitenoise_serves(client, settings, tmp_path):
    # Production's storage, collecting Swagger UI's files only and compressing none
    # (brotli takes half a minute over its bundle).
    settings.STATIC_ROOT = tmp_path
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }
    settings.WHITENOISE_SKIP_COMPRESS_EXTENSIONS = ["css", "js", "map", "png", "html", "txt", ""]
    ignored = ["admin", "rest_framework", "django_filters", "redoc", "cogwg", "simple_history", "axes"]
    call_command("collectstatic", "--noinput", "-v0", *(f"--ignore={name}" for name in ignored))
    hashed = json.loads((tmp_path / "staticfiles.json").read_text())["paths"]

    response = client.get("/api/v1/docs/")

    assert response.status_code == 200
    files = ["favicon-32x32.png", "swagger-ui.css", "swagger-ui-bundle.js", "swagger-ui-standalone-preset.js"]
    expected = [f"/static/{hashed[f'{SWAGGER_UI}/{name}']}" for name in files]
    assert Parts(response.content.decode()).loaded == [*expected, "/api/v1/docs/?script="]
    for address in expected:
        served = client.get(address)
        assert served.status_code == 200, address
        assert "immutable" in served["Cache-Control"]
