import datetime
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation
from django.utils.translation import gettext

from cogwg.reports.content import build_content
from jurisdictions.choices import ChallengeStatus
from tests.factories import (
    AssignmentFactory,
    MilestoneFactory,
    PriorityFactory,
    StatusReportFactory,
    WorkPlanFactory,
)
from tests.reports.conftest import APRIL_1, FEB_27
from workplan.choices import MilestoneStatus, SeatRole, WorkPlanStatus
from workplan.services import milestone_post_update

pytestmark = pytest.mark.django_db


def activity(content, milestone):
    return next(a for p in content["priorities"] for a in p["activities"] if a["id"] == milestone.pk)


def test_content_reads_progress_as_of_the_report_date(plan, draft_report):
    content = build_content(report=draft_report)

    stories, literacy = content["priorities"]
    inventory = activity(content, plan.inventory)
    assert (inventory["status"], inventory["progress"]) == (MilestoneStatus.ON_TRACK, 40)
    assert inventory["note"] == {
        "en": "Inventory started with five stories.",
        "fr": "Inventaire commencé avec cinq récits.",
    }
    assert inventory["reported_on"] == "2020-02-10"
    assert (stories["status"], stories["progress"]) == (MilestoneStatus.ON_TRACK, 20.0)
    assert stories["completed"] == []
    assert stories["overdue"] == []
    assert stories["due"] == [plan.inventory.pk]
    assert stories["latest_notes"] == [{"milestone_id": plan.inventory.pk, "reported_on": "2020-02-10"}]
    assert (literacy["status"], literacy["progress"]) == (MilestoneStatus.NOT_STARTED, 0.0)
    assert content["work_plan"]["progress"] == 10.0


def test_content_after_the_updates_sees_them(plan, draft_report):
    draft_report.as_of = APRIL_1

    content = build_content(report=draft_report)

    stories, literacy = content["priorities"]
    assert activity(content, plan.inventory)["status"] == MilestoneStatus.COMPLETED
    assert activity(content, plan.inventory)["note"]["en"] == "Inventory published."
    assert stories["progress"] == 50.0
    assert stories["completed"] == [plan.inventory.pk]
    assert literacy["overdue"] == [plan.group.pk]
    assert activity(content, plan.group)["overdue"] is True


def test_content_keeps_every_text_in_both_languages(plan, draft_report):
    with translation.override("fr"):
        tbd_fr = gettext("TBD")

    content = build_content(report=draft_report)

    assert content["report"]["title"]["fr"] == "Rapport d'étape – Conseils mixtes, 27 février 2020"  # noqa: RUF001
    assert content["purpose"]["fr"] == [
        "Faire le point sur les principales réalisations.",
        "Présenter quelques prochaines étapes immédiates.",
    ]
    stories, literacy = content["priorities"]
    assert stories["title"] == {"en": "Open Data User Stories", "fr": "Récits d'utilisateurs de données ouvertes"}
    assert stories["consequences"]["fr"] == [
        "Les retombées sociales et économiques des données ouvertes ne sont pas maximisées"
    ]
    assert activity(content, plan.inventory)["month"] == {"en": "March 2020", "fr": "mars 2020"}
    assert [seat["holder"] for seat in stories["seats"]] == [
        {"en": "Treasury Board of Canada Secretariat", "fr": "Secrétariat du Conseil du Trésor du Canada"},
        {"en": "TBD", "fr": tbd_fr},
    ]
    assert [(seat["role"], seat["holder"]["en"]) for seat in literacy["seats"]] == [
        (SeatRole.LEAD, "Ontario (TBD)"),
        (SeatRole.PARTNER, "NWT"),
    ]
    assert content["next_steps"] == [
        {
            "text": {"en": "In-person meeting to:", "fr": "Réunion en personne pour :"},
            "owner": None,
            "due": None,
            "done": False,
            "children": [
                {
                    "text": {"en": "Identify ongoing projects for 2020", "fr": "Cerner les projets en cours pour 2020"},
                    "owner": None,
                    "due": None,
                    "done": False,
                    "children": [],
                }
            ],
        }
    ]
    assert tbd_fr != "TBD"
    # Plain JSON: what is stored is what was built.
    assert json.loads(json.dumps(content)) == content


