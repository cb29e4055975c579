"""Publishing a story checks what the edit form checks, whichever way it is done (the
admin's "Publish" action, its change form, the API's ``publish`` and a write of its
state): its title and summary in both languages, and no unchecked list of datasets left in
its text. A rejected story is not published by the API. Whoever sent the story through
the public form is told, in their language, when it is published or not accepted."""

import datetime

import pytest
from django.core import mail
from django.utils import timezone

from stories.choices import StoryState
from stories.models import UserStory
from stories.services import stories_moderate, story_submit
from tests.factories import UserStoryFactory
from tests.test_admin import action_messages, admin_url, form_data

pytestmark = pytest.mark.django_db


def french_submission(**changes):
    """A story as the French form stores it: French text only, with the datasets named."""
    values = {
        "title": "Des cliniques plus proches",
        "summary": "Une chercheuse a cartographié les cliniques.",
        "story": "Le récit complet.",
        "language": "fr",
        "user_type": "researcher",
        "impact": "social",
        "dataset_urls": ["https://example.org/dataset/abc"],
        "submitter_name": "Camille Tremblay",
        "submitter_email": "camille@example.org",
    } | changes
    return story_submit(**values)


def translated(story, **changes):
    """``story`` with its English text added and the datasets' list taken out, as the
    secretariat leaves it in review."""
    values = {
        "title_en": "Closer clinics",
        "summary_en": "A researcher mapped the clinics.",
        "story_en": "The full story.",
        "story_fr": "Le récit complet.",
    } | changes
    UserStory.objects.filter(pk=story.pk).update(**values)
    return UserStory.objects.get(pk=story.pk)


def test_the_publish_action_leaves_an_untranslated_story_unpublished_and_says_why(staff_client):
    untranslated = french_submission()
    english_only = UserStoryFactory(
        title_en="Transit", title_fr="", summary_fr="", state=StoryState.SUBMITTED, published_on=None
    )
    ready = UserStoryFactory(title_en="Ready", state=StoryState.APPROVED, published_on=None)

    response = staff_client.post(
        admin_url(UserStory, "changelist"),
        {"action": "publish_selected", "_selected_action": [untranslated.pk, english_only.pk, ready.pk]},
        follow=True,
    )

    assert sorted(action_messages(response)) == sorted(
        [
            "1 user story was published.",
            "“Des cliniques plus proches” was not published: A published story needs its title in English. "
            "A published story needs its summary in English. A published story gives its text in both languages: "
            "enter it in English too. Its French text still lists the datasets the submitter named: link them "
            "under “Datasets”, then take the list out of the text.",
            "“Transit” was not published: A published story needs its title in French. A published story "
            "needs its summary in French.",
        ]
    )
    assert set(UserStory.objects.published()) == {ready}
    untranslated.refresh_from_db()
    english_only.refresh_from_db()
    assert (untranslated.state, untranslated.published_on) == (StoryState.SUBMITTED, None)
    assert (english_only.state, english_only.published_on) == (StoryState.SUBMITTED, None)


def test_the_warnings_are_in_the_admins_language(staff_client):
    story = french_submission()

    response = staff_client.post(
        admin_url(UserStory, "changelist").replace("/en/", "/fr/"),
        {"action": "publish_selected", "_selected_action": [story.pk]},
        follow=True,
    )

    (_published, refused) = action_messages(response)
    assert refused == (
        "«\u00a0Des cliniques plus proches\u00a0» n'a pas été publié\u00a0: Un récit publié doit avoir son titre "
        "en anglais. Un récit publié doit avoir son résumé en anglais. Un récit publié donne son texte dans les "
        "deux langues\u00a0: saisissez-le aussi en anglais. Son texte français énumère encore les "
        "jeux de données nommés par l'auteur de la soumission\u00a0: liez-les sous «\u00a0Jeux de "
        "données\u00a0», puis retirez la liste du texte."
    )


def test_a_translated_story_is_published_by_the_action(staff_client):
    story = translated(french_submission())

    staff_client.post(
        admin_url(UserStory, "changelist"), {"action": "publish_selected", "_selected_action": [story.pk]}
    )

    story.refresh_from_db()
    assert (story.state, story.published_on) == (StoryState.PUBLISHED, timezone.localdate())


def test_the_change_form_refuses_to_publish_an_untranslated_story(staff_client):
    story = french_submission()
    url = admin_url(UserStory, "change", story.pk)

    response = staff_client.post(url, form_data(staff_client.get(url)) | {"state": StoryState.PUBLISHED})

    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert errors["title_en"] == ["A published story needs its title in English."]
    assert errors["story_fr"] == [
        "Its French text still lists the datasets the submitter named: link them under “Datasets”, then take "
        "the list out of the text."
    ]
    story.refresh_from_db()
    assert story.state == StoryState.SUBMITTED


def test_the_change_form_refuses_to_publish_without_the_french_summary(staff_client):
    story = UserStoryFactory(summary_fr="", state=StoryState.IN_REVIEW, published_on=None)
    url = admin_url(UserStory, "change", story.pk)

    response = staff_client.post(url, form_data(staff_client.get(url)) | {"state": StoryState.PUBLISHED})

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["summary_fr"] == ["A published story needs its summary in French."]
    assert UserStory.objects.get(pk=story.pk).state == StoryState.IN_REVIEW


