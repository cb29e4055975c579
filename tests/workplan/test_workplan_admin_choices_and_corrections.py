"""The work plan's admin as each role uses it: choices that name their plan and priority,
a draft or returned update corrected on its page, the author shown only to those the
review concerns, locked updates named when an action skips them, a contributor's one
jurisdiction preselected, and duplicate numbers named in the page's language."""

import datetime

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from cogwg import cycles
from cogwg.choices import PublicationState
from cogwg.permissions import CONTRIBUTOR
from tests.cycles import conftest as cycles_world
from tests.cycles.conftest import AFTER_DEADLINE, JUNE_30
from tests.factories import (
    ContributorFactory,
    MilestoneFactory,
    PriorityFactory,
    ProgressUpdateFactory,
    WorkPlanFactory,
)
from tests.permissions import conftest as permissions_world
from tests.permissions.conftest import admin_client, make_user
from tests.test_admin import admin_url, form_data
from workplan.choices import MilestoneStatus, WorkPlanStatus
from workplan.models import Milestone, Priority, ProgressUpdate, WorkPlan
from workplan.services import milestone_post_update

pytestmark = pytest.mark.django_db

# The permission tests' world (roles, plans, updates) and the reporting cycles' plan.
roles, world, cycle = permissions_world.roles, permissions_world.world, cycles_world.cycle


@pytest.fixture(autouse=True)
def english_afterwards():
    yield
    translation.activate("en")


# Choices that name their plan and priority


@pytest.fixture
def two_years(world):
    """The 2020 plan's priority 1 and the next year's copy of it, in a draft plan (the
    2020 plan is the active one: one plan is active at most)."""
    next_plan = WorkPlanFactory(slug="2022", status=WorkPlanStatus.DRAFT)
    copy = PriorityFactory(work_plan=next_plan, number=1, slug="stories", title_en=world.first.title_en)
    return world.first, copy


def test_a_milestones_priority_is_offered_with_its_plan(world, client, two_years):
    first, _copy = two_years
    admin_client(client, world.users.secretariat)

    response = client.get(admin_url(Milestone, "change", world.m1.pk))

    field = response.context["adminform"].form.fields["priority"]
    assert field.label_from_instance(first) == "2020 · 1. Priority 1"
    assert f'<option value="{first.pk}" selected>2020 · 1. Priority 1</option>' in response.content.decode()


def test_the_by_priority_filter_names_each_priority_with_its_plan(world, client, two_years):
    admin_client(client, world.users.secretariat)

    response = client.get(admin_url(Milestone, "changelist"))

    (spec,) = [spec for spec in response.context["cl"].filter_specs if spec.field_path == "priority"]
    assert sorted(label for _pk, label in spec.lookup_choices) == [
        "2020 · 1. Priority 1",
        "2020 · 2. Priority 2",
        "2021 · 1. Priority 1",
        "2022 · 1. Priority 1",
    ]


def test_a_contributors_filter_by_priority_names_no_draft_plans_priority(world, client, two_years):
    admin_client(client, world.users.contributor_on)

    response = client.get(admin_url(Milestone, "changelist"))

    (spec,) = [spec for spec in response.context["cl"].filter_specs if spec.field_path == "priority"]
    assert sorted(label for _pk, label in spec.lookup_choices) == [
        "2020 · 1. Priority 1",
        "2020 · 2. Priority 2",
    ]


def test_the_milestone_changelist_runs_the_same_queries_whatever_the_number_of_priorities(world, client, two_years):
    admin_client(client, world.users.secretariat)
    url = admin_url(Milestone, "changelist")
    client.get(url)
    with CaptureQueriesContext(connection) as before:
        client.get(url)
    for number in (2, 3, 4):
        MilestoneFactory(priority=PriorityFactory(work_plan=two_years[1].work_plan, number=number))

    with CaptureQueriesContext(connection) as after:
        client.get(url)

    assert len(after) == len(before)


