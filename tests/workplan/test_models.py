import datetime

import pytest
from django.db import IntegrityError, transaction
from django.utils import translation

from tests.factories import (
    AssignmentFactory,
    JurisdictionFactory,
    MilestoneFactory,
    PriorityFactory,
    ProgressUpdateFactory,
    WorkPlanFactory,
)
from workplan.choices import MilestoneStatus, SeatRole, WorkPlanStatus
from workplan.models import Milestone, Priority, WorkPlan

pytestmark = pytest.mark.django_db


def test_priority_number_is_unique_within_its_plan():
    priority = PriorityFactory(number=1)

    with pytest.raises(IntegrityError), transaction.atomic():
        PriorityFactory(work_plan=priority.work_plan, number=1, slug="other")

    assert Priority.objects.count() == 1


def test_same_priority_number_is_allowed_in_another_plan():
    PriorityFactory(number=1)
    PriorityFactory(number=1, work_plan=WorkPlanFactory(slug="2021"))

    assert Priority.objects.filter(number=1).count() == 2


def test_priority_number_must_be_positive():
    with pytest.raises(IntegrityError), transaction.atomic():
        PriorityFactory(number=0)


@pytest.mark.parametrize("progress", [101, 250])
def test_milestone_progress_above_100_is_rejected(progress):
    with pytest.raises(IntegrityError), transaction.atomic():
        MilestoneFactory(progress=progress)

    assert Milestone.objects.count() == 0


def test_completed_on_requires_completed_status():
    with pytest.raises(IntegrityError), transaction.atomic():
        MilestoneFactory(status=MilestoneStatus.ON_TRACK, completed_on=datetime.date(2020, 5, 1))


def test_work_plan_cannot_end_before_it_starts():
    with pytest.raises(IntegrityError), transaction.atomic():
        WorkPlanFactory(start_date=datetime.date(2020, 12, 31), end_date=datetime.date(2020, 1, 1))


def test_progress_update_marked_completed_must_be_100():
    with pytest.raises(IntegrityError), transaction.atomic():
        ProgressUpdateFactory(status=MilestoneStatus.COMPLETED, progress=90)


def test_a_jurisdiction_holds_one_seat_per_role_on_a_priority_but_open_seats_repeat():
    seat = AssignmentFactory(role=SeatRole.LEAD)
    AssignmentFactory(priority=seat.priority, role=SeatRole.LEAD, jurisdiction=None)
    AssignmentFactory(priority=seat.priority, role=SeatRole.LEAD, jurisdiction=None)

    with pytest.raises(IntegrityError), transaction.atomic():
        AssignmentFactory(priority=seat.priority, role=SeatRole.LEAD, jurisdiction=seat.jurisdiction)

    assert seat.priority.seats.count() == 3


@pytest.mark.parametrize(("month", "quarter"), [(1, 1), (3, 1), (4, 2), (6, 2), (7, 3), (9, 3), (10, 4), (12, 4)])
def test_milestone_quarter_follows_its_due_month(month, quarter):
    milestone = MilestoneFactory.build(due_date=datetime.date(2020, month, 28))

    assert milestone.quarter == quarter
    assert milestone.quarter_label == f"Q{quarter} 2020"


def test_milestone_is_overdue_only_when_past_due_and_not_finished():
    late = MilestoneFactory.build(due_date=datetime.date(2020, 6, 30), status=MilestoneStatus.ON_TRACK)
    done = MilestoneFactory.build(due_date=datetime.date(2020, 6, 30), status=MilestoneStatus.COMPLETED)
    cancelled = MilestoneFactory.build(due_date=datetime.date(2020, 6, 30), status=MilestoneStatus.CANCELLED)
    on = datetime.date(2020, 7, 1)

    assert late.is_overdue(on) is True
    assert late.is_overdue(datetime.date(2020, 6, 30)) is False
    assert done.is_overdue(on) is False
    assert cancelled.is_overdue(on) is False


