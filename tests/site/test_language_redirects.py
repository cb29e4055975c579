"""Addresses without a language prefix (the sitemap's ``x-default`` ones, links shared
without it) lead to the page in the reader's language, whichever language the address is
written in."""

import re

import pytest

pytestmark = pytest.mark.django_db

FRENCH = "fr-CA,fr;q=0.9,en;q=0.5"
ENGLISH = "en-CA,en;q=0.9"


@pytest.mark.parametrize(
    ("address", "accept", "target"),
    [
        ("/work-plan/2020/", FRENCH, "/fr/plan-de-travail/2020/"),
        ("/work-plan/2020/", ENGLISH, "/en/work-plan/2020/"),
        ("/plan-de-travail/2020/", ENGLISH, "/en/work-plan/2020/"),
        ("/plan-de-travail/2020/", FRENCH, "/fr/plan-de-travail/2020/"),
        ("/about/", FRENCH, "/fr/a-propos/"),
        ("/jurisdictions/", FRENCH, "/fr/administrations/"),
        ("/accomplishments/?jurisdiction=ON", FRENCH, "/fr/realisations/?jurisdiction=ON"),
        ("/admin/", FRENCH, "/fr/admin/"),
    ],
)
def test_an_address_without_prefix_leads_to_the_page_in_the_readers_language(client, site, address, accept, target):
    response = client.get(address, HTTP_ACCEPT_LANGUAGE=accept)

    assert response.status_code == 302
    assert response["Location"] == target
    assert "Accept-Language" in response["Vary"]
    assert client.get(target).status_code in (200, 302)


@pytest.mark.parametrize("accept", [FRENCH, ENGLISH])
def test_an_unknown_address_without_prefix_is_still_a_404(client, site, accept):
    assert client.get("/nowhere/", HTTP_ACCEPT_LANGUAGE=accept).status_code == 404
    assert client.get("/work-plan/2031/", HTTP_ACCEPT_LANGUAGE=accept).status_code in (302, 404)


def test_every_x_default_address_of_the_sitemap_leads_a_french_reader_to_a_french_page(client, site):
    sitemap = client.get("/sitemap.xml").content.decode()
    defaults = sorted(set(re.findall(r'hreflang="x-default" href="http://testserver([^"]+)"', sitemap)))

    assert defaults
    for address in defaults:
        response = client.get(address, HTTP_ACCEPT_LANGUAGE=FRENCH)
        assert response.status_code == 302, address
        assert response["Location"].startswith("/fr/"), address
        assert client.get(response["Location"]).status_code == 200, address
