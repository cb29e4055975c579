"""What a reviewer of the public site found: filters given in the address only, challenges
that name no jurisdiction, empty lists, the about page's meeting, the seats of a
jurisdiction's page, and the head's description and language alternates."""

import datetime
import re
from html import unescape

import pytest

from cogwg.choices import MeetingKind
from cogwg.models import Meeting
from jurisdictions.models import Challenge, Jurisdiction
from tests.factories import ChallengeFactory, JurisdictionFactory, MeetingFactory
from tests.site.conftest import LANGUAGES, PAGE_IDS, page_url
from tests.site.text import visible_text

pytestmark = pytest.mark.django_db


def error_summary(html):
    """The summary's text, non-breaking spaces kept."""
    match = re.search(r'<div class="error-summary" role="alert"[^>]*>(.*?)</div>', html, re.S)
    return re.sub(r"[ \n]+", " ", unescape(re.sub(r"<[^>]+>", " ", match.group(1)))).strip() if match else ""


def results_heading(html):
    return visible_text(re.search(r'<h2 id="results-heading">.*?</h2>', html).group(0))


def clear_link(html):
    return re.search(r'<a class="button button--secondary" href="([^"]*)">([^<]*)</a>', html)


# A filter the page shows no field for, with a bad value: (page, query, error in English, in French).
BAD_ADDRESS_FILTERS = [
    (
        "accomplishments",
        {"date_after": "foo"},
        "Achieved on or after: Enter a valid date.",
        "Réalisé le ou après le\u00a0: Saisissez une date valide.",
    ),
    (
        "accomplishments",
        {"priority": "abc"},
        "Priority advanced: “abc” is not a valid value.",
        "Priorité favorisée\u00a0: «\u00a0abc\u00a0» n\u2019est pas une valeur correcte.",
    ),
    (
        "accomplishments",
        {"ordering": "bogus"},
        "Ordering: Select a valid choice. bogus is not one of the available choices.",
        "Ordre\u00a0: Sélectionnez un choix valide. bogus n\u2019en fait pas partie.",
    ),
    (
        "challenges",
        {"ordering": "bogus"},
        "Ordering: Select a valid choice. bogus is not one of the available choices.",
        "Ordre\u00a0: Sélectionnez un choix valide. bogus n\u2019en fait pas partie.",
    ),
    (
        "stories",
        {"published_after": "2020-13-01"},
        "Published on or after: Enter a valid date.",
        "Publié le ou après le\u00a0: Saisissez une date valide.",
    ),
]


@pytest.mark.parametrize(("name", "query", "english", "french"), BAD_ADDRESS_FILTERS)
def test_a_bad_filter_given_in_the_address_is_named_in_the_pages_language_and_can_be_cleared(
    client, site, name, query, english, french
):
    for language, expected in (("en", english), ("fr", french)):
        url = page_url(name, language)

        html = client.get(url, query).content.decode()

        summary = error_summary(html)
        if expected:
            assert expected in summary
        assert summary.count(":" if language == "en" else "\u00a0:") == 2  # the heading's and the one error's
        # No field of the page to go to: the error is text, not a link to nowhere.
        assert 'href="#' not in re.search(r'<div class="error-summary".*?</div>', html, re.S).group(0)
        assert clear_link(html).group(1) == url
        # The list ignores the bad filter, as the summary says, rather than showing nothing.
        assert results_heading(html).startswith("1 ")


def test_a_bad_filter_is_left_out_and_the_others_still_apply(client, db):
    from tests.site.builders import build_site

    build_site(3)
    url = page_url("accomplishments", "en")

    html = client.get(url, {"jurisdiction": "J1", "date_after": "foo"}).content.decode()

    text = visible_text(html)
    assert "Achieved on or after: Enter a valid date." in error_summary(html)
    assert "The list below leaves them out." in error_summary(html)
    assert "Launched a portal 1" in text and "Launched a portal 0" not in text and "Launched a portal 2" not in text
    assert results_heading(html) == "1 accomplishment"


def test_a_bad_value_of_a_shown_filter_links_to_its_field(client, site):
    html = client.get(page_url("stories", "en"), {"jurisdiction": "NOPE"}).content.decode()

    assert (
        '<li><a href="#id_jurisdiction_0">Jurisdiction: Select a valid choice. NOPE is not one of the available '
        "choices.</a></li>" in html
    )
    assert 'id="id_jurisdiction"' in html


