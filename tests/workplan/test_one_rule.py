"""One rule, one place: the shares of the milestones by status, the dashboard's next
milestones, a challenge's status as of a date, the overdue rule, the public's seats, and
the writes of the admin's plan and priority tables all come from the selectors and
services, so that a page, the API and a report give the same answer."""

import datetime
import re
from fractions import Fraction

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from cogwg import permissions
from cogwg.reports.content import _challenge
from cogwg.reports.selectors import challenges_reported
from cogwg.templatetags.cogwg_tags import percent
from jurisdictions.choices import ChallengeStatus
from jurisdictions.selectors import ChallengeState, challenge_state_as_of
from tests.factories import (
    AssignmentFactory,
    ChallengeFactory,
    JurisdictionFactory,
    MilestoneFactory,
    PriorityFactory,
    WorkPlanFactory,
)
from workplan import selectors
from workplan.choices import MilestoneStatus as S
from workplan.choices import WorkPlanStatus
from workplan.models import Assignment, Milestone, Priority, WorkPlan
from workplan.services import priorities_make_room, seats_vacate, work_plan_save

pytestmark = pytest.mark.django_db

# The status table of the dashboard and the plan's page: status, count, share.
STATUS_ROW = re.compile(
    r'<tr><th scope="row"><span class="status status--(\w+)">[^<]*</span></th>'
    r'<td class="number">(\d+)</td><td class="number">([^<]*)</td></tr>'
)


def exact_whole_percent(count, total):
    """``count`` of ``total`` as a whole percent, halves up, in exact rational arithmetic."""
    return int(Fraction(100 * count, total) + Fraction(1, 2)) if total else 0


# Shares of the milestones by status


def test_19_of_21_milestones_show_as_90_percent_on_the_dashboard(client):
    plan = WorkPlanFactory(slug="2020", status=WorkPlanStatus.ACTIVE)
    priority = PriorityFactory(work_plan=plan, number=1)
    for _ in range(19):
        MilestoneFactory(priority=priority, status=S.NOT_STARTED)
    for _ in range(2):
        MilestoneFactory(priority=priority, status=S.ON_TRACK, progress=50)

    response = client.get(reverse("home"))

    rows = {status: (int(count), share) for status, count, share in STATUS_ROW.findall(response.content.decode())}
    # 19/21 = 90.48 %: rounded to a tenth first (90.5) and then to a whole percent, it showed 91 %.
    assert rows[S.NOT_STARTED] == (19, "90%")
    assert rows[S.ON_TRACK] == (2, "10%")
    assert rows[S.COMPLETED] == (0, "0%")
    assert "91%" not in response.content.decode()


def test_every_share_up_to_60_milestones_is_the_exact_fraction_rounded_once():
    wrong = []
    for total in range(1, 61):
        for count in range(total + 1):
            counts = {S.NOT_STARTED: count, S.ON_TRACK: total - count}
            expected = exact_whole_percent(count, total)

            shares = {share.status: share.share for share in selectors.status_shares(counts)}

            if (shares[S.NOT_STARTED], percent(shares[S.NOT_STARTED])) != (expected, f"{expected}%"):
                wrong.append((count, total))
    assert wrong == []


def test_shares_come_in_the_order_of_the_statuses_and_are_zero_with_no_milestone():
    shares = selectors.status_shares(dict.fromkeys(S.values, 0))

    assert [(share.status, share.count, share.share) for share in shares] == [(status, 0, 0) for status in S]


def test_the_plan_status_gives_its_shares():
    plan = WorkPlanFactory(slug="2020")
    priority = PriorityFactory(work_plan=plan, number=1)
    MilestoneFactory(priority=priority, status=S.COMPLETED, progress=100)
    MilestoneFactory(priority=priority, status=S.COMPLETED, progress=100)
    MilestoneFactory(priority=priority, status=S.DELAYED, progress=10)

    status = selectors.work_plan_status(work_plan=plan, as_of=None, notes=False)

    assert {share.status: (share.count, share.share) for share in status.shares if share.count} == {
        S.COMPLETED: (2, 67),
        S.DELAYED: (1, 33),
    }


# The dashboard's next milestones


def test_next_milestones_are_the_open_ones_not_overdue_soonest_first(client):
    today = timezone.localdate()
    plan = WorkPlanFactory(
        slug="2020",
        start_date=today - datetime.timedelta(days=400),
        end_date=today + datetime.timedelta(days=400),
    )
    first, second = PriorityFactory(work_plan=plan, number=1), PriorityFactory(work_plan=plan, number=2)
    later = MilestoneFactory(priority=first, due_date=today + datetime.timedelta(days=30))
    due_today_second = MilestoneFactory(priority=second, due_date=today, order=2)
    due_today_first = MilestoneFactory(priority=first, due_date=today, order=1)
    MilestoneFactory(priority=first, due_date=today - datetime.timedelta(days=1))  # overdue
    MilestoneFactory(priority=first, due_date=today + datetime.timedelta(days=1), status=S.COMPLETED, progress=100)
    MilestoneFactory(priority=second, due_date=today + datetime.timedelta(days=2), status=S.CANCELLED)

    upcoming = selectors.work_plan_status(work_plan=plan, notes=False).upcoming
    shown = client.get(reverse("home")).context["next_milestones"]

    assert [state.milestone for state in upcoming] == [due_today_first, due_today_second, later]
    assert [state.milestone for state in shown] == [due_today_first, due_today_second, later]


