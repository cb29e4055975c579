"""The story form accepts what the story's columns hold, and no more: a longer value is
a message in the page's language, never a database error (PostgreSQL refuses what does
not fit; SQLite would store it)."""

from html import unescape

import pytest

from stories.forms import StorySubmissionForm
from stories.models import UserStory
from tests.factories import JurisdictionFactory, ThemeFactory
from tests.site.test_forms import valid_story

pytestmark = pytest.mark.django_db


@pytest.fixture
def references(db):
    """What ``valid_story`` names: Quebec and the health theme."""
    JurisdictionFactory(code="QC")
    ThemeFactory(slug="health")


def address(length):
    """A valid e-mail address of ``length`` characters: a name of at most 64 characters
    at a domain whose labels have 60 (at most 63 each)."""
    for labels in range(1, 6):
        domain = ".".join(["a" * 60] * labels) + ".example.org"
        name = length - len(domain) - 1
        if 1 <= name <= 64:
            return f"{'c' * name}@{domain}"
    raise ValueError(length)


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("/en/user-stories/submit/", "Ensure this value has at most 254 characters (it has 300)."),
        (
            "/fr/recits-utilisateurs/soumettre/",
            "Assurez-vous que cette valeur comporte au plus 254 caractères (actuellement 300).",
        ),
    ],
    ids=["en", "fr"],
)
def test_an_e_mail_address_longer_than_its_column_is_explained_and_nothing_is_stored(client, references, url, message):
    response = client.post(url, valid_story(submitter_email=address(300)))

    assert response.status_code == 200
    html = unescape(response.content.decode())
    assert '<a href="#id_submitter_email">' + message in html
    assert 'maxlength="254"' in html
    assert UserStory.objects.count() == 0

    response = client.post(url, valid_story(submitter_email=address(254)))

    assert response.status_code == 302
    assert UserStory.objects.get().submitter_email == address(254)


def test_the_form_takes_its_lengths_from_the_story_columns():
    fields = StorySubmissionForm().fields

    for name in ("submitter_name", "submitter_email"):
        assert fields[name].max_length == UserStory._meta.get_field(name).max_length
