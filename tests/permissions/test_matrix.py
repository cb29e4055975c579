"""THE permission matrix: every role, every model and every action, tried through the
admin and through the API, compared with the table below. Each cell is its own test.

A cell reads ``admin/api``: ``y`` when the role can, ``-`` when it cannot (refused,
not found, or no such thing in that channel). The actions:

- list:    the list answers (the public lists of the API answer everyone);
- draft:   a record the public may not see opens: ON's draft (for accomplishments,
           challenges, stories, progress updates), a draft plan's (plans, priorities,
           seats, milestones), a draft report. Jurisdictions, meetings, next steps and
           datasets have no drafts: any of their records;
- add:     a new record is created (for jurisdictions' records, one of ON's; a progress
           update on milestone M1, whose priority ON leads and where BC holds no seat);
- change:  a record is changed (ON's draft; another plan, priority… for the rest);
- delete:  it is deleted;
- publish: the publishing action (admin action, ``POST …/publish/``) publishes it;
- submit:  the review's submit (admin action, ``POST …/submit/``) submits it.

A contributor's reduced admin lists what they work on; what the public may read (plans,
seats, milestones, meetings…) they may still look up there, read-only, for their forms.
Seats and next steps have no API resource of their own (they are read and written with
their priority and meeting); a progress update is changed or deleted in the API while it is a draft or
returned, as in the admin (a published one is its milestone's log);
status reports are read-only there (frozen by the secretariat's freeze action); a story
is submitted as it is written (no submit); plans, priorities, milestones, jurisdictions,
meetings and datasets are not reviewed (no publish, no submit).
"""

import pytest
from django.test import Client

from cogwg.choices import PublicationState, StatusReportState
from cogwg.models import Meeting, NextStep, StatusReport
from jurisdictions.models import Accomplishment, Challenge, Jurisdiction
from stories.choices import StoryState
from stories.models import Dataset, UserStory
from tests.permissions.conftest import ROLES
from tests.test_admin import admin_url, form_data
from workplan.models import Assignment, Milestone, Priority, ProgressUpdate, WorkPlan

