"""A revert (a version's page of the History) restores the rows of the record's tables
(inlines) as they were at that version, with the record, in one transaction: rows deleted
since come back (under their own keys), rows added since go, rows changed since are
changed back, each write kept in the history by the user. It does only what its user may
do in that table, says so before and after, and is refused as a whole, nothing written,
when a row cannot be written."""

import datetime

import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import Group, Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cogwg.choices import PublicationState
from cogwg.models import Meeting, NextStep
from cogwg.permissions import CONTRIBUTOR
from cogwg.recovery import REVERTED_WITH_RECORD
from jurisdictions.models import Accomplishment, AccomplishmentLink
from tests.factories import (
    AccomplishmentLinkFactory,
    AssignmentFactory,
    JurisdictionFactory,
    MeetingFactory,
    MilestoneFactory,
    NextStepFactory,
    PriorityFactory,
    ProgressUpdateFactory,
    UserStoryFactory,
)
from tests.permissions.conftest import admin_client, messages_of, text, url
from tests.test_admin import form_data
from workplan.models import Assignment, Milestone, Priority, WorkPlan

KEPT_URL = "https://on.example.ca/portal"
DROPPED_URL = "https://on.example.ca/dropped"
ADDED_URL = "https://on.example.ca/added"


def links_of(accomplishment):
    return sorted(AccomplishmentLink.objects.filter(accomplishment=accomplishment).values_list("pk", "url", "label_en"))


def relinked(world):
    """Ontario's draft accomplishment saved with two links (its first version), then saved
    again (as the page that changes its links saves it first) and its links changed: one
    renamed, one deleted, one added. Returns it, its first version and the links."""
    accomplishment = world.accomplishment
    kept = AccomplishmentLinkFactory(accomplishment=accomplishment, url=KEPT_URL, label_en="Portal", label_fr="Portail")
    dropped = AccomplishmentLinkFactory(
        accomplishment=accomplishment, url=DROPPED_URL, label_en="Old", label_fr="Ancien"
    )
    first = accomplishment.history.get()
    accomplishment.title_en = "Ontario portal, renamed"
    accomplishment.save()
    kept.label_en = "Portal, renamed"
    kept.save()
    dropped_pk = dropped.pk
    dropped.delete()
    added = AccomplishmentLinkFactory(accomplishment=accomplishment, url=ADDED_URL)
    return accomplishment, first, kept, dropped_pk, added


def revert(client, model, pk, version, *, language="en", changes=None):
    address = url(model, "simple_history", pk, version.history_id, language=language)
    return client.post(address, form_data(client.get(address)) | (changes or {}))


# 1. The rows come back as they were, each write kept


def test_a_revert_restores_the_links_as_they_were_at_that_version(world, client):
    accomplishment, first, kept, dropped_pk, added = relinked(world)
    admin_client(client, world.users.secretariat)

    reverted = revert(client, Accomplishment, accomplishment.pk, first)

    assert reverted.status_code == 302
    assert Accomplishment.objects.get(pk=accomplishment.pk).title_en == "Ontario portal"
    assert links_of(accomplishment) == sorted([(kept.pk, KEPT_URL, "Portal"), (dropped_pk, DROPPED_URL, "Old")])
    assert AccomplishmentLink.objects.get(pk=dropped_pk).label_fr == "Ancien"
    secretariat = world.users.secretariat
    restored = AccomplishmentLink.history.filter(id=dropped_pk).first()
    changed = AccomplishmentLink.history.filter(id=kept.pk).first()
    removed = AccomplishmentLink.history.filter(id=added.pk).first()
    assert (restored.history_type, restored.history_user, restored.history_change_reason) == (
        "+",
        secretariat,
        REVERTED_WITH_RECORD,
    )
    assert (changed.history_type, changed.history_user, changed.history_change_reason) == (
        "~",
        secretariat,
        REVERTED_WITH_RECORD,
    )
    assert (removed.history_type, removed.history_user) == ("-", secretariat)


def test_the_revert_says_it_restored_the_links_and_logs_each_row(world, client):
    accomplishment, first, *_rows = relinked(world)
    admin_client(client, world.users.secretariat)

    reverted = revert(client, Accomplishment, accomplishment.pk, first)

    change_url = url(Accomplishment, "change", accomplishment.pk)
    assert messages_of(reverted) == [
        (
            "success",
            f'The accomplishment “<a href="{change_url}">Ontario portal</a>” was reverted to the chosen version. '
            "Its links were restored as they were in that version. The fields kept by the services (published at, "
            "submitted at, submitted by) stayed as they were.",
        )
    ]
    entry = LogEntry.objects.get(object_id=str(accomplishment.pk))
    assert entry.get_change_message() == (
        f"Changed Title [en]. Deleted link “{ADDED_URL}”. Changed Label [en] for link “Portal”. "
        f"Added link “{DROPPED_URL}”."
    )


