"""A plan from 2020 (to the end of next year) with a June 2020 reporting period open on it.

Priority 1: BC leads, ON is a partner; milestones due March and June (covered),
September (not yet due) and May (completed: not covered).
Priority 2: ON leads, NS is an unconfirmed partner; a milestone due June (covered).
QC holds no seat: it is never asked for anything.
"""

import datetime
from types import SimpleNamespace

import pytest
from django.utils import translation

from cogwg import cycles
from tests.factories import (
    AssignmentFactory,
    JurisdictionFactory,
    MilestoneFactory,
    PriorityFactory,
    StaffFactory,
    WorkPlanFactory,
)
from workplan.choices import MilestoneStatus, SeatRole
from workplan.services import milestone_post_update

JUNE_30 = datetime.date(2020, 6, 30)
DEADLINE = datetime.date(2020, 7, 15)
AFTER_DEADLINE = datetime.date(2020, 7, 16)
# The plan runs from 2020 to the end of next year: the sheets date their updates today
# (cogwg.cycles.period_submit_updates), and an update is dated within its plan.
PLAN_END = datetime.date(datetime.date.today().year + 1, 12, 31)


@pytest.fixture(autouse=True)
def english_afterwards():
    """A request under /fr/ leaves French active in the thread: do not pass it on."""
    yield
    translation.activate("en")


@pytest.fixture
def cycle(db):
    bc = JurisdictionFactory(code="BC", name_en="British Columbia", name_fr="Colombie-Britannique", order=1)
    on = JurisdictionFactory(code="ON", name_en="Ontario", name_fr="Ontario", order=2)
    ns = JurisdictionFactory(code="NS", name_en="Nova Scotia", name_fr="Nouvelle-Écosse", order=3)
    qc = JurisdictionFactory(code="QC", name_en="Quebec", name_fr="Québec", order=4)
    # Running until next year: a sheet's updates are dated today, within their plan.
    plan = WorkPlanFactory(slug="2020", title_en="2020 work plan", title_fr="Plan de travail 2020", end_date=PLAN_END)
    first = PriorityFactory(work_plan=plan, number=1)
    second = PriorityFactory(work_plan=plan, number=2)
    AssignmentFactory(priority=first, role=SeatRole.LEAD, jurisdiction=bc, contact_email="Lead@BC.example")
    AssignmentFactory(priority=first, role=SeatRole.PARTNER, jurisdiction=on, contact_email="partner@on.example")
    AssignmentFactory(priority=second, role=SeatRole.LEAD, jurisdiction=on, contact_email="lead@on.example")
    AssignmentFactory(priority=second, role=SeatRole.PARTNER, jurisdiction=ns, confirmed=False)
    AssignmentFactory(priority=second, role=SeatRole.PARTNER, jurisdiction=None)
    march = MilestoneFactory(priority=first, due_date=datetime.date(2020, 3, 31), description_en="Inventory")
    june = MilestoneFactory(priority=first, due_date=JUNE_30, description_en="Release")
    september = MilestoneFactory(priority=first, due_date=datetime.date(2020, 9, 30), description_en="Later")
    may = MilestoneFactory(priority=first, due_date=datetime.date(2020, 5, 31), description_en="Done")
    milestone_post_update(
        milestone=may, reported_on=datetime.date(2020, 5, 20), status=MilestoneStatus.COMPLETED, progress=100
    )
    guide = MilestoneFactory(priority=second, due_date=JUNE_30, description_en="Guide")
    secretariat = StaffFactory(username="secretariat")
    period = cycles.period_open(
        work_plan=plan,
        title_en="June 2020",
        title_fr="Juin 2020",
        period_end=JUNE_30,
        deadline=DEADLINE,
        by=secretariat,
    )
    return SimpleNamespace(
        plan=plan,
        period=period,
        secretariat=secretariat,
        bc=bc,
        on=on,
        ns=ns,
        qc=qc,
        march=march,
        june=june,
        september=september,
        may=may,
        guide=guide,
    )


def submitted_row(milestone, status=MilestoneStatus.ON_TRACK, progress=40, note_en="", note_fr=""):
    """A checked sheet row, as cogwg.cycle_sheets.sheet_read returns them."""
    from cogwg.cycle_sheets import SheetRow

    return SheetRow(0, milestone, status, progress, note_en, note_fr)