MATRIX = """
model           action    anonymous  contributor_on  contributor_bc  reader  secretariat

WorkPlan        list      -/y        y/y             y/y             -/y     y/y
WorkPlan        draft     -/-        -/-             -/-             -/-     y/y
WorkPlan        add       -/-        -/-             -/-             -/-     y/y
WorkPlan        change    -/-        -/-             -/-             -/-     y/y
WorkPlan        delete    -/-        -/-             -/-             -/-     y/y
WorkPlan        publish   -/-        -/-             -/-             -/-     -/-
WorkPlan        submit    -/-        -/-             -/-             -/-     -/-

Priority        list      -/y        y/y             y/y             -/y     y/y
Priority        draft     -/-        -/-             -/-             -/-     y/y
Priority        add       -/-        -/-             -/-             -/-     y/y
Priority        change    -/-        -/-             -/-             -/-     y/y
Priority        delete    -/-        -/-             -/-             -/-     y/y
Priority        publish   -/-        -/-             -/-             -/-     -/-
Priority        submit    -/-        -/-             -/-             -/-     -/-

Assignment      list      -/-        y/-             y/-             -/-     y/-
Assignment      draft     -/-        -/-             -/-             -/-     y/-
Assignment      add       -/-        -/-             -/-             -/-     y/-
Assignment      change    -/-        -/-             -/-             -/-     y/-
Assignment      delete    -/-        -/-             -/-             -/-     y/-
Assignment      publish   -/-        -/-             -/-             -/-     -/-
Assignment      submit    -/-        -/-             -/-             -/-     -/-

Milestone       list      -/y        y/y             y/y             -/y     y/y
Milestone       draft     -/-        -/-             -/-             -/-     y/y
Milestone       add       -/-        -/-             -/-             -/-     y/y
Milestone       change    -/-        -/-             -/-             -/-     y/y
Milestone       delete    -/-        -/-             -/-             -/-     y/y
Milestone       publish   -/-        -/-             -/-             -/-     -/-
Milestone       submit    -/-        -/-             -/-             -/-     -/-

ProgressUpdate  list      -/y        y/y             y/y             -/y     y/y
ProgressUpdate  draft     -/-        y/y             -/-             -/-     y/y
ProgressUpdate  add       -/-        y/y             -/-             -/-     y/y
ProgressUpdate  change    -/-        y/y             -/-             -/-     y/y
ProgressUpdate  delete    -/-        y/y             -/-             -/-     y/y
ProgressUpdate  publish   -/-        -/-             -/-             -/-     y/y
ProgressUpdate  submit    -/-        y/y             -/-             -/-     y/y

Jurisdiction    list      -/y        y/y             y/y             -/y     y/y
Jurisdiction    draft     -/y        y/y             y/y             -/y     y/y
Jurisdiction    add       -/-        -/-             -/-             -/-     y/y
Jurisdiction    change    -/-        -/-             -/-             -/-     y/y
Jurisdiction    delete    -/-        -/-             -/-             -/-     y/y
Jurisdiction    publish   -/-        -/-             -/-             -/-     -/-
Jurisdiction    submit    -/-        -/-             -/-             -/-     -/-

Accomplishment  list      -/y        y/y             y/y             -/y     y/y
Accomplishment  draft     -/-        y/y             -/-             -/-     y/y
Accomplishment  add       -/-        y/y             -/-             -/-     y/y
Accomplishment  change    -/-        y/y             -/-             -/-     y/y
Accomplishment  delete    -/-        y/y             -/-             -/-     y/y
Accomplishment  publish   -/-        -/-             -/-             -/-     y/y
Accomplishment  submit    -/-        y/y             -/-             -/-     y/y

Challenge       list      -/y        y/y             y/y             -/y     y/y
Challenge       draft     -/-        y/y             -/-             -/-     y/y
Challenge       add       -/-        y/y             -/-             -/-     y/y
Challenge       change    -/-        y/y             -/-             -/-     y/y
Challenge       delete    -/-        y/y             -/-             -/-     y/y
Challenge       publish   -/-        -/-             -/-             -/-     y/y
Challenge       submit    -/-        y/y             -/-             -/-     y/y

UserStory       list      -/y        y/y             y/y             -/y     y/y
UserStory       draft     -/-        y/y             -/-             -/-     y/y
UserStory       add       -/-        y/y             -/-             -/-     y/y
UserStory       change    -/-        y/y             -/-             -/-     y/y
UserStory       delete    -/-        -/-             -/-             -/-     y/y
UserStory       publish   -/-        -/-             -/-             -/-     y/y
UserStory       submit    -/-        -/-             -/-             -/-     -/-

Dataset         list      -/y        y/y             y/y             -/y     y/y
Dataset         draft     -/y        y/y             y/y             -/y     y/y
Dataset         add       -/-        -/-             -/-             -/-     y/y
Dataset         change    -/-        -/-             -/-             -/-     y/y
Dataset         delete    -/-        -/-             -/-             -/-     y/y
Dataset         publish   -/-        -/-             -/-             -/-     -/-
Dataset         submit    -/-        -/-             -/-             -/-     -/-

Meeting         list      -/y        y/y             y/y             -/y     y/y
Meeting         draft     -/y        y/y             y/y             -/y     y/y
Meeting         add       -/-        -/-             -/-             -/-     y/y
Meeting         change    -/-        -/-             -/-             -/-     y/y
Meeting         delete    -/-        -/-             -/-             -/-     y/y
Meeting         publish   -/-        -/-             -/-             -/-     -/-
Meeting         submit    -/-        -/-             -/-             -/-     -/-

NextStep        list      -/-        y/-             y/-             -/-     y/-
NextStep        draft     -/-        y/-             y/-             -/-     y/-
NextStep        add       -/-        -/-             -/-             -/-     y/-
NextStep        change    -/-        -/-             -/-             -/-     y/-
NextStep        delete    -/-        -/-             -/-             -/-     y/-
NextStep        publish   -/-        -/-             -/-             -/-     -/-
NextStep        submit    -/-        -/-             -/-             -/-     -/-

StatusReport    list      -/y        -/y             -/y             y/y     y/y
StatusReport    draft     -/-        -/-             -/-             y/y     y/y
StatusReport    add       -/-        -/-             -/-             -/-     y/-
StatusReport    change    -/-        -/-             -/-             -/-     y/-
StatusReport    delete    -/-        -/-             -/-             -/-     y/-
StatusReport    publish   -/-        -/-             -/-             -/-     y/-
StatusReport    submit    -/-        -/-             -/-             -/-     -/-
"""

