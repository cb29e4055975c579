"""A published story's French page is at its French slug: the English slug under /fr/ (an
old link) and the French slug under /en/ are sent there for good, and every link to the
story (lists, home page, jurisdiction and priority pages, the language switcher, the
head's alternates, the sitemap, the feed, the e-mail to its sender) gives the reader's
language's slug. A slug two stories have anyway (the database keeps each language's slugs
apart, not one's from the other's) shows, in each language, the story whose page in that
language is at it."""

import re
import xml.etree.ElementTree as ET

import pytest
from django.utils import translation

from stories.choices import StoryState
from stories.models import UserStory
from stories.notifications import PUBLISHED, submitter_message
from tests.factories import UserStoryFactory
from tests.site.builders import build_site
from tests.site.test_pages import EXPECTED_QUERIES

pytestmark = pytest.mark.django_db

ENGLISH = "/en/user-stories/story-0/"
FRENCH = "/fr/recits-utilisateurs/trouver-des-cliniques-0/"
# The story's French page at its English slug, as it was before stories had French slugs.
FRENCH_AT_ENGLISH_SLUG = "/fr/recits-utilisateurs/story-0/"
ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture
def site(db):
    site = build_site(1)
    UserStory.objects.filter(pk=site.story.pk).update(slug_fr="trouver-des-cliniques-0")
    return site


def alternates(html):
    return re.findall(r'<link rel="alternate" hreflang="([^"]+)" href="([^"]+)">', html)


def switcher(html):
    return re.search(r'<a href="([^"]+)" lang="(?:en|fr)" hreflang="(?:en|fr)">', html).group(1)


def h1(response):
    return re.search(r"<h1[^>]*>([^<]+)</h1>", response.content.decode()).group(1)


# The pages


def test_the_french_page_is_at_the_french_slug_and_the_english_one_at_the_english_slug(client, site):
    french = client.get(FRENCH)
    english = client.get(ENGLISH)

    assert french.status_code == 200 and h1(french) == "Trouver des cliniques 0"
    assert english.status_code == 200 and h1(english) == "Finding clinics 0"


@pytest.mark.parametrize(
    ("old", "new"),
    [
        (FRENCH_AT_ENGLISH_SLUG, FRENCH),
        ("/en/user-stories/trouver-des-cliniques-0/", ENGLISH),
        (f"{FRENCH_AT_ENGLISH_SLUG}?x=1", f"{FRENCH}?x=1"),
    ],
)
def test_the_other_languages_slug_is_sent_to_the_page_for_good(client, site, old, new):
    response = client.get(old)

    assert response.status_code == 301
    assert response["Location"] == new
    assert client.get(new).status_code == 200


def test_an_unpublished_story_is_not_found_at_either_slug(client, site):
    UserStoryFactory(slug="draft", slug_fr="brouillon", state=StoryState.IN_REVIEW, published_on=None)

    for address in [
        "/en/user-stories/draft/",
        "/en/user-stories/brouillon/",
        "/fr/recits-utilisateurs/draft/",
        "/fr/recits-utilisateurs/brouillon/",
        "/fr/recits-utilisateurs/nowhere/",
    ]:
        assert client.get(address).status_code == 404, address


def test_a_story_without_a_french_slug_has_its_french_page_at_its_slug(client, site):
    UserStory.objects.filter(pk=site.story.pk).update(slug_fr="")

    assert client.get(FRENCH_AT_ENGLISH_SLUG).status_code == 200
    assert client.get(FRENCH).status_code == 404


def test_an_old_address_without_prefix_leads_a_french_reader_to_the_french_slug(client, site):
    response = client.get("/user-stories/story-0/", HTTP_ACCEPT_LANGUAGE="fr-CA,fr;q=0.9", follow=True)

    assert response.redirect_chain[-1] == (FRENCH, 301)
    assert response.status_code == 200


def test_the_language_switcher_and_the_alternates_give_each_languages_slug(client, site):
    french = client.get(FRENCH).content.decode()
    english = client.get(ENGLISH).content.decode()

    expected = [("en", ENGLISH), ("fr", FRENCH), ("x-default", "/user-stories/story-0/")]
    assert alternates(french) == expected
    assert alternates(english) == expected
    assert switcher(french) == ENGLISH
    assert switcher(english) == FRENCH


def test_the_alternates_keep_the_query_string(client, site):
    html = client.get(f"{FRENCH}?x=1").content.decode()

    assert alternates(html) == [
        ("en", f"{ENGLISH}?x=1"),
        ("fr", f"{FRENCH}?x=1"),
        ("x-default", "/user-stories/story-0/?x=1"),
    ]


@pytest.mark.parametrize("size", [1, 20])
@pytest.mark.parametrize("language", ["en", "fr"])
def test_the_page_at_each_languages_slug_runs_as_many_queries_as_before(
    client, django_assert_num_queries, size, language
):
    build_site(size)
    for story in UserStory.objects.all():
        UserStory.objects.filter(pk=story.pk).update(slug_fr=f"recit-{story.slug}")
    address = {"en": ENGLISH, "fr": "/fr/recits-utilisateurs/recit-story-0/"}[language]

    with django_assert_num_queries(EXPECTED_QUERIES["story"]):
        assert client.get(address).status_code == 200