@pytest.mark.parametrize(
    ("language", "label"),
    [("en", "Priority 1 · June 2020: Release the stories"), ("fr", "Priorité 1 · juin 2020\u00a0: Jalon")],
)
def test_a_contributors_milestones_are_offered_with_their_prioritys_number(world, client, language, label):
    admin_client(client, world.users.contributor_on)

    response = client.get(admin_url(ProgressUpdate, "add").replace("/en/", f"/{language}/"))

    field = response.context["adminform"].form.fields["milestone"]
    (offered,) = [choice_label for value, choice_label in field.choices if value]
    assert offered.startswith(label)


# A draft or returned update corrected on its page


@pytest.fixture
def own_update(world):
    update = world.update
    update.author = world.users.contributor_on
    update.save()
    return update


@pytest.mark.parametrize("state", [PublicationState.DRAFT, PublicationState.RETURNED])
def test_a_contributor_corrects_their_drafts_status_and_progress(world, client, own_update, state):
    ProgressUpdate.objects.filter(pk=own_update.pk).update(publication_state=state)
    admin_client(client, world.users.contributor_on)
    url = admin_url(ProgressUpdate, "change", own_update.pk)
    data = form_data(client.get(url)) | {
        "status": MilestoneStatus.AT_RISK,
        "progress": "40",
        "reported_on": "2020-05-02",
    }

    response = client.post(url, data)

    assert response.status_code == 302
    own_update.refresh_from_db()
    assert (own_update.status, own_update.progress, own_update.reported_on, own_update.publication_state) == (
        MilestoneStatus.AT_RISK,
        40,
        datetime.date(2020, 5, 2),
        state,
    )
    world.m1.refresh_from_db()
    assert (world.m1.status, world.m1.progress) == (MilestoneStatus.NOT_STARTED, 0)


def test_a_correction_is_checked_as_posting_is(world, client, own_update):
    admin_client(client, world.users.contributor_on)
    url = admin_url(ProgressUpdate, "change", own_update.pk).replace("/en/", "/fr/")
    data = form_data(client.get(url)) | {"status": MilestoneStatus.COMPLETED, "progress": "40"}

    response = client.post(url, data)

    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {"progress": ["Un jalon terminé est réalisé à 100\u00a0%."]}
    own_update.refresh_from_db()
    assert (own_update.status, own_update.progress) == (MilestoneStatus.ON_TRACK, 50)


@pytest.mark.parametrize("state", [PublicationState.SUBMITTED, PublicationState.PUBLISHED])
def test_a_submitted_or_published_update_keeps_its_logged_values(world, client, own_update, state):
    ProgressUpdate.objects.filter(pk=own_update.pk).update(publication_state=state)
    admin_client(client, world.users.secretariat)
    url = admin_url(ProgressUpdate, "change", own_update.pk)
    data = form_data(client.get(url)) | {"status": MilestoneStatus.AT_RISK, "progress": "40"}

    client.post(url, data)

    own_update.refresh_from_db()
    assert (own_update.status, own_update.progress) == (MilestoneStatus.ON_TRACK, 50)


def test_a_correction_published_with_it_moves_the_milestone(world, client, own_update):
    admin_client(client, world.users.secretariat)
    url = admin_url(ProgressUpdate, "change", own_update.pk)
    data = form_data(client.get(url)) | {
        "status": MilestoneStatus.AT_RISK,
        "progress": "40",
        "publication_state": PublicationState.PUBLISHED,
    }

    response = client.post(url, data)

    assert response.status_code == 302
    world.m1.refresh_from_db()
    assert (world.m1.status, world.m1.progress) == (MilestoneStatus.AT_RISK, 40)


# Who wrote an update


@pytest.fixture
def published_on_update(world):
    """A published ON update written by carol, another of ON's contributors."""
    carol = make_user("carol", CONTRIBUTOR, jurisdictions=[world.on])
    return ProgressUpdateFactory(milestone=world.m1, jurisdiction=world.on, author=carol, progress=30)


