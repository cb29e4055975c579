"""Bad input in the admin and the API is answered with a clear message, in the page's
language, next to the field it concerns where there is one: never Django's generic
"Constraint … is violated.", and never silently saved. Normalisable input (a jurisdiction
code typed in lower case, a story published from its form without a date) is saved."""

import datetime
import html

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.constraints import BaseConstraint
from django.utils import timezone, translation

from cogwg import cycles
from cogwg.choices import ReportingPeriodStatus
from cogwg.models import ReportingPeriod
from jurisdictions.choices import ChallengeStatus
from jurisdictions.models import Challenge, Jurisdiction
from stories.choices import StoryState
from stories.models import UserStory
from tests.factories import (
    ChallengeFactory,
    JurisdictionFactory,
    MeetingFactory,
    MilestoneFactory,
    PriorityFactory,
    ReportingPeriodFactory,
    UserStoryFactory,
    WorkPlanFactory,
)
from tests.test_admin import admin_url, form_data
from workplan.models import Priority, WorkPlan

NBSP = "\u00a0"
JUNE_30 = datetime.date(2020, 6, 30)

ENDS_AFTER_START = {
    "en": "A work plan ends on or after the day it starts.",
    "fr": "Un plan de travail se termine le jour de son début ou après.",
}
NUMBER_FROM_1 = {
    "en": "Ensure this value is greater than or equal to 1.",
    "fr": "Assurez-vous que cette valeur est supérieure ou égale à 1.",
}
RESOLVED_ON_ONLY_WHEN_RESOLVED = {
    "en": "Only a resolved challenge has a “resolved on” date: clear the date, or set the status to “Resolved”.",
    "fr": f"Seul un défi résolu a une date «{NBSP}résolu le{NBSP}»{NBSP}: effacez la date, "
    f"ou choisissez l'état «{NBSP}Résolu{NBSP}».",
}
RESOLVED_BEFORE_REPORTED = {
    "en": "A challenge is resolved on or after the day it was first reported ({date}).",
    "fr": "Un défi est résolu le jour où il a été signalé pour la première fois ({date}) ou après.",
}
PUBLISHED_HAS_DATE = {
    "en": "A published story has a publication date: enter its “published on” date, or choose another state.",
    "fr": f"Un récit publié a une date de publication{NBSP}: saisissez sa date «{NBSP}publié le{NBSP}», "
    "ou choisissez un autre état.",
}
DEADLINE_AFTER_PERIOD_END = {
    "en": "The deadline is on or after the end of the period (June 30, 2020): updates report on the milestones "
    "due by then.",
    "fr": f"La date limite tombe à la fin de la période (30 juin 2020) ou après{NBSP}: les mises à jour portent "
    "sur les jalons arrivés à échéance d'ici là.",
}
ONE_OPEN_PERIOD = {
    "en": "This work plan already has an open reporting period: close it first.",
    "fr": f"Ce plan de travail a déjà une période de rapport ouverte{NBSP}: fermez-la d'abord.",
}
CODE_UPPER = {
    "en": "Write the jurisdiction's code in capital letters, e.g. BC or ON.",
    "fr": "Écrivez le code de l'administration en majuscules, par exemple BC ou ON.",
}
NUMBER_POSITIVE = {"en": "Priorities are numbered from 1.", "fr": "Les priorités sont numérotées à partir de 1."}

LANGUAGES = ["en", "fr"]


def admin_post(client, language, model, view, *args, **changes):
    """Post the admin form ``view`` of ``model``, in ``language``, as a browser would
    after changing ``changes``."""
    with translation.override(language):
        url = admin_url(model, view, *args)
    data = form_data(client.get(url))
    data.update(changes)
    return client.post(url, data)


def form_of(response):
    return response.context["adminform"].form


def page_text(response):
    return html.unescape(response.content.decode())


def api_message(response, field):
    assert response.status_code == 400, response.content
    return response.json()[field]


# Every rule the database enforces has its own message and code, in both languages.

RULED_APPS = ("cogwg", "workplan", "jurisdictions", "stories")


def ruled_constraints():
    return [
        pytest.param(constraint, id=constraint.name)
        for app in RULED_APPS
        for model in apps.get_app_config(app).get_models()
        for constraint in model._meta.constraints
        if isinstance(constraint, models.CheckConstraint)
        or (isinstance(constraint, models.UniqueConstraint) and constraint.condition is not None)
    ]