CHANNELS = ("admin", "api")
ACTIONS = ("list", "draft", "add", "change", "delete", "publish", "submit")
CHANGED = "Changed by the matrix"


def parse(table: str) -> dict:
    """{(model, action, role): {"admin": bool, "api": bool}} from the table above."""
    header, *rows = [line.split() for line in table.strip().splitlines() if line.strip()]
    assert header == ["model", "action", *ROLES]
    expected = {}
    for model, action, *cells in rows:
        for role, cell in zip(ROLES, cells, strict=True):
            admin, api = cell.split("/")
            assert {admin, api} <= {"y", "-"}, cell
            expected[model, action, role] = {"admin": admin == "y", "api": api == "y"}
    return expected


EXPECTED = parse(MATRIX)


class Subject:
    """How the matrix reaches one model: its API resource, its records, the field a
    change writes, what a new record needs."""

    publish_action = "publish_selected"
    lookup = "pk"

    def __init__(self, model, resource, field):
        self.model, self.resource, self.field = model, resource, field

    def draft(self, world):
        raise NotImplementedError

    def target(self, world):
        return self.draft(world)

    def publish_target(self, world):
        return self.target(world)

    def admin_values(self, world) -> dict:
        raise NotImplementedError

    def api_values(self, world) -> dict:
        return self.admin_values(world)

    def state(self, record):
        return getattr(record, "publication_state", None)

    def is_published(self, record):
        return self.state(record) == PublicationState.PUBLISHED

    def detail(self, record):
        return f"/api/v1/{self.resource}/{getattr(record, self.lookup)}/"


class WorkPlanSubject(Subject):
    lookup = "slug"

    def draft(self, world):
        return world.draft_plan

    def target(self, world):
        return world.lone_plan

    def admin_values(self, world):
        return {
            "title_en": "2050 plan",
            "slug": "2050",
            "start_date": "2050-01-01",
            "end_date": "2050-12-31",
            "status": "draft",
        }


class PrioritySubject(Subject):
    def draft(self, world):
        return world.draft_priority

    def target(self, world):
        return world.second

    def admin_values(self, world):
        return {
            "work_plan": world.plan.pk,
            "number": "9",
            "title_en": "Ninth",
            "slug": "ninth",
            "issue_en": "An issue",
            "outcome_en": "An outcome",
        }

    def api_values(self, world):
        return {**self.admin_values(world), "work_plan": world.plan.slug, "number": 9}


class AssignmentSubject(Subject):
    def draft(self, world):
        return world.draft_seat

    def target(self, world):
        return world.ns_seat

    def admin_values(self, world):
        return {"priority": world.second.pk, "role": "lead", "jurisdiction": world.qc.pk, "order": "0"}


class MilestoneSubject(Subject):
    def draft(self, world):
        return world.draft_milestone

    def target(self, world):
        return world.second_milestone

    def admin_values(self, world):
        return {
            "priority": world.second.pk,
            "description_en": "A new milestone",
            "due_date": "2020-09-30",
            "kind": "deliverable",
            "order": "0",
        }

    def api_values(self, world):
        return {"priority": world.second.pk, "description_en": "A new milestone", "due_date": "2020-09-30"}


class ProgressUpdateSubject(Subject):
    def draft(self, world):
        return world.update

    def admin_values(self, world):
        return {
            "milestone": world.m1.pk,
            "reported_on": "2020-05-01",
            "status": "on_track",
            "progress": "40",
            "note_en": "Going",
            "note_fr": "En cours",
            "jurisdiction": world.on.pk,
        }

    def api_values(self, world):
        return {**self.admin_values(world), "progress": 40, "jurisdiction": "ON"}


