import re

import pytest
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation
from django.views.defaults import server_error

from cogwg.choices import LinkStatus
from cogwg.models import LinkCheck, StatusReport
from cogwg.services import records_publish
from jurisdictions.models import Accomplishment
from stories.choices import Impact, UserType
from stories.forms import MAX_DATASETS
from stories.models import Theme, UserStory
from tests.french import data_values, english_in, html_chunks
from tests.site.builders import SECRET, build_site
from tests.site.conftest import DOWNLOAD_IDS, LANGUAGES, PAGE_IDS, page_url, published_report
from tests.site.text import visible_text

pytestmark = pytest.mark.django_db

# French UI words that must never appear on an English page. (The reverse, English on a
# French page, is found from the catalogue itself: tests/french.py.)
FRENCH_UI = [
    "Accueil", "Tableau de bord", "Plan de travail", "Administrations", "Réalisations", "Défis", "Récits",
    "À propos", "Données ouvertes", "Passer au contenu principal", "Date de modification", "Jalons", "Avancement",
    "État", "En retard", "Non commencé", "En bonne voie", "à déterminer", "Responsables", "Partenaires",
    "Recherche", "Appliquer", "Soumettre", "obligatoire", "Trimestre", "Calendrier", "Enjeu", "Résultat attendu",
    "Retombées", "Fédéral", "Thème", "Résumé", "Dernier", "Membres", "Téléchargement", "Champ",
    "Erreur", "Merci", "Quoi de neuf", "Jeux de données", "Incidence",
]  # fmt: skip

# Queries per page: the same whatever the data size (checked at 1 and 20 records of each kind).
EXPECTED_QUERIES = {
    "home": 10,
    "about": 6,
    "open-data": 1,
    "work-plan-current": 6,
    "work-plan": 6,
    "priority": 8,
    "jurisdictions": 3,
    "jurisdiction": 10,  # its accomplishments' priorities the public may see: one query (shown_priority)
    "accomplishments": 7,  # the same
    "challenges": 5,
    "stories": 7,  # the datasets of published stories, the choices of its dataset filter: one query
    "story": 5,
    "story-submit": 2,
    "story-submitted": 1,
    "status-reports": 4,  # the data version, the page count, the reports with their meetings, their files
    "status-report": 3,  # the data version, the report, its files
    "status-report-changes": 3,  # the same (what changed is read from the frozen contents)
    "calendar": 2,  # the data version, the milestones with their status then
    "status-report-file": 1,  # the file with its report (its ETag needs no data version)
    "story-submit-post": 21,  # the checks, the story and its history, its themes, the e-mails queued
}


def found(words, text):
    return [word for word in words if re.search(rf"(?<!\w){re.escape(word)}(?!\w)", text)]


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("name", PAGE_IDS)
def test_every_page_answers_in_both_languages_with_one_h1_and_the_frame(client, site, name, language):
    response = client.get(page_url(name, language))

    assert response.status_code == 200
    html = response.content.decode()
    assert f'<html lang="{language}">' in html
    assert response["Content-Language"] == language
    assert len(re.findall(r"<h1[\s>]", html)) == 1
    assert 'href="#main"' in html and '<main id="main"' in html
    assert ("Date modified:" if language == "en" else "Date de modification\u00a0:") in html
    if name != "home":
        assert 'class="breadcrumb"' in html


@pytest.mark.parametrize("name", PAGE_IDS)
def test_a_french_page_shows_no_english_ui_text(client, site, name):
    french = html_chunks(client.get(page_url(name, "fr")).content.decode())
    english = html_chunks(client.get(page_url(name, "en")).content.decode())

    assert english_in(french, english, data_values()) == []


@pytest.mark.parametrize("name", PAGE_IDS)
def test_an_english_page_shows_no_french_ui_text(client, site, name):
    text = visible_text(client.get(page_url(name, "en")).content.decode())

    assert found(FRENCH_UI, text) == []


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("name", PAGE_IDS)
def test_the_language_toggle_leads_to_the_same_page_in_the_other_language(client, site, name, language):
    other = "fr" if language == "en" else "en"

    html = client.get(page_url(name, language)).content.decode()

    toggle = re.search(r'<section class="language-toggle".*?<a href="([^"]+)" lang="(\w+)"', html, re.S)
    assert toggle.groups() == (page_url(name, other), other)
    assert client.get(toggle.group(1)).status_code == 200


