"""A priority's French page is at its French slug: the English slug under /fr/ (an old
link) and the French slug under /en/ are sent there for good, and the language switcher,
the head's alternates, the sitemap and the feeds give each language's own slug."""

import re
import xml.etree.ElementTree as ET

import pytest

from tests.site.builders import build_site
from tests.site.test_pages import EXPECTED_QUERIES
from workplan.models import Priority

pytestmark = pytest.mark.django_db

ENGLISH = "/en/work-plan/2020/priority-1/"
FRENCH = "/fr/plan-de-travail/2020/priorite-1/"
ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture
def site(db):
    site = build_site(1)
    Priority.objects.filter(pk=site.priority.pk).update(slug_fr="priorite-1")
    return site


def alternates(html):
    return re.findall(r'<link rel="alternate" hreflang="([^"]+)" href="([^"]+)">', html)


def switcher(html):
    return re.search(r'<a href="([^"]+)" lang="(?:en|fr)" hreflang="(?:en|fr)">', html).group(1)


def test_the_french_page_is_at_the_french_slug_and_the_english_one_at_the_english_slug(client, site):
    french = client.get(FRENCH)
    english = client.get(ENGLISH)

    assert french.status_code == 200 and "Récits de données ouvertes 1" in french.content.decode()
    assert english.status_code == 200 and "Open data stories 1" in english.content.decode()


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("/fr/plan-de-travail/2020/priority-1/", FRENCH),
        ("/en/work-plan/2020/priorite-1/", ENGLISH),
        ("/fr/plan-de-travail/2020/priority-1/?x=1", f"{FRENCH}?x=1"),
    ],
)
def test_the_other_languages_slug_is_sent_to_the_page_for_good(client, site, old, new):
    response = client.get(old)

    assert response.status_code == 301
    assert response["Location"] == new
    assert client.get(new).status_code == 200


@pytest.mark.parametrize("address", ["/fr/plan-de-travail/2020/nowhere/", "/en/work-plan/2021/priorite-1/"])
def test_a_slug_no_priority_of_the_plan_has_is_not_found(client, site, address):
    assert client.get(address).status_code == 404


def test_a_priority_without_a_french_slug_has_its_french_page_at_its_slug(client, site):
    Priority.objects.filter(pk=site.priority.pk).update(slug_fr="")

    assert client.get("/fr/plan-de-travail/2020/priority-1/").status_code == 200
    assert client.get(FRENCH).status_code == 404


def test_an_old_address_without_prefix_leads_a_french_reader_to_the_french_slug(client, site):
    response = client.get("/work-plan/2020/priority-1/", HTTP_ACCEPT_LANGUAGE="fr-CA,fr;q=0.9", follow=True)

    assert response.redirect_chain[-1] == (FRENCH, 301)
    assert response.status_code == 200


def test_the_language_switcher_and_the_alternates_give_each_languages_slug(client, site):
    french = client.get(FRENCH).content.decode()
    english = client.get(ENGLISH).content.decode()

    expected = [("en", ENGLISH), ("fr", FRENCH), ("x-default", "/work-plan/2020/priority-1/")]
    assert alternates(french) == expected
    assert alternates(english) == expected
    assert switcher(french) == ENGLISH
    assert switcher(english) == FRENCH


def test_the_alternates_keep_the_query_string(client, site):
    html = client.get(f"{FRENCH}?x=1").content.decode()

    assert alternates(html) == [
        ("en", f"{ENGLISH}?x=1"),
        ("fr", f"{FRENCH}?x=1"),
        ("x-default", "/work-plan/2020/priority-1/?x=1"),
    ]


def test_a_missing_priority_offers_the_same_address_in_the_other_language(client, site):
    html = client.get("/fr/plan-de-travail/2020/nowhere/").content.decode()

    assert switcher(html) == "/en/work-plan/2020/nowhere/"


def test_the_sitemap_gives_each_language_its_slug(client, site):
    body = client.get("/sitemap.xml").content.decode()

    locations = re.findall(r"<loc>([^<]+)</loc>", body)
    assert f"http://testserver{FRENCH}" in locations
    assert f"http://testserver{ENGLISH}" in locations
    assert "http://testserver/fr/plan-de-travail/2020/priority-1/" not in locations
    assert f'hreflang="fr" href="http://testserver{FRENCH}"' in body
    assert 'hreflang="x-default" href="http://testserver/work-plan/2020/priority-1/"' in body


def test_the_french_feeds_link_to_the_french_slug(client, site):
    feed = ET.fromstring(client.get("/fr/fil/").content)
    links = [entry.find(f"{ATOM}link").attrib["href"] for entry in feed.iter(f"{ATOM}entry")]
    calendar = client.get("/fr/jalons.ics").content.decode().replace("\r\n ", "")

    assert any(link.startswith(f"http://testserver{FRENCH}#milestone-") for link in links)
    assert not any("/priority-1/" in link for link in links)
    assert f"http://testserver{FRENCH}#milestone-" in calendar


@pytest.mark.parametrize("size", [1, 20])
def test_the_page_at_the_french_slug_runs_as_many_queries_as_before(client, django_assert_num_queries, size):
    build_site(size)
    Priority.objects.filter(number=1).update(slug_fr="priorite-1")

    with django_assert_num_queries(EXPECTED_QUERIES["priority"]):
        assert client.get(FRENCH).status_code == 200


def test_the_french_pages_link_a_priority_at_its_french_slug(client, site):
    # The home page's and the plan's milestone tables, and the jurisdiction's seats and
    # accomplishments: no French page sends its readers through the redirect.
    jurisdiction = site.jurisdiction.code.lower()
    pages = ["/fr/", "/fr/plan-de-travail/2020/", f"/fr/administrations/{jurisdiction}/"]
    for address in pages:
        response = client.get(address, follow=True)
        html = response.content.decode()
        assert response.status_code == 200, address
        assert FRENCH in html, address
        assert "/fr/plan-de-travail/2020/priority-1/" not in html, address


def test_a_published_updates_e_mail_links_its_priority_at_the_readers_slug(site):
    from django.utils import translation

    from cogwg.notifications import public_url
    from workplan.models import ProgressUpdate

    update = ProgressUpdate.objects.filter(milestone__priority=site.priority).first()
    with translation.override("fr"):
        french = public_url(update)
    with translation.override("en"):
        english = public_url(update)

    assert FRENCH in french and ENGLISH in english
