"""The History's "Revert" (a version's page) holds to the rules a change form holds to: a
meeting is not brought back to a day after its next steps are due, the page and the
success message say what a revert leaves as it is, a record is returned only with a
comment (a service's refusal is a form error, never a 500), a deleted record or a closed
period offers no Revert, a contributor reads only the versions that were their
jurisdiction's, and the admin log names the fields a revert changed. The change form takes
a published record back into the review only by the services' moves."""

import datetime
import re

import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.messages import get_messages
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from cogwg import admin_publication
from cogwg.choices import PublicationState, ReportingPeriodStatus
from cogwg.models import Meeting, NextStep, ReportingPeriod
from cogwg.services import record_submit, records_publish
from jurisdictions.models import Accomplishment, Challenge
from tests.factories import (
    AccomplishmentFactory,
    AccomplishmentLinkFactory,
    ChallengeFactory,
    MeetingFactory,
    NextStepFactory,
    ReportingPeriodFactory,
)
from tests.permissions.conftest import admin_client
from tests.test_admin import form_data


def url(model, view, *args, language="en"):
    with translation.override(language):
        return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def text(html):
    html = re.sub(r"<script.*?</script>|<style.*?</style>", "", html, flags=re.S)
    # Runs of ASCII white space only: French text keeps its no-break spaces.
    return re.sub(r"[ \t\r\n]+", " ", re.sub(r"<[^>]+>", " ", html)).replace("&#x27;", "'").replace("&quot;", '"')


def messages_of(response):
    return [(message.level_tag, message.message) for message in get_messages(response.wsgi_request)]


def moved_meeting(next_step_due):
    """A meeting moved to June, given a step due ``next_step_due``, then moved back to
    February; returns it, its step and its June version (which the step is a row of: a
    revert to it keeps the step as it is)."""
    meeting = MeetingFactory(date=datetime.date(2020, 2, 20), title_en="February meeting")
    meeting.date = datetime.date(2020, 6, 15)
    meeting.save()
    june = meeting.history.first()
    step = NextStepFactory(
        meeting=meeting, text_en="Send the inventory", text_fr="Envoyer l'inventaire", due=next_step_due
    )
    meeting.date = datetime.date(2020, 2, 20)
    meeting.save()
    return meeting, step, june


# 1. A revert does not get round a rule of the record's tables


@pytest.mark.parametrize(
    ("language", "message"),
    [
        (
            "en",
            "This version cannot be restored: a row of its next steps, “Send the inventory”, would break a rule. "
            "A next step is due on or after its meeting's day (June 15, 2020). "
            "Change that row first, or choose another version.",
        ),
        (
            "fr",
            "Cette version ne peut pas être rétablie\u00a0: une ligne du tableau «\u00a0prochaines étapes\u00a0», "
            "«\u00a0Envoyer l'inventaire\u00a0», enfreindrait une règle. "
            "Une prochaine étape est due le jour de sa réunion ou après (15 juin 2020). "
            "Modifiez d'abord cette ligne ou choisissez une autre version.",
        ),
    ],
)
def test_a_meeting_is_not_reverted_to_a_day_after_its_next_steps_are_due(world, client, language, message):
    meeting, step, june = moved_meeting(datetime.date(2020, 4, 30))
    admin_client(client, world.users.secretariat)
    address = url(Meeting, "simple_history", meeting.pk, june.history_id, language=language)

    refused = client.post(address, form_data(client.get(address)))

    assert refused.status_code == 200
    assert refused.context["adminform"].form.non_field_errors() == [message]
    assert Meeting.objects.get(pk=meeting.pk).date == datetime.date(2020, 2, 20)
    assert meeting.history.count() == 3
    assert NextStep.objects.get(pk=step.pk).due == datetime.date(2020, 4, 30)


def test_a_meeting_whose_next_steps_hold_is_reverted(world, client):
    meeting, _step, june = moved_meeting(datetime.date(2020, 7, 31))
    admin_client(client, world.users.secretariat)
    address = url(Meeting, "simple_history", meeting.pk, june.history_id)

    reverted = client.post(address, form_data(client.get(address)))

    assert reverted.status_code == 302
    assert Meeting.objects.get(pk=meeting.pk).date == datetime.date(2020, 6, 15)


