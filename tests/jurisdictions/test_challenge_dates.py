"""A challenge's dates are what status reports "as of" a date read: a resolved challenge
has the day it was resolved, and neither date is still to come (today in the site's time
zone). The admin and the API say so next to the field, in the page's language, and save
nothing. The database holds to the first rule too: jurisdictions/0012 dated the resolved
challenges stored without their date (tests/jurisdictions/test_resolved_constraint.py), and
find_invalid_records lists the rows stored before the others."""

import datetime
import io

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.utils import timezone

from jurisdictions.choices import ChallengeStatus
from jurisdictions.models import Challenge
from jurisdictions.selectors import ChallengeState, challenge_state_as_of
from tests.factories import ChallengeFactory, MeetingFactory
from tests.test_constraint_messages import LANGUAGES, admin_post, api_message, form_of, page_text

pytestmark = pytest.mark.django_db

NBSP = "\u00a0"
JAN_15 = datetime.date(2020, 1, 15)
JUNE_30 = datetime.date(2020, 6, 30)
JULY_1 = datetime.date(2020, 7, 1)

RESOLVED_WITHOUT_DATE = {
    "en": "A resolved challenge has a resolution date: enter its “resolved on” date, or choose another status.",
    "fr": f"Un défi résolu a une date de résolution{NBSP}: saisissez sa date «{NBSP}résolu le{NBSP}», "
    "ou choisissez un autre état.",
}
RESOLVED_IN_FUTURE = {
    "en": "A challenge cannot be resolved on a future date.",
    "fr": "Un défi ne peut pas être résolu à une date future.",
}
REPORTED_IN_FUTURE = {
    "en": "A challenge cannot be first reported on a future date.",
    "fr": "Un défi ne peut pas être signalé pour la première fois à une date future.",
}


def tomorrow():
    return timezone.localdate() + datetime.timedelta(days=1)


# The admin


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_admin_refuses_a_resolved_challenge_without_its_date(staff_client, language):
    challenge = ChallengeFactory(status=ChallengeStatus.OPEN, first_reported_on=JAN_15)

    response = admin_post(staff_client, language, Challenge, "change", challenge.pk, status=ChallengeStatus.RESOLVED)

    assert response.status_code == 200
    assert form_of(response).errors == {"resolved_on": [RESOLVED_WITHOUT_DATE[language]]}
    assert RESOLVED_WITHOUT_DATE[language] in page_text(response)
    challenge.refresh_from_db()
    assert (challenge.status, challenge.resolved_on) == (ChallengeStatus.OPEN, None)


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_admin_refuses_dates_still_to_come_next_to_each(staff_client, language):
    challenge = ChallengeFactory(status=ChallengeStatus.OPEN, first_reported_on=JAN_15)
    day = tomorrow().isoformat()

    response = admin_post(
        staff_client,
        language,
        Challenge,
        "change",
        challenge.pk,
        status=ChallengeStatus.RESOLVED,
        first_reported_on=day,
        resolved_on=day,
    )

    assert response.status_code == 200
    assert form_of(response).errors == {
        "first_reported_on": [REPORTED_IN_FUTURE[language]],
        "resolved_on": [RESOLVED_IN_FUTURE[language]],
    }
    challenge.refresh_from_db()
    assert (challenge.status, challenge.first_reported_on, challenge.resolved_on) == (
        ChallengeStatus.OPEN,
        JAN_15,
        None,
    )


def test_the_admin_saves_a_challenge_resolved_today(staff_client):
    challenge = ChallengeFactory(status=ChallengeStatus.OPEN, first_reported_on=JAN_15)
    today = timezone.localdate()

    response = admin_post(
        staff_client, "en", Challenge, "change", challenge.pk, status=ChallengeStatus.RESOLVED, resolved_on=today
    )

    assert response.status_code == 302
    challenge.refresh_from_db()
    assert (challenge.status, challenge.resolved_on) == (ChallengeStatus.RESOLVED, today)


