"""jurisdictions/0009: a challenge resolved before the day it was first reported, which
0010's check constraint refuses, is resolved that day instead; every other challenge
keeps its dates."""

import datetime
import importlib
from types import SimpleNamespace

import pytest
from django.apps import apps as django_apps
from django.db import connection

from jurisdictions.choices import ChallengeStatus
from jurisdictions.models import Challenge
from tests.cogwg.lifted_checks import check_lifted, rows_breaking
from tests.factories import ChallengeFactory

pytestmark = pytest.mark.django_db

migration = importlib.import_module("jurisdictions.migrations.0009_challenge_resolved_dates")
RULE = "jurisdictions_challenge_resolved_on_or_after_first_reported"
MARCH_1 = datetime.date(2020, 3, 1)


def resolved(first_reported_on, resolved_on):
    return ChallengeFactory(
        status=ChallengeStatus.RESOLVED, first_reported_on=first_reported_on, resolved_on=resolved_on
    )


def test_a_challenge_resolved_before_it_was_first_reported_is_resolved_that_day():
    with check_lifted(Challenge, RULE):
        before = resolved(MARCH_1, datetime.date(2020, 2, 1))
        same_day = resolved(MARCH_1, MARCH_1)
        after = resolved(MARCH_1, datetime.date(2020, 5, 1))
        undated = resolved(None, datetime.date(2020, 2, 1))
        still_open = ChallengeFactory(status=ChallengeStatus.OPEN, first_reported_on=MARCH_1, resolved_on=None)
        assert rows_breaking(Challenge, RULE) == [before.pk]

    migration.resolve_on_first_reported(django_apps, SimpleNamespace(connection=connection))

    dates = dict(Challenge.objects.values_list("pk", "resolved_on"))
    assert dates == {
        before.pk: MARCH_1,
        same_day.pk: MARCH_1,
        after.pk: datetime.date(2020, 5, 1),
        undated.pk: datetime.date(2020, 2, 1),
        still_open.pk: None,
    }
    assert rows_breaking(Challenge, RULE) == []
