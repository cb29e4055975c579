"""The story form tells its sender, before they agree, what happens to their name and
e-mail address (the privacy notice: the e-mails they get, how long the data is kept, their
rights and whom to write to, the full notice), in both languages; the story records when
they agreed and to which version of the notice, for the secretariat's eyes only; and an
address the site's mail relay would deliver inside (``postmaster@localhost``,
``root@[127.0.0.1]``) is refused with a message in the page's language."""

import datetime
import re
from html import unescape

import pytest
from django.core.cache import cache
from django.db import IntegrityError
from django.utils import timezone

from cogwg.permissions import SECRETARIAT, roles_sync
from stories.forms import PRIVACY_NOTICE_VERSION
from stories.models import UserStory
from tests.factories import JurisdictionFactory, ThemeFactory, UserStoryFactory
from tests.permissions.conftest import admin_client, api_client, make_user
from tests.test_admin import form_data

pytestmark = pytest.mark.django_db

FORM = {"en": "/en/user-stories/submit/", "fr": "/fr/recits-utilisateurs/soumettre/"}


def valid_story(**changes):
    data = {
        "title": "Des cliniques plus proches",
        "summary": "Une chercheuse a cartographié les cliniques.",
        "story": "",
        "user_type": "researcher",
        "impact": "social",
        "jurisdiction": "QC",
        "datasets": "",
        "submitter_name": "Camille Tremblay",
        "submitter_email": "camille@example.org",
        "consent": "on",
        "website": "",
    }
    return data | changes


def text(html):
    html = re.sub(r"<script.*?</script>|<style.*?</style>", "", html, flags=re.S)
    # (Only the ASCII spaces: the no-break spaces of French typography stay.)
    return unescape(re.sub(r"[ \t\r\n]+", " ", re.sub(r"<[^>]+>", " ", html)))


def notice(html):
    """The privacy notice's section of the form's page."""
    found = re.search(r'<section class="privacy-notice" id="privacy-notice".*?</section>', html, flags=re.S)
    assert found, "no privacy notice"
    return found.group(0)


@pytest.fixture(autouse=True)
def references(db, settings):
    settings.COGWG_PRIVACY_CONTACT = "privacy@cogwg.example.org"
    JurisdictionFactory(code="QC", name_en="Quebec", name_fr="Québec")
    ThemeFactory(slug="health", name_en="Health", name_fr="Santé")
    cache.clear()  # the form's rate limit
    yield
    cache.clear()


# The notice


def test_the_english_form_gives_the_privacy_notice_before_its_consent_and_its_button(client):
    html = client.get(FORM["en"]).content.decode()

    section = notice(html)
    words = text(section)
    form = html[html.index("<form") : html.index("</form>")]
    assert form.index('id="privacy-notice"') < form.index('id="id_consent"') < form.index('type="submit"')
    assert '<h2 id="privacy-notice-heading">Privacy notice</h2>' in section
    assert 'aria-labelledby="privacy-notice-heading"' in section
    assert "We send you automatic e-mails: a receipt when your story arrives, then the secretariat's decision." in words
    assert "Your name and e-mail address are never published." in words
    assert "If it is not accepted, we erase them 180 days after the decision." in words
    assert "you may ask to see or correct your personal information, to have it erased, or to withdraw" in words
    assert '<a href="mailto:privacy@cogwg.example.org">privacy@cogwg.example.org</a>' in section
    assert '<a href="/en/privacy/">Read the full privacy notice</a>' in section
    # The consent checkbox is described by the notice.
    assert re.search(r'<input type="checkbox" name="consent"[^>]*aria-describedby="privacy-notice"', html)


