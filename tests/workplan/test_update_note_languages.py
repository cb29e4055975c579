"""A published progress update shows its note in both official languages, as every other
published record does (cogwg.services.publication_refusals), or has none: publishing one
whose note is in one language only is refused, in the reader's language, by the service
and every path to it (the admin's action and change form, the API's action, posting a
published update), with nothing written. A draft is written in either language."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from cogwg.choices import PublicationState
from cogwg.services import record_publish
from tests.factories import MilestoneFactory, ProgressUpdateFactory
from tests.test_admin import action_messages, admin_url, form_data
from workplan.choices import MilestoneStatus
from workplan.models import Milestone, ProgressUpdate
from workplan.services import (
    milestone_post_update,
    progress_update_publish,
    progress_update_unpublish,
    progress_updates_publish,
)

pytestmark = pytest.mark.django_db

NBSP = "\u00a0"
REPORTED_ON = datetime.date(2020, 4, 1)
MISSING = {
    ("fr", "en"): "note in French",
    ("fr", "fr"): "note en français",
    ("en", "en"): "note in English",
    ("en", "fr"): "note en anglais",
}


def refused(update, missing_language, language):
    """The message refusing to publish ``update``, whose note lacks ``missing_language``,
    as a reader of ``language`` reads it."""
    with translation.override(language):
        missing = MISSING[(missing_language, language)]
        if language == "en":
            return (
                f"“{update}” cannot be published: a published record shows its texts in both official languages, "
                f"and it lacks: {missing}."
            )
        return (
            f"«{NBSP}{update}{NBSP}» ne peut pas être publié{NBSP}: un enregistrement publié affiche ses textes dans "
            f"les deux langues officielles, et il y manque{NBSP}: {missing}."
        )


# What the note's missing language says, beside it (PublishableModel.clean_languages).
FIELD_MESSAGE = {
    "en": "A published record shows its “note” in both official languages: enter it in French too.",
    "fr": f"Un enregistrement publié affiche son champ «{NBSP}note{NBSP}» dans les deux langues officielles{NBSP}: "
    "saisissez-le aussi en français.",
}


@pytest.fixture
def milestone():
    return MilestoneFactory(due_date=datetime.date(2020, 6, 30), description_en="Release", description_fr="Diffusion")


def submitted(milestone, note_en="Halfway there", note_fr="", progress=60):
    return ProgressUpdateFactory(
        milestone=milestone,
        reported_on=REPORTED_ON,
        progress=progress,
        note_en=note_en,
        note_fr=note_fr,
        publication_state=PublicationState.SUBMITTED,
    )


def post(milestone, *, publish=True, **notes):
    return milestone_post_update(
        milestone=milestone,
        reported_on=REPORTED_ON,
        status=MilestoneStatus.ON_TRACK,
        progress=60,
        publish=publish,
        **notes,
    )


def unchanged(update, milestone):
    """The update is still submitted and unpublished, and its milestone has not moved."""
    update.refresh_from_db()
    milestone.refresh_from_db()
    return (
        update.publication_state == PublicationState.SUBMITTED
        and update.published_at is None
        and (milestone.status, milestone.progress) == (MilestoneStatus.NOT_STARTED, 0)
    )


def url(model, view, *args, language="en"):
    with translation.override(language):
        return admin_url(model, view, *args)


# A draft in either language


@pytest.mark.parametrize("notes", [{"note_en": "Halfway there"}, {"note_fr": "À mi-chemin"}, {}])
def test_a_draft_is_written_in_either_language(milestone, notes):
    update = post(milestone, publish=False, **notes)

    assert update.publication_state == PublicationState.DRAFT
    milestone.refresh_from_db()
    assert (milestone.status, milestone.progress) == (MilestoneStatus.NOT_STARTED, 0)


@pytest.mark.parametrize("language", ["en", "fr"])
def test_the_api_takes_a_french_only_draft(staff_api, milestone, language):
    response = staff_api.post(
        f"/api/v1/progress-updates/?lang={language}",
        {
            "milestone": milestone.pk,
            "reported_on": "2020-04-01",
            "status": "on_track",
            "progress": 60,
            "note_fr": "À mi-chemin",
            "publish": False,
        },
        format="json",
    )

    assert response.status_code == 201, response.json()
    assert ProgressUpdate.objects.get().publication_state == PublicationState.DRAFT


def test_the_admin_add_form_takes_an_english_only_draft(staff_client, milestone):
    address = url(ProgressUpdate, "add")
    data = form_data(staff_client.get(address)) | {
        "milestone": milestone.pk,
        "reported_on": "2020-04-01",
        "status": "on_track",
        "progress": 60,
        "note_en": "Halfway there",
        "note_fr": "",
    }
    data.pop("publish", None)

    response = staff_client.post(address, data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    assert ProgressUpdate.objects.get().publication_state == PublicationState.DRAFT


# Posting a published update


@pytest.mark.parametrize("language", ["en", "fr"])
def test_posting_a_published_update_in_english_only_is_refused_on_the_french_note(milestone, language):
    with translation.override(language), pytest.raises(ValidationError) as error:
        post(milestone, note_en="Halfway there")

    assert error.value.message_dict == {"note_fr": [FIELD_MESSAGE[language]]}
    assert not ProgressUpdate.objects.exists()
    milestone.refresh_from_db()
    assert (milestone.status, milestone.progress) == (MilestoneStatus.NOT_STARTED, 0)


def test_posting_a_published_update_in_french_only_is_refused_on_the_english_note(milestone):
    with pytest.raises(ValidationError) as error:
        post(milestone, note_fr="À mi-chemin")

    assert list(error.value.message_dict) == ["note_en"]
    assert not ProgressUpdate.objects.exists()


def test_an_over_long_note_and_a_missing_translation_are_said_together(milestone):
    with pytest.raises(ValidationError) as error:
        post(milestone, note_en="x" * 5001)

    # "note" too: Django checks the translated field's own value (the active language's).
    assert {"note_en", "note_fr"} <= set(error.value.message_dict)
    assert FIELD_MESSAGE["en"] in error.value.message_dict["note_fr"]
    assert not ProgressUpdate.objects.exists()


@pytest.mark.parametrize("notes", [{}, {"note_en": "Halfway there", "note_fr": "À mi-chemin"}])
def test_a_published_update_with_no_note_or_both_is_posted(milestone, notes):
    update = post(milestone, **notes)

    assert update.publication_state == PublicationState.PUBLISHED
    milestone.refresh_from_db()
    assert (milestone.status, milestone.progress) == (MilestoneStatus.ON_TRACK, 60)


@pytest.mark.parametrize("language", ["en", "fr"])
def test_the_api_refuses_to_post_a_published_update_in_one_language(staff_api, milestone, language):
    response = staff_api.post(
        f"/api/v1/progress-updates/?lang={language}",
        {
            "milestone": milestone.pk,
            "reported_on": "2020-04-01",
            "status": "on_track",
            "progress": 60,
            "note_en": "Halfway there",
        },
        format="json",
    )

    assert response.status_code == 400
    assert response.json() == {"note_fr": [FIELD_MESSAGE[language]]}
    assert not ProgressUpdate.objects.exists()
    milestone.refresh_from_db()
    assert (milestone.status, milestone.progress) == (MilestoneStatus.NOT_STARTED, 0)


@pytest.mark.parametrize("language", ["en", "fr"])
def test_the_admin_add_form_refuses_to_publish_an_update_in_one_language(staff_client, milestone, language):
    address = url(ProgressUpdate, "add", language=language)
    data = form_data(staff_client.get(address)) | {
        "milestone": milestone.pk,
        "reported_on": "2020-04-01",
        "status": "on_track",
        "progress": 60,
        "note_en": "Halfway there",
        "note_fr": "",
        "publish": "on",
    }

    response = staff_client.post(address, data)

    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {"note_fr": [FIELD_MESSAGE[language]]}
    assert not ProgressUpdate.objects.exists()
    milestone.refresh_from_db()
    assert (milestone.status, milestone.progress) == (MilestoneStatus.NOT_STARTED, 0)


# Publishing a reviewed update


@pytest.mark.parametrize("language", ["en", "fr"])
def test_the_service_refuses_to_publish_an_english_only_update(milestone, language):
    update = submitted(milestone)

    with translation.override(language), pytest.raises(ValidationError) as error:
        progress_update_publish(update=update)

    assert error.value.messages == [refused(update, "fr", language)]
    assert unchanged(update, milestone)
    assert update.history.count() == 1


def test_the_review_s_publish_refuses_a_french_only_update(milestone):
    update = submitted(milestone, note_en="", note_fr="À mi-chemin")

    with pytest.raises(ValidationError) as error:
        record_publish(record=update)

    assert error.value.messages == [refused(update, "en", "en")]
    assert unchanged(update, milestone)


@pytest.mark.parametrize("notes", [{"note_en": "", "note_fr": ""}, {"note_en": "Halfway", "note_fr": "À mi-chemin"}])
def test_an_update_with_no_note_or_both_is_published(milestone, notes):
    update = submitted(milestone, **notes)

    progress_update_publish(update=update)

    update.refresh_from_db()
    milestone.refresh_from_db()
    assert update.publication_state == PublicationState.PUBLISHED
    assert (milestone.status, milestone.progress) == (MilestoneStatus.ON_TRACK, 60)


def test_an_update_published_before_the_rule_can_still_be_withdrawn(milestone):
    update = ProgressUpdateFactory(milestone=milestone, reported_on=REPORTED_ON, note_fr="")

    progress_update_unpublish(update=update)

    update.refresh_from_db()
    assert update.publication_state == PublicationState.DRAFT


@pytest.mark.parametrize("language", ["en", "fr"])
def test_the_api_refuses_to_publish_an_english_only_update(staff_api, milestone, language):
    update = submitted(milestone)

    response = staff_api.post(f"/api/v1/progress-updates/{update.pk}/publish/?lang={language}")

    assert response.status_code == 400
    assert response.json() == {"non_field_errors": [refused(update, "fr", language)]}
    assert unchanged(update, milestone)


@pytest.mark.parametrize("language", ["en", "fr"])
def test_the_admin_action_refuses_to_publish_an_english_only_update(staff_client, milestone, language):
    update = submitted(milestone)

    response = staff_client.post(
        url(ProgressUpdate, "changelist", language=language),
        {"action": "publish_selected", "_selected_action": [update.pk]},
        follow=True,
    )

    assert refused(update, "fr", language) in action_messages(response)
    assert unchanged(update, milestone)


@pytest.mark.parametrize("language", ["en", "fr"])
def test_the_change_form_refuses_to_publish_an_english_only_update(staff_client, milestone, language):
    update = submitted(milestone)
    address = url(ProgressUpdate, "change", update.pk, language=language)
    data = form_data(staff_client.get(address)) | {"publication_state": PublicationState.PUBLISHED}

    response = staff_client.post(address, data)

    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {"note_fr": [FIELD_MESSAGE[language]]}
    assert unchanged(update, milestone)


def test_the_change_form_publishes_an_update_once_its_note_is_translated(staff_client, milestone):
    update = submitted(milestone)
    address = url(ProgressUpdate, "change", update.pk)
    data = form_data(staff_client.get(address)) | {
        "publication_state": PublicationState.PUBLISHED,
        "note_fr": "À mi-chemin",
    }

    response = staff_client.post(address, data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    update.refresh_from_db()
    milestone.refresh_from_db()
    assert (update.publication_state, update.note_fr) == (PublicationState.PUBLISHED, "À mi-chemin")
    assert (milestone.status, milestone.progress) == (MilestoneStatus.ON_TRACK, 60)


def test_publishing_updates_together_publishes_none_when_one_lacks_a_language(milestone):
    other = MilestoneFactory(priority=milestone.priority, due_date=datetime.date(2020, 3, 31))
    complete = submitted(other, note_en="Done", note_fr="Fait", progress=100)
    english = submitted(milestone)

    with pytest.raises(ValidationError) as error:
        progress_updates_publish(queryset=ProgressUpdate.objects.all())

    assert error.value.messages == [refused(english, "fr", "en")]
    assert not ProgressUpdate.objects.filter(publication_state=PublicationState.PUBLISHED).exists()
    assert set(Milestone.objects.values_list("progress", flat=True)) == {0}
    english.note_fr = "À mi-chemin"
    english.save(update_fields=["note_fr"])
    assert progress_updates_publish(queryset=ProgressUpdate.objects.all()) == 2
    complete.refresh_from_db()
    assert complete.publication_state == PublicationState.PUBLISHED
