"""Fixes after a review of the reports' numbers: no report as of a day still to come, the
API's progress figures as the plan's status gives them, every priority in the CSV, a
re-issued report's period, and the PPTX annex's overdue milestones."""

import csv
import datetime
import io

import pptx
import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone, translation

from cogwg.choices import StatusReportState
from cogwg.models import StatusReport
from cogwg.reports.content import build_content
from cogwg.reports.render import render_file
from cogwg.reports.render.view import report_view
from cogwg.reports.services import content_checksum, report_freeze
from tests.factories import MilestoneFactory, PriorityFactory, StatusReportFactory, WorkPlanFactory
from tests.reports.conftest import APRIL_1, FEB_27
from tests.test_admin import admin_url, form_data
from workplan.choices import MilestoneStatus
from workplan.services import milestone_post_update

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    """A request to a /fr/ page leaves French active in the thread: start from English."""
    with translation.override("en"):
        yield


# 1. A report is as of today at the latest.

# Noon in Toronto, the site's time zone.
NOON = datetime.datetime(2026, 6, 15, 16, 0, tzinfo=datetime.UTC)
TODAY = datetime.date(2026, 6, 15)
TOMORROW = datetime.date(2026, 6, 16)
IN_FUTURE = {
    "en": "A status report is as of today, June 15, 2026, at the latest: the status of a later day is not known yet.",
    "fr": (
        "Un rapport d'étape est établi au plus tard en date d'aujourd'hui, le 15 juin 2026\u00a0: la situation "
        "d'un jour ultérieur n'est pas encore connue."
    ),
}


@pytest.fixture
def clock(monkeypatch):
    monkeypatch.setattr(timezone, "now", lambda: NOON)


@pytest.fixture
def plan_2026(db):
    """A plan whose period holds today and the days after it."""
    work_plan = WorkPlanFactory(slug="2026", start_date=datetime.date(2026, 1, 1), end_date=datetime.date(2026, 12, 31))
    MilestoneFactory(priority=PriorityFactory(work_plan=work_plan), due_date=datetime.date(2026, 6, 30))
    return work_plan


@pytest.fixture
def future_draft(clock, plan_2026):
    """A draft saved before its as-of date was checked against today."""
    return StatusReportFactory(work_plan=plan_2026, as_of=TOMORROW)


@pytest.mark.parametrize("language", ["en", "fr"])
def test_a_report_as_of_tomorrow_is_refused_on_its_as_of_date_and_one_as_of_today_is_not(clock, plan_2026, language):
    StatusReportFactory.build(work_plan=plan_2026, as_of=TODAY).full_clean()
    with translation.override(language):
        with pytest.raises(ValidationError) as error:
            StatusReportFactory.build(work_plan=plan_2026, as_of=TOMORROW).full_clean()
        messages = error.value.message_dict

    assert messages == {"as_of": [IN_FUTURE[language]]}
    assert error.value.error_dict["as_of"][0].code == "as_of_in_future"


def test_today_is_the_latest_day_in_canada_not_utcs(monkeypatch, plan_2026):
    # 03:00 UTC on 1 March 2026 is still 28 February everywhere in Canada (23:30 in St. John's).
    monkeypatch.setattr(timezone, "now", lambda: datetime.datetime(2026, 3, 1, 3, 0, tzinfo=datetime.UTC))

    with pytest.raises(ValidationError) as error:
        StatusReportFactory.build(work_plan=plan_2026, as_of=datetime.date(2026, 3, 1)).full_clean()
    StatusReportFactory.build(work_plan=plan_2026, as_of=datetime.date(2026, 2, 28)).full_clean()

    assert error.value.error_dict["as_of"][0].code == "as_of_in_future"


def test_a_report_may_be_as_of_st_johns_today_as_the_status_api_may(monkeypatch, plan_2026, client):
    # 04:00 UTC on 1 March 2026: 23:00 on 28 February in Toronto, 00:30 on 1 March in St.
    # John's, the latest day a progress update may bear: the status API answers for it, and
    # a report as of it is accepted (one "today" for both).
    monkeypatch.setattr(timezone, "now", lambda: datetime.datetime(2026, 3, 1, 4, 0, tzinfo=datetime.UTC))

    StatusReportFactory.build(work_plan=plan_2026, as_of=datetime.date(2026, 3, 1)).full_clean()
    assert client.get("/api/v1/work-plans/2026/status/", {"as_of": "2026-03-01"}).status_code == 200


def test_freezing_a_report_as_of_tomorrow_is_refused_and_writes_nothing(future_draft):
    with pytest.raises(ValidationError) as error:
        report_freeze(report=future_draft)

    assert error.value.message_dict == {"as_of": [IN_FUTURE["en"]]}
    future_draft.refresh_from_db()
    assert (future_draft.state, future_draft.content, future_draft.checksum) == (StatusReportState.DRAFT, None, "")
    assert future_draft.files.count() == 0


