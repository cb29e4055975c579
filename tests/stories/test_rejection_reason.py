"""A story is rejected with the secretariat's reason, whichever way (the services, the
admin's "Reject" action and change form, the API's ``reject``): without one, or with one
too long, nothing changes and the refusal names the field, in the reader's language. The
reason is stored on the story (a rejected story always has one, no other story has any),
quoted in the e-mail to whoever sent it, in their language, kept in its history when the
story is reconsidered, and kept when the sender's personal information is erased."""

import datetime

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import translation

from stories import notifications
from stories.choices import StoryState
from stories.models import REJECTION_REASON_LENGTH, UserStory
from stories.services import (
    stories_erase_submitters,
    stories_moderate,
    story_move,
    story_publish,
    story_reject,
)
from stories.tasks import send_submitter_email
from tests.factories import UserStoryFactory
from tests.test_admin import action_messages, admin_url, form_data

pytestmark = pytest.mark.django_db

NBSP = "\u00a0"
REQUIRED = {
    "en": "Give the reason for rejecting the story: it is e-mailed to whoever sent it.",
    "fr": f"Indiquez le motif du rejet du récit{NBSP}: il est envoyé par courriel à la personne qui l'a soumis.",
}
REASON_EN = "Your story tells of no open data.\nWrite to us if it does."
REASON_FR = "Votre récit ne parle d'aucune donnée ouverte.\nÉcrivez-nous si c'est le cas."


def sent(language="fr", state=StoryState.SUBMITTED, **changes):
    """A story sent through the public form in ``language``, under review."""
    values = {
        "state": state,
        "published_on": None,
        "submitter_name": "Camille Tremblay",
        "submitter_email": f"camille-{language}@example.org",
        "submitter_language": language,
    }
    return UserStoryFactory(**values | changes)


def history(story):
    """(state, reason, change reason) of ``story``'s versions, oldest first."""
    rows = story.history.order_by("history_id")
    return list(rows.values_list("state", "rejection_reason", "history_change_reason"))


def unchanged(story):
    """``story`` is as it was stored, with no other version, and nobody was e-mailed."""
    stored = UserStory.objects.get(pk=story.pk)
    assert (stored.state, stored.rejection_reason, stored.modified_at) == (story.state, "", story.modified_at)
    assert story.history.count() == 1
    assert mail.outbox == []


# The services


@pytest.mark.parametrize("reason", ["", "   \n ", None])
def test_the_service_refuses_to_reject_without_a_reason_and_names_the_field(reason, django_capture_on_commit_callbacks):
    story = sent()

    with django_capture_on_commit_callbacks(execute=True), pytest.raises(ValidationError) as refused:
        story_reject(story=story, rejection_reason=reason)

    assert refused.value.message_dict == {"rejection_reason": [REQUIRED["en"]]}
    assert refused.value.error_dict["rejection_reason"][0].code == "required"
    unchanged(story)


def test_the_refusal_is_in_the_active_language():
    story = sent()

    with translation.override("fr"):
        with pytest.raises(ValidationError) as refused:
            story_reject(story=story, rejection_reason="")
        messages = refused.value.message_dict

    assert messages == {"rejection_reason": [REQUIRED["fr"]]}


def test_a_reason_longer_than_the_limit_is_refused_and_one_at_the_limit_is_kept(django_capture_on_commit_callbacks):
    too_long, at_limit = sent(), sent()

    with pytest.raises(ValidationError) as refused:
        story_reject(story=too_long, rejection_reason="x" * (REJECTION_REASON_LENGTH + 1))
    story_reject(story=at_limit, rejection_reason="x" * REJECTION_REASON_LENGTH)

    assert refused.value.message_dict == {
        "rejection_reason": ["Keep the reason for the rejection to 2000 characters at most (it has 2001)."]
    }
    assert UserStory.objects.get(pk=too_long.pk).state == StoryState.SUBMITTED
    assert UserStory.objects.get(pk=at_limit.pk).rejection_reason == "x" * REJECTION_REASON_LENGTH


def test_the_service_rejects_with_the_reason_and_keeps_it_in_the_history(staff):
    story = sent(state=StoryState.IN_REVIEW)

    story_reject(story=story, rejection_reason=f"  {REASON_FR}\r\n", by=staff)

    stored = UserStory.objects.get(pk=story.pk)
    assert (stored.state, stored.rejection_reason) == (StoryState.REJECTED, REASON_FR)
    assert history(story)[-1] == (StoryState.REJECTED, REASON_FR, "Story rejected")