@pytest.mark.parametrize("name", ["accomplishments", "challenges", "stories"])
def test_a_filter_given_in_the_address_only_can_be_cleared(client, site, name):
    url = page_url(name, "fr")

    filtered = client.get(url, {"ordering": "-title"}).content.decode()
    plain = client.get(url).content.decode()

    assert clear_link(filtered).groups() == (url, "Effacer les filtres")
    assert "error-summary" not in filtered
    assert clear_link(plain) is None


# Empty lists ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "english", "french"),
    [
        ("stories", "No user story has been published yet.", "Aucun récit d'utilisateur n'a encore été publié."),
        ("accomplishments", "No accomplishment has been published yet.", "Aucune réalisation n'a encore été publiée."),
        ("challenges", "No challenge has been published yet.", "Aucun défi n'a encore été publié."),
    ],
)
def test_an_empty_list_without_filters_says_nothing_is_published_yet(client, db, name, english, french):
    JurisdictionFactory(code="SK", name_en="Saskatchewan", name_fr="Saskatchewan")

    english_text = visible_text(client.get(page_url(name, "en")).content.decode())
    french_text = visible_text(client.get(page_url(name, "fr")).content.decode())
    filtered = visible_text(client.get(page_url(name, "en"), {"jurisdiction": "SK"}).content.decode())

    assert english in english_text and "matches these filters" not in english_text
    assert french in french_text and "ne correspond" not in french_text
    assert "matches these filters." in filtered and english not in filtered


def test_a_filter_group_without_choices_is_not_shown(client, db):
    JurisdictionFactory(code="SK", name_en="Saskatchewan", name_fr="Saskatchewan")

    english = client.get(page_url("stories", "en")).content.decode()
    french = client.get(page_url("stories", "fr")).content.decode()

    # No theme recorded yet: no "Theme" group, while the jurisdictions' is there.
    assert "<legend>Theme</legend>" not in english and 'id="id_theme"' not in english
    assert "<legend>Thème</legend>" not in french
    assert "<legend>Jurisdiction</legend>" in english and 'value="SK"' in english


def test_the_theme_group_is_shown_once_there_is_a_theme(client, site):
    html = client.get(page_url("stories", "en")).content.decode()

    assert "<legend>Theme</legend>" in html and 'value="health"' in html


# Challenges that name no jurisdiction ------------------------------------------------


def unnamed_challenge():
    return ChallengeFactory(
        title_en="Lack of resources in some jurisdictions",
        title_fr="Manque de ressources dans certaines administrations",
    )


@pytest.mark.parametrize(
    ("language", "label"),
    [("en", "Several jurisdictions (not named)"), ("fr", "Plusieurs administrations (non précisées)")],
)
def test_a_challenge_that_names_no_jurisdiction_says_so_rather_than_all(client, site, language, label):
    challenge = unnamed_challenge()

    html = client.get(page_url("challenges", language)).content.decode()

    card = visible_text(re.search(rf'<article id="challenge-{challenge.pk}".*?</article>', html, re.S).group(0))
    assert card.endswith(label)
    assert "across jurisdictions" not in card.lower() and "toutes les administrations" not in card.lower()
    assert "Jurisdictions:" not in card and "Administrations\u00a0:" not in card
    # A challenge naming jurisdictions still lists them.
    named = Challenge.objects.filter(jurisdictions__code="J0").get()
    named_card = visible_text(re.search(rf'<article id="challenge-{named.pk}".*?</article>', html, re.S).group(0))
    assert named_card.endswith({"en": "Jurisdictions: Province 0", "fr": "Administrations : Province no 0"}[language])


def test_a_jurisdiction_page_says_where_the_challenges_naming_none_are(client, site):
    unnamed_challenge()
    Challenge.objects.filter(jurisdictions__isnull=False).delete()

    english = client.get(page_url("jurisdiction", "en")).content.decode()
    french = client.get(page_url("jurisdiction", "fr")).content.decode()

    assert "No challenge has been published for this jurisdiction." in visible_text(english)
    assert (
        "Challenges that concern several jurisdictions without naming them are not listed here: see "
        '<a href="/en/challenges/">all the challenges</a>.' in english
    )
    assert (
        "Les défis qui concernent plusieurs administrations sans les nommer ne figurent pas ici\u00a0: voir "
        '<a href="/fr/defis/">tous les défis</a>.' in french
    )
    assert "Lack of resources in some jurisdictions" not in english


