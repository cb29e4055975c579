"""Rules within one row are enforced by the database too, not only by clean(): a reporting
period's deadline is on or after its end, and a challenge is resolved on or after the day
it was first reported (either date may be missing). A write that skips the forms (a
queryset update, a bulk load) is refused with an IntegrityError and changes nothing;
the admin's forms still say why first, next to the field and in the page's language
(clean()'s message, not the database's)."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import translation

from cogwg.models import ReportingPeriod
from jurisdictions.choices import ChallengeStatus
from jurisdictions.models import Challenge
from tests.factories import ChallengeFactory, MilestoneFactory, ReportingPeriodFactory, WorkPlanFactory
from tests.test_constraint_messages import (
    DEADLINE_AFTER_PERIOD_END,
    RESOLVED_BEFORE_REPORTED,
    admin_post,
    form_of,
    page_text,
)

pytestmark = pytest.mark.django_db

JUNE_1 = datetime.date(2020, 6, 1)
JUNE_30 = datetime.date(2020, 6, 30)
DAY = datetime.timedelta(days=1)

DEADLINE_RULE = {
    "en": "The deadline of a reporting period is on or after the end of the period.",
    "fr": "La date limite d'une période de rapport tombe à la fin de la période ou après.",
}
RESOLVED_RULE = {
    "en": "A challenge is resolved on or after the day it was first reported.",
    "fr": "Un défi est résolu le jour où il a été signalé pour la première fois ou après.",
}


def refused(queryset, **changes):
    """Whether the database refuses ``queryset.update(**changes)``."""
    try:
        with transaction.atomic():
            queryset.update(**changes)
    except IntegrityError:
        return True
    return False


# Reporting periods


def test_the_database_refuses_a_deadline_before_the_end_of_the_period():
    period = ReportingPeriodFactory(period_end=JUNE_30, deadline=datetime.date(2020, 7, 15))
    rows = ReportingPeriod.objects.filter(pk=period.pk)

    assert refused(rows, deadline=JUNE_30 - DAY)
    assert rows.get().deadline == datetime.date(2020, 7, 15)
    # On the period's last day, or after it: taken.
    assert not refused(rows, deadline=JUNE_30)
    assert not refused(rows, deadline=JUNE_30 + DAY)


def test_a_period_created_with_its_deadline_before_its_end_is_not_stored():
    period = ReportingPeriodFactory.build(work_plan=WorkPlanFactory(), period_end=JUNE_30, deadline=JUNE_30 - DAY)

    with pytest.raises(IntegrityError), transaction.atomic():
        period.save()

    assert not ReportingPeriod.objects.exists()


@pytest.mark.parametrize("language", ["en", "fr"])
def test_the_admin_says_why_next_to_the_deadline_before_the_database_would(staff_client, language):
    plan = MilestoneFactory(due_date=JUNE_30).priority.work_plan

    response = admin_post(
        staff_client,
        language,
        ReportingPeriod,
        "add",
        work_plan=plan.pk,
        title_en="June 2020",
        title_fr="Juin 2020",
        period_end="2020-06-30",
        deadline="2020-06-29",
    )

    assert response.status_code == 200
    assert form_of(response).errors == {"deadline": [DEADLINE_AFTER_PERIOD_END[language]]}
    assert DEADLINE_RULE[language] not in page_text(response)
    assert not ReportingPeriod.objects.exists()


# Challenges


def test_the_database_refuses_a_challenge_resolved_before_it_was_first_reported():
    challenge = ChallengeFactory(status=ChallengeStatus.RESOLVED, first_reported_on=JUNE_1, resolved_on=JUNE_30)
    rows = Challenge.objects.filter(pk=challenge.pk)

    assert refused(rows, resolved_on=JUNE_1 - DAY)
    assert rows.get().resolved_on == JUNE_30
    # Resolved the day it was reported: taken.
    assert not refused(rows, resolved_on=JUNE_1)


@pytest.mark.parametrize(
    ("first_reported_on", "resolved_on"),
    [(None, JUNE_1), (JUNE_1, None), (None, None)],
    ids=["never reported", "not resolved", "neither"],
)
def test_a_challenge_missing_either_date_is_stored(first_reported_on, resolved_on):
    status = ChallengeStatus.RESOLVED if resolved_on else ChallengeStatus.OPEN

    challenge = ChallengeFactory(status=status, first_reported_on=first_reported_on, resolved_on=resolved_on)

    challenge.refresh_from_db()
    assert (challenge.first_reported_on, challenge.resolved_on) == (first_reported_on, resolved_on)


@pytest.mark.parametrize("language", ["en", "fr"])
def test_the_admin_says_why_next_to_the_resolution_date_before_the_database_would(staff_client, language):
    challenge = ChallengeFactory(status=ChallengeStatus.OPEN, first_reported_on=JUNE_1)

    response = admin_post(
        staff_client,
        language,
        Challenge,
        "change",
        challenge.pk,
        status=ChallengeStatus.RESOLVED,
        resolved_on="2020-05-31",
    )

    assert response.status_code == 200
    date = {"en": "June 1, 2020", "fr": "1er juin 2020"}[language]
    assert form_of(response).errors == {"resolved_on": [RESOLVED_BEFORE_REPORTED[language].format(date=date)]}
    assert RESOLVED_RULE[language] not in page_text(response)
    challenge.refresh_from_db()
    assert (challenge.status, challenge.resolved_on) == (ChallengeStatus.OPEN, None)


# The database's own wording, where a record is checked against its rules alone


@pytest.mark.parametrize("language", ["en", "fr"])
@pytest.mark.parametrize(
    ("build", "messages"),
    [
        (
            lambda: ReportingPeriodFactory.build(work_plan=WorkPlanFactory(), period_end=JUNE_30, deadline=JUNE_1),
            DEADLINE_RULE,
        ),
        (
            lambda: ChallengeFactory.build(
                status=ChallengeStatus.RESOLVED, first_reported_on=JUNE_30, resolved_on=JUNE_1
            ),
            RESOLVED_RULE,
        ),
    ],
    ids=["deadline", "resolved"],
)
def test_each_rule_has_its_own_message_in_the_readers_language(build, messages, language):
    record = build()

    with translation.override(language), pytest.raises(ValidationError) as raised:
        record.validate_constraints()

    assert raised.value.messages == [messages[language]]
