"""The newest published records (home page, list pages, feed) are read in order from an
index, a few rows a request, instead of sorting every published record each time."""

import pytest
from django.db import connection

from jurisdictions.models import Accomplishment
from stories.models import UserStory
from tests import factories

pytestmark = pytest.mark.django_db


def plan_of(queryset):
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            # A test database is tiny: PostgreSQL would rightly scan it. Whether the index
            # *can* serve the query (its condition and order) is what is checked here.
            cursor.execute("SET LOCAL enable_seqscan = off")
        return queryset.explain()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")  # SQLite weighs its indexes by their statistics
    return queryset.explain()


def reads_in_index_order(plan, index):
    sorted_in_memory = "Sort" in plan if connection.vendor == "postgresql" else "TEMP B-TREE" in plan
    return index in plan and not sorted_in_memory


def test_the_latest_published_accomplishments_come_from_their_index():
    factories.AccomplishmentFactory.create_batch(3)
    latest = Accomplishment.objects.published().order_by("-date", "-published_at", "-pk")[:5]

    assert reads_in_index_order(plan_of(latest), "accomplishment_recent_pub")


def test_published_user_stories_in_listing_order_come_from_their_index():
    factories.UserStoryFactory.create_batch(3)
    latest = UserStory.objects.published()[:3]

    assert reads_in_index_order(plan_of(latest), "userstory_recent_pub")