# Every link to the story


@pytest.mark.parametrize(
    "address",
    ["/fr/", "/fr/recits-utilisateurs/", "/fr/administrations/j0/", "/fr/plan-de-travail/2020/priority-1/"],
)
def test_the_french_pages_link_the_story_at_its_french_slug(client, site, address):
    html = client.get(address).content.decode()

    assert FRENCH in html
    assert FRENCH_AT_ENGLISH_SLUG not in html


@pytest.mark.parametrize(
    "address", ["/en/", "/en/user-stories/", "/en/jurisdictions/j0/", "/en/work-plan/2020/priority-1/"]
)
def test_the_english_pages_link_the_story_at_its_english_slug(client, site, address):
    html = client.get(address).content.decode()

    assert ENGLISH in html
    assert "trouver-des-cliniques-0" not in html


def test_the_sitemap_gives_each_language_its_slug(client, site):
    body = client.get("/sitemap.xml").content.decode()

    locations = re.findall(r"<loc>([^<]+)</loc>", body)
    assert f"http://testserver{FRENCH}" in locations
    assert f"http://testserver{ENGLISH}" in locations
    assert f"http://testserver{FRENCH_AT_ENGLISH_SLUG}" not in locations
    assert f'hreflang="fr" href="http://testserver{FRENCH}"' in body
    assert 'hreflang="x-default" href="http://testserver/user-stories/story-0/"' in body


@pytest.mark.parametrize(("feed", "address"), [("/fr/fil/", FRENCH), ("/en/feed/", ENGLISH)])
def test_each_languages_feed_links_the_story_at_its_slug(client, site, feed, address):
    document = ET.fromstring(client.get(feed).content)
    links = [entry.find(f"{ATOM}link").attrib["href"] for entry in document.iter(f"{ATOM}entry")]
    story_links = [link for link in links if "/user-stories/" in link or "/recits-utilisateurs/" in link]

    assert story_links == [f"http://testserver{address}"]


@pytest.mark.parametrize(("language", "address"), [("fr", FRENCH), ("en", ENGLISH)])
def test_the_senders_e_mail_links_the_story_at_their_languages_slug(site, language, address):
    UserStory.objects.filter(pk=site.story.pk).update(submitter_email="jean@example.ca", submitter_language=language)
    story = UserStory.objects.get(pk=site.story.pk)

    with translation.override("en" if language == "fr" else "fr"):  # whatever language the sender is not
        message = submitter_message(kind=PUBLISHED, story=story)

    assert f"{address}\n" in message.body
    assert (FRENCH_AT_ENGLISH_SLUG if language == "fr" else "trouver-des-cliniques-0") not in message.body


# A slug that two stories have anyway


@pytest.fixture
def crossed(db):
    """``clinics``' French slug is ``buses``' English slug, written past the model's
    checks (as a race between two saves could leave it)."""
    clinics = UserStoryFactory(slug="clinics", title_en="Clinics", title_fr="Cliniques")
    buses = UserStoryFactory(slug="cliniques", slug_fr="autobus", title_en="Buses", title_fr="Autobus")
    UserStory.objects.filter(pk=clinics.pk).update(slug_fr="cliniques")
    return clinics, buses


@pytest.mark.parametrize(
    ("address", "title"),
    [
        ("/fr/recits-utilisateurs/cliniques/", "Cliniques"),
        ("/en/user-stories/cliniques/", "Buses"),
        ("/fr/recits-utilisateurs/autobus/", "Autobus"),
        ("/en/user-stories/clinics/", "Clinics"),
    ],
)
def test_a_slug_two_stories_have_shows_the_one_whose_page_in_the_language_is_at_it(client, crossed, address, title):
    response = client.get(address)

    assert response.status_code == 200
    assert h1(response) == title


def test_a_slug_two_stories_have_sends_each_languages_old_link_to_its_own_story(client, crossed):
    # /fr/…/clinics/ is the English slug of "clinics" only; /en/…/autobus/ the French slug of "buses" only.
    assert client.get("/fr/recits-utilisateurs/clinics/")["Location"] == "/fr/recits-utilisateurs/cliniques/"
    assert client.get("/en/user-stories/autobus/")["Location"] == "/en/user-stories/cliniques/"


def test_the_switcher_of_a_slug_two_stories_have_leads_to_the_same_story(client, crossed):
    french = client.get("/fr/recits-utilisateurs/cliniques/").content.decode()
    english = client.get("/en/user-stories/cliniques/").content.decode()

    assert switcher(french) == "/en/user-stories/clinics/"
    assert switcher(english) == "/fr/recits-utilisateurs/autobus/"


def test_a_french_slug_that_is_another_storys_french_page_goes_to_the_older_story(client):
    # "older" has no French slug: its French page is at its slug, which "newer" has as its French slug.
    older = UserStoryFactory(slug="parcs", slug_fr="", title_fr="Les parcs")
    newer = UserStoryFactory(slug="parks", title_fr="Parcs")
    UserStory.objects.filter(pk=newer.pk).update(slug_fr=older.slug)

    response = client.get("/fr/recits-utilisateurs/parcs/")

    assert response.status_code == 200
    assert h1(response) == "Les parcs"
