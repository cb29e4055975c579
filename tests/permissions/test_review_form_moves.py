"""The secretariat's change form moves a record's publication state as the review's
actions do (cogwg/services.py), never around them: a move the services would refuse is a
form error in the page's language, and nothing is written; a progress update's form
shown again with an error keeps the inputs its stored state gives it."""

import pytest
from django.contrib import admin
from django.contrib.messages import get_messages
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from cogwg.choices import PublicationState
from cogwg.services import record_return, record_submit
from jurisdictions.models import Accomplishment
from tests.permissions.conftest import admin_client
from tests.test_admin import form_data
from workplan.models import ProgressUpdate


def url(model, view, *args, language="en"):
    with translation.override(language):
        return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def submitted_update(world):
    update = record_submit(record=world.update, by=world.users.contributor_on)
    mail.outbox.clear()
    return update


# 1. A progress update's form shown again with an error


def test_returning_an_update_without_a_comment_is_a_french_form_error_not_a_500(world, client):
    update = submitted_update(world)
    admin_client(client, world.users.secretariat)
    address = url(ProgressUpdate, "change", update.pk, language="fr")
    data = form_data(client.get(address)) | {"publication_state": PublicationState.RETURNED}

    refused = client.post(address, data)

    assert refused.status_code == 200
    assert refused.context["adminform"].form.errors == {
        "review_comment": ["Indiquez ce qui doit changer avant de le retourner."]
    }
    stored = ProgressUpdate.objects.get(pk=update.pk)
    assert (stored.publication_state, stored.review_comment) == (PublicationState.SUBMITTED, "")
    assert mail.outbox == []


def test_a_submitted_update_taken_back_to_draft_is_refused_in_french_not_a_500(world, client):
    update = submitted_update(world)
    admin_client(client, world.users.secretariat)
    address = url(ProgressUpdate, "change", update.pk, language="fr")
    data = form_data(client.get(address)) | {"publication_state": PublicationState.DRAFT, "note_en": "Changed"}

    refused = client.post(address, data)

    assert refused.status_code == 200
    assert refused.context["adminform"].form.errors == {
        "publication_state": [
            "Un enregistrement soumis pour examen ne revient pas à l'état d'ébauche\u00a0: retournez-le pour "
            "modifications («\u00a0Retourné pour modifications\u00a0», avec un commentaire), ce qui en avertit qui "
            "l'a soumis, ou publiez-le."
        ]
    }
    stored = ProgressUpdate.objects.get(pk=update.pk)
    assert (stored.publication_state, stored.note_en) == (PublicationState.SUBMITTED, "Going well")
    assert mail.outbox == []


@pytest.mark.parametrize("state", [PublicationState.SUBMITTED, PublicationState.PUBLISHED])
def test_a_draft_moved_with_an_error_keeps_its_date_status_and_progress_inputs(world, client, state):
    admin_client(client, world.users.secretariat)
    address = url(ProgressUpdate, "change", world.update.pk)
    data = form_data(client.get(address)) | {"publication_state": state, "progress": "150"}

    refused = client.post(address, data)

    assert refused.status_code == 200
    assert "progress" in refused.context["adminform"].form.errors
    readonly = {field for fieldset in refused.context["adminform"] for line in fieldset for field in line}
    shown = {field.field["name"] for field in readonly if getattr(field, "is_readonly", False)}
    assert {"reported_on", "status", "progress"} & shown == set()
    for name in ("reported_on", "status", "progress"):
        assert f'name="{name}"'.encode() in refused.content
    stored = ProgressUpdate.objects.get(pk=world.update.pk)
    assert (stored.publication_state, stored.progress) == (PublicationState.DRAFT, 50)


# 2. Every move is one of the review's actions


def returned_accomplishment(world):
    accomplishment = record_submit(record=world.accomplishment, by=world.users.contributor_on)
    record_return(record=accomplishment, comment="Name the portal.", by=world.users.secretariat)
    mail.outbox.clear()
    return accomplishment


