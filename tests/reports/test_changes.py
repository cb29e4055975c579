"""What changed between two reports, on the pages and through the API: always against the
report recorded when the report was frozen, and only for a reader who may see it."""

import datetime
import json

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape
from rest_framework.test import APIClient

from cogwg.models import StatusReport
from cogwg.reports.diff import compare
from cogwg.reports.services import report_freeze, report_publish
from tests.factories import StatusReportFactory
from tests.reports.conftest import FEB_27

pytestmark = pytest.mark.django_db

SEPT_1 = datetime.date(2020, 9, 1)
OCT_15 = datetime.date(2020, 10, 15)
NOT_YET_PUBLISHED = "the report it follows is not yet published: everything is shown as new."
PAS_ENCORE_PUBLIE = "le rapport qu'il suit n'est pas encore publié\u00a0: tout y est présenté comme nouveau."


def frozen(plan, as_of, title_en, title_fr, *, publish=False):
    report = StatusReportFactory(work_plan=plan.work_plan, as_of=as_of, title_en=title_en, title_fr=title_fr)
    report = report_freeze(report=report)
    return report_publish(report=report) if publish else report


def changes_url(report, language="en"):
    with translation.override(language):
        return reverse("reports:changes", args=[report.pk])


def api_changes(client, report):
    response = client.get(f"/api/v1/status-reports/{report.pk}/changes/")
    assert response.status_code == 200
    return response.json()


def as_json(value):
    return json.loads(json.dumps(value))


@pytest.fixture
def february(plan):
    return frozen(plan, FEB_27, "February report", "Rapport de février", publish=True)


@pytest.fixture
def october(plan, february):
    """Frozen and published after February's: compared with it."""
    return frozen(plan, OCT_15, "October report", "Rapport d'octobre", publish=True)


def test_a_report_frozen_later_with_an_earlier_date_is_not_shown_in_place_of_the_recorded_one(
    staff_client, staff_api, plan, february, october
):
    client = Client()
    # Frozen after October's and left unpublished.
    september = frozen(plan, SEPT_1, "September report", "Rapport de septembre")

    english = client.get(changes_url(october)).content.decode()
    french = client.get(changes_url(october, "fr")).content.decode()
    answer = api_changes(APIClient(), october)
    secretariat = api_changes(staff_api, october)

    assert "compared with “February report” (February 27, 2020)" in english
    assert "Rapport de février" in french
    for text in (english, french, json.dumps(answer, ensure_ascii=False)):
        assert "September report" not in text and "Rapport de septembre" not in text
        assert "Sept. 1, 2020" not in text and "1er septembre 2020" not in text and "2020-09-01" not in text
    assert answer == as_json(compare(february.content, october.content))
    assert answer["previous_report"]["id"] == october.content["report"]["previous_report"]["id"] == february.pk
    assert secretariat == answer
    assert "February report" in staff_client.get(changes_url(october)).content.decode()
    assert APIClient().get(f"/api/v1/status-reports/{september.pk}/").status_code == 404


def test_the_public_is_not_shown_a_comparison_with_an_unpublished_report(staff_client, staff_api, plan):
    client = Client()
    february = frozen(plan, FEB_27, "February report", "Rapport de février")
    october = frozen(plan, OCT_15, "October report", "Rapport d'octobre", publish=True)

    english = client.get(changes_url(october)).content.decode()
    french = client.get(changes_url(october, "fr")).content.decode()
    answer = api_changes(APIClient(), october)
    secretariat_page = staff_client.get(changes_url(october))

    assert NOT_YET_PUBLISHED in english and PAS_ENCORE_PUBLIE in french
    for text in (english, french, json.dumps(answer, ensure_ascii=False)):
        assert "February report" not in text and "Rapport de février" not in text
    assert answer == as_json(compare(None, october.content))
    assert [item["id"] for item in answer["accomplishments"]] == [plan.later.pk]
    assert "compared with “February report”" in secretariat_page.content.decode()
    assert "private" in secretariat_page["Cache-Control"] and "no-store" in secretariat_page["Cache-Control"]
    assert api_changes(staff_api, october) == as_json(compare(february.content, october.content))