def test_the_bulk_service_refuses_without_a_reason_and_changes_none_of_the_stories():
    first, second = sent(), sent("en")

    with pytest.raises(ValidationError) as refused:
        stories_moderate(queryset=UserStory.objects.all(), state=StoryState.REJECTED)

    assert list(refused.value.message_dict) == ["rejection_reason"]
    assert set(UserStory.objects.values_list("state", flat=True)) == {StoryState.SUBMITTED}
    assert (first.history.count(), second.history.count()) == (1, 1)


def test_the_bulk_service_gives_each_rejected_story_the_reason():
    first, second = sent(), sent("en")
    published = UserStoryFactory()

    stories_moderate(queryset=UserStory.objects.all(), state=StoryState.REJECTED, rejection_reason=REASON_FR)

    reasons = dict(UserStory.objects.values_list("pk", "rejection_reason"))
    assert reasons == {first.pk: REASON_FR, second.pk: REASON_FR, published.pk: ""}


def test_a_reconsidered_story_loses_its_reason_which_its_history_keeps(staff):
    story = sent()
    story_reject(story=story, rejection_reason=REASON_FR, by=staff)

    story_move(story=story, state=StoryState.IN_REVIEW, by=staff)
    story_publish(story=UserStory.objects.get(pk=story.pk), by=staff)

    stored = UserStory.objects.get(pk=story.pk)
    assert (stored.state, stored.rejection_reason) == (StoryState.PUBLISHED, "")
    assert history(story) == [
        (StoryState.SUBMITTED, "", None),
        (StoryState.REJECTED, REASON_FR, "Story rejected"),
        (StoryState.IN_REVIEW, "", "Story put under review"),
        (StoryState.PUBLISHED, "", "Story published"),
    ]


def test_a_rejected_story_is_left_as_it_is_with_its_reason():
    story = sent(state=StoryState.REJECTED, rejection_reason=REASON_FR)

    story_reject(story=story, rejection_reason="Another one.")

    assert UserStory.objects.get(pk=story.pk).rejection_reason == REASON_FR
    assert story.history.count() == 1


def test_the_database_keeps_a_reason_on_rejected_stories_only():
    with pytest.raises(IntegrityError), transaction.atomic():
        UserStoryFactory(state=StoryState.REJECTED, published_on=None, rejection_reason="")
    with pytest.raises(IntegrityError), transaction.atomic():
        UserStoryFactory(state=StoryState.IN_REVIEW, published_on=None, rejection_reason=REASON_EN)

    assert not UserStory.objects.exists()


def test_the_reason_stays_when_the_senders_personal_information_is_erased(staff):
    # The secretariat's words, not the sender's: nothing personal to erase.
    story = sent()
    story_reject(story=story, rejection_reason=REASON_FR, by=staff)

    stories_erase_submitters(queryset=UserStory.objects.filter(pk=story.pk), by=staff)

    stored = UserStory.objects.get(pk=story.pk)
    assert (stored.submitter_email, stored.rejection_reason) == ("", REASON_FR)
    assert set(story.history.filter(state=StoryState.REJECTED).values_list("rejection_reason", flat=True)) == {
        REASON_FR
    }


# The e-mail to whoever sent the story


@pytest.mark.parametrize(
    ("language", "reason", "subject", "heading"),
    [
        ("en", REASON_EN, "COGWG: your user story was not accepted", "The secretariat's reason:"),
        ("fr", REASON_FR, f"GTGO{NBSP}: votre récit d'utilisateur n'a pas été retenu", f"Motif du secrétariat{NBSP}:"),
    ],
)
def test_the_sender_reads_the_reason_in_their_language(
    language, reason, subject, heading, django_capture_on_commit_callbacks
):
    story = sent(language)

    with translation.override("en" if language == "fr" else "fr"), django_capture_on_commit_callbacks(execute=True):
        story_reject(story=story, rejection_reason=reason)

    (message,) = mail.outbox
    assert (message.to, message.subject) == ([f"camille-{language}@example.org"], subject)
    quoted = "\n".join(f"> {line}" for line in reason.splitlines())
    assert message.body.endswith(f"\n\n{heading}\n\n{quoted}")
    # Still the story's reference only, never what its sender wrote.
    assert story.title_en not in message.body and story.title_fr not in message.body


# The admin's "Reject" action: a page that asks why


def reject_action(client, stories, language="en", **fields):
    with translation.override(language):
        url = admin_url(UserStory, "changelist")
    data = {"action": "reject_selected", "_selected_action": [story.pk for story in stories]} | fields
    return client.post(url, data)