@pytest.mark.parametrize("constraint", ruled_constraints())
def test_every_rule_of_the_database_has_a_message_of_its_own_in_both_languages(constraint):
    assert constraint.violation_error_message != BaseConstraint.default_violation_error_message
    assert constraint.violation_error_code
    with translation.override("en"):
        english = constraint.get_violation_error_message()
    with translation.override("fr"):
        french = constraint.get_violation_error_message()
    assert english != french
    assert constraint.name not in english + french


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize(
    ("build", "messages"),
    [
        pytest.param(
            lambda: WorkPlanFactory.build(start_date=datetime.date(2020, 12, 31), end_date=datetime.date(2020, 1, 1)),
            ENDS_AFTER_START,
            id="work plan ends before it starts",
        ),
        pytest.param(lambda: PriorityFactory.build(number=0), NUMBER_POSITIVE, id="priority 0"),
        pytest.param(
            lambda: ChallengeFactory.build(status=ChallengeStatus.OPEN, resolved_on=datetime.date(2020, 5, 1)),
            RESOLVED_ON_ONLY_WHEN_RESOLVED,
            id="open challenge with a resolved date",
        ),
        pytest.param(
            lambda: UserStoryFactory.build(state=StoryState.PUBLISHED, published_on=None),
            PUBLISHED_HAS_DATE,
            id="published story without a date",
        ),
        pytest.param(lambda: JurisdictionFactory.build(code="bc"), CODE_UPPER, id="lower-case code"),
    ],
)
@pytest.mark.django_db
def test_a_record_breaking_a_database_rule_is_told_why(build, messages, language):
    record = build()
    if isinstance(record, Priority):
        record.work_plan = WorkPlanFactory()

    with translation.override(language):
        with pytest.raises(ValidationError) as raised:
            record.validate_constraints()

        assert raised.value.message_dict == {"__all__": [messages[language]]}


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_second_open_period_on_a_plan_is_told_why(db, language):
    first = ReportingPeriodFactory()
    second = ReportingPeriodFactory.build(
        work_plan=first.work_plan, period_end=datetime.date(2020, 9, 30), deadline=datetime.date(2020, 10, 15)
    )

    with translation.override(language):
        with pytest.raises(ValidationError) as raised:
            second.full_clean()

        assert raised.value.message_dict == {"__all__": [ONE_OPEN_PERIOD[language]]}
    assert ReportingPeriod.objects.filter(status=ReportingPeriodStatus.OPEN).count() == 1


# Work plans


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_work_plan_ending_before_it_starts_is_a_field_error(staff_client, language):
    response = admin_post(
        staff_client,
        language,
        WorkPlan,
        "add",
        title_en="2021 work plan",
        title_fr="Plan de travail 2021",
        slug="2021",
        start_date="2021-12-31",
        end_date="2021-01-01",
    )

    assert response.status_code == 200
    assert form_of(response).errors == {"end_date": [ENDS_AFTER_START[language]]}
    assert ENDS_AFTER_START[language] in page_text(response)
    assert not WorkPlan.objects.exists()

    corrected = form_data(response) | {"end_date": "2021-12-31"}
    assert staff_client.post(response.request["PATH_INFO"], corrected).status_code == 302
    assert WorkPlan.objects.get().end_date == datetime.date(2021, 12, 31)


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_api_refuses_a_work_plan_ending_before_it_starts_on_the_end_date(staff_api, language):
    response = staff_api.post(
        f"/api/v1/work-plans/?lang={language}",
        {"slug": "2021", "title_en": "2021", "start_date": "2021-12-31", "end_date": "2021-01-01"},
        format="json",
    )

    assert api_message(response, "end_date") == [ENDS_AFTER_START[language]]
    assert not WorkPlan.objects.exists()


# Priorities


@pytest.mark.parametrize("language", LANGUAGES)
def test_priority_number_0_is_a_field_error(staff_client, language):
    priority = PriorityFactory(number=1)

    response = admin_post(staff_client, language, Priority, "change", priority.pk, number="0")

    assert response.status_code == 200
    assert form_of(response).errors == {"number": [NUMBER_FROM_1[language]]}
    assert NUMBER_FROM_1[language] in page_text(response)
    priority.refresh_from_db()
    assert priority.number == 1


def test_the_api_refuses_priority_number_0_on_the_number(staff_api):
    priority = PriorityFactory(number=1)

    response = staff_api.patch(f"/api/v1/priorities/{priority.pk}/", {"number": 0}, format="json")

    assert api_message(response, "number") == ["Ensure this value is greater than or equal to 1."]
    priority.refresh_from_db()
    assert priority.number == 1


# Challenges