@pytest.mark.parametrize("language", ["en", "fr"])
def test_freezing_a_report_as_of_tomorrow_through_the_api_is_a_400_on_as_of(staff_api, future_draft, language):
    response = staff_api.post(f"/api/v1/status-reports/{future_draft.pk}/freeze/", HTTP_ACCEPT_LANGUAGE=language)

    assert response.status_code == 400
    assert response.json() == {"as_of": [IN_FUTURE[language]]}
    future_draft.refresh_from_db()
    assert (future_draft.state, future_draft.content, future_draft.files.count()) == (StatusReportState.DRAFT, None, 0)


def test_the_admins_freeze_action_warns_of_a_report_as_of_tomorrow(staff_client, future_draft):
    response = staff_client.post(
        reverse("admin:cogwg_statusreport_changelist"),
        {"action": "freeze_reports", "_selected_action": [future_draft.pk]},
        follow=True,
    )

    messages = [(m.level_tag, str(m)) for m in get_messages(response.wsgi_request)]
    assert messages == [("warning", f"{future_draft}: {IN_FUTURE['en']}")]
    assert StatusReport.objects.get(pk=future_draft.pk).state == StatusReportState.DRAFT


@pytest.mark.parametrize("language", ["en", "fr"])
def test_the_admin_refuses_a_draft_as_of_tomorrow_on_its_as_of_date(clock, staff_client, plan_2026, language):
    with translation.override(language):
        url = admin_url(StatusReport, "add")
    data = form_data(staff_client.get(url)) | {
        "title_en": "Early report",
        "title_fr": "Rapport hâtif",
        "work_plan": plan_2026.pk,
        "as_of": TOMORROW.isoformat(),
    }

    refused = staff_client.post(url, data)

    assert refused.status_code == 200
    assert refused.context["adminform"].form.errors == {"as_of": [IN_FUTURE[language]]}
    assert not StatusReport.objects.filter(title_en="Early report").exists()
    # The same report as of today is saved.
    assert staff_client.post(url, data | {"as_of": TODAY.isoformat()}).status_code == 302
    assert StatusReport.objects.get(title_en="Early report").as_of == TODAY


# 2. The report's API gives progress to a tenth, as the plan's status does.


@pytest.fixture
def thirds(db):
    """A plan as of 1 April 2020: a priority at 101/3 % (33.666…, 33.7 to a tenth, 34 on
    the page), another at 0; the plan at 101/6 % (16.833…, 16.8)."""
    work_plan = WorkPlanFactory(slug="2020")
    first, second = PriorityFactory(work_plan=work_plan, number=1), PriorityFactory(work_plan=work_plan, number=2)
    for progress in (100, 1, 0):
        milestone = MilestoneFactory(priority=first, due_date=datetime.date(2020, 6, 30))
        if progress:
            status = MilestoneStatus.COMPLETED if progress == 100 else MilestoneStatus.ON_TRACK
            milestone_post_update(
                milestone=milestone, reported_on=datetime.date(2020, 3, 2), status=status, progress=progress
            )
    MilestoneFactory(priority=second, due_date=datetime.date(2020, 6, 30))
    return work_plan


def test_the_reports_api_gives_progress_as_the_plans_status_does(staff_api, thirds):
    report = report_freeze(report=StatusReportFactory(work_plan=thirds, as_of=APRIL_1))

    answer = staff_api.get(f"/api/v1/status-reports/{report.pk}/").json()
    status = staff_api.get("/api/v1/work-plans/2020/status/", {"as_of": APRIL_1.isoformat()}).json()

    content = answer["content"]
    assert content["work_plan"]["progress"] == status["progress"] == 16.8
    assert [p["progress"] for p in content["priorities"]] == [p["progress"] for p in status["priorities"]]
    assert [p["progress"] for p in content["priorities"]] == [33.7, 0.0]
    assert [a["progress"] for a in content["priorities"][0]["activities"]] == [100, 1, 0]
    # The content kept, and its checksum, are not changed: the exact means.
    report.refresh_from_db()
    assert (report.content["work_plan"]["progress"], report.content["priorities"][0]["progress"]) == (101 / 6, 101 / 3)
    assert answer["checksum"] == report.checksum == content_checksum(report.content)
    assert {key: value for key, value in content.items() if key not in ("work_plan", "priorities")} == {
        key: value for key, value in report.content.items() if key not in ("work_plan", "priorities")
    }


def test_the_reports_changes_give_progress_to_a_tenth(staff_api, thirds):
    first = report_freeze(report=StatusReportFactory(work_plan=thirds, as_of=datetime.date(2020, 3, 1)))
    second = report_freeze(report=StatusReportFactory(work_plan=thirds, as_of=APRIL_1))

    changes = staff_api.get(f"/api/v1/status-reports/{second.pk}/changes/").json()

    assert changes["previous_report"]["id"] == first.pk
    assert (changes["work_plan"]["progress_before"], changes["work_plan"]["progress_after"]) == (0.0, 16.8)
    assert [(c["progress_before"], c["progress_after"]) for c in changes["priorities"]] == [(0.0, 33.7)]


# 3. The CSV lists a priority without milestones.


