"""Two people editing one record in the admin: the second save of a form read before the
first one's save is refused (who changed it, when, a link to the History page), in the
reader's language, and writes nothing; the reader's input stays in the form, and saving
it again then goes through. A change of the form's table rows made elsewhere is caught
too; a tampered version is a form error; on PostgreSQL two saves of one version at the
same instant cannot both pass (cogwg/admin_concurrency.py)."""

import html
import os
import re
import threading
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib import admin
from django.contrib.admin.models import LogEntry
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import formats, timezone, translation

from cogwg.admin_concurrency import VERSION_FIELD, VERSION_FORMAT
from cogwg.api.caching import record_validators
from cogwg.dates import date_format
from cogwg.models import Meeting
from cogwg.permissions import CONTRIBUTOR, SECRETARIAT
from jurisdictions.models import Accomplishment, AccomplishmentLink
from stories.models import Theme
from tests.conftest import run_on_postgresql
from tests.factories import (
    AccomplishmentLinkFactory,
    AssignmentFactory,
    MilestoneFactory,
    NextStepFactory,
    ThemeFactory,
)
from tests.permissions.conftest import make_user
from tests.test_admin import form_data
from workplan.models import Assignment, Milestone, Priority, ProgressUpdate

HIDDEN_VERSION = re.compile(r'<input type="hidden" name="_record_version" value="([^"]*)">')


def url(model, view, *args, language="en"):
    with translation.override(language):
        return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def signed_in(user):
    """A browser session of its own (one per person)."""
    client = Client()
    client.force_login(user)
    return client


def sent_version(response):
    """The version the page sends back, as a browser reads it from the hidden input."""
    (value,) = HIDDEN_VERSION.findall(response.content.decode())
    return html.unescape(value)


def opened(client, address):
    """What a browser posts for the change form at ``address`` when nothing is touched,
    its version included."""
    page = client.get(address)
    assert page.status_code == 200
    return form_data(page) | {VERSION_FIELD: sent_version(page)}


def refusal(response):
    """The text of the error at the top of the refused form, and its link."""
    (message,) = response.context["adminform"].form.non_field_errors()
    links = re.findall(r'<a href="([^"]+)">', message)
    return html.unescape(re.sub(r"<[^>]+>", "", message)), links


def when(moment, language):
    local = timezone.localtime(moment)
    with translation.override(language):
        at = {"en": "at", "fr": "à"}[language]
        return f"{date_format(local, 'DATE_FORMAT')} {at} {formats.time_format(local, 'TIME_FORMAT')}"


@pytest.fixture
def second(world):
    """A second secretariat member, and a second contributor for Ontario."""
    world.users.secretariat_2 = make_user("sue", SECRETARIAT)
    world.users.contributor_on_2 = make_user("carol", CONTRIBUTOR, jurisdictions=[world.on])
    return world


# The record of each scenario: a priority (with its seats and milestones) for the
# secretariat, Ontario's draft accomplishment (with a link) for its contributors.
SCENARIOS = {
    "secretariat": ("secretariat", "secretariat_2", "first", "title_en"),
    "contributor": ("contributor_on", "contributor_on_2", "accomplishment", "title_en"),
}
MESSAGES = {
    "en": (
        "{user} changed this record on {when}, after you opened it. Nothing was saved: your changes are still in "
        "the form below. Save again to apply them to the record as it is now. See what changed on the History page."
    ),
    "fr": (
        "{user} a modifié cet enregistrement le {when}, après que vous l'avez ouvert. Rien n'a été enregistré\u00a0: "
        "vos modifications sont toujours dans le formulaire ci-dessous. Enregistrez de nouveau pour les appliquer à "
        "l'enregistrement tel qu'il est maintenant. Voir ce qui a changé dans l'historique."
    ),
}


@pytest.fixture
def sessions(second):
    if second.accomplishment.links.count() == 0:
        AccomplishmentLinkFactory(accomplishment=second.accomplishment, url="https://example.org/portal")
    return second