@pytest.mark.parametrize(
    ("language", "lines", "before"),
    [
        (
            "en",
            [
                f"In its links, it adds back “{DROPPED_URL}”.",
                f"In its links, it removes “{ADDED_URL}”.",
                "In its links, it changes back “Portal, renamed”.",
            ],
            "Reverting brings back this version's own fields and its links as they were then.",
        ),
        (
            "fr",
            [
                f"Dans ses liens, il rajoute «\u00a0{DROPPED_URL}\u00a0».",
                f"Dans ses liens, il retire «\u00a0{ADDED_URL}\u00a0».",
                "Dans ses liens, il rétablit «\u00a0Portail\u00a0».",
            ],
            "Le retour en arrière rétablit les champs propres à cette version et ses liens dans leur état d'alors.",
        ),
    ],
)
def test_the_version_page_says_what_the_revert_does_to_the_links(world, client, language, lines, before):
    accomplishment, first, _kept, _dropped_pk, _added = relinked(world)
    admin_client(client, world.users.secretariat)

    page = client.get(url(Accomplishment, "simple_history", accomplishment.pk, first.history_id, language=language))

    assert page.status_code == 200
    assert page.context["table_changes"] == lines
    assert before in text(page)
    for line in lines:
        assert line in text(page)


@pytest.mark.parametrize(
    ("language", "message"), [("en", "Its links were restored"), ("fr", "Le retour en arrière a rétabli ses liens")]
)
def test_the_revert_message_is_in_the_pages_language(world, client, language, message):
    accomplishment, first, *_rows = relinked(world)
    admin_client(client, world.users.secretariat)

    reverted = revert(client, Accomplishment, accomplishment.pk, first, language=language)

    ((_level, said),) = messages_of(reverted)
    assert message in said


def test_the_latest_version_leaves_the_rows_as_they_are(world, client):
    accomplishment, _first, *_rows = relinked(world)
    before = links_of(accomplishment)
    latest = accomplishment.history.first()
    admin_client(client, world.users.secretariat)

    page = client.get(url(Accomplishment, "simple_history", accomplishment.pk, latest.history_id))
    reverted = revert(client, Accomplishment, accomplishment.pk, latest)

    assert page.context["table_changes"] == []
    assert reverted.status_code == 302
    assert links_of(accomplishment) == before
    assert LogEntry.objects.get(object_id=str(accomplishment.pk)).get_change_message() == "No fields changed."
    ((_level, said),) = messages_of(reverted)
    assert "Its links were restored as they were in that version." in said


def test_rows_written_without_history_are_left_as_they_are(world, client):
    accomplishment, first, kept, dropped_pk, added = relinked(world)
    (bulk,) = AccomplishmentLink.objects.bulk_create(
        [AccomplishmentLink(accomplishment=accomplishment, url="https://on.example.ca/bulk")]
    )
    admin_client(client, world.users.secretariat)

    assert revert(client, Accomplishment, accomplishment.pk, first).status_code == 302

    assert links_of(accomplishment) == sorted(
        [(kept.pk, KEPT_URL, "Portal"), (dropped_pk, DROPPED_URL, "Old"), (bulk.pk, "https://on.example.ca/bulk", None)]
    )
    assert not AccomplishmentLink.objects.filter(pk=added.pk).exists()


def test_a_meetings_deleted_steps_come_back_parents_first(world, client):
    meeting = MeetingFactory(date=datetime.date(2020, 2, 20), title_en="February meeting")
    step = NextStepFactory(meeting=meeting, text_en="Publish the inventory", due=datetime.date(2020, 3, 31))
    part = NextStepFactory(meeting=meeting, parent=step, text_en="Gather the datasets")
    first = meeting.history.get()
    meeting.title_en = "Renamed"
    meeting.save()
    step_pk, part_pk = step.pk, part.pk
    step.delete()  # and its part with it
    admin_client(client, world.users.secretariat)

    reverted = revert(client, Meeting, meeting.pk, first)

    assert reverted.status_code == 302
    assert list(NextStep.objects.filter(meeting=meeting).order_by("pk").values_list("pk", "parent_id", "text_en")) == [
        (step_pk, None, "Publish the inventory"),
        (part_pk, step_pk, "Gather the datasets"),
    ]
    assert [version.history_type for version in NextStep.history.filter(id=part_pk)] == ["+", "-", "+"]