def test_today_is_the_sites_day_not_utcs(monkeypatch):
    # 03:00 UTC on 1 March 2026 is still 28 February in Toronto.
    monkeypatch.setattr(timezone, "now", lambda: datetime.datetime(2026, 3, 1, 3, 0, tzinfo=datetime.UTC))
    challenge = ChallengeFactory(status=ChallengeStatus.RESOLVED, first_reported_on=JAN_15)

    challenge.resolved_on = datetime.date(2026, 3, 1)
    with pytest.raises(ValidationError) as refused:
        challenge.full_clean()
    assert refused.value.message_dict == {"resolved_on": [RESOLVED_IN_FUTURE["en"]]}

    challenge.resolved_on = datetime.date(2026, 2, 28)
    challenge.full_clean()


# The API


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_api_refuses_a_resolved_challenge_without_its_date(staff_api, language):
    challenge = ChallengeFactory(status=ChallengeStatus.OPEN, first_reported_on=JAN_15)

    response = staff_api.patch(
        f"/api/v1/challenges/{challenge.pk}/?lang={language}", {"status": ChallengeStatus.RESOLVED}, format="json"
    )

    assert api_message(response, "resolved_on") == [RESOLVED_WITHOUT_DATE[language]]
    challenge.refresh_from_db()
    assert (challenge.status, challenge.resolved_on) == (ChallengeStatus.OPEN, None)


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_api_refuses_a_new_challenge_dated_in_the_future(staff_api, language):
    day = tomorrow().isoformat()

    response = staff_api.post(
        f"/api/v1/challenges/?lang={language}",
        {
            "title_en": "Staffing",
            "title_fr": "Personnel",
            "category": "resources",
            "status": ChallengeStatus.RESOLVED,
            "first_reported_on": day,
            "resolved_on": day,
        },
        format="json",
    )

    assert response.status_code == 400
    assert response.json() == {
        "first_reported_on": [REPORTED_IN_FUTURE[language]],
        "resolved_on": [RESOLVED_IN_FUTURE[language]],
    }
    assert not Challenge.objects.exists()


# Reports as of a date


def test_a_challenge_is_resolved_as_of_its_resolution_day_and_not_the_day_before():
    challenge = ChallengeFactory(status=ChallengeStatus.RESOLVED, first_reported_on=JAN_15, resolved_on=JULY_1)

    assert challenge_state_as_of(challenge, as_of=JUNE_30) == ChallengeState(ChallengeStatus.OPEN, None)
    assert challenge_state_as_of(challenge, as_of=JULY_1) == ChallengeState(ChallengeStatus.RESOLVED, JULY_1)


# Rows stored before the rule


def test_find_invalid_records_lists_challenges_that_break_the_date_rules():
    late = ChallengeFactory(
        title_en="Late", status=ChallengeStatus.RESOLVED, first_reported_on=JAN_15, resolved_on=JULY_1
    )
    Challenge.objects.filter(pk=late.pk).update(resolved_on=tomorrow())
    future = ChallengeFactory(title_en="Future", status=ChallengeStatus.OPEN)
    Challenge.objects.filter(pk=future.pk).update(first_reported_on=tomorrow())
    ChallengeFactory(title_en="Fine", status=ChallengeStatus.RESOLVED, first_reported_on=JAN_15, resolved_on=JULY_1)
    out = io.StringIO()

    with pytest.raises(CommandError) as failed:
        call_command("find_invalid_records", stdout=out)

    assert out.getvalue().splitlines() == [
        f"jurisdictions.Challenge #{late.pk} (Late): resolved_on: {RESOLVED_IN_FUTURE['en']}",
        f"jurisdictions.Challenge #{future.pk} (Future): first_reported_on: {REPORTED_IN_FUTURE['en']}",
    ]
    assert str(failed.value) == "2 records would be refused by their forms: mend them first."


def test_the_factorys_resolved_challenge_has_its_date():
    meeting = MeetingFactory(date=datetime.date(2020, 2, 27))

    challenges = [
        ChallengeFactory(status=ChallengeStatus.RESOLVED),
        ChallengeFactory(status=ChallengeStatus.RESOLVED, first_reported_on=JAN_15, first_reported_at=meeting),
    ]

    assert [challenge.resolved_on for challenge in challenges] == [JUNE_30, meeting.date]
    for challenge in challenges:
        challenge.full_clean()