def test_the_dashboard_shows_five_next_milestones(client):
    today = timezone.localdate()
    plan = WorkPlanFactory(slug="2020", start_date=today, end_date=today + datetime.timedelta(days=400))
    priority = PriorityFactory(work_plan=plan, number=1)
    milestones = [MilestoneFactory(priority=priority, due_date=today + datetime.timedelta(days=n)) for n in range(7)]

    shown = client.get(reverse("home")).context["next_milestones"]

    assert [state.milestone for state in shown] == milestones[:5]


# A challenge's status as of a date


@pytest.mark.parametrize(
    ("status", "resolved_on", "expected"),
    [
        # Resolved after the date: still open then, not yet resolved.
        (ChallengeStatus.RESOLVED, datetime.date(2020, 7, 1), ChallengeState(ChallengeStatus.OPEN, None)),
        # Resolved on the date or before: resolved then.
        (
            ChallengeStatus.RESOLVED,
            datetime.date(2020, 6, 30),
            ChallengeState(ChallengeStatus.RESOLVED, datetime.date(2020, 6, 30)),
        ),
        # Not resolved: its status now.
        (ChallengeStatus.BEING_ADDRESSED, None, ChallengeState(ChallengeStatus.BEING_ADDRESSED, None)),
    ],
)
def test_a_challenges_state_as_of_a_date(status, resolved_on, expected):
    ChallengeFactory(status=status, resolved_on=resolved_on, first_reported_on=datetime.date(2020, 1, 15))
    start, end = datetime.date(2020, 1, 1), datetime.date(2020, 6, 30)
    (challenge,) = challenges_reported(start=start, end=end)

    state = challenge_state_as_of(challenge, as_of=end)
    entry = _challenge(challenge, end=end)

    assert state == expected
    assert (entry["status"], entry["resolved_on"]) == (
        expected.status,
        expected.resolved_on.isoformat() if expected.resolved_on else None,
    )


# The overdue rule


@pytest.mark.parametrize("status", S.values)
@pytest.mark.parametrize("days_late", [-1, 0, 1])
def test_the_overdue_rule_in_python_and_in_sql_agree(status, days_late):
    on = datetime.date(2020, 7, 1)
    milestone = MilestoneFactory(status=status, due_date=on - datetime.timedelta(days=days_late))

    in_python = selectors.is_overdue(due_date=milestone.due_date, status=status, on=on)
    in_sql = Milestone.objects.overdue(on=on).filter(pk=milestone.pk).exists()

    assert in_python is in_sql
    assert in_python is (days_late > 0 and status not in (S.COMPLETED, S.CANCELLED))


def test_the_overdue_rule_needs_its_date():
    with pytest.raises(TypeError):
        Milestone.objects.overdue()
    assert not hasattr(Milestone, "overdue")


def test_every_milestone_state_is_overdue_alike_in_the_api_the_plans_status_and_the_page(client):
    api = APIClient()
    today = timezone.localdate()
    plan = WorkPlanFactory(
        slug="2020",
        status=WorkPlanStatus.ACTIVE,
        start_date=today - datetime.timedelta(days=400),
        end_date=today + datetime.timedelta(days=400),
    )
    priority = PriorityFactory(work_plan=plan, number=1, slug="priority-1")
    for status in S.values:
        for days_late in (-1, 0, 1):
            MilestoneFactory(
                priority=priority,
                status=status,
                progress=100 if status == S.COMPLETED else 40,
                due_date=today - datetime.timedelta(days=days_late),
            )

    listed = api.get("/api/v1/milestones/", {"work_plan": "2020", "page_size": 100}).json()["results"]
    plan_status = api.get("/api/v1/work-plans/2020/status/").json()
    page = client.get(reverse("workplan:priority", args=["2020", "priority-1"])).content.decode()

    in_list = {row["id"]: row["overdue"] for row in listed}
    in_status = {row["id"]: row["overdue"] for row in plan_status["priorities"][0]["milestones"]}
    on_page = {
        int(pk): "status--overdue" in item
        for pk, item in re.findall(r'<li id="milestone-(\d+)">(.*?)</li>', page, flags=re.DOTALL)
    }
    in_sql = set(Milestone.objects.overdue(on=today).values_list("pk", flat=True))
    expected = {
        milestone.pk: milestone.due_date < today and milestone.status not in (S.COMPLETED, S.CANCELLED)
        for milestone in Milestone.objects.all()
    }
    assert len(expected) == 18
    assert sum(expected.values()) == 4  # due yesterday and not started, on track, at risk or delayed
    assert in_list == in_status == on_page == expected
    assert in_sql == {pk for pk, overdue in expected.items() if overdue}
    assert sorted(row["id"] for row in plan_status["overdue"]) == sorted(in_sql)