def test_judging_the_rows_of_a_revert_costs_the_same_queries_whatever_their_number(world, client):
    """The rows are read at once, and their keys are not checked one by one."""
    meeting, _step, june = moved_meeting(datetime.date(2020, 7, 31))
    admin_client(client, world.users.secretariat)
    address = url(Meeting, "simple_history", meeting.pk, june.history_id)
    posted = form_data(client.get(address))

    def revert_queries():
        with CaptureQueriesContext(connection) as queries:
            assert client.post(address, posted).status_code == 302
        return len(queries)

    few = revert_queries()
    reverted = meeting.history.first()  # the June version the revert saved
    NextStepFactory.create_batch(20, meeting=meeting, owner=world.on, due=datetime.date(2020, 7, 31))
    meeting.date = datetime.date(2020, 2, 20)
    meeting.save()
    address = url(Meeting, "simple_history", meeting.pk, reverted.history_id)
    posted = form_data(client.get(address))

    assert revert_queries() == few


# 2. What a revert leaves as it is, said before and after


def test_the_version_page_says_what_a_revert_does_not_restore(world, client):
    accomplishment = world.accomplishment
    version = accomplishment.history.get()
    admin_client(client, world.users.secretariat)

    english = text(
        client.get(url(Accomplishment, "simple_history", accomplishment.pk, version.history_id)).content.decode()
    )
    french = text(
        client.get(
            url(Accomplishment, "simple_history", accomplishment.pk, version.history_id, language="fr")
        ).content.decode()
    )

    assert (
        "Reverting brings back this version's own fields and its links as they were then. The fields kept by the "
        "services (published at, submitted at, submitted by) stay as they are now."
    ) in english
    assert (
        "Le retour en arrière rétablit les champs propres à cette version et ses liens dans leur état d'alors. "
        "Les champs tenus à jour par les services (publié le, soumis le, soumis par) restent tels quels."
    ) in french


def test_a_meetings_version_page_names_its_next_steps_and_no_service_field(world, client):
    meeting = MeetingFactory(title_en="Before")
    version = meeting.history.get()
    admin_client(client, world.users.secretariat)

    page = text(client.get(url(Meeting, "simple_history", meeting.pk, version.history_id)).content.decode())

    assert "Reverting brings back this version's own fields and its next steps as they were then." in page
    assert "It does not restore" not in page
    assert "The fields kept by the services" not in page


def test_the_revert_message_says_what_was_not_restored_and_links_the_record(world, client):
    meeting, _step, june = moved_meeting(datetime.date(2020, 7, 31))
    admin_client(client, world.users.secretariat)
    address = url(Meeting, "simple_history", meeting.pk, june.history_id)

    reverted = client.post(address, form_data(client.get(address)))

    change_url = url(Meeting, "change", meeting.pk)
    assert messages_of(reverted) == [
        (
            "success",
            f'The meeting “<a href="{change_url}">February meeting (2020-06-15)</a>” was reverted to the chosen '
            "version. Its next steps were restored as they were in that version.",
        )
    ]
    assert address not in messages_of(reverted)[0][1]


# 3. A revert that would return a record without a comment, and a service's refusal


def test_a_revert_to_a_returned_version_without_a_comment_is_a_form_error(world, client):
    accomplishment = AccomplishmentFactory(
        jurisdiction=world.on, publication_state=PublicationState.RETURNED, review_comment="", title_en="Before"
    )
    returned_version = accomplishment.history.get()
    record_submit(record=accomplishment, by=world.users.contributor_on)
    admin_client(client, world.users.secretariat)
    address = url(Accomplishment, "simple_history", accomplishment.pk, returned_version.history_id)

    refused = client.post(address, form_data(client.get(address)))

    assert refused.status_code == 200
    assert refused.context["adminform"].form.errors == {
        "review_comment": ["Say what should change before returning it."]
    }
    assert Accomplishment.objects.get(pk=accomplishment.pk).publication_state == PublicationState.SUBMITTED
    assert accomplishment.history.count() == 2
    assert mail.outbox == []


