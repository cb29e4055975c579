"""The admin keeps to the rules of the records it writes whichever page writes them.

A milestone ticked for deletion in its priority's table is deleted only if its own delete
page would delete it (``workplan.services.records_ensure_deletable``: no published
progress update, none of a closed reporting period): a refused row says why, in the
page's language, and nothing of the form is saved.

A save that the database refuses (a uniqueness, a check) because another save got there
first is a form error in the page's language, with the rule's own message, where the
model's validation puts it; its transaction is rolled back, never a 500."""

import datetime
import html
import os
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection
from django.test import Client
from django.urls import reverse
from django.utils import translation

from cogwg import cycles
from cogwg.models import Meeting
from tests.api.test_write_races import Race
from tests.conftest import run_on_postgresql
from tests.cycles.conftest import AFTER_DEADLINE, JUNE_30, cycle  # noqa: F401 (a fixture)
from tests.factories import (
    MeetingFactory,
    MilestoneFactory,
    PriorityFactory,
    ProgressUpdateFactory,
    StaffFactory,
    WorkPlanFactory,
)
from tests.test_admin import form_data
from workplan.choices import MilestoneStatus, WorkPlanStatus
from workplan.models import Milestone, Priority, ProgressUpdate
from workplan.services import milestone_post_update, progress_update_publish

NBSP = "\u00a0"
PUBLISHED_KEPT = {
    "en": "Deleting this would delete 1 published progress update, which carries its milestone's status: "
    "withdraw it first.",
    "fr": "Cette suppression emporterait 1 mise à jour des progrès publiée, qui porte l'état de son jalon"
    f"{NBSP}: retirez-la d'abord.",
}
CLOSED_PERIOD_KEPT = {
    "en": "Deleting this would delete 1 progress update of a closed reporting period, which can no longer be changed.",
    "fr": "Cette suppression emporterait 1 mise à jour des progrès d'une période de rapport close, qui ne peut "
    "plus être modifiée.",
}


@pytest.fixture(autouse=True)
def english_afterwards():
    """A request under /fr/ leaves French active in the thread: do not pass it on."""
    yield
    translation.activate("en")


def admin_url(model, view, *args, language="en"):
    with translation.override(language):
        return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


# Deleting a milestone from its priority's table


def milestone_rows(data):
    """{milestone id: its row's number} in the priority form's milestones table."""
    count = int(data["milestones-TOTAL_FORMS"])
    return {int(data[f"milestones-{n}-id"]): n for n in range(count)}


def delete_from_priority_page(client, priority, *milestones, language="en"):
    """Post the priority's change page, untouched but for ``milestones`` ticked for deletion."""
    url = admin_url(Priority, "change", priority.pk, language=language)
    data = form_data(client.get(url))
    rows = milestone_rows(data)
    for milestone in milestones:
        data[f"milestones-{rows[milestone.pk]}-DELETE"] = "on"
    return client.post(url, data)


def row_errors(response):
    """{milestone id: its row's errors} of the milestones table of a refused form."""
    (formset,) = [
        inline.formset for inline in response.context["inline_admin_formsets"] if inline.formset.model is Milestone
    ]
    return {form.instance.pk: form.errors.get("__all__", []) for form in formset.initial_forms}


def completed(milestone):
    """``milestone`` completed by a published update."""
    return milestone_post_update(
        milestone=milestone, reported_on=datetime.date(2020, 5, 1), status=MilestoneStatus.COMPLETED, progress=100
    )


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["en", "fr"])
def test_a_milestone_with_a_published_update_is_not_deleted_from_its_priority_s_page(staff_client, language):
    milestone = MilestoneFactory()
    update = completed(milestone)
    # Its own delete page refuses it.
    own = staff_client.post(admin_url(Milestone, "delete", milestone.pk), {"post": "yes"})
    assert own.status_code == 403
    assert Milestone.objects.filter(pk=milestone.pk).exists()

    response = delete_from_priority_page(staff_client, milestone.priority, milestone, language=language)

    assert response.status_code == 200
    assert row_errors(response) == {milestone.pk: [PUBLISHED_KEPT[language]]}
    # Said on its row, and counted in the page's "Please correct the error below."
    assert PUBLISHED_KEPT[language] in html.unescape(response.content.decode())
    assert [list(errors) for errors in response.context["errors"]] == [[PUBLISHED_KEPT[language]]]
    assert Milestone.objects.filter(pk=milestone.pk).exists()
    assert ProgressUpdate.objects.filter(pk=update.pk).exists()


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["en", "fr"])
def test_a_milestone_with_an_update_of_a_closed_period_is_not_deleted_from_its_priority_s_page(
    cycle,  # noqa: F811
    staff_client,
    language,
):
    # BC's draft, left a draft when the period closed: it stays as it was.
    draft = milestone_post_update(
        milestone=cycle.march,
        reported_on=JUNE_30,
        status=MilestoneStatus.ON_TRACK,
        progress=50,
        jurisdiction=cycle.bc,
        publish=False,
    )
    cycles.period_close(period=cycle.period, by=cycle.secretariat, on=AFTER_DEADLINE)
    assert cycles.progress_update_is_locked(draft)

    response = delete_from_priority_page(staff_client, cycle.march.priority, cycle.march, language=language)

    assert response.status_code == 200
    assert row_errors(response)[cycle.march.pk] == [CLOSED_PERIOD_KEPT[language]]
    assert Milestone.objects.filter(pk=cycle.march.pk).exists()
    assert ProgressUpdate.objects.filter(pk=draft.pk).exists()