@pytest.mark.parametrize("language", ["en", "fr"])
@pytest.mark.parametrize("scenario", SCENARIOS)
def test_the_second_save_of_a_form_read_before_the_first_is_refused(sessions, scenario, language):
    first_role, second_role, name, field = SCENARIOS[scenario]
    world = sessions
    record = getattr(world, name)
    model = type(record)
    address = url(model, "change", record.pk, language=language)
    first, second = signed_in(getattr(world.users, first_role)), signed_in(getattr(world.users, second_role))
    # Both read the record, then the first saves.
    first_data, second_data = opened(first, address), opened(second, address)
    assert first.post(address, first_data | {field: "First's title"}).status_code == 302
    stored = model.objects.get(pk=record.pk)
    history_rows, log_entries = stored.history.count(), LogEntry.objects.count()
    links = list(AccomplishmentLink.objects.values_list("pk", "url", "label_en").order_by("pk"))

    # When the second saves the form they read before that,
    refused = second.post(address, second_data | {field: "Second's title"})

    # then it is refused at the top of the form, saying who changed it, when, and where to look,
    assert refused.status_code == 200
    message, history_links = refusal(refused)
    latest = stored.history.first()
    assert message == MESSAGES[language].format(
        user=latest.history_user.username, when=when(latest.history_date, language)
    )
    assert latest.history_user == getattr(world.users, first_role)
    assert history_links == [url(model, "history", record.pk, language=language)]
    assert f'<a href="{history_links[0]}">' in refused.content.decode()
    # the second's input is still in the form,
    assert refused.context["adminform"].form[field].value() == "Second's title"
    # nothing was written: neither the record, nor its table, nor its history, nor the admin's log,
    assert model.objects.get(pk=record.pk).title_en == "First's title"
    assert model.objects.get(pk=record.pk).modified_at == stored.modified_at
    assert stored.history.count() == history_rows
    assert LogEntry.objects.count() == log_entries
    assert list(AccomplishmentLink.objects.values_list("pk", "url", "label_en").order_by("pk")) == links
    # and the form now carries the version it was refused against: the stored one.
    assert sent_version(refused) == sent_version(second.get(address))

    # Saving again, having compared, is a deliberate choice: it goes through.
    resubmitted = second.post(address, form_data(refused) | {VERSION_FIELD: sent_version(refused)})

    assert resubmitted.status_code == 302
    assert model.objects.get(pk=record.pk).title_en == "Second's title"
    assert stored.history.first().history_user == getattr(world.users, second_role)


def test_a_french_refusal_has_no_english(sessions):
    world = sessions
    address = url(Accomplishment, "change", world.accomplishment.pk, language="fr")
    first, second = signed_in(world.users.contributor_on), signed_in(world.users.contributor_on_2)
    second_data = opened(second, address)
    first.post(address, opened(first, address) | {"title_fr": "Titre"})

    refused = second.post(address, second_data)

    message, _links = refusal(refused)
    for english in ("changed", "record", "opened", "Nothing", "saved", "History", " at ", " on "):
        assert english not in message
    assert "Corrigez l’erreur ci-dessous." in refused.content.decode()  # noqa: RUF001 (Django's own)


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_a_save_with_no_change_in_between_goes_through(sessions, scenario):
    first_role, _second_role, name, field = SCENARIOS[scenario]
    record = getattr(sessions, name)
    address = url(type(record), "change", record.pk)
    client = signed_in(getattr(sessions.users, first_role))
    data = opened(client, address)

    saved = client.post(address, data | {field: "Saved once", "_continue": "Save and continue editing"})
    again = client.get(saved.url)

    assert saved.status_code == 302
    assert type(record).objects.get(pk=record.pk).title_en == "Saved once"
    # The page read after the save carries the new version: the next save goes through too.
    assert sent_version(again) != data[VERSION_FIELD]
    assert (
        client.post(address, form_data(again) | {VERSION_FIELD: sent_version(again), field: "Twice"}).status_code == 302
    )
    assert type(record).objects.get(pk=record.pk).title_en == "Twice"


# Which version: the API's Record-ETag, and the rows of the form's tables


