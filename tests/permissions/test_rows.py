"""Row-level rights: a contributor sees their jurisdictions' drafts and the public's
records, never another jurisdiction's drafts; tampered ids answer 403 or 404, never the
record; what they file stays in their jurisdictions and seats."""

import datetime
import re

import pytest
from django.contrib import admin
from django.urls import reverse

from cogwg import cycles, permissions
from cogwg.admin_base import VisibleRowsInlineMixin
from cogwg.choices import PublicationState
from cogwg.services import record_return, record_submit, records_publish, records_unpublish
from jurisdictions.models import Accomplishment, Challenge
from stories.models import UserStory
from tests.factories import (
    AccomplishmentFactory,
    ChallengeFactory,
    MilestoneFactory,
    ProgressUpdateFactory,
    UserStoryFactory,
)
from tests.permissions.conftest import admin_client, api_client, make_user
from tests.test_admin import admin_url, form_data
from workplan.models import Milestone, ProgressUpdate


@pytest.fixture
def bc_draft(world):
    return AccomplishmentFactory(
        jurisdiction=world.bc, title_en="BC secret plan", publication_state=PublicationState.DRAFT
    )


@pytest.fixture
def bc_published(world):
    return AccomplishmentFactory(
        jurisdiction=world.bc, title_en="BC portal", publication_state=PublicationState.PUBLISHED
    )


# Tampered ids


@pytest.mark.parametrize("view", ["change", "delete", "history"])
def test_another_jurisdictions_draft_is_not_found_in_the_admin(world, client, bc_draft, view):
    admin_client(client, world.users.contributor_on)

    response = client.get(admin_url(Accomplishment, view, bc_draft.pk))

    assert response.status_code in (403, 404)
    assert b"BC secret plan" not in response.content


def test_a_version_of_another_jurisdictions_draft_is_refused(world, client, bc_draft):
    admin_client(client, world.users.contributor_on)
    version = bc_draft.history.get()

    response = client.get(admin_url(Accomplishment, "simple_history", bc_draft.pk, version.history_id))

    # As if it did not exist: a 403 would confirm it does.
    assert response.status_code == 404
    assert b"BC secret plan" not in response.content


def test_a_tampered_post_changes_nothing(world, client, bc_draft):
    url = admin_url(Accomplishment, "change", bc_draft.pk)
    admin_client(client, world.users.secretariat)
    data = form_data(client.get(url)) | {"title_en": "Hijacked"}
    client.force_login(world.users.contributor_on)

    changed = client.post(url, data)
    deleted = client.post(admin_url(Accomplishment, "delete", bc_draft.pk), {"post": "yes"})
    acted = client.post(
        admin_url(Accomplishment, "changelist"), {"action": "submit_selected", "_selected_action": [bc_draft.pk]}
    )

    assert (changed.status_code, deleted.status_code) == (404, 404)
    assert acted.status_code in (200, 302)
    bc_draft.refresh_from_db()
    assert (bc_draft.title_en, bc_draft.publication_state) == ("BC secret plan", PublicationState.DRAFT)


@pytest.mark.parametrize(
    ("method", "suffix"),
    [("get", ""), ("patch", ""), ("put", ""), ("delete", ""), ("post", "submit/"), ("post", "publish/")],
)
def test_another_jurisdictions_draft_is_not_found_in_the_api(world, bc_draft, method, suffix):
    alice = api_client(world.users.contributor_on)

    response = getattr(alice, method)(
        f"/api/v1/accomplishments/{bc_draft.pk}/{suffix}", {"title_en": "Hijacked"}, format="json"
    )

    assert response.status_code == 404
    assert "BC secret plan" not in response.content.decode()
    bc_draft.refresh_from_db()
    assert (bc_draft.title_en, bc_draft.publication_state) == ("BC secret plan", PublicationState.DRAFT)