@pytest.mark.django_db
def test_a_closed_plan_s_logged_milestone_is_not_deleted_from_its_priority_s_page(staff_client):
    milestone = MilestoneFactory()
    update = completed(milestone)
    plan = milestone.priority.work_plan
    plan.status = WorkPlanStatus.CLOSED
    plan.save()

    response = delete_from_priority_page(staff_client, milestone.priority, milestone)

    assert response.status_code == 200
    assert row_errors(response) == {milestone.pk: [PUBLISHED_KEPT["en"]]}
    assert ProgressUpdate.objects.filter(pk=update.pk).exists()


@pytest.mark.django_db
def test_one_refused_row_saves_nothing_of_the_form(staff_client):
    kept = MilestoneFactory(description_en="Kept")
    completed(kept)
    other = MilestoneFactory(priority=kept.priority, description_en="Draft only")
    draft = ProgressUpdateFactory(milestone=other, publication_state="draft")
    url = admin_url(Priority, "change", kept.priority.pk)
    data = form_data(staff_client.get(url))
    rows = milestone_rows(data)
    data[f"milestones-{rows[kept.pk]}-DELETE"] = "on"
    data[f"milestones-{rows[other.pk]}-DELETE"] = "on"
    data["title_en"] = "Renamed"

    response = staff_client.post(url, data)

    assert response.status_code == 200
    assert row_errors(response) == {kept.pk: [PUBLISHED_KEPT["en"]], other.pk: []}
    assert set(Milestone.objects.filter(priority=kept.priority)) == {kept, other}
    assert ProgressUpdate.objects.filter(pk=draft.pk).exists()
    assert Priority.objects.get(pk=kept.priority.pk).title_en != "Renamed"


@pytest.mark.django_db
def test_a_milestone_with_drafts_only_is_still_deleted_from_its_priority_s_page(staff_client):
    milestone = MilestoneFactory()
    draft = ProgressUpdateFactory(milestone=milestone, publication_state="draft")
    stays = MilestoneFactory(priority=milestone.priority)
    completed(stays)

    response = delete_from_priority_page(staff_client, milestone.priority, milestone)

    assert response.status_code == 302
    assert not Milestone.objects.filter(pk=milestone.pk).exists()
    assert not ProgressUpdate.objects.filter(pk=draft.pk).exists()
    assert Milestone.objects.filter(pk=stays.pk).exists()


@pytest.mark.django_db
def test_a_priority_page_with_nothing_ticked_saves_as_before(staff_client):
    milestone = MilestoneFactory()
    completed(milestone)
    url = admin_url(Priority, "change", milestone.priority.pk)
    data = form_data(staff_client.get(url)) | {"title_en": "Renamed"}

    assert staff_client.post(url, data).status_code == 302
    assert Priority.objects.get(pk=milestone.priority.pk).title_en == "Renamed"
    assert Milestone.objects.filter(pk=milestone.pk).exists()


# A save the database refuses


PRIORITY_TAKEN = {
    "en": "Priority with this Work plan and Number already exists.",
    "fr": "Un objet Priorité avec ces champs Plan de travail et Numéro existe déjà.",
}
MEETING_TAKEN = {
    "en": "Meeting with this Kind and Date already exists.",
    "fr": "Un objet Réunion avec ces champs Type et Date existe déjà.",
}