def test_the_french_form_gives_the_notice_in_french_only(client):
    html = client.get(FORM["fr"]).content.decode()

    section = notice(html)
    words = text(section)
    assert '<h2 id="privacy-notice-heading">Avis de confidentialité</h2>' in section
    assert (
        "Nous vous envoyons des courriels automatiques\u00a0: un accusé de réception à l'arrivée de votre récit, "
        "puis la décision du secrétariat." in words
    )
    assert "S'il n'est pas retenu, nous les effaçons 180 jours après la décision." in words
    assert "vous pouvez demander à consulter ou à corriger vos renseignements personnels" in words
    assert '<a href="/fr/confidentialite/">Lire l\'avis de confidentialité complet</a>' in section
    for english in ("Privacy notice", "automatic", "receipt", "erase", "privacy notice", "Read the full"):
        assert english not in section
    assert "Elle n'est jamais publiée." in text(html)  # the address's help text


def test_the_notice_gives_the_retention_period_of_the_settings_with_its_number(client, settings):
    settings.COGWG_RETENTION_REJECTED_STORY_DAYS = 1

    english = text(notice(client.get(FORM["en"]).content.decode()))
    french = text(notice(client.get(FORM["fr"]).content.decode()))

    assert "we erase them 1 day after the decision." in english
    assert "nous les effaçons 1 jour après la décision." in french


def test_the_address_help_text_tells_of_the_e_mails_and_the_name_is_never_published(client):
    html = text(client.get(FORM["en"]).content.decode())

    assert "We e-mail you a receipt, then the decision on your story, and write to you only about it." in html
    assert "Optional. It is never published." in html


def test_a_refused_consent_keeps_the_notice_in_its_description_with_the_error(client):
    html = client.post(FORM["fr"], valid_story(consent="")).content.decode()

    checkbox = re.search(r'<input type="checkbox" name="consent"[^>]*>', html).group(0)
    assert 'aria-describedby="privacy-notice id_consent_error"' in checkbox
    assert 'aria-invalid="true"' in checkbox
    assert "Acceptez la publication de votre récit pour le soumettre." in html
    assert UserStory.objects.count() == 0


@pytest.mark.parametrize("themes", [1, 8])
def test_the_form_page_runs_the_same_queries_whatever_the_number_of_themes(client, django_assert_num_queries, themes):
    for number in range(themes):
        ThemeFactory(slug=f"theme-{number}")
        JurisdictionFactory(code=f"Z{number}")

    with django_assert_num_queries(2):  # the jurisdictions and the themes it offers
        response = client.get(FORM["en"])

    assert response.status_code == 200


# The consent, recorded


@pytest.mark.parametrize("language", ["en", "fr"])
def test_a_story_sent_through_the_form_records_when_its_sender_agreed_and_to_which_notice(client, language):
    before = timezone.now()

    response = client.post(FORM[language], valid_story())

    assert response.status_code == 302
    story = UserStory.objects.get()
    assert before <= story.consent_given_at <= timezone.now()
    assert story.consent_notice_version == PRIVACY_NOTICE_VERSION == "2026-11-27"


def test_a_robot_that_fills_the_trap_records_no_consent_and_nothing_else(client):
    client.post(FORM["en"], valid_story(website="http://spam.example"))

    assert UserStory.objects.count() == 0


def test_a_story_filed_by_the_secretariat_carries_no_consent_and_the_api_never_shows_it(client):
    roles_sync()
    secretariat = make_user("sec", SECRETARIAT)
    client.post(FORM["en"], valid_story())
    sent = UserStory.objects.get()

    filed = api_client(secretariat).post(
        "/api/v1/stories/",
        {
            "title_en": "Filed",
            "summary_en": "Filed by the secretariat",
            "slug": "filed",
            "user_type": "researcher",
            "impact": "social",
            "consent_given_at": "2026-11-27T10:00:00Z",
            "consent_notice_version": "forged",
        },
        format="json",
    )
    read = api_client(secretariat).get(f"/api/v1/stories/{sent.pk}/")

    assert filed.status_code == 201, filed.content
    stored = UserStory.objects.get(slug="filed")
    assert (stored.consent_given_at, stored.consent_notice_version) == (None, "")
    assert read.status_code == 200
    body = read.content.decode()
    assert not [key for key in read.json() if "consent" in key or "submitter" in key]
    for private in ("consent", "camille@example.org", "Camille"):
        assert private not in body
    assert "consent" not in filed.content.decode()
    # What the form records cannot be changed in the admin either.
    change = admin_client(client, secretariat).get(f"/en/admin/stories/userstory/{sent.pk}/change/")
    assert "consent_given_at" not in change.context["adminform"].form.fields