def test_a_priority_gets_its_seats_and_milestones_back(world, client):
    priority = PriorityFactory(work_plan=world.plan, number=7, slug="seventh")
    seat = AssignmentFactory(priority=priority, jurisdiction=world.bc)
    milestone = MilestoneFactory(priority=priority, description_en="Launch")
    first = priority.history.get()
    priority.title_en = "Seventh, renamed"
    priority.save()
    seat_pk = seat.pk
    seat.delete()
    milestone.description_en = "Launch, renamed"
    milestone.save()
    later = MilestoneFactory(priority=priority, description_en="Added later")
    admin_client(client, world.users.secretariat)

    reverted = revert(client, Priority, priority.pk, first)

    assert reverted.status_code == 302
    assert list(Assignment.objects.filter(priority=priority).values_list("pk", "jurisdiction_id")) == [
        (seat_pk, world.bc.pk)
    ]
    assert list(Milestone.objects.filter(priority=priority).values_list("pk", "description_en")) == [
        (milestone.pk, "Launch")
    ]
    assert not Milestone.objects.filter(pk=later.pk).exists()


# 2. Within its user's rights


def test_a_plans_revert_changes_its_priorities_back_but_adds_and_removes_none(world, client):
    """A plan's table of priorities changes them, adds none and deletes none."""
    plan, priority = world.draft_plan, world.draft_priority
    first = plan.history.get()
    plan.title_en = "Renamed plan"
    plan.save()
    priority.title_en = "Next, renamed"
    priority.save()
    added = PriorityFactory(work_plan=plan, number=9, slug="ninth", title_en="Ninth")
    admin_client(client, world.users.secretariat)

    page = client.get(url(WorkPlan, "simple_history", plan.pk, first.history_id))
    reverted = revert(client, WorkPlan, plan.pk, first)

    assert (
        "In its priorities, it leaves “9. Ninth” as they are: you may not add, remove or change those rows there."
        in (page.context["table_changes"])
    )
    assert reverted.status_code == 302
    assert Priority.objects.get(pk=priority.pk).title_en == priority.history.earliest().title_en
    assert Priority.objects.filter(pk=added.pk).exists()
    ((_level, said),) = messages_of(reverted)
    assert "These rows, which you may not add, remove or change there, stayed as they are: “9. Ninth”." in said


def test_a_contributor_reverts_their_draft_with_its_links_and_no_other_jurisdiction_does(world, client):
    accomplishment, first, kept, dropped_pk, _added = relinked(world)
    before = links_of(accomplishment)
    address = url(Accomplishment, "simple_history", accomplishment.pk, first.history_id)
    admin_client(client, world.users.contributor_bc)

    refused = client.post(address, {"_save": "1"})

    assert refused.status_code == 404
    assert links_of(accomplishment) == before
    assert Accomplishment.objects.get(pk=accomplishment.pk).title_en == "Ontario portal, renamed"

    admin_client(client, world.users.contributor_on)
    reverted = revert(client, Accomplishment, accomplishment.pk, first)

    assert reverted.status_code == 302
    assert links_of(accomplishment) == sorted([(kept.pk, KEPT_URL, "Portal"), (dropped_pk, DROPPED_URL, "Old")])
    assert AccomplishmentLink.history.filter(id=dropped_pk).first().history_user == world.users.contributor_on


def test_a_contributor_who_may_not_delete_links_leaves_those_added(world, client):
    accomplishment, first, kept, dropped_pk, added = relinked(world)
    Group.objects.get(name=CONTRIBUTOR).permissions.remove(Permission.objects.get(codename="delete_accomplishmentlink"))
    admin_client(client, world.users.contributor_on)

    page = client.get(url(Accomplishment, "simple_history", accomplishment.pk, first.history_id))
    reverted = revert(client, Accomplishment, accomplishment.pk, first)

    assert f"In its links, it removes “{ADDED_URL}”." not in page.context["table_changes"]
    assert reverted.status_code == 302
    assert links_of(accomplishment) == sorted(
        [(kept.pk, KEPT_URL, "Portal"), (dropped_pk, DROPPED_URL, "Old"), (added.pk, ADDED_URL, None)]
    )
    ((_level, said),) = messages_of(reverted)
    assert f"These rows, which you may not add, remove or change there, stayed as they are: “{ADDED_URL}”." in said


# 3. Refused as a whole, nothing written


def assert_nothing_reverted(accomplishment, before_links, versions):
    assert Accomplishment.objects.get(pk=accomplishment.pk).title_en == "Ontario portal, renamed"
    assert links_of(accomplishment) == before_links
    assert AccomplishmentLink.history.count() == versions
    assert not LogEntry.objects.filter(object_id=str(accomplishment.pk)).exists()