@pytest.mark.parametrize("language", LANGUAGES)
def test_an_open_challenge_with_a_resolved_date_is_told_why(staff_client, language):
    challenge = ChallengeFactory(status=ChallengeStatus.OPEN)

    response = admin_post(staff_client, language, Challenge, "change", challenge.pk, resolved_on="2020-05-01")

    assert response.status_code == 200
    assert form_of(response).non_field_errors() == [RESOLVED_ON_ONLY_WHEN_RESOLVED[language]]
    assert RESOLVED_ON_ONLY_WHEN_RESOLVED[language] in page_text(response)
    challenge.refresh_from_db()
    assert challenge.resolved_on is None


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_challenge_resolved_before_it_was_first_reported_is_a_field_error(staff_client, language):
    challenge = ChallengeFactory(status=ChallengeStatus.OPEN, first_reported_on=datetime.date(2020, 6, 1))

    response = admin_post(
        staff_client,
        language,
        Challenge,
        "change",
        challenge.pk,
        status=ChallengeStatus.RESOLVED,
        resolved_on="2019-01-01",
    )

    assert response.status_code == 200
    date = {"en": "June 1, 2020", "fr": "1er juin 2020"}[language]
    message = RESOLVED_BEFORE_REPORTED[language].format(date=date)
    assert form_of(response).errors == {"resolved_on": [message]}
    assert message in page_text(response)
    challenge.refresh_from_db()
    assert (challenge.status, challenge.resolved_on) == (ChallengeStatus.OPEN, None)


def test_a_challenge_resolved_before_the_meeting_that_first_heard_of_it_is_a_field_error(staff_client):
    meeting = MeetingFactory(date=datetime.date(2020, 2, 27))
    challenge = ChallengeFactory(status=ChallengeStatus.OPEN, first_reported_at=meeting)

    response = admin_post(
        staff_client, "en", Challenge, "change", challenge.pk, status=ChallengeStatus.RESOLVED, resolved_on="2020-02-26"
    )

    assert response.status_code == 200
    message = RESOLVED_BEFORE_REPORTED["en"].format(date="Feb. 27, 2020")
    assert form_of(response).errors == {"resolved_on": [message]}
    challenge.refresh_from_db()
    assert challenge.resolved_on is None

    # Resolved on the day of the meeting: saved.
    corrected = form_data(response) | {"resolved_on": "2020-02-27"}
    assert staff_client.post(response.request["PATH_INFO"], corrected).status_code == 302
    challenge.refresh_from_db()
    assert (challenge.status, challenge.resolved_on) == (ChallengeStatus.RESOLVED, datetime.date(2020, 2, 27))


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_api_refuses_a_challenge_resolved_before_it_was_first_reported_on_the_resolved_date(staff_api, language):
    challenge = ChallengeFactory(status=ChallengeStatus.OPEN, first_reported_on=datetime.date(2020, 6, 1))

    response = staff_api.patch(
        f"/api/v1/challenges/{challenge.pk}/?lang={language}",
        {"status": ChallengeStatus.RESOLVED, "resolved_on": "2019-01-01"},
        format="json",
    )

    date = {"en": "June 1, 2020", "fr": "1er juin 2020"}[language]
    assert api_message(response, "resolved_on") == [RESOLVED_BEFORE_REPORTED[language].format(date=date)]
    challenge.refresh_from_db()
    assert (challenge.status, challenge.resolved_on) == (ChallengeStatus.OPEN, None)


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_api_tells_why_an_open_challenge_has_no_resolved_date(staff_api, language):
    challenge = ChallengeFactory(status=ChallengeStatus.OPEN)

    response = staff_api.patch(
        f"/api/v1/challenges/{challenge.pk}/?lang={language}", {"resolved_on": "2020-05-01"}, format="json"
    )

    assert api_message(response, "non_field_errors") == [RESOLVED_ON_ONLY_WHEN_RESOLVED[language]]
    challenge.refresh_from_db()
    assert challenge.resolved_on is None