def test_lists_show_the_public_and_their_own_drafts_only(world, client, bc_draft, bc_published):
    admin_client(client, world.users.contributor_on)

    changelist = client.get(admin_url(Accomplishment, "changelist"))
    listed = api_client(world.users.contributor_on).get("/api/v1/accomplishments/").json()["results"]

    expected = {world.accomplishment.pk, bc_published.pk}
    assert {record.pk for record in changelist.context["cl"].result_list} == expected
    assert {record["id"] for record in listed} == expected


def test_another_jurisdictions_published_record_is_readable_not_changeable(world, client, bc_published):
    admin_client(client, world.users.contributor_on)
    url = admin_url(Accomplishment, "change", bc_published.pk)

    page = client.get(url)
    patched = api_client(world.users.contributor_on).patch(
        f"/api/v1/accomplishments/{bc_published.pk}/", {"title_en": "Mine"}, format="json"
    )

    assert page.status_code == 200
    assert page.context["has_change_permission"] is False
    assert patched.status_code == 403
    assert Accomplishment.objects.get(pk=bc_published.pk).title_en == "BC portal"


# Tables inside a page


def test_a_milestones_progress_log_shows_another_jurisdictions_drafts_to_no_contributor(world, client):
    """ON's draft update on M1 is ON's and the secretariat's: BC's contributor, who may
    look at the milestone, sees its published log only."""
    world.update.note_en = "ON secret note"
    world.update.save()
    published = ProgressUpdateFactory(milestone=world.m1, jurisdiction=world.on, note_en="Public note")
    url = admin_url(Milestone, "change", world.m1.pk)

    def log(user):
        admin_client(client, user)
        page = client.get(url)
        (formset,) = [inline.formset for inline in page.context["inline_admin_formsets"] if not inline.formset.extra]
        return page, {form.instance.pk for form in formset.forms}

    bob_page, bobs = log(world.users.contributor_bc)
    _, alices = log(world.users.contributor_on)
    _, secretariats = log(world.users.secretariat)

    assert bob_page.status_code == 200
    assert bobs == {published.pk}
    assert "ON secret note" not in bob_page.content.decode()
    assert alices == secretariats == {published.pk, world.update.pk}


def test_every_inline_lists_only_what_its_user_may_see():
    """A table inside a page does not go through its page's admin: each inline narrows
    its own rows (cogwg.admin_base.VisibleRowsInlineMixin)."""
    inlines = [
        inline
        for model, model_admin in admin.site._registry.items()
        if model._meta.app_label in permissions.PROJECT_APPS
        for inline in model_admin.inlines
    ]

    assert len(inlines) >= 8
    assert [inline.__name__ for inline in inlines if not issubclass(inline, VisibleRowsInlineMixin)] == []


# The review is between a jurisdiction and the secretariat


@pytest.mark.parametrize("model", [Accomplishment, ProgressUpdate])
def test_another_jurisdiction_reads_the_published_record_not_its_review(world, client, model):
    record = world.accomplishment if model is Accomplishment else world.update
    record_submit(record=record, by=world.users.contributor_on)
    record_return(record=record, comment="Please add the French title.", by=world.users.secretariat)
    record_submit(record=record, by=world.users.contributor_on)
    if model is Accomplishment:
        records_publish(queryset=Accomplishment.objects.filter(pk=record.pk), by=world.users.secretariat)
    else:
        ProgressUpdate.objects.filter(pk=record.pk).update(publication_state=PublicationState.PUBLISHED)
    url = admin_url(model, "change", record.pk)

    def page(user):
        admin_client(client, user)
        response = client.get(url)
        assert response.status_code == 200
        return response.content.decode(), set(response.context["adminform"].form.fields) | {
            name
            for fieldset in response.context["adminform"]
            for line in fieldset
            for field in line
            for name in [field.field["name"] if isinstance(field.field, dict) else field.field.name]
        }

    bobs_page, bobs_fields = page(world.users.contributor_bc)
    alices_page, alices_fields = page(world.users.contributor_on)
    secretariat_page, _ = page(world.users.secretariat)

    assert "Please add the French title." not in bobs_page
    assert {"review_comment", "submitted_by", "submitted_at"} & bobs_fields == set()
    assert ">alice<" not in bobs_page
    assert "Please add the French title." in alices_page
    assert ">alice<" in alices_page
    assert "Please add the French title." in secretariat_page
    assert {"review_comment", "submitted_by", "submitted_at"} <= alices_fields


