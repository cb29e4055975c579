"""Two published updates of one milestone on the same day: the last published is the
latest, everywhere (``ProgressUpdate.objects.latest_first``): the milestone's status, its
state as of the day in the selectors and the API, and the newest entry of the feed. An
update published with no recorded time counts as published when it was created."""

import datetime
import xml.etree.ElementTree as ET

import pytest

from cogwg.choices import PublicationState
from tests.factories import MilestoneFactory, PriorityFactory, ProgressUpdateFactory
from workplan import services
from workplan.choices import MilestoneStatus
from workplan.models import ProgressUpdate
from workplan.selectors import work_plan_status

pytestmark = pytest.mark.django_db

DAY = datetime.date(2020, 11, 20)
ATOM = "{http://www.w3.org/2005/Atom}"


def post(milestone, status, progress, *, publish=True, day=DAY):
    return services.milestone_post_update(
        milestone=milestone,
        reported_on=day,
        status=status,
        progress=progress,
        note_en="n",
        note_fr="n",
        publish=publish,
    )


def as_of(milestone, day):
    plan_status = work_plan_status(work_plan=milestone.priority.work_plan, as_of=day)
    (state,) = [state for state in plan_status.milestones if state.milestone.pk == milestone.pk]
    return state.status, state.progress


def api_row(client, milestone, **params):
    body = client.get(f"/api/v1/work-plans/{milestone.priority.work_plan.slug}/status/", params).json()
    (row,) = [row for priority in body["priorities"] for row in priority["milestones"] if row["id"] == milestone.pk]
    return row["status"], row["progress"]


def newest_feed_entry(client):
    feed = ET.fromstring(client.get("/en/feed/").content)
    return next(feed.iter(f"{ATOM}entry")).findtext(f"{ATOM}title")


def test_a_draft_written_first_and_published_last_wins_its_day(client):
    priority = PriorityFactory(number=3)
    milestone = MilestoneFactory(priority=priority, due_date=datetime.date(2020, 12, 15), description_en="Tie")
    contributors = post(milestone, MilestoneStatus.AT_RISK, 50, publish=False)
    post(milestone, MilestoneStatus.ON_TRACK, 30)

    services.progress_update_publish(update=contributors)

    milestone.refresh_from_db()
    assert (milestone.status, milestone.progress) == (MilestoneStatus.AT_RISK, 50)
    assert as_of(milestone, DAY) == (MilestoneStatus.AT_RISK, 50)
    assert api_row(client, milestone) == (MilestoneStatus.AT_RISK, 50)
    assert api_row(client, milestone, as_of=DAY.isoformat()) == (MilestoneStatus.AT_RISK, 50)
    assert newest_feed_entry(client) == "Progress on priority 3: Tie — At risk, 50%"
    assert list(milestone.updates.approved().latest_first()) == [
        contributors,
        ProgressUpdate.objects.get(progress=30),
    ]


def test_withdrawn_and_published_again_it_is_the_last_published():
    milestone = MilestoneFactory()
    first = post(milestone, MilestoneStatus.AT_RISK, 50)
    post(milestone, MilestoneStatus.ON_TRACK, 30)

    services.progress_update_unpublish(update=first)
    services.progress_update_publish(update=first)

    milestone.refresh_from_db()
    assert (milestone.status, milestone.progress) == (MilestoneStatus.AT_RISK, 50)
    assert as_of(milestone, DAY) == (MilestoneStatus.AT_RISK, 50)


def test_an_update_published_with_no_recorded_time_counts_from_its_creation():
    milestone = MilestoneFactory()
    post(milestone, MilestoneStatus.AT_RISK, 50)
    # Loaded published, with no publication time: created last, it is the latest.
    loaded = ProgressUpdateFactory(milestone=milestone, reported_on=DAY, progress=70, published_at=None)
    assert loaded.publication_state == PublicationState.PUBLISHED

    assert milestone.updates.approved().latest_first().first() == loaded
    assert as_of(milestone, DAY) == (MilestoneStatus.ON_TRACK, 70)