@pytest.mark.parametrize(
    ("language", "title", "hint", "button"),
    [
        ("en", "Reject user stories", "Write it in French: whoever sent these stories used the French form.", "Yes"),
        ("fr", "Rejeter des récits d&#x27;utilisateurs", "Rédigez-le en français", "Oui, les rejeter"),
    ],
)
def test_the_action_asks_for_the_reason_on_a_page_of_its_own(staff_client, language, title, hint, button):
    story = sent("fr")
    published = UserStoryFactory()

    response = reject_action(staff_client, [story, published], language)

    assert response.status_code == 200
    assert response.templates[0].name == "admin/stories/userstory/reject_confirmation.html"
    page = response.content.decode()
    assert f"<title>{title}" in page
    assert hint in page and button in page
    assert story.title in page
    assert 'name="rejection_reason"' in page and 'name="apply"' in page
    assert f'name="_selected_action" value="{published.pk}"' in page
    unchanged(story)


def test_the_page_says_when_the_senders_wrote_in_both_languages_or_nobody_is_told(staff_client):
    both = reject_action(staff_client, [sent("fr"), sent("en")])
    nobody = reject_action(staff_client, [UserStoryFactory(state=StoryState.SUBMITTED, published_on=None)])

    assert "write it in English and in French" in both.content.decode()
    assert "nobody is e-mailed" in nobody.content.decode()


@pytest.mark.parametrize("language", ["en", "fr"])
def test_the_page_without_a_reason_is_shown_again_with_the_error_in_the_admins_language(staff_client, language):
    story = sent()

    response = reject_action(staff_client, [story], language, apply="yes", rejection_reason="  ")

    assert response.status_code == 200
    assert response.context["form"].errors == {"rejection_reason": [REQUIRED[language]]}
    assert REQUIRED[language].replace("'", "&#x27;") in response.content.decode()
    unchanged(story)


def test_the_action_rejects_with_the_reason_and_tells_the_sender(
    staff_client, staff, django_capture_on_commit_callbacks
):
    story = sent("fr")
    published = UserStoryFactory()
    url = admin_url(UserStory, "changelist")
    data = {"action": "reject_selected", "_selected_action": [story.pk, published.pk]}

    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(url, data | {"apply": "yes", "rejection_reason": REASON_FR}, follow=True)

    assert action_messages(response) == [
        "1 user story was rejected.",
        "1 story was already published or rejected and was left as it was.",
    ]
    stored = UserStory.objects.get(pk=story.pk)
    assert (stored.state, stored.rejection_reason) == (StoryState.REJECTED, REASON_FR)
    assert story.history.first().history_user == staff
    assert UserStory.objects.get(pk=published.pk).state == StoryState.PUBLISHED
    (message,) = mail.outbox
    assert f"Motif du secrétariat{NBSP}:\n\n> Votre récit ne parle d'aucune donnée ouverte." in message.body


# The admin's change form


def change_form_post(client, story, language="en", **changes):
    with translation.override(language):
        url = admin_url(UserStory, "change", story.pk)
    return client.post(url, form_data(client.get(url)) | changes)


@pytest.mark.parametrize("language", ["en", "fr"])
def test_the_change_form_requires_the_reason_to_reject(staff_client, language):
    story = sent()

    response = change_form_post(staff_client, story, language, state=StoryState.REJECTED, rejection_reason="")

    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {"rejection_reason": [REQUIRED[language]]}
    unchanged(story)


def test_the_change_form_says_which_language_to_write_the_reason_in(staff_client):
    story = sent("fr")

    page = staff_client.get(admin_url(UserStory, "change", story.pk)).content.decode()

    assert "Write it in French: whoever sent the story used the French form." in page


def test_the_change_form_rejects_with_the_reason_in_one_version(
    staff_client, staff, django_capture_on_commit_callbacks
):
    story = sent("en")

    with django_capture_on_commit_callbacks(execute=True):
        response = change_form_post(
            staff_client, story, state=StoryState.REJECTED, rejection_reason=REASON_EN, title_en="Clinics"
        )

    assert response.status_code == 302
    assert history(story)[-1] == (StoryState.REJECTED, REASON_EN, "Story rejected")
    assert UserStory.objects.get(pk=story.pk).title_en == "Clinics"
    (message,) = mail.outbox
    assert "> Your story tells of no open data.\n> Write to us if it does." in message.body


def test_the_change_form_clears_the_reason_of_a_reconsidered_story(staff_client):
    story = sent(state=StoryState.REJECTED, rejection_reason=REASON_FR)

    response = change_form_post(staff_client, story, state=StoryState.IN_REVIEW)

    assert response.status_code == 302
    assert UserStory.objects.get(pk=story.pk).rejection_reason == ""
    assert history(story) == [
        (StoryState.REJECTED, REASON_FR, None),
        (StoryState.IN_REVIEW, "", "Story put under review"),
    ]