# What a draft plan keeps to itself


def test_a_contributors_filters_do_not_name_a_draft_plan(world, client):
    admin_client(client, world.users.contributor_bc)

    changelist = client.get(admin_url(Milestone, "changelist")).context["cl"]
    offered = {
        spec.field_path: {pk for pk, _ in spec.lookup_choices}
        for spec in changelist.filter_specs
        if hasattr(spec, "lookup_choices") and spec.field_path in ("priority__work_plan", "priority")
    }

    assert offered == {
        "priority__work_plan": {world.plan.pk, world.lone_plan.pk},
        "priority": {world.first.pk, world.second.pk},
    }


def test_the_secretariats_filters_name_every_plan(world, client):
    admin_client(client, world.users.secretariat)

    changelist = client.get(admin_url(Milestone, "changelist")).context["cl"]
    (plans,) = [spec for spec in changelist.filter_specs if spec.field_path == "priority__work_plan"]

    assert {pk for pk, _ in plans.lookup_choices} == {world.plan.pk, world.draft_plan.pk, world.lone_plan.pk}


def test_a_contributors_record_cannot_point_at_a_draft_plan(world, client):
    """Its priority or release is checked against what the contributor may see: an id of
    a draft plan's priority or milestone is refused, as one that does not exist."""
    admin_client(client, world.users.contributor_on)
    url = admin_url(Accomplishment, "add")
    form = client.get(url).context["adminform"].form
    data = form_data(client.get(url)) | {
        "jurisdiction": world.on.pk,
        "title_en": "Pointing at next year",
        "category": "portal",
        "priority": world.draft_priority.pk,
    }

    response = client.post(url, data)
    story_form = client.get(admin_url(UserStory, "change", world.story.pk)).context["adminform"].form

    assert response.status_code == 200
    assert "priority" in response.context["adminform"].form.errors
    assert not Accomplishment.objects.filter(title_en="Pointing at next year").exists()
    assert set(form.fields["priority"].queryset) == {world.first, world.second}
    assert world.draft_milestone not in set(story_form.fields["release"].queryset)
    assert world.m1 in set(story_form.fields["release"].queryset)


# What a contributor files stays theirs


def test_a_record_for_another_jurisdiction_is_refused(world, client):
    alice = api_client(world.users.contributor_on)
    admin_client(client, world.users.contributor_on)

    by_api = alice.post(
        "/api/v1/accomplishments/", {"jurisdiction": "BC", "title_en": "For BC", "category": "portal"}, format="json"
    )
    moved = alice.patch(f"/api/v1/accomplishments/{world.accomplishment.pk}/", {"jurisdiction": "BC"}, format="json")
    by_admin = client.post(
        admin_url(Accomplishment, "add"),
        {
            "jurisdiction": world.bc.pk,
            "title_en": "For BC",
            "category": "portal",
            "links-TOTAL_FORMS": "0",
            "links-INITIAL_FORMS": "0",
        },
    )

    assert (by_api.status_code, moved.status_code, by_admin.status_code) == (403, 403, 200)
    assert "jurisdiction" in by_admin.context["adminform"].form.errors
    assert not Accomplishment.objects.filter(title_en="For BC").exists()
    assert Accomplishment.objects.get(pk=world.accomplishment.pk).jurisdiction == world.on


@pytest.mark.parametrize("codes", [[], ["ON", "BC"], ["BC"]])
def test_a_challenge_a_contributor_files_lists_only_their_jurisdictions(world, codes):
    alice = api_client(world.users.contributor_on)

    response = alice.post(
        "/api/v1/challenges/", {"title_en": "Across", "category": "legal", "jurisdictions": codes}, format="json"
    )

    assert response.status_code == 403
    assert not Challenge.objects.filter(title_en="Across").exists()