def test_the_database_refuses_half_a_consent():
    with pytest.raises(IntegrityError):
        UserStoryFactory(consent_given_at=datetime.datetime(2026, 11, 27, tzinfo=datetime.UTC))


def test_the_database_refuses_a_notice_version_without_its_date():
    with pytest.raises(IntegrityError):
        UserStoryFactory(consent_notice_version=PRIVACY_NOTICE_VERSION)


# The e-mail address


INTERNAL = [
    "postmaster@localhost",
    "root@[127.0.0.1]",
    "root@[::1]",
    "admin@mail.localhost",
    "ops@host.local",
    "ops@relay.internal",
    "root@intranet.lan",
    "x@nas.home.arpa",
]
MESSAGES = {
    "en": "Enter an e-mail address with a full domain name, such as name@example.com. "
    "We cannot send e-mails to a local or numeric address.",
    "fr": "Entrez une adresse courriel avec un nom de domaine complet, par exemple nom@exemple.com. "
    "Nous ne pouvons pas envoyer de courriels à une adresse locale ou numérique.",
}


@pytest.mark.parametrize("language", ["en", "fr"])
@pytest.mark.parametrize("address", INTERNAL)
def test_an_address_inside_a_local_network_is_refused_in_the_pages_language(client, language, address):
    response = client.post(FORM[language], valid_story(submitter_email=address))

    html = unescape(response.content.decode())
    assert response.status_code == 200
    assert MESSAGES[language] in html
    assert html.count(MESSAGES[language]) == 2  # the summary and the field
    assert '<a href="#id_submitter_email">' in html
    other = MESSAGES["fr" if language == "en" else "en"]
    assert other not in html
    assert UserStory.objects.count() == 0


@pytest.mark.parametrize(
    ("address", "message"),
    [
        ("not-an-address", "Enter an e-mail address in the format name@example.com."),
        ("someone@intranet", "Enter an e-mail address in the format name@example.com."),
        ("a@10.0.0.45", "Enter an e-mail address in the format name@example.com."),
    ],
)
def test_an_address_that_is_no_address_gets_only_the_format_message(client, address, message):
    html = unescape(client.post(FORM["en"], valid_story(submitter_email=address)).content.decode())

    assert message in html
    assert MESSAGES["en"] not in html
    assert UserStory.objects.count() == 0


@pytest.mark.parametrize(
    "address", ["camille@example.org", "Camille@Example.CA", "a.b@mail.gov.bc.ca", "nom@exemple.québec"]
)
def test_an_address_on_the_internet_is_accepted(client, address):
    response = client.post(FORM["en"], valid_story(submitter_email=address))

    assert response.status_code == 302
    assert UserStory.objects.get().submitter_email == address


def test_the_secretariat_cannot_correct_an_address_into_a_local_one_either(client):
    roles_sync()
    story = UserStoryFactory(submitter_email="camille@example.org", submitter_language="fr")
    secretariat = admin_client(client, make_user("sec", SECRETARIAT))
    change_url = f"/fr/admin/stories/userstory/{story.pk}/change/"
    page = secretariat.get(change_url)
    data = form_data(page) | {"_record_version": page.context["record_version"]}

    response = secretariat.post(change_url, data | {"submitter_email": "postmaster@localhost"})

    assert response.status_code == 200
    assert MESSAGES["fr"] in unescape(response.content.decode())
    assert UserStory.objects.get(pk=story.pk).submitter_email == "camille@example.org"
    # The same form with an address on the internet goes through.
    assert secretariat.post(change_url, data | {"submitter_email": "camille@example.ca"}).status_code == 302
    assert UserStory.objects.get(pk=story.pk).submitter_email == "camille@example.ca"
