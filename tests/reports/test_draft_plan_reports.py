"""A status report shows its plan's priorities and status: it is not made public while its
plan is a draft, which the public does not see (and a plan with a public report does not
go back to draft: WorkPlan's own rule)."""

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation
from rest_framework.test import APIClient

from cogwg.choices import StatusReportState
from cogwg.models import StatusReport
from cogwg.reports.services import report_freeze, report_publish
from workplan.choices import WorkPlanStatus
from workplan.models import WorkPlan

pytestmark = pytest.mark.django_db


@pytest.fixture
def frozen_of_a_draft_plan(draft_report):
    """Frozen (its files not rendered: the test's transaction never commits)."""
    WorkPlan.objects.filter(pk=draft_report.work_plan_id).update(status=WorkPlanStatus.DRAFT)
    return report_freeze(report=StatusReport.objects.get(pk=draft_report.pk))


def test_a_report_of_a_draft_plan_is_not_published(frozen_of_a_draft_plan):
    with pytest.raises(ValidationError, match="work plan is a draft"):
        report_publish(report=frozen_of_a_draft_plan)

    assert StatusReport.objects.get(pk=frozen_of_a_draft_plan.pk).state == StatusReportState.FINAL


@pytest.mark.parametrize(
    ("language", "said"),
    [
        ("en", "This report's work plan is a draft, which the public does not see: make the plan active first."),
        ("fr", "Le plan de travail de ce rapport est une ébauche"),
    ],
)
def test_the_admin_says_why_in_the_page_s_language(staff_client, frozen_of_a_draft_plan, language, said):
    with translation.override(language):
        url = reverse("admin:cogwg_statusreport_changelist")
    response = staff_client.post(
        url, {"action": "publish_reports", "_selected_action": [frozen_of_a_draft_plan.pk]}, follow=True
    )

    assert response.status_code == 200
    assert any(said in str(message) for message in get_messages(response.wsgi_request))
    assert StatusReport.objects.get(pk=frozen_of_a_draft_plan.pk).state == StatusReportState.FINAL


def test_once_the_plan_is_active_the_report_is_published(frozen_of_a_draft_plan):
    WorkPlan.objects.filter(pk=frozen_of_a_draft_plan.work_plan_id).update(status=WorkPlanStatus.ACTIVE)

    report = report_publish(report=frozen_of_a_draft_plan)

    assert report.state == StatusReportState.PUBLISHED


def test_one_published_before_the_rule_stays_hidden_from_the_public(client, frozen_of_a_draft_plan):
    StatusReport.objects.filter(pk=frozen_of_a_draft_plan.pk).update(state=StatusReportState.PUBLISHED)

    assert client.get(f"/en/status-reports/{frozen_of_a_draft_plan.pk}/").status_code == 404
    assert APIClient().get(f"/api/v1/status-reports/{frozen_of_a_draft_plan.pk}/").status_code == 404
    assert frozen_of_a_draft_plan.title_en not in client.get("/en/status-reports/").content.decode()
