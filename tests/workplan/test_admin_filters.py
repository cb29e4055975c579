"""The milestones list's priority filter offers the priorities of the plans under way, or
of the plan chosen in the work plan filter: not every priority of every year."""

import pytest

from tests.factories import PriorityFactory, WorkPlanFactory
from tests.test_admin import admin_url
from workplan.choices import WorkPlanStatus
from workplan.models import Milestone

pytestmark = pytest.mark.django_db


def offered(client, **params):
    response = client.get(admin_url(Milestone, "changelist"), params)
    (priority_filter,) = [
        spec
        for spec in response.context["cl"].filter_specs
        if getattr(spec, "lookup_kwarg", "") == "priority__id__exact"
    ]
    return {str(label) for _pk, label in priority_filter.lookup_choices}


def test_the_priority_filter_offers_the_plans_under_way_or_the_one_chosen(staff_client):
    old = WorkPlanFactory(slug="2019", status=WorkPlanStatus.CLOSED)
    current = WorkPlanFactory(slug="2020", status=WorkPlanStatus.ACTIVE)
    old_priority = PriorityFactory(work_plan=old, number=1, title_en="Old")
    PriorityFactory(work_plan=old, number=2, title_en="Older")
    PriorityFactory(work_plan=current, number=1, title_en="Current")
    PriorityFactory(work_plan=current, number=2, title_en="Next")

    assert offered(staff_client) == {"2020 · 1. Current", "2020 · 2. Next"}
    assert offered(staff_client, priority__work_plan__id__exact=old.pk) == {"2019 · 1. Old", "2019 · 2. Older"}
    # A priority chosen before stays offered (and shown as chosen).
    assert offered(staff_client, priority__id__exact=old_priority.pk) == {
        "2020 · 1. Current",
        "2020 · 2. Next",
        "2019 · 1. Old",
    }
