"""The privacy notice, /en/privacy/ and /fr/confidentialite/: who is accountable and whom
to write to (a setting), what the story form collects and why, who reads a story before
it is published, how long personal information is kept (the retention settings), the
reader's rights, and the cookies. Linked from every page's footer, in the sitemap,
answered from the settings alone (no data query) and revalidated like the other pages."""

import itertools
import re

import pytest
from django.test import override_settings
from django.urls import reverse
from django.utils import translation

from tests.factories import UserStoryFactory
from tests.french import data_values, english_in, html_chunks
from tests.ops.conftest import manage, production_env
from tests.site.test_pages import FRENCH_UI, found
from tests.site.text import visible_text

pytestmark = pytest.mark.django_db

ADDRESSES = {"en": "/en/privacy/", "fr": "/fr/confidentialite/"}


def url(language):
    with translation.override(language):
        return reverse("privacy")


def text_of(client, language):
    return visible_text(client.get(url(language)).content.decode())


def test_the_notice_has_an_address_in_each_language():
    assert {language: url(language) for language in ADDRESSES} == ADDRESSES


@pytest.mark.parametrize("language", ["en", "fr"])
def test_the_notice_answers_in_both_languages_with_headings_in_order(client, language):
    response = client.get(url(language))

    assert response.status_code == 200
    assert response["Content-Language"] == language
    html = response.content.decode()
    assert f'<html lang="{language}">' in html
    main = html[html.index("<main") : html.index("</main>")]
    levels = [int(level) for level in re.findall(r"<h([1-6])[\s>]", main)]
    assert levels[0] == 1 and levels.count(1) == 1
    assert all(later - earlier <= 1 for earlier, later in itertools.pairwise(levels))
    assert levels == [1, 2, 2, 2, 2, 2, 2]


def test_the_french_notice_shows_no_english_and_the_english_one_no_french(client):
    french, english = (html_chunks(client.get(url(language)).content.decode()) for language in ("fr", "en"))

    assert english_in(french, english, data_values()) == []
    assert found(FRENCH_UI, text_of(client, "en")) == []


@pytest.mark.parametrize(
    ("language", "sentences"),
    [
        (
            "en",
            [
                "The working group's secretariat is accountable for the personal information this site collects, "
                "on behalf of the member governments of the Canada Open Government Working Group.",
                "Your name and e-mail address are never published",
                "Only the working group's secretariat reads a story sent through the form before it is published",
                "We e-mail you a receipt once your story is stored, then the secretariat's decision",
                "You may ask to see the personal information we hold about you, to have it corrected, and to "
                "withdraw your story",
                "Office of the Privacy Commissioner of Canada",
            ],
        ),
        (
            "fr",
            [
                "Le secrétariat du groupe de travail est responsable des renseignements personnels que ce site "
                "recueille, au nom des gouvernements membres du Groupe de travail sur le gouvernement ouvert du "
                "Canada.",
                "Votre nom et votre adresse courriel ne sont jamais publiés",
                "Seul le secrétariat du groupe de travail lit un récit envoyé par le formulaire avant sa publication",
                "Nous vous envoyons par courriel un accusé de réception dès que votre récit est enregistré",
                "Vous pouvez demander à consulter les renseignements personnels que nous détenons à votre sujet",
                "Commissariat à la protection de la vie privée du Canada",
            ],
        ),
    ],
)
def test_the_notice_says_who_collects_what_who_reads_it_and_the_readers_rights(client, language, sentences):
    text = text_of(client, language)

    assert [sentence for sentence in sentences if sentence not in text] == []


@pytest.mark.parametrize(("language", "commissioner"), [("en", "/en/"), ("fr", "/fr/")])
@override_settings(COGWG_PRIVACY_CONTACT="privacy@cogwg.example.gc.ca")
def test_questions_go_to_the_contact_of_the_settings_and_complaints_to_the_commissioner(client, language, commissioner):
    html = client.get(url(language)).content.decode()

    assert html.count('<a href="mailto:privacy@cogwg.example.gc.ca">privacy@cogwg.example.gc.ca</a>') == 2
    assert f'<a href="https://www.priv.gc.ca{commissioner}">' in html