def test_a_services_refusal_on_save_is_a_form_error_and_nothing_is_written(world, client, monkeypatch):
    accomplishment = record_submit(record=world.accomplishment, by=world.users.contributor_on)

    def refuse(**kwargs):
        raise ValidationError({"comment": "Refused by the service."})

    monkeypatch.setattr(admin_publication, "record_return", refuse)
    admin_client(client, world.users.secretariat)
    address = url(Accomplishment, "change", accomplishment.pk)
    data = form_data(client.get(address)) | {
        "title_en": "Changed",
        "publication_state": PublicationState.RETURNED,
        "review_comment": "Name the portal.",
    }

    refused = client.post(address, data)

    assert refused.status_code == 200
    assert refused.context["adminform"].form.non_field_errors() == ["Refused by the service."]
    stored = Accomplishment.objects.get(pk=accomplishment.pk)
    assert (stored.title_en, stored.publication_state) == ("Ontario portal", PublicationState.SUBMITTED)
    assert accomplishment.history.count() == 2


# 4. The change form takes a published record back into the review only by the services' moves


def published(world):
    accomplishment = record_submit(record=world.accomplishment, by=world.users.contributor_on)
    records_publish(queryset=Accomplishment.objects.filter(pk=accomplishment.pk), by=world.users.secretariat)
    mail.outbox.clear()
    return accomplishment


def test_a_published_record_is_not_returned_from_the_change_form(world, client, django_capture_on_commit_callbacks):
    accomplishment = published(world)
    admin_client(client, world.users.secretariat)
    address = url(Accomplishment, "change", accomplishment.pk)
    data = form_data(client.get(address)) | {
        "publication_state": PublicationState.RETURNED,
        "review_comment": "Name the portal.",
    }

    with django_capture_on_commit_callbacks(execute=True):
        refused = client.post(address, data)

    assert refused.status_code == 200
    assert refused.context["adminform"].form.errors == {
        "publication_state": [
            "A published record is not under review: it cannot be returned for changes. Choose “Draft” to "
            "unpublish it: its contributors can then change it and submit it again."
        ]
    }
    assert Accomplishment.objects.get(pk=accomplishment.pk).publication_state == PublicationState.PUBLISHED
    assert mail.outbox == []


def test_a_draft_is_not_returned_from_the_change_form_either(world, client):
    admin_client(client, world.users.secretariat)
    address = url(Accomplishment, "change", world.accomplishment.pk)
    data = form_data(client.get(address)) | {"publication_state": PublicationState.RETURNED, "review_comment": "Why"}

    refused = client.post(address, data)

    assert refused.status_code == 200
    assert refused.context["adminform"].form.errors == {
        "publication_state": ["Only a record submitted for review can be returned for changes."]
    }
    assert Accomplishment.objects.get(pk=world.accomplishment.pk).publication_state == PublicationState.DRAFT


def test_a_published_record_is_not_put_back_under_review_in_its_contributors_place(
    world, client, django_capture_on_commit_callbacks
):
    # record_submit names whoever submits as the submitter, to whom the review's e-mails go:
    # the secretariat unpublishes it ("Draft"), and its contributors submit it again.
    accomplishment = published(world)
    admin_client(client, world.users.secretariat)
    address = url(Accomplishment, "change", accomplishment.pk)
    data = form_data(client.get(address)) | {"publication_state": PublicationState.SUBMITTED}

    with django_capture_on_commit_callbacks(execute=True):
        refused = client.post(address, data)

    assert refused.status_code == 200
    assert refused.context["adminform"].form.errors == {
        "publication_state": [
            "A published record is not under review: it cannot be submitted for review from here. Choose “Draft” "
            "to unpublish it: its contributors can then change it and submit it again."
        ]
    }
    stored = Accomplishment.objects.get(pk=accomplishment.pk)
    assert (stored.publication_state, stored.submitted_by) == (PublicationState.PUBLISHED, world.users.contributor_on)
    assert mail.outbox == []


# 5. A deleted record is not restored from its History