@pytest.mark.parametrize("language", ["en", "fr"])
def test_the_csv_gives_a_priority_without_milestones_one_row(plan, draft_report, language):
    PriorityFactory(work_plan=plan.work_plan, number=3, title_en="Open Data Charter", title_fr="Charte")
    content = build_content(report=draft_report)

    with translation.override(language):
        rows = list(csv.reader(io.StringIO(render_file(content, format="csv", language=language).decode("utf-8-sig"))))
    header, *body = rows
    by_priority = [row[0] for row in body]
    (empty,) = [row for row in body if row[0] == "3"]

    assert by_priority == ["1", "1", "2", "2", "3"]
    assert empty[1] == ("Open Data Charter" if language == "en" else "Charte")
    assert empty[3] == ""  # no progress: no milestone to average
    assert empty[4:13] == [""] * 9  # the activity's columns
    assert empty[13:] == body[0][13:] != []  # the stories inventory, as on every row
    assert len(empty) == len(header)


# 4. A report re-issued for the same date covers the same period.


# Freezing a report that follows another, with a meeting, accomplishments and challenges
# in its period (the savepoint and its release included).
QUERIES_TO_FREEZE = 19


def period(report):
    return report.content["report"]["period_start"], report.content["report"]["as_of"]


def test_a_report_reissued_for_the_same_date_covers_the_same_period(plan, draft_report):
    first = report_freeze(report=draft_report)
    reissued = report_freeze(report=StatusReportFactory(work_plan=plan.work_plan, meeting=plan.meeting, as_of=FEB_27))

    assert period(first) == period(reissued) == ("2020-01-01", "2020-02-27")
    assert reissued.content["report"]["previous_report"] == {"id": first.pk, "as_of": "2020-02-27"}
    assert [item["id"] for item in reissued.content["accomplishments"]] == [
        item["id"] for item in first.content["accomplishments"]
    ]
    with translation.override("en"):
        label = report_view(reissued.content, "en")["report"]["period_label"]
    assert label == "Reported from January 1, 2020 to February 27, 2020."


def test_a_later_report_and_its_reissue_start_the_day_after_the_earlier_date(plan, draft_report):
    report_freeze(report=draft_report)
    april = report_freeze(report=StatusReportFactory(work_plan=plan.work_plan, as_of=APRIL_1))
    again = report_freeze(report=StatusReportFactory(work_plan=plan.work_plan, as_of=APRIL_1))

    assert period(april) == period(again) == ("2020-02-28", "2020-04-01")
    assert again.content["report"]["previous_report"]["id"] == april.pk


def test_the_draft_preview_of_a_reissue_shows_the_same_period(staff_client, plan, draft_report):
    report_freeze(report=draft_report)
    draft = StatusReportFactory(work_plan=plan.work_plan, as_of=FEB_27)

    page = staff_client.get(reverse("reports:detail", args=[draft.pk])).content.decode()

    assert "Reported from January 1, 2020 to February 27, 2020." in page


@pytest.mark.parametrize("earlier", [1, 5])
def test_freezing_a_report_or_its_reissue_runs_the_same_queries_whatever_came_before(
    plan, draft_report, earlier, django_assert_num_queries
):
    for day in range(earlier):
        report_freeze(report=StatusReportFactory(work_plan=plan.work_plan, as_of=datetime.date(2020, 1, 10 + day)))
    report_freeze(report=draft_report)
    april, reissue = (StatusReportFactory(work_plan=plan.work_plan, meeting=plan.meeting, as_of=APRIL_1) for _ in "ab")

    # The report locked, the one it follows, the day its period starts after; the plan's
    # status, the background, stories, accomplishments and their links, challenges and
    # theirs, next steps; the report, its history, what it took and its files written.
    with django_assert_num_queries(QUERIES_TO_FREEZE):
        april = report_freeze(report=april)
    with django_assert_num_queries(QUERIES_TO_FREEZE):
        reissue = report_freeze(report=reissue)

    assert period(april) == period(reissue) == ("2020-02-28", "2020-04-01")


# 5. The PPTX annex says which milestones are overdue.


def annex_activities(data):
    """The activities cell of each priority's annex slide."""
    cells = []
    for slide in pptx.Presentation(io.BytesIO(data)).slides:
        for shape in slide.shapes:
            if shape.has_table and len(shape.table.rows) == 4:
                cells.append(shape.table.cell(3, 1).text)
    return cells


@pytest.mark.parametrize(
    ("language", "overdue", "on_time"),
    [
        (
            "en",
            "March 2020: Multi-jurisdictional working group established. [Not started, overdue]",
            "September 2020: Existing resources are released. [Not started]",
        ),
        (
            "fr",
            "mars 2020\u00a0: Groupe de travail multiadministrations établi. [Non commencé, en retard]",
            "septembre 2020\u00a0: Les ressources existantes sont diffusées. [Non commencé]",
        ),
    ],
)
def test_the_pptx_annex_marks_the_overdue_milestones(plan, language, overdue, on_time):
    report = StatusReportFactory(work_plan=plan.work_plan, as_of=APRIL_1)
    content = build_content(report=report)

    with translation.override(language):
        stories, literacy = annex_activities(render_file(content, format="pptx", language=language))

    assert literacy.split("\n") == [overdue, on_time]
    assert "overdue" not in stories and "en retard" not in stories  # the inventory was completed