@pytest.mark.parametrize(
    ("environment", "contact"),
    [
        ({"DEFAULT_FROM_EMAIL": "COGWG Tracker <cogwg@tbs.example.gc.ca>"}, "cogwg@tbs.example.gc.ca"),
        (
            {"DEFAULT_FROM_EMAIL": "COGWG Tracker <cogwg@tbs.example.gc.ca>", "COGWG_PRIVACY_CONTACT": "atip@gc.ca"},
            "atip@gc.ca",
        ),
    ],
)
def test_by_default_the_contact_is_the_address_e_mails_come_from(environment, contact):
    code = "import django; django.setup(); from django.conf import settings; print(settings.COGWG_PRIVACY_CONTACT)"

    result = manage("shell", "--no-imports", "-c", code, env=production_env(**environment))

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == contact


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        (
            "en",
            [
                "erased 180 days after the decision",
                "erased from its history at once",
                "are deleted after 90 days",
                "deleted 365 days after they were sent, whether the reporting period has closed or not",
            ],
        ),
        (
            "fr",
            [
                "de son historique 180 jours après la décision",
                "de son historique dès sa suppression",
                "supprimées après 90 jours",
                "supprimées 365 jours après leur envoi, que la période de rapport soit close ou non",
            ],
        ),
    ],
)
def test_the_periods_stated_are_the_default_settings(client, language, expected):
    text = text_of(client, language)

    assert [phrase for phrase in expected if phrase not in text] == []


@override_settings(
    COGWG_RETENTION_REJECTED_STORY_DAYS=30, COGWG_RETENTION_ACCESS_LOG_DAYS=1, COGWG_RETENTION_REMINDER_DAYS=730
)
@pytest.mark.parametrize(
    ("language", "expected", "absent"),
    [
        (
            "en",
            [
                "erased 30 days after the decision",
                "are deleted after 1 day.",
                "deleted 730 days after they were sent",
            ],
            ["180", "90 days", "365"],
        ),
        (
            "fr",
            ["historique 30 jours après la décision", "supprimées après 1 jour.", "supprimées 730 jours après"],
            ["180", "90 jours", "365"],
        ),
    ],
)
def test_the_periods_stated_follow_the_settings(client, language, expected, absent):
    text = text_of(client, language)

    assert [phrase for phrase in expected if phrase not in text] == []
    assert [phrase for phrase in absent if phrase in text] == []


def test_the_cookies_named_are_those_the_site_sets(client, settings):
    html = client.get(url("en")).content.decode()
    text = visible_text(html)

    assert f"<code>{settings.CSRF_COOKIE_NAME}</code>" in html
    assert f"<code>{settings.SESSION_COOKIE_NAME}</code>" in html
    assert "364 days" in text  # CSRF_COOKIE_AGE
    assert "until the browser closes, 8 hours at most" in text  # SESSION_COOKIE_AGE
    assert "No cookie remembers your language" in text
    # The notice itself sets none: it has no form.
    assert client.get(url("en")).cookies == {}


@pytest.mark.parametrize("language", ["en", "fr"])
def test_every_page_links_to_the_notice_from_its_footer(client, language):
    label = {"en": "Privacy", "fr": "Confidentialité"}[language]
    link = f'<li><a href="{ADDRESSES[language]}">{label}</a></li>'
    with translation.override(language):
        pages = [reverse("home"), reverse("about"), reverse("stories:submit"), url(language)]

    for page in pages:
        html = client.get(page).content.decode()
        footer = html[html.index('<footer class="site-footer">') :]
        assert link in footer, page


def test_the_language_toggle_leads_to_the_notice_in_the_other_language(client):
    html = client.get(url("en")).content.decode()

    toggle = re.search(r'<section class="language-toggle".*?<a href="([^"]+)" lang="fr"', html, re.S)
    assert toggle.group(1) == ADDRESSES["fr"]


def test_the_notice_is_in_the_sitemap_in_both_languages(client):
    sitemap = client.get("/sitemap.xml").content.decode()

    assert "http://testserver/en/privacy/" in sitemap
    assert 'hreflang="fr" href="http://testserver/fr/confidentialite/"' in sitemap


def test_the_notice_runs_no_query_of_the_data_whatever_its_size(client, django_assert_num_queries):
    # One query at most, the data version (cogwg/versioning.py), as every public page.
    with django_assert_num_queries(1):
        assert client.get(url("en")).status_code == 200
    UserStoryFactory.create_batch(20)
    with django_assert_num_queries(1):
        assert client.get(url("fr")).status_code == 200
    with django_assert_num_queries(0):
        assert client.get(url("fr") + "?again").status_code == 200


def test_the_notice_answers_a_conditional_get_with_304(client):
    first = client.get(url("en"))

    again = client.get(url("en"), HTTP_IF_NONE_MATCH=first["ETag"])

    assert first["Cache-Control"] == "public, max-age=0, must-revalidate"
    assert again.status_code == 304