def test_a_form_without_tables_carries_the_apis_record_etag(world, client):
    client.force_login(world.users.secretariat)

    page = client.get(url(Milestone, "change", world.m1.pk))

    # A milestone's tables (its progress log, "post a progress update") write no stored row.
    assert sent_version(page) == record_validators(world.m1)[0]


@pytest.mark.parametrize(
    "model",
    [Accomplishment, Priority, Milestone, ProgressUpdate, Assignment, Theme],
    ids=lambda model: model._meta.label,
)
def test_every_change_form_carries_a_version(world, client, model):
    client.force_login(world.users.secretariat)
    record = {
        Accomplishment: world.accomplishment,
        Priority: world.first,
        Milestone: world.m1,
        ProgressUpdate: world.update,
        Assignment: world.on_lead,
        Theme: ThemeFactory(),
    }[model]

    assert VERSION_FORMAT.fullmatch(sent_version(client.get(url(model, "change", record.pk))))
    assert HIDDEN_VERSION.search(client.get(url(model, "add")).content.decode()) is None


def change_a_milestone(client, milestone):
    address = url(Milestone, "change", milestone.pk)
    assert client.post(address, opened(client, address) | {"description_en": "Changed elsewhere"}).status_code == 302


def delete_a_seat(client, seat):
    assert client.post(url(Assignment, "delete", seat.pk), {"post": "yes"}).status_code == 302


@pytest.mark.parametrize("change", [change_a_milestone, delete_a_seat], ids=["milestone changed", "seat deleted"])
def test_a_change_of_a_row_of_the_forms_table_made_elsewhere_is_caught(second, change):
    world = second
    address = url(Priority, "change", world.first.pk)
    first, other = signed_in(world.users.secretariat), signed_in(world.users.secretariat_2)
    data = opened(first, address)
    stored = Priority.objects.get(pk=world.first.pk)
    row = world.m1 if change is change_a_milestone else world.on_lead

    # Someone else changes a row of the priority's tables on the row's own page (the
    # priority itself is not saved),
    change(other, row)

    refused = first.post(address, data | {"title_en": "Renamed"})

    # then the priority's form is refused, naming the table, and links where the change shows.
    assert refused.status_code == 200
    assert Priority.objects.get(pk=world.first.pk).modified_at == stored.modified_at
    assert Priority.objects.get(pk=world.first.pk).title_en == stored.title_en
    assert stored.history.count() == 1
    message, links = refusal(refused)
    table = "milestones" if change is change_a_milestone else "seats"
    latest = type(row).history.filter(id=row.pk).first()
    assert message.startswith(f"sue changed its {table} on {when(latest.history_date, 'en')}, after you opened it.")
    # A milestone's History page; a deleted seat has none left: the priority's.
    shown = (
        url(Milestone, "history", row.pk) if change is change_a_milestone else url(Priority, "history", world.first.pk)
    )
    assert links == [shown]
    resubmitted = first.post(address, form_data(refused) | {VERSION_FIELD: sent_version(refused)})
    if change is change_a_milestone:
        assert resubmitted.status_code == 302
    else:
        # The form still lists the deleted seat: its table says so, and does not bring it back.
        assert resubmitted.status_code == 200
        assert not Assignment.objects.filter(pk=row.pk).exists()


def test_a_row_added_to_the_table_elsewhere_is_caught(world):
    address = url(Priority, "change", world.first.pk)
    client = signed_in(world.users.secretariat)
    data = opened(client, address)
    MilestoneFactory(priority=world.first, description_en="Added meanwhile")

    refused = client.post(address, data | {"title_en": "Renamed"})

    assert refused.status_code == 200
    assert refusal(refused)[0].startswith("Its milestones changed on ")  # added without a user
    assert Priority.objects.get(pk=world.first.pk).title_en != "Renamed"


def test_the_link_leads_only_to_a_history_page_its_reader_may_open(second):
    """A contributor's own record: their History page. (A record whose history they may not
    read is not theirs to change.)"""
    world = second
    address = url(Accomplishment, "change", world.accomplishment.pk)
    alice = signed_in(world.users.contributor_on)
    data = opened(alice, address)
    secretariat = signed_in(world.users.secretariat)
    secretariat.post(address, opened(secretariat, address) | {"title_en": "Reworded by the secretariat"})

    refused = alice.post(address, data)

    message, links = refusal(refused)
    assert message.startswith("sec changed this record on ")
    assert links == [url(Accomplishment, "history", world.accomplishment.pk)]
    assert alice.get(links[0]).status_code == 200