def test_the_secretariat_submits_a_returned_record_and_its_contributor_stays_the_submitter(
    world, client, django_capture_on_commit_callbacks
):
    """record_submit keeps the contributor who submitted it as the submitter: the review's
    e-mails (its return, its publication) keep reaching them, not the secretariat."""
    accomplishment = returned_accomplishment(world)
    admin_client(client, world.users.secretariat)
    address = url(Accomplishment, "change", accomplishment.pk, language="fr")
    data = form_data(client.get(address)) | {"publication_state": PublicationState.SUBMITTED, "title_en": "Mine"}

    saved = client.post(address, data)

    assert saved.status_code == 302
    stored = Accomplishment.objects.get(pk=accomplishment.pk)
    assert (stored.publication_state, stored.submitted_by, stored.title_en) == (
        PublicationState.SUBMITTED,
        world.users.contributor_on,
        "Mine",
    )
    assert stored.history.first().history_user == world.users.secretariat
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        record_return(record=stored, comment="Name the portal again.", by=world.users.secretariat)
    assert [message.to for message in mail.outbox] == [[world.users.contributor_on.email]]


def test_the_submit_action_of_the_secretariat_keeps_the_contributor_as_submitter(world):
    accomplishment = returned_accomplishment(world)

    submitted = record_submit(record=accomplishment, by=world.users.secretariat)

    assert submitted.submitted_by == world.users.contributor_on


def test_a_returned_record_is_not_taken_back_to_draft(world, client):
    accomplishment = returned_accomplishment(world)
    admin_client(client, world.users.secretariat)
    address = url(Accomplishment, "change", accomplishment.pk)
    data = form_data(client.get(address)) | {"publication_state": PublicationState.DRAFT}

    refused = client.post(address, data)

    assert refused.status_code == 200
    assert refused.context["adminform"].form.errors == {
        "publication_state": [
            "A record returned for changes stays so until its contributors submit it again: publish it, or "
            "leave it returned."
        ]
    }
    assert Accomplishment.objects.get(pk=accomplishment.pk).publication_state == PublicationState.RETURNED


def test_a_returned_record_published_from_the_change_form_tells_its_contributor(
    world, client, django_capture_on_commit_callbacks
):
    accomplishment = returned_accomplishment(world)
    admin_client(client, world.users.secretariat)
    address = url(Accomplishment, "change", accomplishment.pk)
    data = form_data(client.get(address)) | {"publication_state": PublicationState.PUBLISHED}

    with django_capture_on_commit_callbacks(execute=True):
        published = client.post(address, data)

    assert published.status_code == 302
    stored = Accomplishment.objects.get(pk=accomplishment.pk)
    assert (stored.publication_state, stored.submitted_by) == (PublicationState.PUBLISHED, world.users.contributor_on)
    assert [message.to for message in mail.outbox] == [["alice@example.org"]]


def test_a_move_the_save_finds_refused_is_a_form_error_and_nothing_is_written(world, client, monkeypatch):
    admin_client(client, world.users.secretariat)
    address = url(Accomplishment, "change", world.accomplishment.pk)
    data = form_data(client.get(address)) | {"publication_state": PublicationState.DRAFT, "title_en": "Mine"}
    record_submit(record=world.accomplishment, by=world.users.contributor_on)
    mail.outbox.clear()
    # The form judged the record still a draft (submitted between its checks and the save).
    monkeypatch.setattr(type(admin.site._registry[Accomplishment]), "stored_state", lambda self, obj: "draft")

    refused = client.post(address, data)

    assert refused.status_code == 200
    # Said on the field the refused move is made with.
    assert refused.context["adminform"].form.errors == {
        "publication_state": [
            "A record submitted for review is not taken back to draft: return it for changes (“Returned for "
            "changes”, with a comment), which tells whoever submitted it, or publish it."
        ]
    }
    stored = Accomplishment.objects.get(pk=world.accomplishment.pk)
    assert (stored.publication_state, stored.title_en) == (PublicationState.SUBMITTED, "Ontario portal")
    assert mail.outbox == []


# The actions


@pytest.mark.parametrize("action", ["publish_selected", "unpublish_selected"])
def test_an_action_the_service_refuses_says_why_and_changes_nothing(world, client, monkeypatch, action):
    def refuse(self, request, queryset):
        raise ValidationError(["“Ontario portal” cannot be published.", "Another reason."])

    model_admin = type(admin.site._registry[Accomplishment])
    monkeypatch.setattr(model_admin, action.replace("_selected", "_records"), refuse)
    admin_client(client, world.users.secretariat)

    response = client.post(
        url(Accomplishment, "changelist"), {"action": action, "_selected_action": [world.accomplishment.pk]}
    )

    assert response.status_code == 302
    assert [(message.level_tag, message.message) for message in get_messages(response.wsgi_request)] == [
        ("error", "“Ontario portal” cannot be published."),
        ("error", "Another reason."),
    ]
    assert Accomplishment.objects.get(pk=world.accomplishment.pk).publication_state == PublicationState.DRAFT