# User stories


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_story_published_from_its_form_is_published_today_unless_given_a_date(staff_client, language):
    undated, dated = UserStoryFactory.create_batch(2, state=StoryState.APPROVED, published_on=None)

    response = admin_post(staff_client, language, UserStory, "change", undated.pk, state=StoryState.PUBLISHED)
    given = admin_post(
        staff_client, language, UserStory, "change", dated.pk, state=StoryState.PUBLISHED, published_on="2020-06-15"
    )

    assert (response.status_code, given.status_code) == (302, 302)
    undated.refresh_from_db()
    dated.refresh_from_db()
    assert (undated.state, undated.published_on) == (StoryState.PUBLISHED, timezone.localdate())
    assert (dated.state, dated.published_on) == (StoryState.PUBLISHED, datetime.date(2020, 6, 15))


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_published_story_whose_date_is_cleared_is_told_why(staff_client, language):
    story = UserStoryFactory(state=StoryState.PUBLISHED, published_on=datetime.date(2020, 6, 15))

    response = admin_post(staff_client, language, UserStory, "change", story.pk, published_on="")

    assert response.status_code == 200
    assert form_of(response).non_field_errors() == [PUBLISHED_HAS_DATE[language]]
    assert PUBLISHED_HAS_DATE[language] in page_text(response)
    story.refresh_from_db()
    assert story.published_on == datetime.date(2020, 6, 15)


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_api_tells_why_a_published_story_keeps_its_date(staff_api, language):
    # (The state is moved by the API's actions, which date a story they publish.)
    story = UserStoryFactory(state=StoryState.PUBLISHED, published_on=datetime.date(2020, 6, 15))

    response = staff_api.patch(f"/api/v1/stories/{story.pk}/?lang={language}", {"published_on": None}, format="json")

    assert api_message(response, "non_field_errors") == [PUBLISHED_HAS_DATE[language]]
    story.refresh_from_db()
    assert (story.state, story.published_on) == (StoryState.PUBLISHED, datetime.date(2020, 6, 15))


# Reporting periods


@pytest.fixture
def plan(db):
    """A plan with a milestone due by the end of June 2020: a period can be opened on it."""
    milestone = MilestoneFactory(due_date=JUNE_30)
    return milestone.priority.work_plan


def open_period(client, language, plan, deadline):
    return admin_post(
        client,
        language,
        ReportingPeriod,
        "add",
        work_plan=plan.pk,
        title_en="June 2020",
        title_fr="Juin 2020",
        period_end="2020-06-30",
        deadline=deadline,
    )


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_period_whose_deadline_is_before_its_end_is_a_field_error(staff_client, plan, language):
    response = open_period(staff_client, language, plan, deadline="2020-01-01")

    assert response.status_code == 200
    assert form_of(response).errors == {"deadline": [DEADLINE_AFTER_PERIOD_END[language]]}
    assert DEADLINE_AFTER_PERIOD_END[language] in page_text(response)
    assert not ReportingPeriod.objects.exists()

    # Updates expected by the period's last day: opened.
    corrected = form_data(response) | {"deadline": "2020-06-30"}
    assert staff_client.post(response.request["PATH_INFO"], corrected).status_code == 302
    period = ReportingPeriod.objects.get()
    assert (period.is_open, period.deadline) == (True, JUNE_30)


def test_moving_an_open_periods_deadline_before_its_end_is_a_field_error(staff_client, plan):
    period = cycles.period_open(
        work_plan=plan,
        title_en="June 2020",
        title_fr="Juin 2020",
        period_end=JUNE_30,
        deadline=datetime.date(2020, 7, 15),
    )

    response = admin_post(staff_client, "en", ReportingPeriod, "change", period.pk, deadline="2020-06-01")

    assert response.status_code == 200
    assert form_of(response).errors == {"deadline": [DEADLINE_AFTER_PERIOD_END["en"]]}
    period.refresh_from_db()
    assert period.deadline == datetime.date(2020, 7, 15)


def test_the_service_refuses_a_deadline_before_the_periods_end(plan):
    with pytest.raises(ValidationError) as raised:
        cycles.period_open(
            work_plan=plan,
            title_en="June 2020",
            title_fr="Juin 2020",
            period_end=JUNE_30,
            deadline=datetime.date(2020, 1, 1),
        )

    assert raised.value.message_dict == {"deadline": [DEADLINE_AFTER_PERIOD_END["en"]]}
    assert not ReportingPeriod.objects.exists()


# Jurisdictions


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_jurisdiction_code_typed_in_lower_case_is_saved_in_capitals(staff_client, language):
    response = admin_post(
        staff_client,
        language,
        Jurisdiction,
        "add",
        code="bc",
        name_en="British Columbia",
        name_fr="Colombie-Britannique",
        kind="provincial",
        order="1",
    )

    assert response.status_code == 302
    assert list(Jurisdiction.objects.values_list("code", flat=True)) == ["BC"]


def test_a_lower_case_code_of_an_existing_jurisdiction_is_a_duplicate(staff_client):
    JurisdictionFactory(code="BC")

    response = admin_post(
        staff_client, "en", Jurisdiction, "add", code="bc", name_en="British Columbia", kind="provincial", order="1"
    )

    assert response.status_code == 200
    assert form_of(response).errors == {"code": ["Jurisdiction with this Code already exists."]}
    assert Jurisdiction.objects.count() == 1