@pytest.mark.parametrize(
    ("language", "message"),
    [
        ("en", "Only a rejected story has a reason for its rejection: choose “Rejected” as its state, or clear the "
         "reason."),
        ("fr", f"Seul un récit rejeté a un motif de rejet{NBSP}: choisissez l'état «{NBSP}Rejeté{NBSP}», ou effacez "
         "le motif."),
    ],
)  # fmt: skip
def test_the_change_form_refuses_a_reason_for_a_story_it_does_not_reject(staff_client, language, message):
    story = sent()

    response = change_form_post(staff_client, story, language, rejection_reason=REASON_EN)

    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {"rejection_reason": [message]}
    unchanged(story)


# The API's "reject"


@pytest.mark.parametrize("language", ["en", "fr"])
@pytest.mark.parametrize("body", [{}, {"reason": ""}, {"reason": "  "}])
def test_the_api_answers_400_on_reason_without_one(staff_api, language, body):
    story = sent()

    response = staff_api.post(f"/api/v1/stories/{story.pk}/reject/?lang={language}", body, format="json")

    assert response.status_code == 400
    assert response.json() == {"reason": [REQUIRED[language]]}
    unchanged(story)


def test_the_api_answers_400_on_a_reason_too_long(staff_api):
    story = sent()

    response = staff_api.post(
        f"/api/v1/stories/{story.pk}/reject/", {"reason": "x" * (REJECTION_REASON_LENGTH + 1)}, format="json"
    )

    assert response.status_code == 400
    assert list(response.json()) == ["reason"]
    unchanged(story)


def test_the_api_rejects_with_the_reason_and_tells_the_sender(staff_api, staff, django_capture_on_commit_callbacks):
    story = sent("fr", state=StoryState.APPROVED)

    with django_capture_on_commit_callbacks(execute=True):
        response = staff_api.post(f"/api/v1/stories/{story.pk}/reject/", {"reason": REASON_FR}, format="json")

    assert response.status_code == 200
    assert (response.json()["state"], response.json()["rejection_reason"]) == (StoryState.REJECTED, REASON_FR)
    assert history(story)[-1] == (StoryState.REJECTED, REASON_FR, "Story rejected")
    assert story.history.first().history_user == staff
    (message,) = mail.outbox
    assert "> Écrivez-nous si c'est le cas." in message.body


def test_the_api_clears_the_reason_of_a_reconsidered_story(staff_api):
    story = sent(state=StoryState.REJECTED, rejection_reason=REASON_FR)

    response = staff_api.post(f"/api/v1/stories/{story.pk}/review/")

    assert (response.json()["state"], response.json()["rejection_reason"]) == (StoryState.IN_REVIEW, "")


def test_the_schema_documents_the_reason_the_reject_action_requires(client):
    import yaml

    schema = yaml.safe_load(client.get("/api/v1/schema/").content)

    operation = schema["paths"]["/api/v1/stories/{id}/reject/"]["post"]
    body = operation["requestBody"]["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[1]
    component = schema["components"]["schemas"][body]
    assert component["required"] == ["reason"]
    assert component["properties"]["reason"]["maxLength"] == REJECTION_REASON_LENGTH
    assert "language" in component["properties"]["reason"]["description"]
    story = schema["components"]["schemas"]["UserStory"]["properties"]["rejection_reason"]
    assert story["readOnly"] is True


@pytest.mark.parametrize(
    ("kind", "state_then", "state_now"),
    [
        (notifications.REJECTED, StoryState.REJECTED, StoryState.IN_REVIEW),
        (notifications.PUBLISHED, StoryState.PUBLISHED, StoryState.APPROVED),
    ],
)
def test_a_decision_reversed_before_its_e_mail_left_is_not_sent(kind, state_then, state_now):
    # The task runs after the commit, maybe minutes later (the broker, a retry): the
    # sender is not told of a rejection without its reason, nor of a page that is gone.
    story = UserStoryFactory(
        state=state_now, published_on=None, submitter_email="sender@example.org", submitter_language="fr"
    )

    assert send_submitter_email.apply(args=(kind, story.pk)).get() is False
    assert mail.outbox == []

    UserStory.objects.filter(pk=story.pk).update(
        state=state_then,
        published_on=datetime.date(2020, 6, 15) if state_then == StoryState.PUBLISHED else None,
        rejection_reason=REASON_FR if state_then == StoryState.REJECTED else "",
    )
    assert send_submitter_email.apply(args=(kind, story.pk)).get() is True
    assert len(mail.outbox) == 1