def test_the_api_refuses_to_publish_a_rejected_story_and_changes_nothing(staff_api):
    story = UserStoryFactory(state=StoryState.REJECTED, published_on=None, rejection_reason="Not about open data.")

    response = staff_api.post(f"/api/v1/stories/{story.pk}/publish/")
    in_french = staff_api.post(f"/api/v1/stories/{story.pk}/publish/?lang=fr")

    assert response.status_code == 400
    assert response.json() == {
        "non_field_errors": ["A rejected story cannot be published: only a story under review can."]
    }
    assert in_french.json() == {
        "non_field_errors": [
            "Un récit rejeté ne peut pas être publié\u00a0: seul un récit en cours d'examen peut l'être."
        ]
    }
    story.refresh_from_db()
    assert (story.state, story.published_on) == (StoryState.REJECTED, None)


def test_the_api_names_what_an_untranslated_story_lacks(staff_api):
    story = french_submission()

    response = staff_api.post(f"/api/v1/stories/{story.pk}/publish/")

    assert response.status_code == 400
    assert set(response.json()) == {"title_en", "summary_en", "story_en", "story_fr"}
    assert response.json()["title_en"] == ["A published story needs its title in English."]
    assert UserStory.objects.get(pk=story.pk).state == StoryState.SUBMITTED


def test_the_api_publishes_a_complete_story_and_leaves_a_published_one_as_it_is(staff_api):
    story = UserStoryFactory(state=StoryState.APPROVED, published_on=None)
    published = UserStoryFactory(published_on=datetime.date(2020, 6, 15))

    response = staff_api.post(f"/api/v1/stories/{story.pk}/publish/")
    again = staff_api.post(f"/api/v1/stories/{published.pk}/publish/")

    assert response.status_code == 200
    assert response.json()["state"] == StoryState.PUBLISHED
    assert again.status_code == 200
    assert again.json()["published_on"] == "2020-06-15"


def test_a_write_of_the_state_through_the_api_publishes_nothing(staff_api):
    # The state is the moderation actions' (tests/stories/test_story_state_rules.py).
    story = UserStoryFactory(title_fr="", state=StoryState.APPROVED, published_on=None)

    response = staff_api.patch(f"/api/v1/stories/{story.pk}/", {"state": "published"}, format="json")

    assert response.status_code == 400
    assert list(response.json()) == ["state"]
    story.refresh_from_db()
    assert (story.state, story.published_on) == (StoryState.APPROVED, None)


def test_a_published_story_keeps_its_french_title_through_the_api(staff_api):
    story = UserStoryFactory(published_on=datetime.date(2020, 6, 15))

    response = staff_api.patch(f"/api/v1/stories/{story.pk}/", {"title_fr": ""}, format="json")

    assert response.status_code == 400
    assert response.json() == {"title_fr": ["A published story needs its title in French."]}
    assert UserStory.objects.get(pk=story.pk).title_fr == story.title_fr


# The submitter is told of the decision, in their language


def test_the_submitter_is_told_in_french_when_their_story_is_published(settings, django_capture_on_commit_callbacks):
    settings.COGWG_SITE_URL = "https://cogwg.example.org"
    story = translated(french_submission())

    with django_capture_on_commit_callbacks(execute=True):
        stories_moderate(queryset=UserStory.objects.filter(pk=story.pk), state=StoryState.PUBLISHED)

    (message,) = mail.outbox
    assert message.to == ["camille@example.org"]
    assert message.subject == "GTGO\u00a0: votre récit d'utilisateur est publié"
    assert (
        f"Votre récit d'utilisateur «\u00a0Des cliniques plus proches\u00a0» (référence #{story.pk}) est maintenant "
        "publié\u00a0:\nhttps://cogwg.example.org/fr/recits-utilisateurs/des-cliniques-plus-proches/"
    ) in message.body


def test_the_submitter_is_told_in_english_when_their_story_is_not_accepted(
    staff_client, django_capture_on_commit_callbacks
):
    story = french_submission(language="en", title="Closer clinics", summary="A map.", dataset_urls=[])

    with django_capture_on_commit_callbacks(execute=True):
        staff_client.post(
            admin_url(UserStory, "changelist"),
            {
                "action": "reject_selected",
                "_selected_action": [story.pk],
                "apply": "yes",
                "rejection_reason": "It tells of no open data.",
            },
        )

    (message,) = mail.outbox
    assert message.to == ["camille@example.org"]
    assert message.subject == "COGWG: your user story was not accepted"
    # The reference, not the title its sender chose (tests/security/test_privacy_logs.py).
    assert f"Thank you for your user story (reference #{story.pk})." in message.body
    assert "Closer clinics" not in message.body
    assert "will not publish it" in message.body


def test_the_submitter_is_told_when_the_change_form_publishes_their_story(
    staff_client, django_capture_on_commit_callbacks
):
    story = translated(french_submission())
    url = admin_url(UserStory, "change", story.pk)
    data = form_data(staff_client.get(url)) | {"state": StoryState.PUBLISHED}

    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(url, data)

    assert response.status_code == 302
    (message,) = mail.outbox
    assert message.subject == "GTGO\u00a0: votre récit d'utilisateur est publié"


def test_nobody_is_told_twice_nor_about_a_story_without_a_submitter(django_capture_on_commit_callbacks):
    story = translated(french_submission())
    filed = UserStoryFactory(state=StoryState.SUBMITTED, published_on=None)  # no submitter's address
    both = UserStory.objects.filter(pk__in=[story.pk, filed.pk])

    with django_capture_on_commit_callbacks(execute=True):
        stories_moderate(queryset=both, state=StoryState.PUBLISHED)
        stories_moderate(queryset=both, state=StoryState.PUBLISHED)
        stories_moderate(queryset=both, state=StoryState.REJECTED, rejection_reason="Not about open data.")

    assert [message.to for message in mail.outbox] == [["camille@example.org"]]
