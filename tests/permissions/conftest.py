"""A small world for the rights tests, and one signed-in client per role.

Jurisdictions ON, BC, NS and QC. The active 2020 plan has priority 1, where ON holds the
lead seat (BC holds no seat), with milestone M1; and priority 2 (a target), with an NS
partner seat and a milestone. The draft 2021 plan has a priority, a seat and a milestone.
ON has a draft accomplishment, a draft challenge (ON only), a submitted user story and a
draft progress update on M1. Roles: a contributor for ON, one for BC, a Joint Councils
reader and a secretariat member, none of them superusers: their groups give their rights.
"""

import datetime
import html
import re
from types import SimpleNamespace

import pytest
from django.contrib.auth.models import Group
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone, translation
from rest_framework.test import APIClient

from cogwg.choices import MeetingKind, PublicationState, StatusReportState
from cogwg.permissions import CONTRIBUTOR, JOINT_COUNCILS_READER, SECRETARIAT, roles_sync
from stories.choices import StoryState
from tests.factories import (
    AccomplishmentFactory,
    AssignmentFactory,
    ChallengeFactory,
    ContributorFactory,
    DatasetFactory,
    JurisdictionFactory,
    MeetingFactory,
    MilestoneFactory,
    NextStepFactory,
    PriorityFactory,
    ProgressUpdateFactory,
    StatusReportFactory,
    UserFactory,
    UserStoryFactory,
    WorkPlanFactory,
)
from workplan.choices import SeatRole, WorkPlanStatus

ROLES = ("anonymous", "contributor_on", "contributor_bc", "reader", "secretariat")


@pytest.fixture(autouse=True)
def english_afterwards():
    yield
    translation.activate("en")


@pytest.fixture
def roles(db):
    """The roles' groups, as the migration leaves them (the suite runs without migrations)."""
    roles_sync()


def make_user(username, group=None, *, staff=True, jurisdictions=()):
    user = UserFactory(username=username, email=f"{username}@example.org", is_staff=staff)
    if group:
        user.groups.add(Group.objects.get(name=group))
    for jurisdiction in jurisdictions:
        ContributorFactory(user=user, jurisdiction=jurisdiction)
    return user


@pytest.fixture
def world(roles):
    on = JurisdictionFactory(code="ON", name_en="Ontario", name_fr="Ontario", order=1)
    bc = JurisdictionFactory(code="BC", name_en="British Columbia", name_fr="Colombie-Britannique", order=2)
    ns = JurisdictionFactory(code="NS", name_en="Nova Scotia", name_fr="Nouvelle-Écosse", order=3)
    qc = JurisdictionFactory(code="QC", name_en="Quebec", name_fr="Québec", order=4)
    plan = WorkPlanFactory(slug="2020", status=WorkPlanStatus.ACTIVE)
    first = PriorityFactory(work_plan=plan, number=1, slug="stories")
    on_lead = AssignmentFactory(priority=first, role=SeatRole.LEAD, jurisdiction=on)
    m1 = MilestoneFactory(priority=first, due_date=datetime.date(2020, 6, 30), description_en="Release the stories")
    second = PriorityFactory(work_plan=plan, number=2, slug="literacy")
    ns_seat = AssignmentFactory(priority=second, role=SeatRole.PARTNER, jurisdiction=ns)
    second_milestone = MilestoneFactory(priority=second, description_en="Guide")
    draft_plan = WorkPlanFactory(slug="2021", status=WorkPlanStatus.DRAFT)
    draft_priority = PriorityFactory(work_plan=draft_plan, number=1, slug="next")
    draft_seat = AssignmentFactory(priority=draft_priority, role=SeatRole.LEAD, jurisdiction=on)
    draft_milestone = MilestoneFactory(priority=draft_priority, description_en="Next year")
    lone_plan = WorkPlanFactory(slug="2019", status=WorkPlanStatus.CLOSED)
    meeting = MeetingFactory(kind=MeetingKind.COGWG, title_en="Lone meeting")
    next_step = NextStepFactory(meeting=MeetingFactory(kind=MeetingKind.JOINT_COUNCILS), text_en="Follow up")
    dataset = DatasetFactory(title_en="Budget")
    accomplishment = AccomplishmentFactory(
        jurisdiction=on,
        title_en="Ontario portal",
        title_fr="Portail de l'Ontario",
        publication_state=PublicationState.DRAFT,
    )
    challenge = ChallengeFactory(title_en="Ontario staffing", publication_state=PublicationState.DRAFT)
    challenge.jurisdictions.set([on])
    story = UserStoryFactory(
        jurisdiction=on, title_en="Ontario story", state=StoryState.SUBMITTED, published_on=None, slug="on-story"
    )
    update = ProgressUpdateFactory(milestone=m1, jurisdiction=on, publication_state=PublicationState.DRAFT)
    report = StatusReportFactory(work_plan=plan, title_en="Draft report")
    final_report = StatusReportFactory(
        work_plan=plan,
        title_en="Final report",
        as_of=datetime.date(2020, 1, 31),
        state=StatusReportState.FINAL,
        content={},
        frozen_at=timezone.now(),
    )
    final_report_draft = StatusReportFactory(
        work_plan=plan, title_en="January report", as_of=datetime.date(2020, 1, 31)
    )
    users = SimpleNamespace(
        contributor_on=make_user("alice", CONTRIBUTOR, jurisdictions=[on]),
        contributor_bc=make_user("bob", CONTRIBUTOR, jurisdictions=[bc]),
        reader=make_user("joint", JOINT_COUNCILS_READER),
        secretariat=make_user("sec", SECRETARIAT),
    )
    return SimpleNamespace(**locals())


def admin_client(client, user):
    if user is not None:
        client.force_login(user)
    return client


def api_client(user):
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


@pytest.fixture
def as_role(world, client):
    """``as_role(role, channel)``: a client of the admin (Django's) or of the API
    (DRF's), signed in as ``role``."""

    def make(role, channel):
        user = getattr(world.users, role, None)
        return admin_client(client, user) if channel == "admin" else api_client(user)

    return make


# Admin pages, read as a reader reads them.
def url(model, view, *args, language="en"):
    with translation.override(language):
        return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def text(page):
    content = re.sub(r"<script.*?</script>|<style.*?</style>", "", page.content.decode(), flags=re.S)
    return html.unescape(re.sub(r"[ \t\r\n]+", " ", re.sub(r"<[^>]+>", " ", content)))


def messages_of(response):
    return [(message.level_tag, html.unescape(str(message.message))) for message in get_messages(response.wsgi_request)]
