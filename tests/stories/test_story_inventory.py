"""stories.selectors.story_inventory: how many user stories were received and published in
a report's period, since the work plan began and in all, up to a date."""

import datetime

import pytest
from django.utils import timezone

from stories.choices import StoryState
from stories.selectors import StoryCounts, story_inventory
from tests.factories import MilestoneFactory, PriorityFactory, UserStoryFactory, WorkPlanFactory
from tests.reports.story_inventory import AS_OF, EXPECTED, PERIOD_START, PLAN_START, make_stories, stored_on
from workplan import selectors

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan():
    return WorkPlanFactory(slug="2020", start_date=PLAN_START)


def counted(inventory):
    return {
        scope: {"received": counts.received, "published": counts.published}
        for scope, counts in (("period", inventory.period), ("plan", inventory.plan), ("to_date", inventory.to_date))
    }


def test_it_counts_the_known_stories_scope_by_scope(plan):
    make_stories()

    inventory = story_inventory(work_plan=plan, as_of=AS_OF, period_start=PERIOD_START)

    assert counted(inventory) == EXPECTED
    assert (inventory.as_of, inventory.plan_start, inventory.period_start) == (AS_OF, PLAN_START, PERIOD_START)


def test_a_rejected_story_is_received_and_never_published(plan):
    UserStoryFactory(
        state=StoryState.REJECTED,
        published_on=None,
        created_at=stored_on(datetime.date(2020, 3, 2)),
        rejection_reason="Not about open data.",
    )

    inventory = story_inventory(work_plan=plan, as_of=AS_OF, period_start=PERIOD_START)

    assert inventory.period == inventory.plan == inventory.to_date == StoryCounts(received=1, published=0)


def test_a_story_published_after_the_date_is_received_and_not_yet_published(plan):
    UserStoryFactory(published_on=AS_OF + datetime.timedelta(days=1), created_at=stored_on(datetime.date(2020, 4, 1)))

    inventory = story_inventory(work_plan=plan, as_of=AS_OF)

    assert inventory.to_date == StoryCounts(received=1, published=0)
    assert story_inventory(work_plan=plan, as_of=AS_OF + datetime.timedelta(days=1)).to_date == StoryCounts(1, 1)


def test_a_story_received_after_the_date_is_not_counted(plan):
    UserStoryFactory(state=StoryState.SUBMITTED, published_on=None, created_at=stored_on(AS_OF) + datetime.timedelta(1))

    inventory = story_inventory(work_plan=plan, as_of=AS_OF, period_start=PERIOD_START)

    assert inventory.period == inventory.plan == inventory.to_date == StoryCounts(received=0, published=0)


def test_a_story_entered_after_it_was_published_was_received_by_then(plan):
    UserStoryFactory(published_on=datetime.date(2020, 4, 20))  # stored today

    inventory = story_inventory(work_plan=plan, as_of=AS_OF, period_start=PERIOD_START)

    assert inventory.period == StoryCounts(received=1, published=1)
    assert story_inventory(work_plan=plan, as_of=datetime.date(2020, 4, 19)).to_date == StoryCounts(0, 0)


def test_without_a_period_there_is_no_period_count(plan):
    make_stories()

    inventory = story_inventory(work_plan=plan, as_of=AS_OF)

    assert inventory.period is None and inventory.period_start is None
    assert (inventory.plan, inventory.to_date) == (StoryCounts(9, 3), StoryCounts(10, 4))


def test_no_story_counts_zero(plan):
    inventory = story_inventory(work_plan=plan, as_of=timezone.localdate(), period_start=PERIOD_START)

    assert inventory.period == inventory.plan == inventory.to_date == StoryCounts(received=0, published=0)


@pytest.mark.parametrize("size", [1, 30])
def test_it_runs_one_query_whatever_the_number_of_stories(plan, django_assert_num_queries, size):
    for index in range(size):
        UserStoryFactory(state=StoryState.PUBLISHED if index % 2 else StoryState.SUBMITTED)

    with django_assert_num_queries(1):
        inventory = story_inventory(work_plan=plan, as_of=timezone.localdate(), period_start=PERIOD_START)

    assert inventory.to_date.received == size


def test_the_plan_status_carries_the_inventory_when_asked(plan, django_assert_num_queries):
    MilestoneFactory(priority=PriorityFactory(work_plan=plan))
    make_stories()
    selectors.work_plan_status(work_plan=plan, as_of=AS_OF)  # the database's features, probed once

    with django_assert_num_queries(4):  # the plan's three, and the inventory's one
        status = selectors.work_plan_status(work_plan=plan, as_of=AS_OF, stories=True)

    assert status.stories == story_inventory(work_plan=plan, as_of=AS_OF)
    assert selectors.work_plan_status(work_plan=plan, as_of=AS_OF).stories is None
