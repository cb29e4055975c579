"""Content in the language asked for by ?lang= or Accept-Language, said in Content-Language."""

import pytest

from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def milestone():
    return factories.MilestoneFactory(
        description_en="Publish the inventory",
        description_fr="Publier l'inventaire",
        priority__title_en="Open data user stories",
        priority__title_fr="Récits d'utilisateurs de données ouvertes",
    )


def test_english_by_default(api, milestone):
    response = api.get(f"/api/v1/milestones/{milestone.pk}/")

    assert response["Content-Language"] == "en"
    assert response.json()["description"] == "Publish the inventory"
    assert response.json()["priority"]["title"] == "Open data user stories"


def test_french_with_lang(api, milestone):
    response = api.get(f"/api/v1/milestones/{milestone.pk}/", {"lang": "fr"})

    assert response["Content-Language"] == "fr"
    assert response.json()["description"] == "Publier l'inventaire"
    assert response.json()["priority"]["title"] == "Récits d'utilisateurs de données ouvertes"
    assert response.json()["due_label"] == "juin 2020"


def test_french_with_accept_language(api, milestone):
    response = api.get(f"/api/v1/milestones/{milestone.pk}/", HTTP_ACCEPT_LANGUAGE="fr-CA,fr;q=0.9")

    assert response["Content-Language"] == "fr"
    assert response.json()["description"] == "Publier l'inventaire"
    assert "Accept-Language" in response["Vary"]


def test_lang_wins_over_accept_language(api, milestone):
    response = api.get(f"/api/v1/milestones/{milestone.pk}/", {"lang": "en"}, HTTP_ACCEPT_LANGUAGE="fr")

    assert response["Content-Language"] == "en"
    assert response.json()["description"] == "Publish the inventory"


def test_an_unknown_lang_is_a_400_naming_lang(api, milestone):
    response = api.get(f"/api/v1/milestones/{milestone.pk}/", {"lang": "de"})

    assert response.status_code == 400
    assert list(response.json()) == ["lang"]


def test_a_missing_french_text_falls_back_to_english(api):
    accomplishment = factories.AccomplishmentFactory(title_en="Only in English", title_fr="")

    response = api.get(f"/api/v1/accomplishments/{accomplishment.pk}/", {"lang": "fr"})

    assert response.json()["title"] == "Only in English"


def test_the_status_notes_follow_the_language(api):
    update = factories.ProgressUpdateFactory(note_en="Going well", note_fr="Tout va bien")
    slug = update.milestone.priority.work_plan.slug

    english = api.get(f"/api/v1/work-plans/{slug}/status/", {"as_of": "2020-05-01"}).json()
    french = api.get(f"/api/v1/work-plans/{slug}/status/", {"as_of": "2020-05-01", "lang": "fr"}).json()

    assert english["priorities"][0]["milestones"][0]["note"] == "Going well"
    assert french["priorities"][0]["milestones"][0]["note"] == "Tout va bien"


def test_errors_are_translated(api):
    response = api.get("/api/v1/milestones/999/", {"lang": "fr"})

    assert response.status_code == 404
    assert response["Content-Language"] == "fr"
    assert response.json() == {"detail": "Non trouvé."}