def test_a_challenge_across_jurisdictions_is_the_secretariats(world):
    shared = ChallengeFactory(title_en="Shared", publication_state=PublicationState.DRAFT)
    shared.jurisdictions.set([world.on, world.bc])
    alice = api_client(world.users.contributor_on)

    assert alice.get(f"/api/v1/challenges/{shared.pk}/").status_code == 404
    assert alice.patch(f"/api/v1/challenges/{world.challenge.pk}/", {"jurisdictions": ["ON", "BC"]}).status_code == 403
    assert list(Challenge.objects.get(pk=world.challenge.pk).jurisdictions.all()) == [world.on]


def test_progress_is_posted_only_where_the_jurisdiction_holds_a_seat(world):
    bob = api_client(world.users.contributor_bc)
    alice = api_client(world.users.contributor_on)
    payload = {"milestone": world.m1.pk, "reported_on": "2020-05-01", "status": "on_track", "progress": 30}

    no_seat = bob.post("/api/v1/progress-updates/", payload | {"jurisdiction": "BC"}, format="json")
    not_theirs = bob.post("/api/v1/progress-updates/", payload | {"jurisdiction": "ON"}, format="json")
    other_jurisdiction = alice.post("/api/v1/progress-updates/", payload | {"jurisdiction": "BC"}, format="json")
    draft_plan = alice.post(
        "/api/v1/progress-updates/",
        payload | {"milestone": world.draft_milestone.pk, "jurisdiction": "ON"},
        format="json",
    )
    no_seat_milestone = alice.post(
        "/api/v1/progress-updates/",
        payload | {"milestone": world.second_milestone.pk, "jurisdiction": "ON"},
        format="json",
    )
    theirs = alice.post("/api/v1/progress-updates/", payload | {"jurisdiction": "ON"}, format="json")

    refused = (no_seat, not_theirs, other_jurisdiction, no_seat_milestone)
    assert [response.status_code for response in refused] == [403, 403, 403, 403]
    # A draft plan's milestone is one they cannot see: as if it did not exist.
    assert draft_plan.status_code == 400
    assert draft_plan.json()["milestone"] == [f"No record has the id {world.draft_milestone.pk}."]
    assert theirs.status_code == 201
    assert ProgressUpdate.objects.filter(progress=30).count() == 1


def test_a_partner_seat_is_enough_to_report(world):
    world.second.seats.create(role="partner", jurisdiction=world.bc)
    bob = api_client(world.users.contributor_bc)

    response = bob.post(
        "/api/v1/progress-updates/",
        {
            "milestone": world.second_milestone.pk,
            "reported_on": "2020-05-01",
            "status": "on_track",
            "progress": 30,
            "jurisdiction": "BC",
        },
        format="json",
    )

    assert response.status_code == 201


def test_the_admin_offers_only_their_jurisdictions_and_milestones(world, client):
    MilestoneFactory(priority=world.draft_priority, due_date=datetime.date(2021, 3, 31))
    admin_client(client, world.users.contributor_on)

    accomplishment = client.get(admin_url(Accomplishment, "add")).context["adminform"].form
    update_page = client.get(admin_url(ProgressUpdate, "add"))
    update = update_page.context["adminform"].form
    story = client.get(admin_url(UserStory, "add")).context["adminform"].form

    assert list(accomplishment.fields["jurisdiction"].queryset) == [world.on]
    assert list(update.fields["jurisdiction"].queryset) == [world.on]
    assert list(update.fields["milestone"].queryset) == [world.m1]
    assert story.fields["jurisdiction"].required is True
    assert {"state", "published_on", "submitter_name", "submitter_email"} & set(story.fields) == set()
    assert 'name="publish"' not in update_page.content.decode()


