import re
from html import unescape

import pytest
from django.urls import reverse
from django.utils import translation

from stories.choices import Impact, StoryState, UserType
from stories.models import UserStory
from stories.views import SUBMISSIONS_PER_HOUR
from tests.factories import JurisdictionFactory, ThemeFactory
from tests.site.conftest import PAGE_IDS, page_url

pytestmark = pytest.mark.django_db


def valid_story(**changes):
    data = {
        "title": "Des cliniques plus proches",
        "summary": "Une chercheuse a cartographié les cliniques.",
        "story": "Le récit complet.",
        "user_type": UserType.RESEARCHER,
        "impact": Impact.SOCIAL,
        "jurisdiction": "QC",
        "themes": ["health"],
        "datasets": "https://open.canada.ca/data/fr/dataset/abc\n\nhttps://donneesquebec.ca/recherche/dataset/xyz",
        "submitter_name": "Camille Tremblay",
        "submitter_email": "camille@example.org",
        "consent": "on",
        "website": "",
    }
    return data | changes


@pytest.fixture
def references(db):
    JurisdictionFactory(code="QC", name_en="Quebec", name_fr="Québec")
    ThemeFactory(slug="health", name_en="Health", name_fr="Santé")


def test_a_story_is_stored_as_submitted_in_the_language_it_was_written_in(client, references):
    response = client.post("/fr/recits-utilisateurs/soumettre/", valid_story())

    assert response.status_code == 302
    assert response["Location"] == "/fr/recits-utilisateurs/soumettre/merci/"
    story = UserStory.objects.get()
    assert story.state == StoryState.SUBMITTED
    assert story.title_fr == "Des cliniques plus proches"
    assert not story.title_en  # the secretariat translates it in review
    assert story.summary_fr == "Une chercheuse a cartographié les cliniques."
    assert story.story_fr == (
        "Le récit complet.\n\nJeux de données utilisés\u00a0:\n"
        "https://open.canada.ca/data/fr/dataset/abc\nhttps://donneesquebec.ca/recherche/dataset/xyz"
    )
    assert story.jurisdiction.code == "QC"
    assert [theme.slug for theme in story.themes.all()] == ["health"]
    assert (story.submitter_name, story.submitter_email) == ("Camille Tremblay", "camille@example.org")
    assert story.slug == "des-cliniques-plus-proches"
    assert story.published_on is None


def test_the_confirmation_page_says_what_happens_next(client, references):
    response = client.post("/en/user-stories/submit/", valid_story(), follow=True)

    assert response.status_code == 200
    assert "We have received your user story." in response.content.decode()


def test_two_stories_with_the_same_title_get_different_addresses(client, references):
    client.post("/en/user-stories/submit/", valid_story())
    client.post("/en/user-stories/submit/", valid_story(summary="Un chercheur a cartographié les pharmacies."))

    slugs = sorted(UserStory.objects.values_list("slug", flat=True))
    assert slugs[0] == "des-cliniques-plus-proches"
    assert re.fullmatch(r"des-cliniques-plus-proches-[0-9a-f]{6}", slugs[1])


def test_a_submitted_story_is_not_public_until_the_secretariat_publishes_it(client, references):
    client.post("/en/user-stories/submit/", valid_story())
    story = UserStory.objects.get()

    assert client.get(f"/en/user-stories/{story.slug}/").status_code == 404
    assert "Des cliniques plus proches" not in client.get("/en/user-stories/").content.decode()
    assert "Des cliniques plus proches" not in client.get("/en/feed/").content.decode()


@pytest.mark.parametrize("language", ["en", "fr"])
def test_the_submitter_e_mail_never_appears_publicly_even_once_published(client, site, references, language):
    client.post("/en/user-stories/submit/", valid_story())
    story = UserStory.objects.get(submitter_email="camille@example.org")
    story.state, story.published_on = StoryState.PUBLISHED, story.created_at.date()
    story.save()
    public = [page_url(name, language) for name in PAGE_IDS]
    with translation.override(language):
        story_url = reverse("stories:detail", args=[story.slug])
    public += [story_url, "/en/feed/", "/fr/fil/", "/sitemap.xml", "/api/v1/stories/", "/api/v1/stories/?format=csv"]

    for url in public:
        response = client.get(url)
        assert response.status_code == 200, url
        body = response.content.decode()
        assert "camille@example.org" not in body, url
        assert "Camille Tremblay" not in body, url
    assert "Des cliniques plus proches" in client.get(story_url).content.decode()


