"""A deletion's confirmation page names the links of many-to-many fields by the record at
their other end, in the page's language, not as Django's English "UserStory_themes object";
and every line of its lists ("Model: record") has the page's language's typography: in
French, a no-break space before the colon."""

import datetime
import html
import re

import pytest
from django.urls import reverse
from django.utils import translation

from stories.models import Theme
from tests.factories import (
    ChallengeFactory,
    JurisdictionFactory,
    MeetingFactory,
    NextStepFactory,
    ProgressUpdateFactory,
    UserStoryFactory,
)

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


# Every line in the page's language's typography


def lines(client, name, pk, language):
    """The lines of the confirmation's lists as they read, and the page."""
    with translation.override(language):
        url = reverse(name, args=[pk])
    page = client.get(url)
    return list_lines(page), page


def list_lines(page):
    content = page.content.decode()
    body = content[content.index('id="content"') :]
    return [line for fragment in re.split(r"</?(?:li|ul)>", body) if (line := text(fragment).strip())]


def test_a_deletions_lines_have_a_no_break_space_before_the_colon_in_french(staff_client):
    meeting = MeetingFactory(
        title_en="February meeting", title_fr="Réunion de février", date=datetime.date(2020, 2, 20)
    )
    step = NextStepFactory(meeting=meeting, text_en="Send the inventory", text_fr="Envoyer l'inventaire")

    french, page = lines(staff_client, "admin:cogwg_meeting_delete", meeting.pk, "fr")
    english, _page = lines(staff_client, "admin:cogwg_meeting_delete", meeting.pk, "en")

    assert "Réunion\u00a0: Réunion de février (2020-02-20)" in french
    assert "Prochaine étape\u00a0: Envoyer l'inventaire" in french
    assert "Meeting: February meeting (2020-02-20)" in english
    assert "Next step: Send the inventory" in english
    # Still linked to the records, as Django links them.
    with translation.override("fr"):
        step_url = reverse("admin:cogwg_nextstep_change", args=[step.pk])
    assert f'Prochaine étape\u00a0: <a href="{step_url}">Envoyer l&#x27;inventaire</a>' in page.content.decode()


def test_the_records_that_keep_a_deletion_from_happening_are_in_french_typography_too(staff_client):
    meeting = MeetingFactory(title_fr="Réunion de février", date=datetime.date(2020, 2, 20))
    ChallengeFactory(first_reported_at=meeting, title_fr="Personnel")

    french, page = lines(staff_client, "admin:cogwg_meeting_delete", meeting.pk, "fr")

    assert page.context["protected"]
    assert "Défi\u00a0: Personnel" in french
    assert not [line for line in french if re.search(r"[^\u00a0]:", line)]


def test_a_bulk_deletions_lines_are_in_french_typography(staff_client):
    theme = Theme.objects.create(slug="transit", name_en="Transit", name_fr="Transport")
    with translation.override("fr"):
        url = reverse("admin:stories_theme_changelist")

    page = staff_client.post(url, {"action": "delete_selected", "_selected_action": [theme.pk]})

    french = list_lines(page)
    assert "Thème\u00a0: Transport" in french
    assert not [line for line in french if re.search(r"[^\u00a0]:", line)]


@pytest.mark.parametrize("with_updates", [False, True])
def test_the_challenges_that_keep_a_jurisdiction_are_in_french_typography(staff_client, with_updates):
    """The jurisdiction's page lists the challenges naming it itself (with or without the
    counts of the records that protect it)."""
    ontario = JurisdictionFactory(code="ON", name_fr="Ontario")
    ChallengeFactory(title_fr="Personnel").jurisdictions.set([ontario])
    if with_updates:
        ProgressUpdateFactory(jurisdiction=ontario)

    french, _page = lines(staff_client, "admin:jurisdictions_jurisdiction_delete", ontario.pk, "fr")

    assert "Défi\u00a0: Personnel" in french
    assert not [line for line in french if re.search(r"[^\u00a0]:", line)]
