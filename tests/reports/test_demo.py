import pytest

from cogwg.choices import RenderStatus, StatusReportState
from cogwg.demo.loader import load_cogwg_2020
from cogwg.models import StatusReport
from cogwg.reports.content import build_content
from cogwg.reports.demo import freeze_demo_report

pytestmark = pytest.mark.django_db


def test_the_demo_report_of_27_february_2020_is_frozen_and_published():
    load_cogwg_2020()

    report = freeze_demo_report()

    assert report.title_en == "Status report – Joint Councils, February 27, 2020"  # noqa: RUF001
    assert report.title_fr == "Rapport d'étape – Conseils mixtes, 27 février 2020"  # noqa: RUF001
    assert report.state == StatusReportState.PUBLISHED
    assert report.content["report"]["as_of"] == "2020-02-27"
    assert report.content["meeting"]["date"] == "2020-02-27"
    assert [p["number"] for p in report.content["priorities"]] == [1, 2, 3, 4, 5]
    assert len(report.content["purpose"]["en"]) == len(report.content["purpose"]["fr"]) == 4
    assert report.content["accomplishments"]
    assert report.content["challenges"]
    assert report.content["next_steps"]
    assert report.content == build_content(report=report)
    assert set(report.files.values_list("status", flat=True)) == {RenderStatus.PENDING}


def test_freezing_the_demo_report_again_changes_nothing():
    load_cogwg_2020()
    report = freeze_demo_report()

    again = freeze_demo_report()

    assert again.pk == report.pk
    assert again.checksum == report.checksum
    assert again.frozen_at == report.frozen_at
    assert StatusReport.objects.count() == 1
    assert again.files.count() == 8