def test_first_report_covers_the_plan_year_up_to_its_date(plan, draft_report):
    content = build_content(report=draft_report)

    assert content["report"]["period_start"] == "2020-01-01"
    assert content["report"]["previous_report"] is None
    # Reported at the meeting, and the one of 2019, which no report took; not the one after
    # the date, nor the draft.
    assert [item["id"] for item in content["accomplishments"]] == [plan.portal.pk, plan.before_plan.pk]
    assert content["accomplishments"][0]["links"] == [
        {"url": "https://open.yukon.ca/data/", "label": {"en": "", "fr": ""}}
    ]
    challenges = {item["id"]: item for item in content["challenges"]}
    assert set(challenges) == {plan.resources_challenge.pk, plan.transition.pk}
    # Resolved only in March: as of February it was still open.
    assert challenges[plan.transition.pk]["status"] == ChallengeStatus.OPEN
    assert challenges[plan.transition.pk]["resolved_on"] is None
    assert challenges[plan.transition.pk]["jurisdictions"][0]["code"] == "ON"


def test_an_accomplishment_names_a_priority_of_the_reports_plan_only(plan, draft_report):
    """Another plan's priority number (next year's, in draft) would read as this plan's."""
    next_year = PriorityFactory(work_plan=WorkPlanFactory(slug="2021", status=WorkPlanStatus.DRAFT), number=1)
    plan.portal.priority = next_year
    plan.portal.save()

    assert build_content(report=draft_report)["accomplishments"][0]["priority"] is None

    plan.portal.priority = plan.literacy
    plan.portal.save()

    assert build_content(report=draft_report)["accomplishments"][0]["priority"] == plan.literacy.number


def test_next_report_covers_what_was_reported_since_the_previous_one(
    plan, draft_report, django_capture_on_commit_callbacks
):
    from cogwg.reports.services import report_freeze

    report_freeze(report=draft_report)
    later = StatusReportFactory(work_plan=plan.work_plan, as_of=APRIL_1)

    content = build_content(report=later)

    assert content["report"]["period_start"] == "2020-02-28"
    assert content["report"]["previous_report"]["id"] == draft_report.pk
    assert content["purpose"] == {"en": [], "fr": []}
    assert content["next_steps"] == []
    assert [item["id"] for item in content["accomplishments"]] == [plan.later.pk]
    challenges = {item["id"]: item for item in content["challenges"]}
    assert challenges[plan.transition.pk]["status"] == ChallengeStatus.RESOLVED
    assert challenges[plan.transition.pk]["new"] is False
    assert challenges[plan.legal.pk]["new"] is True
    assert challenges[plan.resources_challenge.pk]["new"] is False


def test_content_is_built_in_a_constant_number_of_queries(plan, draft_report):
    with CaptureQueriesContext(connection) as small:
        build_content(report=draft_report)
    for number in (3, 4):
        priority = PriorityFactory(work_plan=plan.work_plan, number=number)
        AssignmentFactory(priority=priority)
        for month in (3, 6):
            milestone = MilestoneFactory(priority=priority, due_date=datetime.date(2020, month, 28))
            milestone_post_update(
                milestone=milestone, reported_on=datetime.date(2020, 2, 1), status=MilestoneStatus.ON_TRACK, progress=5
            )

    with CaptureQueriesContext(connection) as large:
        content = build_content(report=draft_report)

    assert len(content["priorities"]) == 4
    assert len(large) == len(small)


def test_same_data_gives_the_same_content(plan, draft_report):
    assert build_content(report=draft_report) == build_content(report=draft_report)
    assert FEB_27.isoformat() == build_content(report=draft_report)["report"]["as_of"]
