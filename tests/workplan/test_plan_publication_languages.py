"""A plan is public once it is no longer a draft: it shows its title and summary in both
official languages, as a published record does (``WorkPlan.publication_gaps``, the words
of ``PublishableModel.publication_gaps``). So the copy made for the next year, whose
summary is left empty (the old one speaks of its own year: "…work plan for 2020, as
outlined to the Joint Councils…"), is not made active before the secretariat writes the
new one in both languages, in the admin (next to each field) or the API (400); and a
public plan does not lose a language. A plan made public before the rule without one is
otherwise edited as before."""

import datetime

import pytest
from django.utils import translation

from cogwg.demo import data_2020
from cogwg.validation import invalid_records
from tests.factories import WorkPlanFactory
from tests.test_admin import admin_url, form_data
from workplan.choices import WorkPlanStatus
from workplan.models import WorkPlan
from workplan.services import work_plan_rollover

pytestmark = pytest.mark.django_db

NBSP = "\u00a0"
MISSING = {
    ("en", "en"): "A published record shows its “summary” in both official languages: enter it in English too.",
    ("en", "fr"): "A published record shows its “summary” in both official languages: enter it in French too.",
    ("fr", "en"): (
        f"Un enregistrement publié affiche son champ «{NBSP}résumé{NBSP}» dans les deux langues officielles{NBSP}: "
        "saisissez-le aussi en anglais."
    ),
    ("fr", "fr"): (
        f"Un enregistrement publié affiche son champ «{NBSP}résumé{NBSP}» dans les deux langues officielles{NBSP}: "
        "saisissez-le aussi en français."
    ),
}


@pytest.fixture(autouse=True)
def english_afterwards():
    yield
    translation.activate("en")


@pytest.fixture
def copy(db):
    """The 2020 plan as the deck has it, copied to 2021."""
    plan = WorkPlanFactory(
        slug="2020",
        title_en="COGWG 2020 work plan",
        title_fr="Plan de travail 2020 du GTGOC",
        summary_en=data_2020.WORK_PLAN["summary"][0],
        summary_fr=data_2020.WORK_PLAN["summary"][1],
    )
    return work_plan_rollover(work_plan=plan)


def test_the_copy_leaves_the_old_years_summary_behind(copy):
    assert "2020" in WorkPlan.objects.get(slug="2020").summary_en
    assert (copy.summary_en, copy.summary_fr) == ("", "")
    assert copy.status == WorkPlanStatus.DRAFT


@pytest.mark.parametrize("language", ["en", "fr"])
def test_the_admin_refuses_to_make_the_copy_active_without_its_summary(copy, staff_client, language):
    url = admin_url(WorkPlan, "change", copy.pk).replace("/en/", f"/{language}/")

    response = staff_client.post(
        url, form_data(staff_client.get(url)) | {"status": WorkPlanStatus.ACTIVE, "summary_en": "The 2021 plan."}
    )

    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {"summary_fr": [MISSING[language, "fr"]]}
    assert dict(WorkPlan.objects.values_list("slug", "status")) == {
        "2020": WorkPlanStatus.ACTIVE,
        "2021": WorkPlanStatus.DRAFT,
    }


@pytest.mark.parametrize("language", ["en", "fr"])
def test_the_api_refuses_to_make_the_copy_active_without_its_summary(copy, staff_api, language):
    response = staff_api.patch(f"/api/v1/work-plans/2021/?lang={language}", {"status": "active"}, format="json")

    assert response.status_code == 400
    assert response.json() == {"summary_en": [MISSING[language, "en"]], "summary_fr": [MISSING[language, "fr"]]}
    assert WorkPlan.objects.get(slug="2021").status == WorkPlanStatus.DRAFT
    # Once written, it is made active, and the plan before it closed.
    written = staff_api.patch(
        "/api/v1/work-plans/2021/",
        {"status": "active", "summary_en": "The 2021 plan.", "summary_fr": "Le plan 2021."},
        format="json",
    )
    assert written.status_code == 200, written.content
    assert dict(WorkPlan.objects.values_list("slug", "status")) == {
        "2020": WorkPlanStatus.CLOSED,
        "2021": WorkPlanStatus.ACTIVE,
    }


def test_a_draft_is_not_closed_without_its_french_title_either(copy, staff_api):
    WorkPlan.objects.filter(pk=copy.pk).update(summary_en="The 2021 plan.", summary_fr="Le plan 2021.", title_fr="")

    response = staff_api.patch("/api/v1/work-plans/2021/", {"status": "closed"}, format="json")

    assert response.status_code == 400
    assert response.json() == {
        "title_fr": ["A published record shows its “title” in both official languages: enter it in French too."]
    }


def test_a_public_plan_does_not_lose_a_language(copy, staff_api):
    response = staff_api.patch("/api/v1/work-plans/2020/", {"summary_fr": ""}, format="json")

    assert response.status_code == 400
    assert response.json() == {"summary_fr": [MISSING["en", "fr"]]}
    assert WorkPlan.objects.get(slug="2020").summary_fr == data_2020.WORK_PLAN["summary"][1]
    # One made public before the rule, without a summary, is edited as before.
    legacy = WorkPlanFactory(slug="2019", summary_en="", summary_fr="", status=WorkPlanStatus.CLOSED)
    edited = staff_api.patch("/api/v1/work-plans/2019/", {"title_en": "The 2019 plan"}, format="json")
    assert edited.status_code == 200, edited.content
    assert WorkPlan.objects.get(pk=legacy.pk).title_en == "The 2019 plan"
    assert list(invalid_records([WorkPlan])) == []


def test_the_2020_deck_plan_is_complete_in_both_languages():
    plan = WorkPlan(
        title_en=data_2020.WORK_PLAN["title"][0],
        title_fr=data_2020.WORK_PLAN["title"][1],
        summary_en=data_2020.WORK_PLAN["summary"][0],
        summary_fr=data_2020.WORK_PLAN["summary"][1],
        start_date=datetime.date(2020, 1, 1),
        end_date=datetime.date(2020, 12, 31),
        status=WorkPlanStatus.ACTIVE,
    )

    assert plan.publication_gaps() == {}
