"""The page frame's static parts (head links, skip links and brand, menu, footer) are
rendered once per language and address prefix, then taken from the process's "frame"
cache (base.html)."""

import pytest
from django.core.cache import caches
from django.core.cache.utils import make_template_fragment_key
from django.urls import set_script_prefix

pytestmark = pytest.mark.django_db

FRAGMENTS = ["frame.head", "frame.top", "frame.menu", "frame.footer"]


@pytest.fixture(autouse=True)
def frame():
    caches["frame"].clear()
    yield caches["frame"]
    caches["frame"].clear()


def key(fragment, language, prefix="/"):
    return make_template_fragment_key(fragment, [language, prefix])


def test_a_page_keeps_its_frame_for_its_language_only(client, frame):
    client.get("/en/about/")

    assert all(frame.get(key(fragment, "en")) for fragment in FRAGMENTS)
    assert not any(frame.get(key(fragment, "fr")) for fragment in FRAGMENTS)
    menu = frame.get(key("frame.menu", "en"))
    assert '<a href="/en/">Dashboard</a>' in menu
    assert '<a href="/en/jurisdictions/">Jurisdictions</a>' in menu


def test_later_pages_take_the_kept_frame_in_their_language(client, frame):
    client.get("/en/about/")
    client.get("/fr/a-propos/")
    frame.set(key("frame.footer", "en"), '<footer id="kept-en"></footer>')
    frame.set(key("frame.footer", "fr"), '<footer id="kept-fr"></footer>')

    english = client.get("/en/open-data/").content.decode()
    french = client.get("/fr/donnees-ouvertes/").content.decode()

    assert '<footer id="kept-en"></footer>' in english and "kept-fr" not in english
    assert '<footer id="kept-fr"></footer>' in french and "kept-en" not in french
    assert "Tableau de bord" in french and "Dashboard" not in french


def test_each_language_frame_is_its_own_whatever_the_order(client):
    french = client.get("/fr/a-propos/").content.decode()
    english = client.get("/en/about/").content.decode()
    french_again = client.get("/fr/donnees-ouvertes/").content.decode()

    assert 'href="/fr/">Tableau de bord</a>' in french and 'href="/fr/">Tableau de bord</a>' in french_again
    assert 'href="/en/">Dashboard</a>' in english
    assert "Dashboard" not in french_again
    assert "Passer au contenu principal" in french_again and "Skip to main content" in english


def test_the_language_toggle_and_the_page_language_stay_per_page(client):
    client.get("/en/about/")

    html = client.get("/en/open-data/").content.decode()

    assert '<html lang="en">' in html
    assert '<a href="/fr/donnees-ouvertes/" lang="fr" hreflang="fr">Français</a>' in html
    assert '<link rel="alternate" hreflang="fr" href="/fr/donnees-ouvertes/">' in html


def test_another_address_prefix_gets_its_own_frame(client, frame):
    client.get("/en/about/")
    try:
        set_script_prefix("/cogwg/")
        html = client.get("/en/about/", SCRIPT_NAME="/cogwg").content.decode()
    finally:
        set_script_prefix("/")

    assert frame.get(key("frame.menu", "en", "/cogwg/"))
    assert '<a href="/cogwg/en/">Dashboard</a>' in html
    assert '<a href="/en/">Dashboard</a>' in frame.get(key("frame.menu", "en"))
