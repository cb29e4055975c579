"""A resolved challenge has its "resolved on" date, and the database holds to it
(jurisdictions/0012). The migration first dates the resolved challenges stored without it,
from what was recorded: the day their history shows them becoming resolved, else the day
they were last modified, never before they were first reported nor after today. The
admin and the API say the rule next to the field, in the page's language: never a 500."""

import datetime
import importlib

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone, translation

from cogwg.choices import PublicationState
from jurisdictions.choices import ChallengeStatus
from jurisdictions.models import Challenge
from tests.factories import ChallengeFactory, MeetingFactory
from tests.test_admin import admin_url, form_data
from tests.test_constraint_messages import LANGUAGES, admin_post, api_message, form_of, page_text

NBSP = "\u00a0"
JAN_15 = datetime.date(2020, 1, 15)
JUNE_30 = datetime.date(2020, 6, 30)
UTC = datetime.UTC

BEFORE = ("jurisdictions", "0011_title_in_either_language")
MIGRATION = ("jurisdictions", "0012_challenge_resolved_has_resolved_on")

RESOLVED_WITHOUT_DATE = {
    "en": "A resolved challenge has a resolution date: enter its “resolved on” date, or choose another status.",
    "fr": f"Un défi résolu a une date de résolution{NBSP}: saisissez sa date «{NBSP}résolu le{NBSP}», "
    "ou choisissez un autre état.",
}


def at(year, month, day, hour=12, minute=0):
    return datetime.datetime(year, month, day, hour, minute, tzinfo=UTC)


def stored(*versions, **fields):
    """A challenge whose history holds ``versions`` ((status, recorded at), the first its
    creation), stored as the last says, without a "resolved on" date (as before 0012)."""
    (status, moment), *changes = versions
    challenge = ChallengeFactory(status=status, resolved_on=None, **fields)
    moments = [moment]
    for status, moment in changes:
        challenge.status = status
        challenge.save()
        moments.append(moment)
    rows = challenge.history.order_by("history_date", "history_id")
    assert rows.count() == len(moments)
    for row, moment in zip(rows, moments, strict=True):
        type(row).objects.filter(pk=row.pk).update(history_date=moment)
    return challenge


def resolved_on(challenge):
    return Challenge.objects.values_list("resolved_on", flat=True).get(pk=challenge.pk)


# The migration


@pytest.fixture
def migrator(settings, transactional_db):
    """A migration executor on the test database, with every migration recorded as
    applied (the suite creates the tables from the models, without migrations): it moves
    the database to a migration and back. The database is left at the latest."""
    settings.MIGRATION_MODULES = {}  # the suite runs without them (--no-migrations): read them here
    executor = MigrationExecutor(connection)
    recorder = executor.recorder
    recorder.ensure_schema()
    recorded = set(recorder.applied_migrations())
    added = [key for key in executor.loader.graph.nodes if key not in recorded]
    for key in added:
        recorder.record_applied(*key)

    def migrate(target):
        executor.loader.build_graph()
        executor.migrate([target])

    yield migrate
    migrate(executor.loader.graph.leaf_nodes("jurisdictions")[0])
    for app, name in added:
        recorder.record_unapplied(app, name)