def unseen(monkeypatch, model, *, times):
    """The form's check of ``model``'s rules misses the record that got there first
    ``times`` times (``None``: always), as a save racing another's misses it: the
    database is left to refuse the save."""
    validate = model.validate_constraints
    calls = {"count": 0}

    def missed_then_seen(self, exclude=None):
        calls["count"] += 1
        if times is None or calls["count"] <= times:
            return None
        return validate(self, exclude=exclude)

    monkeypatch.setattr(model, "validate_constraints", missed_then_seen)


def add_priority(client, work_plan, number, slug="open-data", language="en"):
    url = admin_url(Priority, "add", language=language)
    data = form_data(client.get(url)) | {
        "work_plan": str(work_plan.pk),
        "number": str(number),
        "title_en": "Open data",
        "title_fr": "Données ouvertes",
        "slug": slug,
        "issue_en": "An issue",
        "issue_fr": "Un enjeu",
        "outcome_en": "An outcome",
        "outcome_fr": "Un résultat",
    }
    return client.post(url, data)


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["en", "fr"])
@pytest.mark.parametrize("times", [1, None], ids=["seen again", "never seen"])
def test_a_priority_number_taken_as_it_is_saved_is_a_form_error(staff_client, monkeypatch, language, times):
    taken = PriorityFactory(number=3)
    unseen(monkeypatch, Priority, times=times)

    response = add_priority(staff_client, taken.work_plan, 3, language=language)

    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {"__all__": [PRIORITY_TAKEN[language]]}
    assert list(Priority.objects.all()) == [taken]


def add_meeting(client, meeting, language="en"):
    url = admin_url(Meeting, "add", language=language)
    data = form_data(client.get(url)) | {
        "kind": meeting.kind,
        "date": meeting.date.isoformat(),
        "title_en": "Again",
        "title_fr": "Encore",
    }
    return client.post(url, data)


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["en", "fr"])
@pytest.mark.parametrize("times", [1, None], ids=["seen again", "never seen"])
def test_a_meeting_day_taken_as_it_is_saved_is_a_form_error(staff_client, monkeypatch, language, times):
    taken = MeetingFactory(date=datetime.date(2020, 2, 27))
    unseen(monkeypatch, Meeting, times=times)

    response = add_meeting(staff_client, taken, language=language)

    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {"__all__": [MEETING_TAKEN[language]]}
    assert list(Meeting.objects.all()) == [taken]


@pytest.mark.django_db
def test_a_rule_the_database_names_itself_is_a_form_error_in_the_api_s_words(staff_client, monkeypatch):
    taken = MeetingFactory(date=datetime.date(2020, 2, 27))
    save = Meeting.save

    def refused(self, *args, **kwargs):
        if self.pk is None:
            raise IntegrityError("NOT NULL constraint failed: cogwg_meeting.title")
        return save(self, *args, **kwargs)

    monkeypatch.setattr(Meeting, "save", refused)

    response = add_meeting(staff_client, MeetingFactory.build(date=datetime.date(2020, 3, 5)), language="fr")

    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {
        "__all__": ["Cela entre en conflit avec un enregistrement existant."]
    }
    assert list(Meeting.objects.all()) == [taken]


# Races: these need row locks and two connections. They run in a pytest process of their
# own, on a PostgreSQL database of their own (the last test starts it).

ALONE = "COGWG_TEST_ADMIN_INTEGRITY_ALONE"


def alone(test):
    """A race test: on PostgreSQL, in the run of its own the last test starts."""
    test = pytest.mark.django_db(transaction=True)(test)
    test = pytest.mark.skipif(os.environ.get(ALONE) != "1", reason="runs in a PostgreSQL run of its own")(test)
    return pytest.mark.services(test)


def signed_in(user):
    """A browser of ``user``'s: a 500 is an answer, as a browser gets it."""
    client = Client(raise_request_exception=False)
    client.force_login(user)
    return client


def held_once_saved(monkeypatch, model, race):
    """The first of two adds of ``model`` held once its record is saved, before its
    transaction commits."""
    model_admin = admin.site._registry[model]
    log_addition = model_admin.log_addition

    def held(request, obj, message):
        race.hold()
        return log_addition(request, obj, message)

    monkeypatch.setattr(model_admin, "log_addition", held)