def test_a_theme_without_modified_at_is_versioned_by_its_values(world):
    theme = ThemeFactory(slug="health", name_en="Health", name_fr="Santé")
    address = url(Theme, "change", theme.pk)
    first, second = signed_in(world.users.secretariat), signed_in(make_user("sue", SECRETARIAT))
    second_data = opened(second, address)
    first.post(address, opened(first, address) | {"name_en": "Health care"})

    refused = second.post(address, second_data | {"name_fr": "Soins de santé"})

    assert refused.status_code == 200
    assert refusal(refused)[0].startswith("sec changed this record on ")
    assert Theme.objects.values_list("name_en", "name_fr").get(pk=theme.pk) == ("Health care", "Santé")


# The correction of a progress update, and the revert of a version


def test_the_correction_of_a_draft_update_is_refused_after_another_change(second):
    world = second
    address = url(ProgressUpdate, "change", world.update.pk)
    alice, carol = signed_in(world.users.contributor_on), signed_in(world.users.contributor_on_2)
    alice_data = opened(alice, address)
    assert carol.post(address, opened(carol, address) | {"progress": "40"}).status_code == 302

    refused = alice.post(address, alice_data | {"progress": "55"})

    assert refused.status_code == 200
    assert refusal(refused)[0].startswith("carol changed this record on ")
    assert ProgressUpdate.objects.get(pk=world.update.pk).progress == 40
    assert refused.context["adminform"].form["progress"].value() == "55"


def test_a_revert_over_a_change_made_since_is_refused(second):
    world = second
    record = world.accomplishment
    creation = record.history.get()
    address = url(Accomplishment, "simple_history", record.pk, creation.history_id)
    reverting, other = signed_in(world.users.secretariat), signed_in(world.users.secretariat_2)
    page = reverting.get(address)
    change = url(Accomplishment, "change", record.pk)
    # The record and its tables as they are now: the version its change form carries.
    assert sent_version(page) == sent_version(reverting.get(change))
    other.post(change, opened(other, change) | {"title_en": "Changed since"})

    refused = reverting.post(address, form_data(page) | {VERSION_FIELD: sent_version(page)})

    assert refused.status_code == 200
    assert refusal(refused)[0].startswith("sue changed this record on ")
    assert Accomplishment.objects.get(pk=record.pk).title_en == "Changed since"
    assert record.history.count() == 2
    reverted = reverting.post(address, form_data(refused) | {VERSION_FIELD: sent_version(refused)})
    assert reverted.status_code == 302
    assert Accomplishment.objects.get(pk=record.pk).title_en == creation.title_en


def renamed_priority(world):
    """Priority 1 renamed since its first version (its tables untouched), and that version."""
    priority = world.first
    first = priority.history.get()
    priority.title_en = "Renamed since"
    priority.save()
    return priority, first


def milestones_of(priority):
    return sorted(Milestone.objects.filter(priority=priority).values_list("pk", "description_en", "modified_at"))