def test_the_migration_dates_each_resolved_challenge_from_its_history_else_its_last_change(migrator, monkeypatch):
    migrator(BEFORE)
    # Resolved on 30 June in Toronto (1 July 02:30 UTC), then edited while resolved.
    from_history = stored(
        (ChallengeStatus.OPEN, at(2020, 2, 1)),
        (ChallengeStatus.BEING_ADDRESSED, at(2020, 3, 1)),
        (ChallengeStatus.RESOLVED, at(2020, 7, 1, 2, 30)),
        (ChallengeStatus.RESOLVED, at(2020, 8, 1)),
        first_reported_on=JAN_15,
    )
    # Resolved in March, opened again, resolved in June: resolved since June.
    reopened = stored(
        (ChallengeStatus.RESOLVED, at(2020, 3, 10)),
        (ChallengeStatus.OPEN, at(2020, 4, 10)),
        (ChallengeStatus.RESOLVED, at(2020, 6, 10)),
    )
    # No history (loaded outside the tracked forms): the day of its last change, in Toronto.
    without_history = stored((ChallengeStatus.RESOLVED, at(2020, 1, 1)), first_reported_on=JAN_15)
    without_history.history.all().delete()
    Challenge.objects.filter(pk=without_history.pk).update(modified_at=at(2020, 9, 10, 3, 0))
    # Its history says resolved before it was first reported, at a meeting or on a date.
    before_report = stored((ChallengeStatus.RESOLVED, at(2020, 3, 1)), first_reported_on=datetime.date(2020, 5, 1))
    before_meeting = stored(
        (ChallengeStatus.RESOLVED, at(2020, 3, 1)),
        first_reported_on=JAN_15,
        first_reported_at=MeetingFactory(date=datetime.date(2020, 4, 2)),
    )
    # Modified "tomorrow" (a clock set wrong): today at the latest.
    future = stored((ChallengeStatus.RESOLVED, at(2020, 1, 1)))
    future.history.all().delete()
    Challenge.objects.filter(pk=future.pk).update(modified_at=timezone.now() + datetime.timedelta(days=3))
    # Left as they are.
    dated = ChallengeFactory(status=ChallengeStatus.RESOLVED, first_reported_on=JAN_15, resolved_on=JUNE_30)
    still_open = stored((ChallengeStatus.OPEN, at(2020, 2, 1)))
    # What is not recorded as a change is not one.
    touched = {row.pk: row.modified_at for row in Challenge.objects.all()}
    history_rows = sorted(Challenge.history.values_list("history_id", "status", "resolved_on"))
    monkeypatch.setattr(timezone, "now", lambda: at(2026, 3, 1, 3, 0))  # 28 February in Toronto

    migrator(MIGRATION)

    assert resolved_on(from_history) == JUNE_30
    assert resolved_on(reopened) == datetime.date(2020, 6, 10)
    assert resolved_on(without_history) == datetime.date(2020, 9, 9)
    assert resolved_on(before_report) == datetime.date(2020, 5, 1)
    assert resolved_on(before_meeting) == datetime.date(2020, 4, 2)
    assert resolved_on(future) == datetime.date(2026, 2, 28)
    assert resolved_on(dated) == JUNE_30
    assert resolved_on(still_open) is None
    assert {row.pk: row.modified_at for row in Challenge.objects.all()} == touched
    assert sorted(Challenge.history.values_list("history_id", "status", "resolved_on")) == history_rows
    for challenge in Challenge.objects.all():
        challenge.full_clean()
    # The rule now holds.
    with pytest.raises(IntegrityError), transaction.atomic():
        Challenge.objects.filter(pk=still_open.pk).update(status=ChallengeStatus.RESOLVED)
    assert Challenge.objects.get(pk=still_open.pk).status == ChallengeStatus.OPEN


def test_unapplying_the_migration_removes_the_rule_only(migrator):
    migrator(BEFORE)
    undated = stored((ChallengeStatus.RESOLVED, at(2020, 6, 1)), first_reported_on=JAN_15)
    migrator(MIGRATION)

    migrator(BEFORE)

    assert resolved_on(undated) == datetime.date(2020, 6, 1)
    Challenge.objects.filter(pk=undated.pk).update(resolved_on=None)  # allowed again
    assert resolved_on(undated) is None


def test_the_mend_is_a_function_of_the_rows_only():
    migration = importlib.import_module("jurisdictions.migrations.0012_challenge_resolved_has_resolved_on")

    began = migration.became_resolved(
        [
            (1, ChallengeStatus.OPEN, at(2020, 1, 1)),
            (1, ChallengeStatus.RESOLVED, at(2020, 2, 1)),
            (1, ChallengeStatus.RESOLVED, at(2020, 3, 1)),
            (2, ChallengeStatus.RESOLVED, at(2020, 1, 1)),
            (2, ChallengeStatus.BEING_ADDRESSED, at(2020, 2, 1)),
            (3, ChallengeStatus.OPEN, at(2020, 1, 1)),
        ]
    )

    assert began == {1: at(2020, 2, 1)}


