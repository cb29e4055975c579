"""A progress update's own order (``ProgressUpdate.Meta.ordering``, what a list without an
order of its own follows: a milestone's ``updates``, the API's list) is the order
"latest" means everywhere (``ProgressUpdate.objects.latest_first``): by milestone, by
report date and, among updates of one day, the last published first, whichever was
written first; an update published with no recorded time was published when created."""

import datetime

import pytest
from django.utils import timezone

from cogwg.choices import PublicationState
from tests.factories import MilestoneFactory, ProgressUpdateFactory
from workplan.models import ProgressUpdate

pytestmark = pytest.mark.django_db

DAY = datetime.date(2020, 11, 20)
NOON = timezone.make_aware(datetime.datetime(2020, 11, 20, 12))


def at(minutes):
    return NOON + datetime.timedelta(minutes=minutes)


def test_updates_of_one_day_are_listed_the_last_published_first():
    milestone = MilestoneFactory(due_date=datetime.date(2020, 12, 15))
    # Written first, published last (after review).
    reviewed = ProgressUpdateFactory(milestone=milestone, reported_on=DAY, created_at=at(0), published_at=at(30))
    # Written and published in between.
    posted = ProgressUpdateFactory(milestone=milestone, reported_on=DAY, created_at=at(10), published_at=at(10))
    # Loaded without a publication time: published when it was created, the last of the three.
    loaded = ProgressUpdateFactory(milestone=milestone, reported_on=DAY, created_at=at(20), published_at=None)
    # A draft: not published, placed by when it was written.
    draft = ProgressUpdateFactory(
        milestone=milestone,
        reported_on=DAY,
        created_at=at(5),
        published_at=None,
        publication_state=PublicationState.DRAFT,
    )
    day_before = ProgressUpdateFactory(
        milestone=milestone, reported_on=DAY - datetime.timedelta(days=1), created_at=at(40), published_at=at(40)
    )
    expected = [reviewed, loaded, posted, draft, day_before]

    assert list(milestone.updates.all()) == expected
    assert list(ProgressUpdate.objects.filter(milestone=milestone)) == expected
    assert list(ProgressUpdate.objects.filter(milestone=milestone).latest_first()) == expected


def test_the_api_lists_them_in_that_order_too(staff_api):
    milestone = MilestoneFactory(due_date=datetime.date(2020, 12, 15))
    reviewed = ProgressUpdateFactory(milestone=milestone, reported_on=DAY, created_at=at(0), published_at=at(30))
    posted = ProgressUpdateFactory(milestone=milestone, reported_on=DAY, created_at=at(10), published_at=at(10))

    response = staff_api.get("/api/v1/progress-updates/", {"milestone": milestone.pk})

    assert response.status_code == 200
    assert [record["id"] for record in response.json()["results"]] == [reviewed.pk, posted.pk]