@pytest.mark.parametrize(("accept", "target"), [("fr-CA,fr;q=0.9,en;q=0.5", "/fr/"), ("en-CA,en;q=0.9", "/en/")])
def test_the_root_redirects_by_the_browser_language(client, db, accept, target):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE=accept)

    assert response.status_code == 302
    assert response["Location"] == target


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("name", PAGE_IDS)
def test_no_page_shows_a_draft_or_a_submitter_e_mail(client, site, name, language):
    html = client.get(page_url(name, language)).content.decode()

    assert SECRET not in html
    assert "private.person@example.org" not in html
    assert "secret-story" not in html


@pytest.mark.parametrize(
    ("url", "text"),
    [
        ("/en/work-plan/2031/", "couldn't find that page"),
        ("/fr/plan-de-travail/2031/", "Nous ne pouvons trouver cette page"),
        ("/en/user-stories/secret-story/", "couldn't find that page"),
        ("/fr/nulle-part/", "Nous ne pouvons trouver cette page"),
    ],
)
def test_drafts_and_unknown_addresses_get_a_friendly_404_in_the_page_language(client, site, url, text):
    response = client.get(url)

    assert response.status_code == 404
    assert text in response.content.decode()


@pytest.mark.parametrize(("language", "text"), [("en", "problem with this page"), ("fr", "Nous éprouvons")])
def test_the_500_page_speaks_the_request_language(language, text):
    with translation.override(language):
        response = server_error(RequestFactory().get(f"/{language}/"))

    assert response.status_code == 500
    html = response.content.decode()
    assert f'<html lang="{language}">' in html and text in html


def count_queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize("size", [1, 20])
@pytest.mark.parametrize("name", [*PAGE_IDS, *DOWNLOAD_IDS])
def test_every_page_runs_a_constant_number_of_queries(client, db, django_assert_num_queries, name, size):
    build_site(size)
    url = page_url(name, "fr")

    with django_assert_num_queries(EXPECTED_QUERIES[name]):
        response = client.get(url)
        body = response.getvalue()  # a download's too, read as it streams

    assert response.status_code == 200
    assert body


def test_what_the_query_counts_read_grows_with_the_size(client, db):
    """At size 20 the query counts above read more than at size 1: the lists, and the rows
    each detail page shows of its record (a query per row would change its count)."""
    site = build_site(20)

    story = visible_text(client.get(page_url("story", "fr")).content.decode())
    calendar = client.get(page_url("calendar", "en")).content.decode()
    reports = client.get(page_url("status-reports", "en")).content.decode()

    assert site.story.themes.count() == 21
    assert story.count("Jeu de données") == site.story.datasets.count() == 21
    assert site.priority.milestones.count() == 21 and site.priority.seats.count() == 3 + 19
    assert site.priority.accomplishments.count() == site.jurisdiction.accomplishments.published().count() == 20
    assert site.jurisdiction.stories.count() == 10
    assert calendar.count("BEGIN:VEVENT") == 2 * 20 + 19
    assert reports.count('<section class="report-summary"') == 20
    assert StatusReport.objects.get(pk=published_report()).files.count() == 8


@pytest.mark.parametrize("size", [1, 20])
def test_a_story_sent_through_the_form_runs_a_constant_number_of_queries(client, db, django_assert_num_queries, size):
    build_site(size)
    themes = list(Theme.objects.values_list("slug", flat=True))
    story = {
        "title": "Des cliniques plus proches",
        "summary": "Une chercheuse a cartographié les cliniques.",
        "story": "Le récit complet.",
        "user_type": UserType.RESEARCHER,
        "impact": Impact.SOCIAL,
        "jurisdiction": "J0",
        # Every theme (size + 1 of them) and as many datasets as the form takes.
        "themes": themes,
        "datasets": "\n".join(f"https://open.canada.ca/data/dataset/sent-{n}" for n in range(min(size, MAX_DATASETS))),
        "submitter_email": "camille@example.org",
        "consent": "on",
        "website": "",
    }

    # On PostgreSQL, one more: the lock identical submissions take turns on.
    with django_assert_num_queries(EXPECTED_QUERIES["story-submit-post"] + (connection.vendor == "postgresql")):
        response = client.post(page_url("story-submit", "fr"), story)

    assert response.status_code == 302
    sent = UserStory.objects.get(submitter_email="camille@example.org")
    assert sent.themes.count() == len(themes) == size + 1