# The rule in the database, and its message


@pytest.mark.django_db
def test_the_database_refuses_a_resolved_challenge_without_its_date():
    challenge = ChallengeFactory(status=ChallengeStatus.OPEN, first_reported_on=JAN_15)

    with pytest.raises(IntegrityError), transaction.atomic():
        Challenge.objects.filter(pk=challenge.pk).update(status=ChallengeStatus.RESOLVED)
    with pytest.raises(IntegrityError), transaction.atomic():
        ChallengeFactory(status=ChallengeStatus.RESOLVED, resolved_on=None)

    assert list(Challenge.objects.values_list("status", "resolved_on")) == [(ChallengeStatus.OPEN, None)]


@pytest.mark.django_db
@pytest.mark.parametrize("language", LANGUAGES)
def test_the_rule_is_told_in_the_readers_language(language):
    challenge = ChallengeFactory.build(status=ChallengeStatus.RESOLVED, first_reported_on=JAN_15, resolved_on=None)

    with translation.override(language):
        with pytest.raises(ValidationError) as by_the_constraint:
            challenge.validate_constraints()
        with pytest.raises(ValidationError) as by_the_form:
            challenge.full_clean()

        assert by_the_constraint.value.message_dict == {"__all__": [RESOLVED_WITHOUT_DATE[language]]}
        # Said once, next to the field.
        assert by_the_form.value.message_dict == {"resolved_on": [RESOLVED_WITHOUT_DATE[language]]}
    assert [error.code for error in by_the_constraint.value.error_dict["__all__"]] == ["resolved_without_date"]


@pytest.mark.django_db
@pytest.mark.parametrize("language", LANGUAGES)
def test_the_admin_refuses_a_new_resolved_challenge_without_its_date(staff_client, language):
    response = admin_post(
        staff_client,
        language,
        Challenge,
        "add",
        title_en="Staffing",
        title_fr="Personnel",
        category="resources",
        status=ChallengeStatus.RESOLVED,
        first_reported_on="2020-01-15",
    )

    assert response.status_code == 200
    assert form_of(response).errors == {"resolved_on": [RESOLVED_WITHOUT_DATE[language]]}
    assert RESOLVED_WITHOUT_DATE[language] in page_text(response)
    assert not Challenge.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("language", LANGUAGES)
def test_the_api_refuses_a_new_resolved_challenge_without_its_date(staff_api, language):
    response = staff_api.post(
        f"/api/v1/challenges/?lang={language}",
        {
            "title_en": "Staffing",
            "title_fr": "Personnel",
            "category": "resources",
            "status": ChallengeStatus.RESOLVED,
            "first_reported_on": "2020-01-15",
        },
        format="json",
    )

    assert api_message(response, "resolved_on") == [RESOLVED_WITHOUT_DATE[language]]
    assert not Challenge.objects.exists()


@pytest.mark.django_db
def test_the_admin_refuses_to_bring_back_a_version_resolved_without_its_date(staff_client):
    challenge = ChallengeFactory(status=ChallengeStatus.OPEN, first_reported_on=JAN_15)
    # A version from before the rule: resolved, without its date.
    challenge.history.update(status=ChallengeStatus.RESOLVED)
    version = challenge.history.get()
    challenge.title_en = "Staffing"
    challenge.save()
    url = admin_url(Challenge, "simple_history", challenge.pk, version.history_id)

    response = staff_client.post(url, form_data(staff_client.get(url)))

    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {"resolved_on": [RESOLVED_WITHOUT_DATE["en"]]}
    challenge.refresh_from_db()
    assert (challenge.status, challenge.resolved_on, challenge.title_en) == (ChallengeStatus.OPEN, None, "Staffing")
    assert challenge.publication_state == PublicationState.PUBLISHED