class JurisdictionSubject(Subject):
    lookup = "code"

    def draft(self, world):
        return world.on

    def target(self, world):
        return world.qc

    def admin_values(self, world):
        return {"code": "YT", "name_en": "Yukon", "kind": "territorial", "order": "9", "is_member": "on"}

    def api_values(self, world):
        return {"code": "YT", "name_en": "Yukon", "kind": "territorial"}


class AccomplishmentSubject(Subject):
    def draft(self, world):
        return world.accomplishment

    def admin_values(self, world):
        return {"jurisdiction": world.on.pk, "title_en": "A new portal", "category": "portal"}

    def api_values(self, world):
        return {**self.admin_values(world), "jurisdiction": "ON"}


class ChallengeSubject(Subject):
    def draft(self, world):
        return world.challenge

    def admin_values(self, world):
        return {"title_en": "Staffing", "category": "resources", "status": "open", "jurisdictions": [world.on.pk]}

    def api_values(self, world):
        return {**self.admin_values(world), "jurisdictions": ["ON"]}


class UserStorySubject(Subject):
    def draft(self, world):
        return world.story

    def admin_values(self, world):
        return {
            "title_en": "A new story",
            "slug": "a-new-story",
            "summary_en": "How it helped",
            "jurisdiction": world.on.pk,
            "user_type": "researcher",
            "impact": "social",
        }

    def api_values(self, world):
        return {**self.admin_values(world), "jurisdiction": "ON"}

    def state(self, record):
        return record.state

    def is_published(self, record):
        return record.state == StoryState.PUBLISHED


class DatasetSubject(Subject):
    def draft(self, world):
        return world.dataset

    def admin_values(self, world):
        return {"portal_url": "https://open.canada.ca/data", "ckan_id": "new-one", "title_en": "New dataset"}


class MeetingSubject(Subject):
    def draft(self, world):
        return world.meeting

    def admin_values(self, world):
        return {"kind": "in_person", "date": "2020-10-01", "title_en": "In person"}


class NextStepSubject(Subject):
    def draft(self, world):
        return world.next_step

    def admin_values(self, world):
        return {"meeting": world.meeting.pk, "text_en": "Do it", "order": "0"}


class StatusReportSubject(Subject):
    publish_action = "publish_reports"

    def draft(self, world):
        return world.report

    def publish_target(self, world):
        return world.final_report

    def admin_values(self, world):
        return {
            "title_en": "New report",
            "title_fr": "Nouveau rapport",
            "work_plan": world.plan.pk,
            "as_of": "2020-06-30",
        }

    def api_values(self, world):
        return {"title_en": "New report", "work_plan": world.plan.slug, "as_of": "2020-06-30"}

    def state(self, record):
        return record.state

    def is_published(self, record):
        return record.state == StatusReportState.PUBLISHED


SUBJECTS = {
    "WorkPlan": WorkPlanSubject(WorkPlan, "work-plans", "title_en"),
    "Priority": PrioritySubject(Priority, "priorities", "title_en"),
    "Assignment": AssignmentSubject(Assignment, "assignments", "organization_en"),
    "Milestone": MilestoneSubject(Milestone, "milestones", "description_en"),
    "ProgressUpdate": ProgressUpdateSubject(ProgressUpdate, "progress-updates", "note_en"),
    "Jurisdiction": JurisdictionSubject(Jurisdiction, "jurisdictions", "name_en"),
    "Accomplishment": AccomplishmentSubject(Accomplishment, "accomplishments", "title_en"),
    "Challenge": ChallengeSubject(Challenge, "challenges", "title_en"),
    "UserStory": UserStorySubject(UserStory, "stories", "title_en"),
    "Dataset": DatasetSubject(Dataset, "datasets", "title_en"),
    "Meeting": MeetingSubject(Meeting, "meetings", "title_en"),
    "NextStep": NextStepSubject(NextStep, "next-steps", "text_en"),
    "StatusReport": StatusReportSubject(StatusReport, "status-reports", "title_en"),
}


def fresh(record):
    return type(record)._default_manager.filter(pk=record.pk).first()


def secretariat_page(world, url):
    """The admin form at ``url`` as the secretariat sees it: what a browser would post."""
    client = Client()
    client.force_login(world.users.secretariat)
    response = client.get(url)
    assert response.status_code == 200, url
    return form_data(response)