def test_a_contributors_story_is_submitted_and_stays_so(world):
    alice = api_client(world.users.contributor_on)

    published = alice.patch(
        f"/api/v1/stories/{world.story.pk}/", {"state": "published", "published_on": "2020-06-01"}, format="json"
    )
    approved = alice.post(f"/api/v1/stories/{world.story.pk}/approve/")
    created = alice.post(
        "/api/v1/stories/",
        {
            "slug": "ours",
            "title_en": "Ours",
            "summary_en": "How",
            "jurisdiction": "ON",
            "user_type": "media",
            "impact": "social",
        },
        format="json",
    )

    # The state is the secretariat's actions', and published_on is not theirs either: a
    # write of either is refused on its field, and nothing changes.
    assert published.status_code == 400
    assert sorted(published.json()) == ["published_on", "state"]
    assert approved.status_code == 403
    story = UserStory.objects.get(pk=world.story.pk)
    assert (story.state, story.published_on) == ("submitted", None)
    assert created.status_code == 201
    assert UserStory.objects.get(slug="ours").state == "submitted"


def test_a_public_submission_keeps_its_submitter_private_from_contributors(world, client):
    story = UserStoryFactory(
        jurisdiction=world.on, state="submitted", published_on=None, submitter_email="ada@example.org"
    )
    admin_client(client, world.users.contributor_on)

    page = client.get(admin_url(UserStory, "change", story.pk))

    # Until it is published, the story itself is the secretariat's (tests/security/test_privacy_contributors.py).
    assert page.status_code == 404
    assert b"ada@example.org" not in page.content


def test_reverting_to_a_published_version_does_not_publish(world, client):
    accomplishment = world.accomplishment
    record_submit(record=accomplishment, by=world.users.contributor_on)
    records_publish(queryset=Accomplishment.objects.filter(pk=accomplishment.pk), by=world.users.secretariat)
    published_version = accomplishment.history.first()
    records_unpublish(queryset=Accomplishment.objects.filter(pk=accomplishment.pk), by=world.users.secretariat)
    record_submit(record=accomplishment, by=world.users.secretariat)
    record_return(record=accomplishment, comment="Again.", by=world.users.secretariat)
    admin_client(client, world.users.contributor_on)
    url = admin_url(Accomplishment, "simple_history", accomplishment.pk, published_version.history_id)

    response = client.post(url, form_data(client.get(url)))

    assert response.status_code == 302
    accomplishment.refresh_from_db()
    assert (accomplishment.publication_state, accomplishment.published_at) == (PublicationState.RETURNED, None)


# The binding, for the reporting cycles too


def test_a_contributor_acts_for_their_jurisdictions_only(world):
    both = make_user("carol", permissions.CONTRIBUTOR, jurisdictions=[world.on, world.bc])
    make_user("dave", permissions.CONTRIBUTOR)

    assert set(cycles.contributor_jurisdictions(both)) == {world.on, world.bc}
    assert list(cycles.contributor_jurisdictions(world.users.contributor_on)) == [world.on]
    assert set(cycles.contributor_jurisdictions(world.users.secretariat)) == {world.on, world.bc, world.ns, world.qc}
    assert list(cycles.contributor_jurisdictions(world.users.reader)) == []


def test_an_inactive_contributor_has_no_rights(world):
    alice = world.users.contributor_on
    alice.is_active = False
    alice.save()

    assert permissions.visible(alice, Accomplishment.objects.all()).filter(pk=world.accomplishment.pk).count() == 0
    assert permissions.can_add(alice, Accomplishment) is False
    assert list(cycles.contributor_jurisdictions(alice)) == []


def test_a_contributors_milestone_is_a_search_box_that_finds_only_what_they_report_on(world, client):
    """Milestones grow with every plan: the add form searches them rather than listing
    them all, and the search answers only those the contributor may report on."""
    admin_client(client, world.users.contributor_on)

    page = client.get(admin_url(ProgressUpdate, "add")).content.decode()
    found = client.get(
        reverse("admin:autocomplete"),
        {"app_label": "workplan", "model_name": "progressupdate", "field_name": "milestone", "term": ""},
    )

    milestone_box = re.search(r'<select name="milestone".*?</select>', page, re.S).group(0)
    assert 'data-ajax--url="/en/admin/autocomplete/"' in milestone_box
    assert f'<option value="{world.m1.pk}"' not in milestone_box  # searched, not listed
    assert found.status_code == 200
    assert [int(result["id"]) for result in found.json()["results"]] == [world.m1.pk]