@pytest.mark.parametrize(
    ("language", "message"),
    [
        (
            "en",
            "This version cannot be restored: a row of its links, “Portal”, would break a rule. "
            "Link with this Accomplishment and URL already exists. Change that row first, or choose another version.",
        ),
        (
            "fr",
            "Cette version ne peut pas être rétablie\u00a0: une ligne du tableau «\u00a0liens\u00a0», "
            "«\u00a0Portail\u00a0», enfreindrait une règle. Un objet Lien avec ces champs Réalisation et URL "
            "existe déjà. Modifiez d'abord cette ligne ou choisissez une autre version.",
        ),
    ],
)
def test_a_row_that_would_repeat_an_address_refuses_the_whole_revert(world, client, language, message):
    accomplishment, first, kept, _dropped_pk, added = relinked(world)
    kept.url = "https://on.example.ca/portal-moved"
    kept.save()
    added.url = KEPT_URL  # the address the kept link had then
    added.save()
    Group.objects.get(name=CONTRIBUTOR).permissions.remove(Permission.objects.get(codename="delete_accomplishmentlink"))
    before, versions = links_of(accomplishment), AccomplishmentLink.history.count()
    admin_client(client, world.users.contributor_on)

    refused = revert(client, Accomplishment, accomplishment.pk, first, language=language)

    assert refused.status_code == 200
    assert refused.context["adminform"].form.non_field_errors() == [message]
    assert_nothing_reverted(accomplishment, before, versions)


def test_a_milestone_a_story_was_released_under_is_not_removed(world, client):
    priority = world.first
    first = priority.history.get()
    priority.title_en = "Renamed"
    priority.save()
    later = MilestoneFactory(priority=priority, description_en="Added later")
    UserStoryFactory(release=later, title_en="Released story")
    admin_client(client, world.users.secretariat)

    refused = revert(client, Priority, priority.pk, first)

    assert refused.status_code == 200
    assert refused.context["adminform"].form.non_field_errors() == [
        "This version cannot be restored: its milestones added since cannot be removed, as other records refer to "
        "them: Released story."
    ]
    assert Priority.objects.get(pk=priority.pk).title_en == "Renamed"
    assert Milestone.objects.filter(pk=later.pk).exists()


def test_a_milestone_with_a_published_update_is_not_removed(world, client):
    priority = world.first
    first = priority.history.get()
    priority.title_en = "Renamed"
    priority.save()
    later = MilestoneFactory(priority=priority, description_en="Added later")
    ProgressUpdateFactory(milestone=later, jurisdiction=world.on, publication_state=PublicationState.PUBLISHED)
    admin_client(client, world.users.secretariat)

    refused = revert(client, Priority, priority.pk, first)

    assert refused.status_code == 200
    assert refused.context["adminform"].form.non_field_errors() == [
        "Deleting this would delete 1 published progress update, which carries its milestone's status: "
        "withdraw it first."
    ]
    assert Priority.objects.get(pk=priority.pk).title_en == "Renamed"
    assert Milestone.objects.filter(pk=later.pk).exists()


# 4. What it costs


def test_the_version_page_costs_the_same_queries_whatever_the_number_of_rows(world, client, django_assert_num_queries):
    accomplishment, first, *_rows = relinked(world)
    admin_client(client, world.users.secretariat)
    address = url(Accomplishment, "simple_history", accomplishment.pk, first.history_id)
    client.get(address)  # the session and content types, read once
    with CaptureQueriesContext(connection) as few:
        assert len(client.get(address).context["table_changes"]) == 3

    for number in range(10):
        AccomplishmentLinkFactory(accomplishment=accomplishment, url=f"https://on.example.ca/more/{number}")

    with django_assert_num_queries(len(few)):
        assert client.get(address).status_code == 200


def test_a_seat_whose_jurisdiction_is_deleted_since_refuses_the_revert(world, client):
    priority = PriorityFactory(work_plan=world.plan, number=7, slug="seventh")
    gone_jurisdiction = JurisdictionFactory(code="YT", name_en="Yukon", name_fr="Yukon")
    seat = AssignmentFactory(priority=priority, jurisdiction=gone_jurisdiction)
    first = priority.history.get()
    priority.title_en = "Renamed"
    priority.save()
    seat.delete()
    gone_jurisdiction.delete()
    admin_client(client, world.users.secretariat)

    refused = revert(client, Priority, priority.pk, first)

    assert refused.status_code == 200
    (message,) = refused.context["adminform"].form.non_field_errors()
    assert message.startswith("The seat “")
    assert message.endswith("cannot be restored: its jurisdiction, “Yukon”, is deleted. Restore it first.")
    assert Priority.objects.get(pk=priority.pk).title_en == "Renamed"
    assert not Assignment.objects.filter(priority=priority).exists()
