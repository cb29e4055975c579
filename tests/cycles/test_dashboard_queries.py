"""The period's dashboard runs the same queries however many updates its period has, and
however many its closing left unpublished, each with why (its note in one language, its
milestone cancelled before its date)."""

import datetime

import pytest
from django.urls import reverse

from cogwg import cycles
from tests.cycles.conftest import AFTER_DEADLINE, submitted_row
from tests.factories import MilestoneFactory
from workplan.choices import MilestoneStatus
from workplan.services import milestone_post_update, progress_update_refusals, progress_updates_refusals

pytestmark = pytest.mark.django_db


def submit_many(cycle, count):
    """``count`` updates submitted on as many milestones of the period, by the seats'
    jurisdictions in turn, their note in English only; one milestone in four is then
    cancelled before the updates' date."""
    first, second = cycle.march.priority, cycle.guide.priority
    seats = [(first, cycle.bc), (first, cycle.on), (second, cycle.on), (second, cycle.ns)]
    updates = []
    for index in range(count):
        priority, jurisdiction = seats[index % len(seats)]
        milestone = MilestoneFactory(
            priority=priority, due_date=datetime.date(2020, 6, 1 + index), description_en=f"Step {index}"
        )
        cycle.period.milestones.add(milestone)
        (update,) = cycles.period_submit_updates(
            period=cycle.period,
            jurisdiction=jurisdiction,
            rows=[submitted_row(milestone, note_en="English only")],
            by=cycle.secretariat,
        ).updates
        updates.append(update)
        if index % len(seats) == 0:
            milestone_post_update(
                milestone=milestone,
                reported_on=datetime.date(2020, 6, 1),
                status=MilestoneStatus.CANCELLED,
                progress=0,
                by=cycle.secretariat,
            )
    return updates


@pytest.mark.parametrize("count", [2, 8])
def test_the_dashboard_of_an_open_period_keeps_a_constant_number_of_queries(
    cycle, staff_client, django_assert_num_queries, count
):
    submit_many(cycle, count)
    address = reverse("admin:cogwg_reportingperiod_dashboard", args=[cycle.period.pk])

    with django_assert_num_queries(11):
        response = staff_client.get(address)

    assert response.status_code == 200
    assert response.context["status"].submitted == count


@pytest.mark.parametrize("count", [2, 8])
def test_the_dashboard_names_the_updates_left_with_a_constant_number_of_queries(
    cycle, staff_client, django_assert_num_queries, count
):
    updates = submit_many(cycle, count)
    cycles.period_close(period=cycle.period, by=cycle.secretariat, on=AFTER_DEADLINE)
    address = reverse("admin:cogwg_reportingperiod_dashboard", args=[cycle.period.pk])

    # One more than an open period's for the closing summaries the mail server refused.
    with django_assert_num_queries(14):
        response = staff_client.get(address)

    left = response.context["left"]
    assert {update.pk for update, _url, _reasons in left} == {update.pk for update in updates}
    reasons = {update.pk: reasons for update, _url, reasons in left}
    for index, update in enumerate(updates):
        assert reasons[update.pk][0] == (
            f"“{update}” cannot be published: a published record shows its texts in both official languages, "
            "and it lacks: note in French."
        )
        cancelled = index % 4 == 0
        assert len(reasons[update.pk]) == (2 if cancelled else 1)
        if cancelled:
            assert reasons[update.pk][1] == (
                f"“{update}” cannot be published: This milestone was cancelled on June 1, 2020: an update must be "
                "dated before then. To reopen it, the secretariat withdraws the update that cancelled it."
            )


def test_read_together_each_update_has_the_reasons_it_has_alone(cycle):
    updates = submit_many(cycle, 5)
    deleted = updates.pop()
    deleted.delete()

    together = progress_updates_refusals([*updates, deleted])

    assert together == {update.pk: progress_update_refusals(update) for update in updates}
    assert [len(together[update.pk]) for update in updates] == [2, 1, 1, 1]