@pytest.mark.parametrize("language", ["en", "fr"])
def test_a_revert_over_a_change_of_its_tables_made_since_is_refused(second, language):
    world = second
    priority, first = renamed_priority(world)
    address = url(Priority, "simple_history", priority.pk, first.history_id, language=language)
    reverting, other = signed_in(world.users.secretariat), signed_in(world.users.secretariat_2)
    data = opened(reverting, address)
    # Someone else changes a row of the priority's milestones on the row's own page (the
    # priority itself is not saved) while the version's page is open,
    change_a_milestone(other, world.m1)
    stored = Priority.objects.get(pk=priority.pk)
    rows, versions, log = milestones_of(priority), Milestone.history.count(), LogEntry.objects.count()

    refused = reverting.post(address, data)

    # then the revert is refused, naming the table, and writes nothing.
    assert refused.status_code == 200
    message, links = refusal(refused)
    latest = Milestone.history.filter(id=world.m1.pk).first()
    said = {
        "en": "sue changed its milestones on {when}, after you opened it. Nothing was saved",
        "fr": "sue a modifié ses jalons le {when}, après que vous l'avez ouvert. Rien n'a été enregistré",
    }[language]
    assert message.startswith(said.format(when=when(latest.history_date, language)))
    assert links == [url(Milestone, "history", world.m1.pk, language=language)]
    assert Priority.objects.get(pk=priority.pk).modified_at == stored.modified_at
    assert Priority.objects.get(pk=priority.pk).title_en == "Renamed since"
    assert priority.history.count() == 2
    assert milestones_of(priority) == rows
    assert Milestone.objects.get(pk=world.m1.pk).description_en == "Changed elsewhere"
    assert Milestone.history.count() == versions
    assert LogEntry.objects.count() == log
    # Reverting again, once the reader has seen the change, is a deliberate choice.
    reverted = reverting.post(address, form_data(refused) | {VERSION_FIELD: sent_version(refused)})
    assert reverted.status_code == 302
    assert Priority.objects.get(pk=priority.pk).title_en == first.title_en
    assert Milestone.objects.get(pk=world.m1.pk).description_en == "Release the stories"


def test_a_revert_over_a_row_added_to_its_table_since_is_refused(second):
    world = second
    priority, first = renamed_priority(world)
    address = url(Priority, "simple_history", priority.pk, first.history_id)
    reverting = signed_in(world.users.secretariat)
    data = opened(reverting, address)
    added = MilestoneFactory(priority=priority, description_en="Added meanwhile")

    refused = reverting.post(address, data)

    # (Removing it is what the revert would have done.)
    assert refused.status_code == 200
    assert refusal(refused)[0].startswith("Its milestones changed on ")  # added without a user
    assert Milestone.objects.filter(pk=added.pk).exists()
    assert Priority.objects.get(pk=priority.pk).title_en == "Renamed since"


def test_a_revert_over_a_link_changed_since_is_refused(second):
    """A link has no page of its own: changed by a write that does not save the
    accomplishment (a script's), its change shows on the accomplishment's History page."""
    world = second
    record = world.accomplishment
    link = AccomplishmentLinkFactory(accomplishment=record, url="https://on.example.ca/portal", label_en="Portal")
    creation = record.history.get()
    record.title_en = "Renamed since"
    record.save()
    address = url(Accomplishment, "simple_history", record.pk, creation.history_id)
    alice = signed_in(world.users.contributor_on)
    data = opened(alice, address)
    link.label_en = "Portal, relabelled meanwhile"
    link.save()
    versions = AccomplishmentLink.history.count()

    refused = alice.post(address, data)

    assert refused.status_code == 200
    message, links = refusal(refused)
    assert message.startswith("Its links changed on ")
    assert links == [url(Accomplishment, "history", record.pk)]
    assert Accomplishment.objects.get(pk=record.pk).title_en == "Renamed since"
    assert AccomplishmentLink.objects.get(pk=link.pk).label_en == "Portal, relabelled meanwhile"
    assert AccomplishmentLink.history.count() == versions
    assert record.history.count() == 2


def test_a_revert_with_no_change_in_between_restores_the_rows(second):
    world = second
    priority, first = renamed_priority(world)
    Milestone.objects.filter(pk=world.m1.pk).update(description_en="Changed before the page was opened")
    AssignmentFactory(priority=priority, jurisdiction=world.bc)
    address = url(Priority, "simple_history", priority.pk, first.history_id)
    reverting = signed_in(world.users.secretariat)

    reverted = reverting.post(address, opened(reverting, address))

    assert reverted.status_code == 302
    assert Priority.objects.get(pk=priority.pk).title_en == first.title_en
    assert Milestone.objects.get(pk=world.m1.pk).description_en == "Release the stories"
    assert list(Assignment.objects.filter(priority=priority).values_list("pk", flat=True)) == [world.on_lead.pk]