def test_an_unchanged_page_is_answered_not_modified_until_something_is_published(client, site):
    url = page_url("accomplishments", "en")
    first = client.get(url)
    assert first["Cache-Control"] == "public, max-age=0, must-revalidate"

    unchanged = client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
    records_publish(queryset=Accomplishment.objects.filter(title_en=SECRET))
    changed = client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])

    assert unchanged.status_code == 304
    assert changed.status_code == 200
    assert changed["ETag"] != first["ETag"]
    assert SECRET in changed.content.decode()


def test_the_dashboard_shows_the_selectors_progress_and_status_words(client, site):
    html = client.get(page_url("home", "en")).content.decode()
    text = visible_text(html)

    # Two milestones at 40 % on track: the priority and the plan are at 40 %, on track.
    assert "Overall progress 40% Overall status: On track" in text
    assert "1. Open data stories 1 40% On track 2" in text
    assert "Milestones by status" in text and "On track 2 100%" in text
    assert "Launched a portal 0" in text and "Finding clinics 0" in text
    assert "Status report, February 2020" in text
    assert re.search(r'href="/en/status-reports/\d+/files/fr\.pdf" hreflang="fr"', html)


def test_the_dashboard_in_french_uses_french_numbers_and_words(client, site):
    text = visible_text(client.get(page_url("home", "fr")).content.decode())

    # (visible_text() turns the non-breaking spaces before "%" and ":" into plain ones)
    assert "Avancement global 40 % État global : En bonne voie" in text


def test_the_priority_page_shows_the_problem_seats_timeline_and_latest_notes(client, site):
    text = visible_text(client.get(page_url("priority", "fr")).content.decode())

    assert "Enjeu Un enjeu Conséquences Les retombées ne sont pas maximisées Dédoublement du travail" in text
    assert "Résultat attendu Un résultat Retombées Les gouvernements font valoir leurs efforts" in text
    assert "Responsables Province no 0 , à déterminer Partenaires Province no 0 (à déterminer)" in text
    assert "T1 2020 Mars 2020 Diffuser des récits, ronde 3 En bonne voie En retard 40 %" in text
    assert "T3 2020 Septembre 2020" in text
    assert "Mise à jour du 1er février 2020 : Tout va bien" in text
    assert "Tout va bien" in text and SECRET not in text  # the draft update's note stays hidden
    assert "Lancement d'un portail 0" in text and "Trouver des cliniques 0" in text


def test_a_text_not_yet_translated_falls_back_with_its_language_marked(client, site):
    site.priority.title_fr = ""
    site.priority.save()

    html = client.get(page_url("priority", "fr")).content.decode()

    assert '<span lang="en">Open data stories 1</span>' in html


def test_the_jurisdictions_index_groups_by_kind_in_order(client, db):
    build_site(4)

    text = visible_text(client.get(page_url("jurisdictions", "en")).content.decode())

    positions = [text.index(kind) for kind in ("Federal", "Provincial", "Territorial", "Municipal")]
    assert positions == sorted(positions)


def test_a_jurisdiction_page_lists_its_seats_accomplishments_challenges_and_links(client, site):
    text = visible_text(client.get(page_url("jurisdiction", "en")).content.decode())

    assert "Open data portal" in text and "Open government page" in text and "Website" in text
    assert "COGWG 2020 Work Plan 1. Open data stories 1 Lead" in text
    assert "Partner (to be determined)" in text
    assert "Launched a portal 0" in text and "Lack of resources 0" in text and "Finding clinics 0" in text


