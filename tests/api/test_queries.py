"""Every list and detail endpoint runs the same number of SQL queries with 1 record and
with 50 (the ETag validator's included), the detail's record having more related rows at 50."""

import pytest

from stories.choices import StoryState
from tests import factories
from tests.api.records import build, build_plan_status

# resource: (list queries, detail queries)
EXPECTED = {
    "work-plans": (4, 3),
    "priorities": (5, 4),
    "milestones": (4, 3),
    "progress-updates": (3, 2),
    "jurisdictions": (3, 2),
    "accomplishments": (5, 4),  # the priorities the reader may see: one query (shown_priority)
    "challenges": (4, 3),
    "stories": (6, 5),  # the releases the reader may see: one query (shown_release)
    "datasets": (3, 2),
    "meetings": (4, 3),
    "status-reports": (4, 3),
}
# What the detail shows of the record it reads (tests/api/records.py): a list that grows with
# the count, so that a query per row of it would change the detail's count. The other
# resources' details show no list of related rows.
GROWING = {
    "work-plans": ("priorities", lambda count: count + 1),
    "priorities": ("seats", lambda count: count + 2),
    "milestones": ("lead_jurisdictions", lambda count: count),
    "accomplishments": ("links", lambda count: count),
    "challenges": ("jurisdictions", lambda count: count + 1),
    "stories": ("datasets", lambda count: count),
    "meetings": ("next_steps", lambda count: 2 * count),
    "status-reports": ("files", lambda count: 1 if count == 1 else 8),
}


@pytest.mark.parametrize("count", [1, 50])
@pytest.mark.parametrize("resource", list(EXPECTED))
def test_list_runs_a_constant_number_of_queries(api, django_assert_num_queries, resource, count):
    list_path, _detail_path = build(resource, count)

    with django_assert_num_queries(EXPECTED[resource][0]):
        response = api.get(list_path, {"page_size": 200})

    assert response.status_code == 200
    assert response.json()["count"] == count


@pytest.mark.parametrize("count", [1, 50])
@pytest.mark.parametrize("resource", list(EXPECTED))
def test_detail_runs_a_constant_number_of_queries(api, django_assert_num_queries, resource, count):
    _list_path, detail_path = build(resource, count)

    with django_assert_num_queries(EXPECTED[resource][1]):
        response = api.get(detail_path)

    assert response.status_code == 200
    if resource in GROWING:
        key, length = GROWING[resource]
        assert len(response.json()[key]) == length(count)


@pytest.mark.parametrize("count", [1, 50])
def test_csv_download_runs_a_constant_number_of_queries(api, django_assert_num_queries, count):
    list_path, _detail_path = build("milestones", count)

    with django_assert_num_queries(3):  # no page count
        response = api.get(list_path, {"format": "csv"})

    assert response.status_code == 200
    assert len(response.content.decode().splitlines()) == count + 1


@pytest.mark.parametrize("count", [1, 50])
def test_plan_status_runs_a_constant_number_of_queries(api, django_assert_num_queries, count):
    path = build_plan_status(count)
    # As many stories, each with a theme: the inventory counts them, it does not load them.
    for index in range(count):
        story = factories.UserStoryFactory(state=StoryState.SUBMITTED if index % 2 else StoryState.PUBLISHED)
        story.themes.set([factories.ThemeFactory()])

    # 6: the data version, the plan, its priorities, their seats, their milestones, and
    # the user stories inventory (one aggregate, stories.selectors.story_inventory).
    with django_assert_num_queries(6):
        response = api.get(path)

    assert response.status_code == 200
    assert len(response.json()["priorities"]) == count
    assert response.json()["stories"]["to_date"]["received"] == count