def test_overdue_queryset_matches_the_property():
    late = MilestoneFactory(due_date=datetime.date(2020, 3, 31))
    MilestoneFactory(due_date=datetime.date(2020, 3, 31), status=MilestoneStatus.CANCELLED)
    MilestoneFactory(due_date=datetime.date(2020, 12, 31))

    assert list(Milestone.objects.overdue(on=datetime.date(2020, 4, 1))) == [late]


def test_due_label_names_the_month():
    milestone = MilestoneFactory.build(due_date=datetime.date(2020, 6, 30))

    assert milestone.due_label == "June 2020"


def test_seat_holder_shows_tbd_for_open_and_unconfirmed_seats():
    ontario = JurisdictionFactory(code="ON", name_en="Ontario", name_fr="Ontario")
    open_seat = AssignmentFactory.build(jurisdiction=None)
    unconfirmed = AssignmentFactory.build(jurisdiction=ontario, confirmed=False)
    federal = AssignmentFactory.build(
        jurisdiction=JurisdictionFactory(code="CA"), organization="Treasury Board of Canada Secretariat"
    )

    assert str(open_seat.holder) == "TBD"
    assert open_seat.is_open is True
    assert unconfirmed.holder == "Ontario (TBD)"
    assert federal.holder == "Treasury Board of Canada Secretariat"
    with translation.override("fr"):
        # In lower case, as the pages write it, inside a list or parentheses alike.
        assert str(open_seat.holder) == "à déterminer"
        assert unconfirmed.holder == "Ontario (à déterminer)"


def test_published_work_plans_exclude_drafts():
    WorkPlanFactory(slug="draft", status=WorkPlanStatus.DRAFT)
    active = WorkPlanFactory(slug="2020", status=WorkPlanStatus.ACTIVE)
    closed = WorkPlanFactory(slug="2019", status=WorkPlanStatus.CLOSED)

    assert set(WorkPlan.objects.published()) == {active, closed}


def test_priorities_and_milestones_of_a_draft_plan_are_not_published():
    draft = WorkPlanFactory(slug="draft", status=WorkPlanStatus.DRAFT)
    hidden = MilestoneFactory(priority=PriorityFactory(work_plan=draft))
    shown = MilestoneFactory()

    assert list(Priority.objects.published()) == [shown.priority]
    assert list(Milestone.objects.published()) == [shown]
    assert hidden not in Milestone.objects.published()


def test_consequences_and_results_are_lists_of_lines():
    priority = PriorityFactory.build(consequences_en="First\n\n  Second  \n", results_en="")

    assert priority.consequence_list == ["First", "Second"]
    assert priority.result_list == []


def test_updates_on_a_draft_plan_are_not_public_but_still_move_the_milestone():
    from cogwg.choices import PublicationState
    from workplan.models import ProgressUpdate

    draft = WorkPlanFactory(slug="draft", status=WorkPlanStatus.DRAFT)
    hidden = ProgressUpdateFactory(milestone=MilestoneFactory(priority=PriorityFactory(work_plan=draft)))
    shown = ProgressUpdateFactory()

    assert list(ProgressUpdate.objects.published()) == [shown]
    assert set(ProgressUpdate.objects.approved()) == {hidden, shown}
    assert hidden.publication_state == PublicationState.PUBLISHED


def test_a_milestone_and_its_updates_are_named_in_the_reader_s_language():
    """Their names show in the admin (lists, messages, the History's revert notice): French
    typography in French (a no-break space before the colon), the date as the reader writes it."""
    milestone = MilestoneFactory(due_date=datetime.date(2020, 6, 30), description_en="Guide", description_fr="Guide")
    update = ProgressUpdateFactory(
        milestone=milestone, reported_on=datetime.date(2020, 7, 2), status=MilestoneStatus.COMPLETED, progress=100
    )

    with translation.override("en"):
        assert str(milestone) == "June 2020: Guide"
        assert str(update) == "June 2020: Guide — July 2, 2020: Completed"
    with translation.override("fr"):
        assert str(milestone) == "juin 2020\u00a0: Guide"
        assert str(update) == "juin 2020\u00a0: Guide — 2 juillet 2020\u00a0: Terminé"
