"""Both official languages for what is published, either one for a draft: an
accomplishment or a challenge is drafted in English or in French, and published only
with each of its texts in both (cogwg.services.records_publish, and the model's
clean_languages for a published record), refused in the reader's language with nothing
written. Reporting periods and status reports carry both titles (a frozen report's French
files show the French one for good)."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation

from cogwg import cycles
from cogwg.choices import PublicationState, StatusReportState
from cogwg.models import ReportingPeriod, StatusReport
from cogwg.reports.services import report_freeze
from cogwg.services import records_publish
from jurisdictions.models import Accomplishment, Challenge
from tests.factories import (
    AccomplishmentFactory,
    ChallengeFactory,
    JurisdictionFactory,
    MilestoneFactory,
    PriorityFactory,
    ReportingPeriodFactory,
    StatusReportFactory,
    WorkPlanFactory,
)
from tests.test_admin import action_messages, admin_url, form_data

pytestmark = pytest.mark.django_db

NBSP = "\u00a0"
EITHER = {
    "en": "Enter the “title” in English, in French or in both.",
    "fr": f"Saisissez le champ «{NBSP}titre{NBSP}» en anglais, en français ou dans les deux langues.",
}
TITLE_IN_FRENCH_TOO = {
    "en": "A published record shows its “title” in both official languages: enter it in French too.",
    "fr": f"Un enregistrement publié affiche son champ «{NBSP}titre{NBSP}» dans les deux langues officielles{NBSP}: "
    "saisissez-le aussi en français.",
}


def refused_publication(record, missing, language):
    """The message refusing to publish ``record`` (its title in ``language``), which lacks ``missing``."""
    if language == "en":
        return (
            f"“{record}” cannot be published: a published record shows its texts in both official languages, and "
            f"it lacks: {missing}."
        )
    return (
        f"«{NBSP}{record}{NBSP}» ne peut pas être publié{NBSP}: un enregistrement publié affiche ses textes dans les "
        f"deux langues officielles, et il y manque{NBSP}: {missing}."
    )


def url(model, view, *args, language="en"):
    with translation.override(language):
        return admin_url(model, view, *args)


def english_only(factory=AccomplishmentFactory, **fields):
    return factory(title_fr="", publication_state=PublicationState.SUBMITTED, **fields)


# A draft in either language


@pytest.mark.parametrize("language", ["en", "fr"])
def test_a_french_only_accomplishment_is_saved_from_the_admin(staff_client, language):
    jurisdiction = JurisdictionFactory(code="QC")
    address = url(Accomplishment, "add", language=language)
    data = form_data(staff_client.get(address)) | {
        "jurisdiction": jurisdiction.pk,
        "title_en": "",
        "title_fr": "Portail de données du Québec",
        "category": "portal",
    }

    response = staff_client.post(address, data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    stored = Accomplishment.objects.get()
    assert (stored.title_en or "", stored.title_fr) == ("", "Portail de données du Québec")
    assert stored.publication_state == PublicationState.DRAFT


@pytest.mark.parametrize("language", ["en", "fr"])
def test_a_challenge_in_no_language_is_a_form_error_next_to_both_titles(staff_client, language):
    address = url(Challenge, "add", language=language)
    data = form_data(staff_client.get(address)) | {"title_en": "", "title_fr": "", "category": "legal"}

    response = staff_client.post(address, data)

    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert (errors["title_en"], errors["title_fr"]) == ([EITHER[language]], [EITHER[language]])
    assert not Challenge.objects.exists()


@pytest.mark.parametrize("language", ["en", "fr"])
def test_a_french_only_challenge_is_created_through_the_api(staff_api, language):
    response = staff_api.post(
        f"/api/v1/challenges/?lang={language}", {"title_fr": "Financement", "category": "legal"}, format="json"
    )

    assert response.status_code == 201, response.json()
    stored = Challenge.objects.get()
    assert (stored.title_en or "", stored.title_fr) == ("", "Financement")


@pytest.mark.parametrize("language", ["en", "fr"])
def test_an_accomplishment_in_no_language_is_a_400_naming_both_titles(staff_api, language):
    jurisdiction = JurisdictionFactory(code="QC")

    response = staff_api.post(
        f"/api/v1/accomplishments/?lang={language}",
        {"jurisdiction": jurisdiction.code, "category": "portal", "title_en": ""},
        format="json",
    )

    assert response.status_code == 400
    assert response.json() == {"title_en": [EITHER[language]], "title_fr": [EITHER[language]]}
    assert not Accomplishment.objects.exists()


# Publishing needs both


@pytest.mark.parametrize("language", ["en", "fr"])
def test_the_change_form_does_not_publish_an_english_only_accomplishment(staff_client, language):
    record = english_only(title_en="Ontario portal")
    address = url(Accomplishment, "change", record.pk, language=language)
    data = form_data(staff_client.get(address)) | {"publication_state": PublicationState.PUBLISHED}

    response = staff_client.post(address, data)

    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {"title_fr": [TITLE_IN_FRENCH_TOO[language]]}
    stored = Accomplishment.objects.get(pk=record.pk)
    assert (stored.publication_state, stored.published_at) == (PublicationState.SUBMITTED, None)


@pytest.mark.parametrize("language", ["en", "fr"])
def test_the_list_action_names_each_record_it_will_not_publish(staff_client, language):
    complete = AccomplishmentFactory(publication_state=PublicationState.SUBMITTED)
    english = english_only(title_en="Ontario portal")
    address = url(Accomplishment, "changelist", language=language)

    response = staff_client.post(
        address,
        {"action": "publish_selected", "_selected_action": [complete.pk, english.pk]},
        follow=True,
    )

    missing = {"en": "title in French", "fr": "titre en français"}[language]
    assert refused_publication(english, missing, language) in action_messages(response)
    assert not Accomplishment.objects.published().exists()


@pytest.mark.parametrize("language", ["en", "fr"])
def test_the_api_does_not_publish_a_challenge_with_its_description_in_english_only(staff_api, language):
    record = ChallengeFactory(
        title_en="Staffing",
        title_fr="Personnel",
        description_en="Two analysts left.",
        description_fr="",
        publication_state=PublicationState.SUBMITTED,
    )

    response = staff_api.post(f"/api/v1/challenges/{record.pk}/publish/?lang={language}")

    assert response.status_code == 400
    missing = {"en": "description in French", "fr": "description en français"}[language]
    with translation.override(language):
        assert response.json() == {"non_field_errors": [refused_publication(record, missing, language)]}
    stored = Challenge.objects.get(pk=record.pk)
    assert (stored.publication_state, stored.published_at) == (PublicationState.SUBMITTED, None)
    assert stored.history.count() == 1


def test_publishing_in_bulk_names_every_incomplete_record_and_publishes_none():
    complete = AccomplishmentFactory(publication_state=PublicationState.SUBMITTED)
    english = english_only(title_en="Ontario portal")
    french = AccomplishmentFactory(title_en="", title_fr="Portail du Québec", publication_state=PublicationState.DRAFT)

    with pytest.raises(ValidationError) as refusal:
        records_publish(queryset=Accomplishment.objects.all())

    assert refusal.value.messages == [
        refused_publication(english, "title in French", "en"),
        refused_publication(french, "title in English", "en"),
    ]
    assert not Accomplishment.objects.published().exists()
    assert Accomplishment.objects.get(pk=complete.pk).publication_state == PublicationState.SUBMITTED


def test_a_record_with_both_languages_is_published():
    record = ChallengeFactory(
        description_en="Two analysts left.",
        description_fr="Deux analystes sont partis.",
        publication_state=PublicationState.SUBMITTED,
    )

    assert records_publish(queryset=Challenge.objects.filter(pk=record.pk)) == 1
    assert Challenge.objects.get(pk=record.pk).publication_state == PublicationState.PUBLISHED


def test_a_published_record_keeps_both_languages(staff_api):
    record = AccomplishmentFactory(title_en="Portal", title_fr="Portail")

    response = staff_api.patch(f"/api/v1/accomplishments/{record.pk}/?lang=fr", {"title_fr": ""}, format="json")

    assert response.status_code == 400
    assert response.json() == {"title_fr": [TITLE_IN_FRENCH_TOO["fr"]]}
    assert Accomplishment.objects.get(pk=record.pk).title_fr == "Portail"


def test_the_public_pages_never_show_a_draft_in_one_language(client):
    AccomplishmentFactory(title_en="", title_fr="Brouillon du Québec", publication_state=PublicationState.DRAFT)
    ChallengeFactory(title_en="English draft", title_fr="", publication_state=PublicationState.SUBMITTED)
    AccomplishmentFactory(title_en="Published portal", title_fr="Portail publié")

    pages = []
    for language in ("en", "fr"):
        with translation.override(language):
            for name in ("home", "jurisdictions:accomplishments", "jurisdictions:challenges"):
                pages.append(client.get(reverse(name)))

    assert [page.status_code for page in pages] == [200] * 6
    text = "".join(page.content.decode() for page in pages)
    assert "Brouillon du Québec" not in text
    assert "English draft" not in text
    assert "Portail publié" in text


# Reporting periods and status reports: both titles


@pytest.mark.parametrize("language", ["en", "fr"])
def test_a_reporting_period_without_its_french_title_is_refused_by_the_admin(staff_client, language):
    plan = WorkPlanFactory()
    MilestoneFactory(priority=PriorityFactory(work_plan=plan))
    address = url(ReportingPeriod, "add", language=language)
    data = form_data(staff_client.get(address)) | {
        "work_plan": plan.pk,
        "title_en": "June 2020",
        "title_fr": "",
        "period_end": "2020-06-30",
        "deadline": "2020-07-15",
    }

    response = staff_client.post(address, data)

    assert response.status_code == 200
    required = {"en": "This field is required.", "fr": "Ce champ est obligatoire."}[language]
    assert response.context["adminform"].form.errors == {"title_fr": [required]}
    assert not ReportingPeriod.objects.exists()


def test_the_service_does_not_open_a_period_without_its_french_title():
    plan = WorkPlanFactory()
    MilestoneFactory(priority=PriorityFactory(work_plan=plan))

    with pytest.raises(ValidationError) as refusal:
        cycles.period_open(
            work_plan=plan,
            title_en="June 2020",
            title_fr="",
            period_end=plan.start_date.replace(month=6, day=30),
            deadline=plan.start_date.replace(month=7, day=15),
        )

    assert list(refusal.value.message_dict) == ["title_fr"]
    assert not ReportingPeriod.objects.exists()


@pytest.mark.parametrize("language", ["en", "fr"])
def test_a_report_without_its_french_title_is_not_frozen(staff_api, language):
    report = StatusReportFactory(title_fr="")

    response = staff_api.post(f"/api/v1/status-reports/{report.pk}/freeze/?lang={language}")

    assert response.status_code == 400
    expected = {
        "en": "A report is frozen with its title in both official languages: enter its French title first.",
        "fr": f"Un rapport est figé avec son titre dans les deux langues officielles{NBSP}: saisissez d'abord son "
        "titre français.",
    }[language]
    assert response.json() == {"title_fr": [expected]}
    stored = StatusReport.objects.get(pk=report.pk)
    assert (stored.state, stored.content, stored.files.count()) == (StatusReportState.DRAFT, None, 0)


def test_a_report_with_both_titles_is_frozen():
    report = StatusReportFactory()

    assert report_freeze(report=report).state == StatusReportState.FINAL


def test_records_stored_before_the_rules_are_listed():
    published = AccomplishmentFactory(title_en="Portal")
    report = StatusReportFactory(title_en="Status report, July 2020")
    period = ReportingPeriodFactory(title_en="July 2020")
    AccomplishmentFactory(title_en="", title_fr="Brouillon", publication_state=PublicationState.DRAFT)
    # As saved before both languages were required.
    Accomplishment.objects.filter(pk=published.pk).update(title_fr="")
    StatusReport.objects.filter(pk=report.pk).update(title_fr="")
    ReportingPeriod.objects.filter(pk=period.pk).update(title_fr="")
    out = io.StringIO()

    with pytest.raises(Exception, match="3 records would be refused"):
        call_command("find_invalid_records", stdout=out)

    assert out.getvalue().splitlines() == [
        f"cogwg.StatusReport #{report.pk} (Status report, July 2020): title_fr: This field cannot be blank.",
        f"cogwg.ReportingPeriod #{period.pk} (July 2020): title_fr: This field cannot be blank.",
        f"jurisdictions.Accomplishment #{published.pk} (Portal): title_fr: {TITLE_IN_FRENCH_TOO['en']}",
    ]