def test_a_robot_that_fills_the_hidden_field_is_thanked_and_nothing_is_stored(client, references):
    response = client.post("/en/user-stories/submit/", valid_story(website="http://spam.example"))

    assert response.status_code == 302
    assert response["Location"] == "/en/user-stories/submit/thank-you/"
    assert UserStory.objects.count() == 0


def test_one_address_may_send_only_a_few_stories_an_hour(client, references):
    # Different stories: the same one sent again is stored once (tests/stories/test_submission_duplicates.py).
    for number in range(SUBMISSIONS_PER_HOUR):
        assert client.post("/en/user-stories/submit/", valid_story(title=f"Story {number}")).status_code == 302

    refused = client.post("/fr/recits-utilisateurs/soumettre/", valid_story(title="One too many"))
    other_address = client.post(
        "/en/user-stories/submit/", valid_story(title="Another sender"), REMOTE_ADDR="192.0.2.7"
    )

    assert refused.status_code == 429
    assert "Vous avez envoyé plusieurs récits en peu de temps." in refused.content.decode()
    assert other_address.status_code == 302
    assert UserStory.objects.count() == SUBMISSIONS_PER_HOUR + 1


def test_an_empty_form_shows_an_error_summary_in_french_and_stores_nothing(client, references):
    response = client.post("/fr/recits-utilisateurs/soumettre/", {"website": ""})

    assert response.status_code == 200
    html = unescape(response.content.decode())
    assert "<title>Erreur\u00a0: Soumettre un récit d'utilisateur" in html
    assert "Le formulaire n'a pas pu être soumis, car 6 erreurs ont été trouvées." in html
    for link, message in [
        ("#id_title", "Entrez le titre de votre récit."),
        ("#id_summary", "Entrez un résumé de votre récit."),
        ("#id_user_type_0", "Choisissez qui a utilisé les données."),
        ("#id_impact_0", "Choisissez le type d'incidence."),
        ("#id_submitter_email", "Entrez votre adresse courriel."),
        ("#id_consent", "Acceptez la publication de votre récit pour le soumettre."),
    ]:
        assert f'<a href="{link}">' in html
        assert message in html
    assert 'aria-invalid="true"' in html
    assert 'aria-describedby="id_title_error"' in html
    assert UserStory.objects.count() == 0


def test_bad_values_are_explained_and_the_entries_kept(client, references):
    response = client.post(
        "/en/user-stories/submit/",
        valid_story(submitter_email="not-an-address", datasets="ftp://example.org/x", jurisdiction="ZZ"),
    )

    html = unescape(response.content.decode())
    assert response.status_code == 200
    assert "Enter an e-mail address in the format name@example.com." in html
    assert "“ftp://example.org/x” is not a web address." in html
    assert "Select a valid choice." in html
    assert 'value="Des cliniques plus proches"' in html
    assert UserStory.objects.count() == 0


def test_the_form_labels_every_field_and_hides_the_trap_from_people(client, references):
    html = client.get("/en/user-stories/submit/").content.decode()

    for field_id in ("id_title", "id_summary", "id_story", "id_jurisdiction", "id_datasets", "id_submitter_email"):
        assert f'<label for="{field_id}">' in html
    assert "<legend>Who used the data? <span" in html
    assert '<div class="honeypot" aria-hidden="true">' in html
    assert 'tabindex="-1" autocomplete="off"' in html
    assert " required" not in html.split("<form")[1]  # the page's own error summary does the checking


def test_a_story_titled_like_the_form_does_not_take_the_form_address(client, references):
    client.post("/en/user-stories/submit/", valid_story(title="Submit"))

    assert UserStory.objects.get().slug == "story-submit"


def test_behind_a_trusted_proxy_the_limit_counts_the_forwarded_address(client, references, settings):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 1}
    for _ in range(SUBMISSIONS_PER_HOUR):
        client.post("/en/user-stories/submit/", valid_story(), HTTP_X_FORWARDED_FOR="198.51.100.1")

    same = client.post("/en/user-stories/submit/", valid_story(), HTTP_X_FORWARDED_FOR="198.51.100.1")
    other = client.post("/en/user-stories/submit/", valid_story(), HTTP_X_FORWARDED_FOR="198.51.100.2")

    assert (same.status_code, other.status_code) == (429, 302)
