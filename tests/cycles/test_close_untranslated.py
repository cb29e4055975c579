"""Closing a reporting period publishes the submitted updates whose note is in both
official languages (or that have none), and is not blocked by one whose note is in one
language only: that one is left submitted, unlocked, so that the secretariat can enter the
translation and publish it; the secretariat (the admin's messages) and its submitter (the
summary e-mail) are told which updates were left and why, in their language."""

import datetime

import pytest
from django.contrib.auth.models import Group
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import escape

from cogwg import cycle_tasks, cycles
from cogwg.choices import PublicationState
from cogwg.models import ReportingPeriod
from cogwg.permissions import CONTRIBUTOR, roles_sync
from cogwg.services import record_return
from tests.cycles.conftest import AFTER_DEADLINE, submitted_row
from tests.factories import ContributorFactory, UserFactory
from tests.test_admin import action_messages, form_data
from workplan.choices import MilestoneStatus
from workplan.models import ProgressUpdate
from workplan.services import progress_update_publish

pytestmark = pytest.mark.django_db

NBSP = "\u00a0"
# Whatever keeps an update from being published (its note in one language here): the
# reason follows, one message per update (workplan.services.progress_update_refusals).
LEFT_WARNING = {
    "en": (
        "1 submitted update was left unpublished, for the reason given below. It stays submitted for review: "
        "settle what keeps it from being published on its page (enter its note in the other language, say), then "
        "publish it; or delete it."
    ),
    "fr": (
        "1 mise à jour soumise n'a pas été publiée, pour la raison donnée ci-dessous. Elle reste soumise pour "
        f"examen{NBSP}: réglez sur sa page ce qui l'empêche d'être publiée (saisissez par exemple sa note dans "
        f"l'autre langue), puis publiez-la{NBSP}; ou supprimez-la."
    ),
}
NOT_RETURNABLE = {
    "en": (
        "Its reporting period is closed and left this update unpublished: it can no longer be returned for changes, "
        "as it would then be locked with its period. Settle what keeps it from being published (enter its note in "
        "the other language, say), then publish it; or delete it."
    ),
    "fr": (
        f"Sa période de rapport est close et a laissé cette mise à jour non publiée{NBSP}: elle ne peut plus être "
        "retournée pour modifications, car elle serait alors verrouillée avec sa période. Réglez ce qui l'empêche "
        "d'être publiée (saisissez par exemple sa note dans l'autre langue), puis publiez-la"
        f"{NBSP}; ou supprimez-la."
    ),
}


def refused(update, language):
    """The review's refusal of ``update``, whose note lacks French, in ``language``."""
    with translation.override(language):
        if language == "en":
            return (
                f"“{update}” cannot be published: a published record shows its texts in both official languages, "
                "and it lacks: note in French."
            )
        return (
            f"«{NBSP}{update}{NBSP}» ne peut pas être publié{NBSP}: un enregistrement publié affiche ses textes dans "
            f"les deux langues officielles, et il y manque{NBSP}: note en français."
        )


def contributor(username, jurisdiction):
    roles_sync()
    user = UserFactory(username=username, is_staff=True)
    user.groups.add(Group.objects.get(name=CONTRIBUTOR))
    ContributorFactory(user=user, jurisdiction=jurisdiction)
    return user


def submit(cycle, jurisdiction, milestone, *, by=None, progress=40, **notes):
    (update,) = cycles.period_submit_updates(
        period=cycle.period,
        jurisdiction=jurisdiction,
        rows=[submitted_row(milestone, progress=progress, **notes)],
        by=by or cycle.secretariat,
    ).updates
    return update


@pytest.fixture
def reports(cycle):
    """BC's March update in both languages, its June one in English only; ON's guide with no note."""
    return (
        submit(cycle, cycle.bc, cycle.march, progress=60, note_en="Inventory drafted", note_fr="Inventaire rédigé"),
        submit(cycle, cycle.bc, cycle.june, progress=30, note_en="Release slipping"),
        submit(cycle, cycle.on, cycle.guide, progress=20),
    )


def close(cycle):
    return cycles.period_close(period=cycle.period, by=cycle.secretariat, on=AFTER_DEADLINE)


def state(update):
    update.refresh_from_db()
    return update.publication_state


def test_closing_publishes_the_translated_updates_and_leaves_the_others_submitted(cycle, reports):
    translated, english, no_note = reports

    published = close(cycle)

    cycle.period.refresh_from_db()
    assert not cycle.period.is_open
    assert published == [translated, no_note]
    assert [state(translated), state(english), state(no_note)] == [
        PublicationState.PUBLISHED,
        PublicationState.SUBMITTED,
        PublicationState.PUBLISHED,
    ]
    assert english.published_at is None
    for milestone, expected in ((cycle.march, 60), (cycle.guide, 20), (cycle.june, 0)):
        milestone.refresh_from_db()
        assert milestone.progress == expected
    cycle.june.refresh_from_db()
    assert cycle.june.status == MilestoneStatus.NOT_STARTED
    assert list(cycles.period_updates_left(cycle.period)) == [english]