@pytest.mark.parametrize(
    "make", [lambda world: world.next_step, lambda world: world.challenge], ids=["step", "challenge"]
)
def test_a_deleted_record_offers_no_revert(world, client, make):
    record = make(world)
    model = type(record)
    version = record.history.first()
    record_pk = record.pk
    record.delete()
    admin_client(client, world.users.secretariat)
    address = url(model, "simple_history", record_pk, version.history_id)

    page = client.get(address)
    refused = client.post(address, form_data(page))

    html = page.content.decode()
    assert page.status_code == 200
    assert page.context["revert_disabled"] is True
    assert "This record was deleted: it cannot be restored here." in text(html)
    assert 'name="_save"' not in html
    assert refused.status_code == 403
    assert not model.objects.filter(pk=record_pk).exists()
    with translation.override("fr"):
        french = client.get(url(model, "simple_history", record_pk, version.history_id, language="fr"))
    assert "Cet enregistrement a été supprimé\u00a0: il ne peut pas être rétabli ici." in text(french.content.decode())


def test_a_record_still_there_offers_its_revert(world, client):
    version = world.next_step.history.first()
    admin_client(client, world.users.secretariat)

    page = client.get(url(NextStep, "simple_history", world.next_step.pk, version.history_id))

    assert page.context["revert_disabled"] is False
    assert 'name="_save"' in page.content.decode()
    assert "This record was deleted" not in text(page.content.decode())


# 6. A closed reporting period's versions offer no revert


def test_a_closed_periods_versions_offer_no_revert(world, client):
    period = ReportingPeriodFactory(work_plan=world.plan, opened_at=timezone.now(), title_en="Before")
    open_version = period.history.get()
    ReportingPeriod.objects.filter(pk=period.pk).update(status=ReportingPeriodStatus.CLOSED, closed_at=timezone.now())
    admin_client(client, world.users.secretariat)
    address = url(ReportingPeriod, "simple_history", period.pk, open_version.history_id)

    page = client.get(address)
    refused = client.post(address, form_data(page) | {"title_en": "After"})

    assert page.status_code == 200
    assert page.context["revert_disabled"] is True
    assert 'name="_save"' not in page.content.decode()
    assert refused.status_code == 403
    assert ReportingPeriod.objects.get(pk=period.pk).title_en == "Before"


def test_an_open_periods_versions_offer_their_revert(world, client):
    period = ReportingPeriodFactory(work_plan=world.plan, opened_at=timezone.now())
    admin_client(client, world.users.secretariat)

    page = client.get(url(ReportingPeriod, "simple_history", period.pk, period.history.get().history_id))

    assert page.context["revert_disabled"] is False


# 7. A contributor reads only the versions that were their jurisdiction's


def moved_to_ontario(world):
    """A BC draft, written by BC's contributor, then moved to Ontario by the secretariat."""
    draft = AccomplishmentFactory(
        jurisdiction=world.bc, title_en="British Columbia's secret plan", publication_state=PublicationState.DRAFT
    )
    draft.history.update(history_user=world.users.contributor_bc)
    bc_version = draft.history.get()
    draft.jurisdiction = world.on
    draft.title_en = "Ontario's plan"
    draft._history_user = world.users.secretariat
    draft.save()
    return draft, bc_version


def test_a_contributors_history_lists_only_their_jurisdictions_versions(world, client):
    draft, bc_version = moved_to_ontario(world)
    admin_client(client, world.users.contributor_on)

    history = client.get(url(Accomplishment, "history", draft.pk))

    assert history.status_code == 200
    assert list(history.context["page_obj"]) == [draft.history.first()]
    admin_client(client, world.users.secretariat)
    assert list(client.get(url(Accomplishment, "history", draft.pk)).context["page_obj"]) == [
        draft.history.first(),
        bc_version,
    ]


def test_a_contributors_history_shows_nothing_of_another_jurisdictions_versions(world, client):
    """Not even as the "before" of the oldest change listed."""
    draft, _bc_version = moved_to_ontario(world)
    admin_client(client, world.users.contributor_on)

    history = client.get(url(Accomplishment, "history", draft.pk))

    assert history.status_code == 200
    assert "British Columbia" not in text(history.content.decode())