def test_a_link_that_failed_its_last_check_is_marked_not_hidden(client, site):
    LinkCheck.objects.create(
        url=site.jurisdiction.open_data_url,
        status=LinkStatus.BROKEN,
        status_code=404,
        checked_at=timezone.now(),
        first_failed_at=timezone.now(),
    )

    html = client.get(page_url("jurisdiction", "en")).content.decode()

    assert f'<a href="{site.jurisdiction.open_data_url}">Open data portal</a> <span class="link-unreachable">' in html
    assert html.count("link-unreachable") == 1


def test_the_accomplishments_list_filters_with_the_api_filterset(client, db):
    build_site(3)
    url = page_url("accomplishments", "en")

    by_jurisdiction = visible_text(client.get(url, {"jurisdiction": "J1"}).content.decode())
    by_search = visible_text(client.get(url, {"q": "portail 2"}).content.decode())
    nothing = visible_text(client.get(url, {"category": "policy"}).content.decode())

    assert "Launched a portal 1" in by_jurisdiction and "Launched a portal 0" not in by_jurisdiction
    assert "1 accomplishment" in by_jurisdiction
    assert "Launched a portal 2" in by_search and "Launched a portal 1" not in by_search
    assert "No accomplishment matches these filters." in nothing


def test_the_challenges_list_filters_by_status(client, site):
    url = page_url("challenges", "fr")

    open_ones = visible_text(client.get(url, {"status": "open"}).content.decode())
    resolved = visible_text(client.get(url, {"status": "resolved"}).content.decode())

    assert "Manque de ressources 0" in open_ones
    assert "Aucun défi ne correspond à ces filtres." in resolved


def test_the_story_gallery_filters_and_searches(client, db):
    build_site(3)
    url = page_url("stories", "en")

    by_theme = visible_text(client.get(url, {"theme": "health", "q": "finding clinics"}).content.decode())
    no_match = visible_text(client.get(url, {"theme": "health", "q": "clinics drought"}).content.decode())
    by_impact = visible_text(client.get(url, {"impact": "economic"}).content.decode())
    bad = client.get(url, {"jurisdiction": "NOPE"})

    assert all(f"Finding clinics {number}" in by_theme for number in range(3))
    assert "No user story matches these filters." in no_match
    assert "No user story matches these filters." in by_impact
    assert bad.status_code == 200
    assert "Some filters could not be applied" in bad.content.decode()


def test_a_story_page_lists_its_datasets(client, site):
    text = visible_text(client.get(page_url("story", "fr")).content.decode())

    assert "Trouver des cliniques 0" in text
    assert "Jeux de données utilisés" in text
    assert text.count("Jeu de données") == 2


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_page_is_reachable_by_links_from_the_home_page(client, site, language):
    home = page_url("home", language)
    seen, queue = {home}, [home]
    while queue and len(seen) < 300:
        response = client.get(queue.pop())
        if response.status_code != 200 or not response["Content-Type"].startswith("text/html"):
            continue
        for href in re.findall(r'href="(/[^"#?]*)', response.content.decode()):
            if href.startswith(f"/{language}/") and "/admin/" not in href and href not in seen:
                seen.add(href)
                queue.append(href)

    expected = {page_url(name, language) for name in PAGE_IDS} - {page_url("story-submitted", language)}
    assert expected - seen == set()
    assert {page_url("story-submitted", language)} - seen  # reached by submitting, not by a link
    assert f"/{language}/{'feed' if language == 'en' else 'fil'}/" in seen


@pytest.mark.parametrize(
    ("language", "sentence", "address"),
    [
        ("en", "Open Government Licence \u2013 Canada", "https://open.canada.ca/en/open-government-licence-canada"),
        (
            "fr",
            "Licence du gouvernement ouvert \u2013 Canada",
            "https://ouvert.canada.ca/fr/licence-du-gouvernement-ouvert-canada",
        ),
    ],
)
def test_the_open_data_page_names_its_licence(client, site, language, sentence, address):
    html = client.get(page_url("open-data", language)).content.decode()

    assert f'<a href="{address}">{sentence}</a>' in html