# A version that is not one


@pytest.mark.parametrize(
    "version",
    ["", "garbage", '"0123"', "'" + "a" * 32 + "'", '"' + "g" * 32 + '"', "x" * 5000, '"><script>alert(1)</script>'],
    ids=["empty", "word", "short", "quotes", "not hex", "long", "markup"],
)
def test_a_tampered_version_is_a_form_error_not_a_500(world, version):
    address = url(Accomplishment, "change", world.accomplishment.pk)
    alice = signed_in(world.users.contributor_on)
    data = opened(alice, address)
    stored = Accomplishment.objects.get(pk=world.accomplishment.pk)

    response = alice.post(address, data | {VERSION_FIELD: version, "title_en": "Tampered"})

    assert response.status_code == 200
    message, _links = refusal(response)
    assert message.startswith(
        "This form cannot be checked against the record as stored: the version it carries is not valid. "
        "Nothing was saved"
    )
    assert "<script>" not in response.content.decode()
    assert Accomplishment.objects.get(pk=stored.pk).modified_at == stored.modified_at
    assert stored.history.count() == 1
    assert sent_version(response) == data[VERSION_FIELD]
    assert alice.post(address, form_data(response) | {VERSION_FIELD: sent_version(response)}).status_code == 302


def test_a_well_formed_but_unknown_version_is_refused_as_stale(world):
    address = url(Accomplishment, "change", world.accomplishment.pk)
    alice = signed_in(world.users.contributor_on)

    response = alice.post(address, opened(alice, address) | {VERSION_FIELD: '"' + "0" * 32 + '"'})

    assert response.status_code == 200
    # Its latest change: its creation, by no one (a factory).
    assert refusal(response)[0].startswith("This record was changed on ")


# Queries: the check costs the same whatever the number of rows in the form's table.
# (Django's own save of a table checks each posted row's id with a query: a save is
# measured against the same save posted without a version, which is not checked.)


def queries_of(send):
    with CaptureQueriesContext(connection) as queries:
        response = send()
    return response, len(queries)  # read now: the next request empties the connection's log


@pytest.fixture
def meeting_page(world):
    """A meeting's change form, with one next step; ``add_rows()`` adds two more."""
    meeting = world.next_step.meeting
    address = url(Meeting, "change", meeting.pk)
    client = signed_in(world.users.secretariat)
    client.get(address)  # warm the session and the content types
    return address, client, lambda: NextStepFactory.create_batch(2, meeting=meeting)


def test_a_change_form_costs_the_same_queries_whatever_the_number_of_rows(meeting_page, django_assert_num_queries):
    address, client, add_rows = meeting_page
    _page, one_row = queries_of(lambda: client.get(address))
    add_rows()

    with django_assert_num_queries(one_row):
        page = client.get(address)

    assert len(page.context["inline_admin_formsets"][0].formset.forms) == 3
    assert VERSION_FORMAT.fullmatch(sent_version(page))


def check_cost(client, address, **changes):
    """The queries a save spends on its version: with it, less without it."""
    data = opened(client, address) | changes
    unchecked = {name: value for name, value in data.items() if name != VERSION_FIELD}
    saved, with_version = queries_of(lambda: client.post(address, data))
    assert saved.status_code == 302
    _saved, without = queries_of(lambda: client.post(address, unchecked))
    return with_version - without


def test_a_save_spends_the_same_queries_on_its_version_whatever_the_number_of_rows(meeting_page):
    address, client, add_rows = meeting_page
    one_row = check_cost(client, address)
    add_rows()

    three_rows = check_cost(client, address)

    assert three_rows == one_row == 2  # the record and its table's rows, read locked


def test_a_revert_spends_the_same_queries_on_its_version_whatever_the_number_of_rows(world, meeting_page):
    """A revert to the latest version, which leaves the rows as they are."""
    _address, client, add_rows = meeting_page
    meeting = world.next_step.meeting

    def latest_version():
        return url(Meeting, "simple_history", meeting.pk, meeting.history.first().history_id)

    one_row = check_cost(client, latest_version())
    add_rows()

    three_rows = check_cost(client, latest_version())

    assert three_rows == one_row == 2  # the record and its next steps, read locked


