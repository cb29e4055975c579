"""/robots.txt, /.well-known/security.txt and /favicon.ico: what robots, researchers and
browsers ask the site for first, answered without a query."""

import datetime

import pytest
from django.contrib.staticfiles import finders
from django.utils import timezone

from cogwg.wellknown import ROBOTS_DISALLOW
from tests.site.builders import build_site

pytestmark = pytest.mark.django_db


def lines(response):
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    return response.content.decode().splitlines()


def test_robots_keeps_crawlers_out_of_the_admin_and_the_api_and_points_to_the_sitemap(
    client, django_assert_num_queries
):
    with django_assert_num_queries(0):
        response = client.get("/robots.txt", secure=True)

    assert response.status_code == 200
    assert lines(response) == [
        "User-agent: *",
        "Disallow: /en/admin/",
        "Disallow: /fr/admin/",
        "Disallow: /i18n/",
        "Disallow: /api/",
        "",
        "Sitemap: https://testserver/sitemap.xml",
    ]
    assert response["Cache-Control"] == "public, max-age=86400"
    assert client.get("/sitemap.xml").status_code == 200


# An address under each prefix that robots.txt keeps crawlers out of.
UNDER = {"/en/admin/": "/en/admin/", "/fr/admin/": "/fr/admin/", "/i18n/": "/i18n/setlang/", "/api/": "/api/v1/"}


@pytest.mark.parametrize("prefix", ROBOTS_DISALLOW)
def test_each_address_robots_keeps_out_exists(client, prefix):
    """A renamed address would leave robots.txt guarding nothing."""
    address = UNDER[prefix]

    assert address.startswith(prefix)
    assert client.get(address).status_code != 404


def test_without_a_security_contact_there_is_no_security_txt(client, settings):
    settings.COGWG_SECURITY_CONTACTS = []

    assert client.get("/.well-known/security.txt").status_code == 404


def test_security_txt_names_the_contacts_and_expires_within_a_year(client, settings, django_assert_num_queries):
    settings.COGWG_SECURITY_CONTACTS = ["mailto:security@example.org", "https://example.org/disclosure"]

    with django_assert_num_queries(0):
        response = client.get("/.well-known/security.txt", secure=True)

    fields = [line.split(": ", 1) for line in lines(response)]
    assert [name for name, _value in fields] == ["Contact", "Contact", "Expires", "Preferred-Languages", "Canonical"]
    values = dict(fields)
    assert [value for name, value in fields if name == "Contact"] == settings.COGWG_SECURITY_CONTACTS
    expires = datetime.datetime.fromisoformat(values["Expires"])
    assert values["Expires"].endswith("Z")
    assert timezone.now() + datetime.timedelta(days=30) < expires < timezone.now() + datetime.timedelta(days=365)
    assert values["Preferred-Languages"] == "en, fr"
    assert values["Canonical"] == "https://testserver/.well-known/security.txt"


def test_the_favicon_is_the_site_icon(client):
    response = client.get("/favicon.ico")

    assert response.status_code == 302
    assert response["Location"] == "/static/cogwg/icon.svg"
    assert finders.find("cogwg/icon.svg")


@pytest.mark.parametrize("path", ["/en/", "/fr/a-propos/"])
def test_pages_name_the_site_icon(client, path):
    assert b'<link rel="icon" href="/static/cogwg/icon.svg" type="image/svg+xml">' in client.get(path).content


@pytest.mark.parametrize("path", ["/robots.txt", "/.well-known/security.txt", "/favicon.ico"])
def test_they_only_answer_reads(client, settings, path):
    settings.COGWG_SECURITY_CONTACTS = ["mailto:security@example.org"]

    assert client.post(path).status_code == 405
    assert client.head(path).status_code in (200, 302)


@pytest.mark.parametrize("size", [1, 20])
@pytest.mark.parametrize("path", ["/robots.txt", "/.well-known/security.txt", "/favicon.ico"])
def test_none_reads_the_data_whatever_its_size(client, settings, django_assert_num_queries, path, size):
    settings.COGWG_SECURITY_CONTACTS = ["mailto:security@example.org"]
    build_site(size)

    with django_assert_num_queries(0):
        assert client.get(path).status_code in (200, 302)