@pytest.mark.parametrize(
    ("role", "shown"), [("contributor_on", True), ("contributor_bc", False), ("secretariat", True)]
)
def test_the_author_is_shown_to_the_updates_jurisdiction_and_the_secretariat_only(
    world, client, published_on_update, role, shown
):
    admin_client(client, getattr(world.users, role))

    changelist = client.get(admin_url(ProgressUpdate, "changelist"))
    change = client.get(admin_url(ProgressUpdate, "change", published_on_update.pk))
    milestone = client.get(admin_url(Milestone, "change", world.m1.pk))

    assert [b"carol" in page.content for page in (changelist, change, milestone)] == [shown] * 3
    assert {row.pk: row.shown_author for row in changelist.context["cl"].result_list}[published_on_update.pk] == (
        "carol" if shown else None
    )


def test_the_contributors_changelist_runs_the_same_queries_whatever_the_authors(world, client, published_on_update):
    admin_client(client, world.users.contributor_bc)
    url = admin_url(ProgressUpdate, "changelist")
    client.get(url)
    with CaptureQueriesContext(connection) as before:
        client.get(url)
    for name in ("dave", "erin"):
        ProgressUpdateFactory(milestone=world.m1, jurisdiction=world.on, author=make_user(name))

    with CaptureQueriesContext(connection) as after:
        response = client.get(url)

    assert response.context["cl"].result_count == 3
    assert len(after) == len(before)


# Locked updates skipped by the actions


def test_the_publish_action_gives_the_closed_periods_reason_for_the_locked_updates_it_skips(cycle, client):
    update = milestone_post_update(
        milestone=cycle.march,
        reported_on=JUNE_30,
        status=MilestoneStatus.ON_TRACK,
        progress=50,
        jurisdiction=cycle.bc,
        by=cycle.secretariat,
        publish=False,
    )
    cycles.period_close(period=cycle.period, by=cycle.secretariat, on=AFTER_DEADLINE)
    client.force_login(cycle.secretariat)

    response = client.post(
        reverse("admin:workplan_progressupdate_changelist"),
        {"action": "publish_selected", "_selected_action": [update.pk]},
    )

    assert response.status_code == 302
    warnings = [m.message for m in get_messages(response.wsgi_request) if m.level_tag == "warning"]
    assert warnings == [
        "1 selected update belongs to a closed reporting period: it can no longer be changed. Post a new update "
        "instead."
    ]
    update.refresh_from_db()
    assert update.publication_state == PublicationState.DRAFT


# A contributor's one jurisdiction


def test_a_contributors_one_jurisdiction_is_preselected(world, client):
    admin_client(client, world.users.contributor_on)

    response = client.get(admin_url(ProgressUpdate, "add").replace("/en/", "/fr/"))

    form = response.context["adminform"].form
    assert form.initial["jurisdiction"] == world.on.pk
    assert f'<option value="{world.on.pk}" selected>' in response.content.decode()


def test_a_contributor_of_two_jurisdictions_chooses(world, client):
    ContributorFactory(user=world.users.contributor_on, jurisdiction=world.bc)
    admin_client(client, world.users.contributor_on)

    response = client.get(admin_url(ProgressUpdate, "add"))

    assert "jurisdiction" not in response.context["adminform"].form.initial


# Duplicate numbers in the plan's table


def test_two_priorities_given_one_number_are_named_in_french(staff_client):
    plan = WorkPlanFactory(slug="2020")
    for number in (1, 2):
        PriorityFactory(work_plan=plan, number=number, slug=f"p{number}")
    url = admin_url(WorkPlan, "change", plan.pk).replace("/en/", "/fr/")
    data = form_data(staff_client.get(url))
    index = {data[key]: key.split("-")[1] for key in data if key.startswith("priorities-") and key.endswith("-id")}
    data[f"priorities-{index[str(Priority.objects.get(number=2).pk)]}-number"] = "1"

    response = staff_client.post(url, data)

    assert response.status_code == 200
    content = response.content.decode()
    assert "Corrigez les données en double dans numéro." in content
    assert "en double dans number" not in content
    assert sorted(Priority.objects.values_list("number", flat=True)) == [1, 2]