def test_a_refusal_costs_the_same_queries_whatever_the_number_of_rows(second, meeting_page):
    address, first, add_rows = meeting_page
    other = signed_in(second.users.secretariat_2)

    def refusal_cost():
        """The queries of a refused save, less those of the same form refused for a bad date."""
        data = opened(first, address)
        _invalid, invalid = queries_of(lambda: first.post(address, data | {"date": "not a date"}))
        other.post(address, opened(other, address) | {"title_en": f"Meeting {time.monotonic_ns()}"})
        refused, cost = queries_of(lambda: first.post(address, data | {"date": "not a date"}))
        assert refusal(refused)[0].startswith("sue changed this record on ")
        return cost - invalid

    one_row = refusal_cost()
    add_rows()

    assert refusal_cost() == one_row


# PostgreSQL: two saves of one version at the same instant


def _waiting_on_a_lock() -> bool:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'"
        )
        return cursor.fetchone()[0] > 0


# The test below runs in a pytest process of its own, on a PostgreSQL database of its own
# (the one after it starts it): its saves commit, and so empty the database when it ends.
ALONE = "COGWG_TEST_ADMIN_CONCURRENCY_ALONE"


@pytest.mark.services
@pytest.mark.skipif(
    os.environ.get(ALONE) != "1",
    reason="runs in a PostgreSQL run of its own: test_two_saves_at_the_same_instant_on_postgresql",
)
@pytest.mark.django_db(transaction=True)
def test_two_saves_of_one_version_at_the_same_instant(second, monkeypatch):
    """The first save is held once its version is checked, before it writes; the second
    starts then. With the record locked, the second waits for the first to commit, then
    sees its change and is refused; without the lock both would pass."""
    assert connection.vendor == "postgresql"
    world = second
    address = url(Accomplishment, "change", world.accomplishment.pk)
    alice, carol = signed_in(world.users.contributor_on), signed_in(world.users.contributor_on_2)
    alice_data, carol_data = opened(alice, address), opened(carol, address)
    assert alice_data[VERSION_FIELD] == carol_data[VERSION_FIELD]
    checked, release = threading.Event(), threading.Event()
    model_admin = admin.site._registry[Accomplishment]
    save_model = model_admin.save_model

    def held_save_model(request, obj, form, change):
        if request.user == world.users.contributor_on:
            checked.set()
            assert release.wait(30)
        return save_model(request, obj, form, change)

    monkeypatch.setattr(model_admin, "save_model", held_save_model)
    responses = {}

    def save(name, client, data):
        try:
            responses[name] = client.post(address, data)
        finally:
            connection.close()

    alice_save = threading.Thread(target=save, args=("alice", alice, alice_data | {"title_en": "Alice's"}))
    carol_save = threading.Thread(target=save, args=("carol", carol, carol_data | {"title_en": "Carol's"}))
    alice_save.start()
    assert checked.wait(30)
    carol_save.start()
    deadline = time.monotonic() + 10
    while carol_save.is_alive() and not _waiting_on_a_lock() and time.monotonic() < deadline:
        time.sleep(0.05)
    release.set()
    alice_save.join(30)
    carol_save.join(30)

    assert sorted(response.status_code for response in responses.values()) == [200, 302]
    assert responses["alice"].status_code == 302
    assert refusal(responses["carol"])[0].startswith("alice changed this record on ")
    assert Accomplishment.objects.get(pk=world.accomplishment.pk).title_en == "Alice's"
    assert world.accomplishment.history.count() == 2


@pytest.mark.services
def test_two_saves_at_the_same_instant_on_postgresql():
    """The test above, in a run of its own on a PostgreSQL database of its own."""
    here = Path(__file__).relative_to(settings.BASE_DIR)
    test = f"{here}::{test_two_saves_of_one_version_at_the_same_instant.__name__}"
    env = {ALONE: "1", "COGWG_REQUIRE_SERVICES": "1"}
    run_on_postgresql("--create-db", test, database="cogwg_admin_concurrency", passed=1, env=env)
