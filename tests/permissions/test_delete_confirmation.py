"""A deletion's confirmation page names the links of many-to-many fields by the record at
their other end, in the page's language, not as Django's English "UserStory_themes object"."""

import html
import re

import pytest
from django.urls import reverse
from django.utils import translation

from stories.models import Theme
from tests.factories import ChallengeFactory, JurisdictionFactory, UserStoryFactory

pytestmark = pytest.mark.django_db


def text(page):
    return html.unescape(re.sub(r"[ \t\r\n]+", " ", re.sub(r"<[^>]+>", " ", page)))


def confirmation(client, name, pk, language):
    with translation.override(language):
        url = reverse(name, args=[pk])
    return text(client.get(url).content.decode())


def test_deleting_a_theme_names_the_stories_that_lose_it_in_each_language(staff_client):
    theme = Theme.objects.create(slug="transit", name_en="Transit", name_fr="Transport")
    UserStoryFactory(title_en="Bus data", title_fr="Données d'autobus").themes.add(theme)

    english = confirmation(staff_client, "admin:stories_theme_delete", theme.pk, "en")
    french = confirmation(staff_client, "admin:stories_theme_delete", theme.pk, "fr")

    assert "User story: Bus data (only its link to this record)" in english
    assert "Links to user stories: 1" in english
    assert "Récit d'utilisateur\u00a0: Données d'autobus (seulement son lien avec cet enregistrement)" in french
    assert "Liens vers des récits d'utilisateurs\u00a0: 1" in french
    for page in (english, french):
        assert "relationship" not in page
        assert "object (" not in page


def test_deleting_a_challenge_names_its_jurisdictions_links(staff_client):
    challenge = ChallengeFactory(title_en="Staffing")
    challenge.jurisdictions.set([JurisdictionFactory(name_en="Ontario", name_fr="Ontario")])

    english = confirmation(staff_client, "admin:jurisdictions_challenge_delete", challenge.pk, "en")

    assert "Jurisdiction: Ontario (only its link to this record)" in english
    assert "Challenge_jurisdictions object" not in english