# The about page's meeting and a jurisdiction's seats ---------------------------------------


def test_the_about_page_names_the_latest_meeting_once(client, db):
    Meeting.objects.all().delete()
    MeetingFactory(
        kind=MeetingKind.JOINT_COUNCILS,
        date=datetime.date(2020, 2, 27),
        title_en="Joint Councils \u2013 February 27, 2020",
        title_fr="Conseils mixtes \u2013 27 février 2020",
    )

    french = client.get(page_url("about", "fr")).content.decode()
    english = client.get(page_url("about", "en")).content.decode()

    assert '<time datetime="2020-02-27">Conseils mixtes \u2013 27 février 2020</time>' in french
    assert visible_text(french).count("Conseils mixtes") == 1
    assert visible_text(french).count("2020") == 1
    assert visible_text(english).count("Joint Councils") == 1


@pytest.mark.parametrize(
    ("language", "wording"), [("en", "Partner (to be determined)"), ("fr", "Partenaire (à déterminer)")]
)
def test_a_jurisdiction_page_words_an_unconfirmed_seat_as_the_plan_does(client, site, language, wording):
    text = visible_text(client.get(page_url("jurisdiction", language)).content.decode())

    assert wording in text
    assert "— to be determined" not in text and "— à déterminer" not in text


# The head: description and language alternates ------------------------------------------------


def description(html):
    match = re.search(r'<meta name="description" content="([^"]*)">', html)
    return unescape(match.group(1)) if match else None


def alternates(html):
    return re.findall(r'<link rel="alternate" hreflang="([^"]+)" href="([^"]+)">', html)


@pytest.mark.parametrize("name", PAGE_IDS)
def test_every_page_has_a_description_in_its_language(client, site, name):
    english = description(client.get(page_url(name, "en")).content.decode())
    french = description(client.get(page_url(name, "fr")).content.decode())

    assert english and french and english != french
    assert len(english) <= 260 and len(french) <= 260
    assert "\n" not in english.strip()


def test_a_page_describes_itself_from_its_data(client, site):
    jurisdiction = Jurisdiction.objects.get(code="J0")

    english = description(client.get(page_url("jurisdiction", "en")).content.decode())
    french = description(client.get(page_url("jurisdiction", "fr")).content.decode())
    priority = description(client.get(page_url("priority", "fr")).content.decode())
    home = description(client.get(page_url("home", "en")).content.decode())

    assert english.startswith(f"{jurisdiction.name_en} in the Canada Open Government Working Group: ")
    assert french.startswith(f"{jurisdiction.name_fr} au sein du Groupe de travail sur le gouvernement ouvert")
    assert priority.startswith("Priorité 1 de «\u00a0")
    assert home != english


def test_a_kept_frame_does_not_keep_another_pages_description(client, site):
    other = JurisdictionFactory(code="J9", name_en="Yukon", name_fr="Yukon")

    first = description(client.get(page_url("jurisdiction", "en")).content.decode())
    second = description(client.get(f"/en/jurisdictions/{other.code.lower()}/").content.decode())

    assert first.startswith("Province 0 ") and second.startswith("Yukon ")


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_head_names_the_page_in_both_languages_and_the_unprefixed_address(client, site, language):
    html = client.get(page_url("challenges", language)).content.decode()

    assert alternates(html) == [
        ("en", "/en/challenges/"),
        ("fr", "/fr/defis/"),
        ("x-default", "/challenges/"),
    ]


def test_the_alternates_of_a_page_with_arguments_and_a_query(client, site):
    html = client.get("/fr/administrations/j0/?x=1").content.decode()

    assert alternates(html) == [
        ("en", "/en/jurisdictions/j0/?x=1"),
        ("fr", "/fr/administrations/j0/?x=1"),
        ("x-default", "/jurisdictions/j0/?x=1"),
    ]


def test_the_x_default_address_leads_to_the_page(client, site):
    html = client.get(page_url("priority", "fr")).content.decode()
    x_default = dict(alternates(html))["x-default"]

    response = client.get(x_default, HTTP_ACCEPT_LANGUAGE="fr")

    assert response.status_code == 302 and response["Location"] == page_url("priority", "fr")


def test_a_missing_page_names_no_alternate(client, site):
    html = client.get("/fr/nulle-part/").content.decode()

    assert alternates(html) == []
    assert description(html)