def test_a_prioritys_progress_in_the_api_is_the_plans_status_one():
    api = APIClient()
    plan = WorkPlanFactory(slug="2020")
    priority = PriorityFactory(work_plan=plan, number=1)
    for status, progress in ((S.ON_TRACK, 33), (S.AT_RISK, 33), (S.ON_TRACK, 34), (S.CANCELLED, 0)):
        MilestoneFactory(priority=priority, status=status, progress=progress)

    body = api.get(f"/api/v1/priorities/{priority.pk}/").json()
    plan_status = api.get("/api/v1/work-plans/2020/status/").json()["priorities"][0]

    assert (body["progress"], body["status"]) == (plan_status["progress"], plan_status["status"]) == (33.3, S.AT_RISK)


# The public's seats


def test_the_public_sees_the_seats_of_published_plans_only():
    jurisdiction = JurisdictionFactory(code="ON")
    public = AssignmentFactory(
        priority=PriorityFactory(work_plan=WorkPlanFactory(slug="2020")), jurisdiction=jurisdiction
    )
    AssignmentFactory(
        priority=PriorityFactory(work_plan=WorkPlanFactory(slug="2021", status=WorkPlanStatus.DRAFT)),
        jurisdiction=jurisdiction,
    )

    assert list(Assignment.objects.published()) == [public]
    assert list(permissions.visible(None, Assignment.objects.all())) == [public]


# The admin's and the API's writes, through the services


def test_saving_an_active_plan_closes_the_one_before_with_the_user_in_both_histories(staff):
    previous = WorkPlanFactory(slug="2020", status=WorkPlanStatus.ACTIVE, start_date=datetime.date(2020, 1, 1))
    plan = WorkPlanFactory(
        slug="2021",
        status=WorkPlanStatus.DRAFT,
        start_date=datetime.date(2021, 1, 1),
        end_date=datetime.date(2021, 12, 31),
    )
    plan.status = WorkPlanStatus.ACTIVE

    closed = work_plan_save(work_plan=plan, by=staff)

    previous.refresh_from_db()
    assert closed == [previous]
    assert previous.status == WorkPlanStatus.CLOSED
    assert WorkPlan.objects.get(pk=plan.pk).status == WorkPlanStatus.ACTIVE
    assert plan.history.latest().history_user == previous.history.latest().history_user == staff


def test_saving_a_draft_plan_closes_nothing(staff):
    previous = WorkPlanFactory(slug="2020", status=WorkPlanStatus.ACTIVE, start_date=datetime.date(2020, 1, 1))
    plan = WorkPlanFactory(
        slug="2021",
        status=WorkPlanStatus.DRAFT,
        start_date=datetime.date(2021, 1, 1),
        end_date=datetime.date(2021, 12, 31),
    )
    plan.title_en = "Next year"

    closed = work_plan_save(work_plan=plan, by=staff)

    previous.refresh_from_db()
    assert closed == []
    assert previous.status == WorkPlanStatus.ACTIVE
    assert WorkPlan.objects.get(pk=plan.pk).title_en == "Next year"


def test_priorities_make_room_above_every_number_stored_or_wanted():
    plan = WorkPlanFactory(slug="2020")
    first, second, third = (PriorityFactory(work_plan=plan, number=number) for number in (1, 2, 3))
    other = PriorityFactory(work_plan=WorkPlanFactory(slug="2021"), number=1)

    priorities_make_room(work_plan=plan, priority_ids=[first.pk, second.pk, other.pk], numbers=[2, 1, 5])

    assert dict(Priority.objects.filter(work_plan=plan).values_list("pk", "number")) == {
        first.pk: 6,
        second.pk: 7,
        third.pk: 3,
    }
    # Another plan's priority is not this plan's to move, and no history is written.
    assert Priority.objects.get(pk=other.pk).number == 1
    assert first.history.count() == 1


def test_seats_vacate_frees_the_priority_s_seats_only():
    priority = PriorityFactory()
    moved = AssignmentFactory(priority=priority, jurisdiction=JurisdictionFactory(code="ON"))
    kept = AssignmentFactory(priority=priority, jurisdiction=JurisdictionFactory(code="BC"))
    elsewhere = AssignmentFactory(jurisdiction=JurisdictionFactory(code="NS"))

    seats_vacate(priority=priority, seat_ids=[moved.pk, elsewhere.pk])

    assert dict(Assignment.objects.values_list("pk", "jurisdiction__code")) == {
        moved.pk: None,
        kept.pk: "BC",
        elsewhere.pk: "NS",
    }