def test_the_update_left_is_not_locked_and_is_published_once_translated(cycle, reports):
    translated, english, _no_note = reports
    close(cycle)

    assert cycles.progress_update_is_locked(translated)
    assert not cycles.progress_update_is_locked(english)
    assert list(cycles.progress_updates_locked().order_by("pk")) == [translated, reports[2]]
    # As it is, the review still refuses it, for its note (not for its period).
    with pytest.raises(ValidationError) as error:
        progress_update_publish(update=english, by=cycle.secretariat)
    assert error.value.messages == [refused(english, "en")]

    ProgressUpdate.objects.filter(pk=english.pk).update(note_fr="Diffusion en retard")
    progress_update_publish(update=english, by=cycle.secretariat)

    assert state(english) == PublicationState.PUBLISHED
    cycle.june.refresh_from_db()
    assert (cycle.june.status, cycle.june.progress) == (MilestoneStatus.ON_TRACK, 30)
    # Published, it is locked with the rest of its period.
    assert cycles.progress_update_is_locked(english)
    assert not cycles.period_updates_left(cycle.period).exists()


@pytest.mark.parametrize("language", ["en", "fr"])
def test_the_update_left_can_no_longer_be_returned(cycle, reports, language):
    english = reports[1]
    close(cycle)

    with translation.override(language), pytest.raises(ValidationError) as error:
        record_return(record=english, comment="Translate it.", by=cycle.secretariat)

    # Then why it may not be published.
    assert error.value.messages == [NOT_RETURNABLE[language], refused(english, language)]
    english.refresh_from_db()
    assert (english.publication_state, english.review_comment) == (PublicationState.SUBMITTED, "")


def test_an_update_submitted_after_the_closing_is_still_locked(cycle, reports):
    draft = cycles.period_submit_updates(
        period=cycle.period, jurisdiction=cycle.on, rows=[submitted_row(cycle.march)], by=cycle.secretariat
    ).updates[0]
    ProgressUpdate.objects.filter(pk=draft.pk).update(publication_state=PublicationState.DRAFT, submitted_at=None)
    close(cycle)
    # Submitted after the closing, before the lock reached the services: not one closing left.
    ProgressUpdate.objects.filter(pk=draft.pk).update(
        publication_state=PublicationState.SUBMITTED, submitted_at=timezone.now()
    )

    assert cycles.progress_update_is_locked(draft)
    assert list(cycles.period_updates_left(cycle.period)) == [reports[1]]


def test_nothing_is_left_while_the_period_is_open(cycle, reports):
    assert not cycles.period_updates_left(cycle.period).exists()


@pytest.mark.parametrize("language", ["en", "fr"])
def test_the_dashboard_names_the_update_left_and_why(cycle, reports, staff_client, language):
    english = reports[1]
    ReportingPeriod.objects.filter(pk=cycle.period.pk).update(deadline=timezone.localdate() - datetime.timedelta(1))
    with translation.override(language):
        address = reverse("admin:cogwg_reportingperiod_dashboard", args=[cycle.period.pk])

    response = staff_client.post(address, {"_close": "1"}, follow=True)

    closed = {"en": "June 2020 is closed; 2 updates were published.", "fr": "Juin 2020 est close; 2 mises à jour"}
    messages = action_messages(response)
    assert len(messages) == 3
    assert messages[0].startswith(closed[language])
    assert messages[1:] == [LEFT_WARNING[language], refused(english, language)]
    assert state(english) == PublicationState.SUBMITTED


def test_the_admin_action_closes_and_names_the_update_left(cycle, reports, staff_client):
    ReportingPeriod.objects.filter(pk=cycle.period.pk).update(deadline=timezone.localdate() - datetime.timedelta(1))

    response = staff_client.post(
        reverse("admin:cogwg_reportingperiod_changelist"),
        {"action": "close_selected", "_selected_action": [cycle.period.pk]},
        follow=True,
    )

    assert action_messages(response) == [
        "June 2020 is closed; 2 updates were published.",
        LEFT_WARNING["en"],
        refused(reports[1], "en"),
    ]


def test_closing_with_every_update_translated_says_nothing_more(cycle, staff_client):
    submit(cycle, cycle.bc, cycle.march, note_en="Inventory drafted", note_fr="Inventaire rédigé")
    ReportingPeriod.objects.filter(pk=cycle.period.pk).update(deadline=timezone.localdate() - datetime.timedelta(1))

    response = staff_client.post(
        reverse("admin:cogwg_reportingperiod_dashboard", args=[cycle.period.pk]), {"_close": "1"}, follow=True
    )

    assert action_messages(response) == ["June 2020 is closed; 1 update was published."]


