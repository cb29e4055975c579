"""Accomplishments and challenges know the future as progress updates do
(cogwg.dates.is_future): a day is in the future once it is not yet today anywhere in
Canada, so that St. John's may date what happened on its own today."""

import datetime
from unittest import mock

import pytest
from django.core.exceptions import ValidationError

from jurisdictions.choices import ChallengeStatus
from tests.factories import AccomplishmentFactory, ChallengeFactory, JurisdictionFactory

pytestmark = pytest.mark.django_db

# 23:45 on 30 June in Toronto, 01:15 on 1 July in St. John's.
NOW = datetime.datetime(2024, 7, 1, 3, 45, tzinfo=datetime.UTC)
JULY_1, JULY_2 = datetime.date(2024, 7, 1), datetime.date(2024, 7, 2)


@pytest.fixture(autouse=True)
def clock():
    with mock.patch("django.utils.timezone.now", return_value=NOW):
        yield


def test_an_accomplishment_dated_on_st_johns_today_is_taken():
    AccomplishmentFactory.build(jurisdiction=JurisdictionFactory(code="NL"), date=JULY_1).clean()


def test_an_accomplishment_dated_the_day_after_is_refused():
    with pytest.raises(ValidationError) as error:
        AccomplishmentFactory.build(jurisdiction=JurisdictionFactory(code="NL"), date=JULY_2).clean()

    assert error.value.message_dict == {"date": ["An accomplishment cannot be dated in the future."]}


def test_a_challenge_first_reported_and_resolved_on_st_johns_today_is_taken():
    ChallengeFactory.build(first_reported_on=JULY_1, resolved_on=JULY_1, status=ChallengeStatus.RESOLVED)._clean_dates()


def test_a_challenge_dated_the_day_after_is_refused():
    with pytest.raises(ValidationError) as error:
        ChallengeFactory.build(
            first_reported_on=JULY_2, resolved_on=JULY_2, status=ChallengeStatus.RESOLVED
        )._clean_dates()

    assert error.value.message_dict == {
        "first_reported_on": ["A challenge cannot be first reported on a future date."],
        "resolved_on": ["A challenge cannot be resolved on a future date."],
    }