def test_publishing_the_baseline_changes_the_public_changes_page_and_answer(client, plan):
    february = frozen(plan, FEB_27, "February report", "Rapport de février")
    october = frozen(plan, OCT_15, "October report", "Rapport d'octobre", publish=True)
    url = changes_url(october)
    before = client.get(url)
    assert NOT_YET_PUBLISHED in before.content.decode()
    assert client.get(url, HTTP_IF_NONE_MATCH=before["ETag"]).status_code == 304

    report_publish(report=february)

    revalidated = client.get(url, HTTP_IF_NONE_MATCH=before["ETag"])
    assert revalidated.status_code == 200
    assert revalidated["ETag"] != before["ETag"]
    html = revalidated.content.decode()
    assert "compared with “February report” (February 27, 2020)" in html
    assert NOT_YET_PUBLISHED not in html
    assert client.get(url).content.decode() == html
    assert api_changes(APIClient(), october) == as_json(compare(february.content, october.content))


@pytest.mark.parametrize("size", [1, 6])
def test_the_changes_page_and_answer_run_a_constant_number_of_queries(client, plan, size, django_assert_num_queries):
    earlier = [
        frozen(plan, FEB_27 + datetime.timedelta(days=index), f"Report {index}", f"Rapport {index}", publish=True)
        for index in range(size)
    ]
    october = frozen(plan, OCT_15, "October report", "Rapport d'octobre", publish=True)
    frozen(plan, SEPT_1, "September report", "Rapport de septembre", publish=True)
    api = APIClient()

    # The data version, the report, its files, the recorded baseline; the API answer has no validator.
    with django_assert_num_queries(4):
        page = client.get(changes_url(october))
    with django_assert_num_queries(3):
        answer = api_changes(api, october)

    assert page.status_code == 200
    assert f"compared with “Report {size - 1}”" in page.content.decode()
    assert answer["previous_report"]["id"] == earlier[-1].pk


def test_the_french_changes_page_writes_french(plan, february, october):
    """A colon takes its non-breaking space, the challenges' headings are plural, and an
    empty list agrees with what it lists (« Aucune » réalisation, « Aucun » jalon)."""
    november = frozen(plan, datetime.date(2020, 11, 1), "November report", "Rapport de novembre", publish=True)

    def sections(report):
        page = Client().get(changes_url(report, "fr")).content.decode()
        assert "None." not in page
        return {
            name: page.split(f'<h2 id="changes-{name}">')[1].split("</section>")[0]
            for name in ("completed", "accomplishments", "challenges")
        }

    changes, page = compare(february.content, october.content), sections(october)
    quiet_changes, quiet_page = compare(october.content, november.content), sections(november)

    (completed, *_) = changes["milestones_completed"]
    (accomplishment, *_) = changes["accomplishments"]
    assert escape(f"{completed['month']['fr']}\u00a0: {completed['description']['fr']}") in page["completed"]
    assert f"</strong>\u00a0: {escape(accomplishment['title']['fr'])}</li>" in page["accomplishments"]
    assert "<h3>Nouveaux</h3>" in page["challenges"] and "<h3>Résolus</h3>" in page["challenges"]
    assert not (quiet_changes["accomplishments"] or quiet_changes["milestones_completed"])
    assert "<p>Aucune.</p>" in quiet_page["accomplishments"]
    assert "<p>Aucun.</p>" in quiet_page["completed"]


def test_a_published_reports_content_does_not_name_an_unpublished_report_it_follows(plan):
    """The content is frozen, checksummed and public once the report is: it records the report
    it follows by id and date, and its title only reaches readers through the comparison."""
    frozen(plan, FEB_27, "February report", "Rapport de février")
    october = frozen(plan, OCT_15, "October report", "Rapport d'octobre", publish=True)

    answer = APIClient().get(f"/api/v1/status-reports/{october.pk}/").json()

    assert answer["content"]["report"]["previous_report"] == {
        "id": october.content["report"]["previous_report"]["id"],
        "as_of": "2020-02-27",
    }
    assert "February report" not in json.dumps(answer, ensure_ascii=False)
    assert "Rapport de février" not in json.dumps(answer, ensure_ascii=False)


def test_the_breadcrumb_marks_a_report_title_not_translated_yet(client, plan, february):
    """On the French "What changed" page, a report titled in English only is named in its
    breadcrumb with lang="en" (WCAG 3.1.2), as the plan's pages do."""
    report = frozen(plan, OCT_15, "October report", "Rapport d'octobre", publish=True)
    # Frozen before both titles were required (a report is no longer frozen without one).
    StatusReport.objects.filter(pk=report.pk).update(title_fr="")

    html = client.get(changes_url(report, "fr")).content.decode()

    breadcrumb = html[html.index('class="breadcrumb"') :]
    assert 'lang="en">October report</a>' in breadcrumb[: breadcrumb.index("</nav>")]