def submitted_now(subject, record, before):
    after = fresh(record)
    return before != PublicationState.SUBMITTED and subject.state(after) == PublicationState.SUBMITTED


# The admin


def admin_list(world, client, subject):
    return client.get(admin_url(subject.model, "changelist")).status_code == 200


def admin_draft(world, client, subject):
    record = subject.draft(world)
    response = client.get(admin_url(subject.model, "change", record.pk))
    return response.status_code == 200 and response.context["original"] == record


def admin_add(world, client, subject):
    url = admin_url(subject.model, "add")
    data = secretariat_page(world, url) | subject.admin_values(world) | {"_save": "Save"}
    before = subject.model._default_manager.count()
    response = client.post(url, data)
    created = subject.model._default_manager.count() == before + 1
    assert response.status_code == 302 or not created
    return created


def admin_change(world, client, subject):
    record = subject.target(world)
    url = admin_url(subject.model, "change", record.pk)
    data = secretariat_page(world, url) | {subject.field: CHANGED, "_save": "Save"}
    client.post(url, data)
    return getattr(fresh(record), subject.field) == CHANGED


def admin_delete(world, client, subject):
    record = subject.target(world)
    client.post(admin_url(subject.model, "delete", record.pk), {"post": "yes"})
    return fresh(record) is None


def admin_publish(world, client, subject):
    record = subject.publish_target(world)
    action = {"action": subject.publish_action, "_selected_action": [record.pk]}
    client.post(admin_url(subject.model, "changelist"), action)
    return subject.is_published(fresh(record))


def admin_submit(world, client, subject):
    record = subject.target(world)
    before = subject.state(record)
    client.post(admin_url(subject.model, "changelist"), {"action": "submit_selected", "_selected_action": [record.pk]})
    return submitted_now(subject, record, before)


# The API


def api_list(world, client, subject):
    return client.get(f"/api/v1/{subject.resource}/").status_code == 200


def api_draft(world, client, subject):
    record = subject.draft(world)
    response = client.get(subject.detail(record))
    return response.status_code == 200 and response.json()["id"] == record.pk


def api_add(world, client, subject):
    before = subject.model._default_manager.count()
    response = client.post(f"/api/v1/{subject.resource}/", subject.api_values(world), format="json")
    created = subject.model._default_manager.count() == before + 1
    assert response.status_code == 201 or not created
    return created


def api_change(world, client, subject):
    record = subject.target(world)
    client.patch(subject.detail(record), {subject.field: CHANGED}, format="json")
    return getattr(fresh(record), subject.field) == CHANGED


def api_delete(world, client, subject):
    record = subject.target(world)
    client.delete(subject.detail(record))
    return fresh(record) is None


def api_publish(world, client, subject):
    record = subject.publish_target(world)
    client.post(f"{subject.detail(record)}publish/")
    return subject.is_published(fresh(record))


def api_submit(world, client, subject):
    record = subject.target(world)
    before = subject.state(record)
    client.post(f"{subject.detail(record)}submit/")
    return submitted_now(subject, record, before)


TRIES = {
    "admin": {
        "list": admin_list,
        "draft": admin_draft,
        "add": admin_add,
        "change": admin_change,
        "delete": admin_delete,
        "publish": admin_publish,
        "submit": admin_submit,
    },
    "api": {
        "list": api_list,
        "draft": api_draft,
        "add": api_add,
        "change": api_change,
        "delete": api_delete,
        "publish": api_publish,
        "submit": api_submit,
    },
}

CELLS = [
    (channel, role, model, action) for channel in CHANNELS for model in SUBJECTS for action in ACTIONS for role in ROLES
]


def test_the_matrix_has_every_role_model_and_action():
    assert set(EXPECTED) == {(model, action, role) for model in SUBJECTS for action in ACTIONS for role in ROLES}


@pytest.mark.parametrize(("channel", "role", "model", "action"), CELLS, ids=["-".join(cell) for cell in CELLS])
def test_permission_matrix(world, as_role, channel, role, model, action):
    client = as_role(role, channel)

    can = TRIES[channel][action](world, client, SUBJECTS[model])

    assert can is EXPECTED[model, action, role][channel]