@alone
def test_two_adds_of_one_priority_number_at_once_are_a_save_and_a_form_error(monkeypatch):
    assert connection.vendor == "postgresql"
    staff = StaffFactory(username="sec")
    plan = WorkPlanFactory()
    race = Race()
    held_once_saved(monkeypatch, Priority, race)

    first, second = race.run(
        lambda: add_priority(signed_in(staff), plan, 4, "open-data"),
        lambda: add_priority(signed_in(staff), plan, 4, "donnees-ouvertes", language="fr"),
    )

    assert (first.status_code, second.status_code) == (302, 200)
    with translation.override("fr"):  # the page's language (its messages are read here)
        assert second.context["adminform"].form.errors == {"__all__": [PRIORITY_TAKEN["fr"]]}
    assert PRIORITY_TAKEN["fr"] in html.unescape(second.content.decode())
    assert list(Priority.objects.values_list("number", "slug")) == [(4, "open-data")]


@alone
def test_two_adds_of_one_meeting_day_at_once_are_a_save_and_a_form_error(monkeypatch):
    assert connection.vendor == "postgresql"
    staff = StaffFactory(username="sec")
    day = MeetingFactory.build(date=datetime.date(2020, 2, 27))
    race = Race()
    held_once_saved(monkeypatch, Meeting, race)

    first, second = race.run(lambda: add_meeting(signed_in(staff), day), lambda: add_meeting(signed_in(staff), day))

    assert (first.status_code, second.status_code) == (302, 200)
    assert second.context["adminform"].form.errors == {"__all__": [MEETING_TAKEN["en"]]}
    assert Meeting.objects.count() == 1


@alone
def test_a_publish_racing_a_deletion_from_the_priority_s_page_waits_for_it(monkeypatch):
    """The priority's page, its milestone (with a draft update) ticked for deletion, is
    held once the form is checked, before it saves; publishing the draft starts then. It
    waits for the page's locks (the check took them), then finds the update deleted.
    Without them it published the update, which the page then deleted."""
    assert connection.vendor == "postgresql"
    staff = StaffFactory(username="sec")
    milestone = MilestoneFactory()
    draft = ProgressUpdateFactory(milestone=milestone, publication_state="draft")
    race = Race()
    model_admin = admin.site._registry[Priority]
    save_model = model_admin.save_model

    def held(request, obj, form, change):
        race.hold()
        return save_model(request, obj, form, change)

    monkeypatch.setattr(model_admin, "save_model", held)

    def publish():
        try:
            return progress_update_publish(update=draft)
        except ValidationError as refusal:
            return refusal

    deleted, published = race.run(
        lambda: delete_from_priority_page(signed_in(staff), milestone.priority, milestone), publish
    )

    assert deleted.status_code == 302
    assert published.messages == ["This progress update has just been deleted."]
    assert not ProgressUpdate.objects.exists()
    assert not Milestone.objects.exists()


@alone
def test_postgresql_s_refusal_is_read_by_the_rule_s_name(monkeypatch):
    """The form's check never sees the record that got there first: the database's
    refusal alone says which rule, by its name (PostgreSQL's ``constraint_name``)."""
    assert connection.vendor == "postgresql"
    staff = StaffFactory(username="sec")
    taken = PriorityFactory(number=3)
    meeting = MeetingFactory(date=datetime.date(2020, 2, 27))
    unseen(monkeypatch, Priority, times=None)
    unseen(monkeypatch, Meeting, times=None)

    priority = add_priority(signed_in(staff), taken.work_plan, 3, language="fr")
    again = add_meeting(signed_in(staff), meeting)

    assert (priority.status_code, again.status_code) == (200, 200)
    with translation.override("fr"):
        assert priority.context["adminform"].form.errors == {"__all__": [PRIORITY_TAKEN["fr"]]}
    assert again.context["adminform"].form.errors == {"__all__": [MEETING_TAKEN["en"]]}
    assert (Priority.objects.count(), Meeting.objects.count()) == (1, 1)


RACES = [
    test_postgresql_s_refusal_is_read_by_the_rule_s_name,
    test_two_adds_of_one_priority_number_at_once_are_a_save_and_a_form_error,
    test_two_adds_of_one_meeting_day_at_once_are_a_save_and_a_form_error,
    test_a_publish_racing_a_deletion_from_the_priority_s_page_waits_for_it,
]


@pytest.mark.services
def test_the_admin_races_on_postgresql():
    """The tests above, in a run of their own on a PostgreSQL database of their own."""
    here = Path(__file__).relative_to(settings.BASE_DIR)
    tests = [f"{here}::{test.__name__}" for test in RACES]
    env = {ALONE: "1", "COGWG_REQUIRE_SERVICES": "1"}
    run_on_postgresql("--create-db", *tests, database="cogwg_adminint", passed=len(RACES), env=env)
