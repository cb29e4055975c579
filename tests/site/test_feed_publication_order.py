"""The feed of what is new lists the progress updates published last, whatever day they
report on: an update dated months ago and published today is new, and dated by its
publication."""

import datetime
import xml.etree.ElementTree as ET

import pytest

from tests.factories import MilestoneFactory
from workplan import services
from workplan.choices import MilestoneStatus
from workplan.models import ProgressUpdate

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"
FIRST_DAY = datetime.date(2020, 6, 1)


def post(milestone, day, progress):
    return services.milestone_post_update(
        milestone=milestone,
        reported_on=day,
        status=MilestoneStatus.ON_TRACK,
        progress=progress,
        note_en="n",
        note_fr="n",
    )


def entries(client):
    feed = ET.fromstring(client.get("/en/feed/").content)
    return [
        (entry.findtext(f"{ATOM}id"), entry.findtext(f"{ATOM}published"), entry.findtext(f"{ATOM}updated"))
        for entry in feed.iter(f"{ATOM}entry")
    ]


def feed_id(update):
    return f"tag:cogwg,2020:en:progress-update-{update.pk}"


def test_a_back_dated_update_published_after_thirty_newer_dated_ones_is_the_newest_entry(
    client, django_assert_num_queries
):
    milestone = MilestoneFactory(due_date=datetime.date(2020, 12, 31))
    newer_dated = [post(milestone, FIRST_DAY + datetime.timedelta(days=index), index) for index in range(30)]
    back_dated = post(milestone, datetime.date(2020, 3, 2), 3)

    with django_assert_num_queries(4):
        listed = entries(client)

    assert len(listed) == 30
    assert listed[0] == (feed_id(back_dated), back_dated.published_at.isoformat(), back_dated.published_at.isoformat())
    # The 29 published last before it follow, the last published first; the one published
    # first makes room.
    assert [entry_id for entry_id, _published, _updated in listed[1:]] == [
        feed_id(update) for update in reversed(newer_dated[1:])
    ]


def test_an_update_published_with_no_recorded_time_is_dated_by_its_creation(client):
    milestone = MilestoneFactory(due_date=datetime.date(2020, 12, 31))
    post(milestone, FIRST_DAY, 10)
    # Loaded published, with no publication time, after the other was published.
    loaded = services.milestone_post_update(
        milestone=milestone, reported_on=datetime.date(2020, 3, 2), status=MilestoneStatus.ON_TRACK, progress=5
    )
    ProgressUpdate.objects.filter(pk=loaded.pk).update(published_at=None)

    listed = entries(client)

    assert len(listed) == 2
    assert listed[0] == (feed_id(loaded), loaded.created_at.isoformat(), loaded.created_at.isoformat())