def test_the_secretariat_translates_and_publishes_the_update_left_from_its_page(cycle, reports, staff_client):
    english = reports[1]
    close(cycle)
    address = reverse("admin:workplan_progressupdate_change", args=[english.pk])
    page = staff_client.get(address)
    assert page.context["has_change_permission"]

    response = staff_client.post(
        address,
        form_data(page) | {"note_fr": "Diffusion en retard", "publication_state": PublicationState.PUBLISHED},
    )

    assert response.status_code == 302, response.context["adminform"].form.errors
    english.refresh_from_db()
    assert (english.publication_state, english.note_fr) == (PublicationState.PUBLISHED, "Diffusion en retard")


def test_the_submitter_is_told_which_updates_were_left_and_why(cycle, django_capture_on_commit_callbacks):
    alice = contributor("alice", cycle.bc)
    submit(cycle, cycle.bc, cycle.march, by=alice, progress=60, note_en="Drafted", note_fr="Rédigé")
    submit(cycle, cycle.bc, cycle.june, by=alice, progress=30, note_en="Release slipping")
    submit(cycle, cycle.on, cycle.guide, progress=20)

    with django_capture_on_commit_callbacks(execute=True):
        close(cycle)

    to_alice = next(message for message in mail.outbox if message.to == ["alice@example.org"])
    assert to_alice.subject == (
        "COGWG: June 2020 is closed; some of your updates need a translation / "
        f"GTGO{NBSP}: Juin 2020 est close{NBSP}; certaines de vos mises à jour doivent être traduites"
    )
    english, french = to_alice.body.split("\n\n---\n\n")
    assert "June 2020 is closed. These updates you submitted are now published:\n- 1. March 31, 2020: Inventory" in (
        english
    )
    assert (
        "These updates you submitted are not published yet: a published update shows its note in both official "
        "languages, and theirs lacks one. Send the secretariat the missing translation, so that it can publish them:\n"
        "- 1. June 30, 2020: Release (On track, 30%) — missing: note in French"
    ) in english
    assert (
        f"- 1. 30 juin 2020{NBSP}: {cycle.june.description_fr} (En bonne voie, 30{NBSP}%) — il manque{NBSP}: "
        "note en français"
    ) in french
    assert "ne sont pas encore publiées" in french
    # Whoever had nothing left is sent the summary as before.
    to_secretariat = next(message for message in mail.outbox if message.to == ["secretariat@example.org"])
    assert to_secretariat.subject.startswith("COGWG: your updates for June 2020 are published")
    assert "not published yet" not in to_secretariat.body


def test_a_submitter_with_only_updates_left_is_told_the_period_is_closed(cycle, django_capture_on_commit_callbacks):
    submit(cycle, cycle.bc, cycle.june, note_en="", note_fr="Diffusion en retard")

    with django_capture_on_commit_callbacks(execute=True):
        assert close(cycle) == []

    (message,) = mail.outbox
    assert message.body.startswith(
        "June 2020 is closed.\nThese updates you submitted are not published yet: a published update"
    )
    assert "- 1. June 30, 2020: Release (On track, 40%) — missing: note in English" in message.body
    assert f"La période «{NBSP}Juin 2020{NBSP}» est close.\nCes mises à jour" in message.body
    assert "now published" not in message.body


def test_a_summary_task_queued_before_updates_could_be_left_still_runs(cycle, reports):
    translated = reports[0]
    close(cycle)
    mail.outbox.clear()

    assert cycle_tasks.send_period_closed_summaries.delay(cycle.period.pk, [translated.pk]).get() == 1
    assert "not published yet" not in mail.outbox[0].body


def test_an_update_translated_before_the_summary_is_sent_is_not_listed_as_left(cycle, reports):
    translated, english, _no_note = reports
    close(cycle)
    ProgressUpdate.objects.filter(pk=english.pk).update(note_fr="Diffusion en retard")
    progress_update_publish(update=english, by=cycle.secretariat, notify=False)
    mail.outbox.clear()

    assert cycle_tasks.send_period_closed_summaries.delay(cycle.period.pk, [translated.pk], [english.pk]).get() == 1
    assert "not published yet" not in mail.outbox[0].body


@pytest.mark.parametrize("language", ["en", "fr"])
def test_the_dashboard_lists_the_updates_still_waiting_after_the_close(cycle, reports, staff_client, language):
    translated, english, _no_note = reports
    close(cycle)
    with translation.override(language):
        address = reverse("admin:cogwg_reportingperiod_dashboard", args=[cycle.period.pk])
        page = reverse("admin:workplan_progressupdate_change", args=[english.pk])
        name = str(english)

    html = staff_client.get(address).content.decode()

    heading = {"en": "Updates left unpublished at the close", "fr": "Mises à jour laissées non publiées à la clôture"}
    assert heading[language] in html
    # Why, naming it, on a link to its page.
    with translation.override(language):
        assert f'<a href="{page}">{escape(refused(english, language))}</a>' in html
    assert name.replace("—", "").split(":")[0] in html
    assert reverse("admin:workplan_progressupdate_change", args=[translated.pk]) not in html

    # Once translated and published, it no longer waits.
    english.note_fr = "Diffusion retardée"
    english.save()
    progress_update_publish(update=english, by=cycle.secretariat)
    assert heading[language] not in staff_client.get(address).content.decode()