def test_a_contributors_history_lists_only_the_link_changes_made_while_the_record_was_theirs(world, client):
    draft = AccomplishmentFactory(jurisdiction=world.bc, publication_state=PublicationState.DRAFT)
    AccomplishmentLinkFactory(accomplishment=draft, url="https://bc.example.ca/secret")
    draft.jurisdiction = world.on
    draft.save()
    AccomplishmentLinkFactory(accomplishment=draft, url="https://on.example.ca/plan")

    admin_client(client, world.users.contributor_on)
    (ontarios,) = client.get(url(Accomplishment, "history", draft.pk)).context["related_histories"]
    admin_client(client, world.users.secretariat)
    (everyones,) = client.get(url(Accomplishment, "history", draft.pk)).context["related_histories"]

    assert [change.label for change in ontarios["changes"]] == ["https://on.example.ca/plan"]
    assert [change.label for change in everyones["changes"]] == [
        "https://on.example.ca/plan",
        "https://bc.example.ca/secret",
    ]


def test_a_link_written_before_the_record_was_theirs_shows_no_earlier_address(world, client):
    draft = AccomplishmentFactory(jurisdiction=world.bc, publication_state=PublicationState.DRAFT)
    link = AccomplishmentLinkFactory(accomplishment=draft, url="https://bc.example.ca/secret-draft")
    draft.jurisdiction = world.on
    draft.save()
    link.url = "https://on.example.ca/public"
    link.save()

    admin_client(client, world.users.contributor_on)
    page = client.get(url(Accomplishment, "history", draft.pk))
    (ontarios,) = page.context["related_histories"]

    assert [(item.old, item.new) for item in ontarios["changes"][0].changes] == [("—", "https://on.example.ca/public")]
    assert "bc.example.ca" not in page.content.decode()


@pytest.mark.parametrize(
    ("language", "heading"),
    [("en", "We couldn't find that page"), ("fr", "Nous ne pouvons trouver cette page")],
)
def test_another_jurisdictions_version_is_refused_to_a_contributor(world, client, language, heading):
    # A 404, as for a version that is not one: a 403 would confirm that the version exists.
    draft, bc_version = moved_to_ontario(world)
    admin_client(client, world.users.contributor_on)

    refused = client.get(url(Accomplishment, "simple_history", draft.pk, bc_version.history_id, language=language))
    own = client.get(url(Accomplishment, "simple_history", draft.pk, draft.history.first().history_id))

    assert refused.status_code == 404
    assert heading in text(refused.content.decode())
    assert "British Columbia" not in text(refused.content.decode())
    assert own.status_code == 200


def test_a_challenge_that_named_another_jurisdiction_hides_those_versions(world, client):
    challenge = ChallengeFactory(title_en="Shared staffing", publication_state=PublicationState.DRAFT)
    challenge.jurisdictions.set([world.on, world.bc])
    both = challenge.history.first()
    challenge.jurisdictions.set([world.on])
    ontario_only = challenge.history.first()
    admin_client(client, world.users.contributor_on)

    history = client.get(url(Challenge, "history", challenge.pk))
    refused = client.get(url(Challenge, "simple_history", challenge.pk, both.history_id))

    assert list(history.context["page_obj"]) == [ontario_only]
    assert refused.status_code == 404


# 8. The admin log names the fields a revert changed


def test_the_admin_log_names_the_fields_a_revert_changed(world, client):
    accomplishment = world.accomplishment
    creation = accomplishment.history.get()
    Accomplishment.objects.filter(pk=accomplishment.pk).update(title_fr="Changé")
    admin_client(client, world.users.secretariat)
    address = url(Accomplishment, "simple_history", accomplishment.pk, creation.history_id)

    reverted = client.post(address, form_data(client.get(address)))

    assert reverted.status_code == 302
    entry = LogEntry.objects.get(object_id=str(accomplishment.pk))
    assert entry.get_change_message() == "Changed Title [fr]."
    assert Accomplishment.objects.get(pk=accomplishment.pk).title_fr == "Portail de l'Ontario"


def test_a_revert_that_changes_nothing_logs_no_field(world, client):
    accomplishment = world.accomplishment
    AccomplishmentLinkFactory(accomplishment=accomplishment)
    admin_client(client, world.users.secretariat)
    address = url(Accomplishment, "simple_history", accomplishment.pk, accomplishment.history.first().history_id)

    assert client.post(address, form_data(client.get(address))).status_code == 302

    assert LogEntry.objects.get(object_id=str(accomplishment.pk)).get_change_message() == "No fields changed."
