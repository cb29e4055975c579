"""A status report as of a past day shows each challenge's status as it was at the end of
that day (in the site's time zone), from the challenge's history: a challenge that was
still open then is not shown "being addressed" because it is now. Resolved is read from
its "resolved on" date, as before; a challenge with no history by then shows its status
now, never resolved before its date. Frozen reports keep what they showed."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cogwg.reports.content import _challenge, build_content
from cogwg.reports.selectors import challenges_reported
from cogwg.reports.services import report_freeze
from jurisdictions.choices import ChallengeStatus
from jurisdictions.models import Challenge
from jurisdictions.selectors import ChallengeState, challenge_state_as_of
from tests.factories import ChallengeFactory, StatusReportFactory, WorkPlanFactory

pytestmark = pytest.mark.django_db

UTC = datetime.UTC
START = datetime.date(2020, 1, 1)
JAN_15 = datetime.date(2020, 1, 15)
APRIL_30 = datetime.date(2020, 4, 30)
MAY_1 = datetime.date(2020, 5, 1)
JUNE_30 = datetime.date(2020, 6, 30)


def at(year, month, day, hour=12, minute=0):
    return datetime.datetime(year, month, day, hour, minute, tzinfo=UTC)


def challenge_with_history(*versions, **fields):
    """A challenge whose history holds ``versions`` ((changes, recorded at), the first
    its creation), each saved as an edit is."""
    (changes, moment), *later = versions
    challenge = ChallengeFactory(first_reported_on=JAN_15, **changes, **fields)
    moments = [moment]
    for changes, moment in later:
        for name, value in changes.items():
            setattr(challenge, name, value)
        challenge.save()
        moments.append(moment)
    rows = challenge.history.order_by("history_date", "history_id")
    for row, moment in zip(rows, moments, strict=True):
        type(row).objects.filter(pk=row.pk).update(history_date=moment)
    return challenge


def addressed_on_may_1():
    """Reported open in January, being addressed from 1 May (10:00 in Toronto)."""
    return challenge_with_history(
        ({"status": ChallengeStatus.OPEN}, at(2020, 1, 20)),
        ({"status": ChallengeStatus.BEING_ADDRESSED}, at(2020, 5, 1, 14, 0)),
    )


def reported(as_of):
    """{challenge id: (status, resolved on)} as a report as of ``as_of`` shows them."""
    return {
        challenge.pk: (entry["status"], entry["resolved_on"])
        for challenge in challenges_reported(start=START, end=as_of)
        for entry in [_challenge(challenge, end=as_of)]
    }


def test_a_report_before_the_challenge_was_addressed_shows_it_open():
    challenge = addressed_on_may_1()

    assert reported(APRIL_30) == {challenge.pk: (ChallengeStatus.OPEN, None)}
    assert reported(MAY_1) == {challenge.pk: (ChallengeStatus.BEING_ADDRESSED, None)}
    assert reported(JUNE_30) == {challenge.pk: (ChallengeStatus.BEING_ADDRESSED, None)}
    # The last day there is (a preview "as of 9999-12-31") has no day after it.
    assert reported(datetime.date.max) == {challenge.pk: (ChallengeStatus.BEING_ADDRESSED, None)}


def test_the_report_builder_reads_the_same_status():
    challenge = addressed_on_may_1()
    report = StatusReportFactory(work_plan=WorkPlanFactory(), as_of=APRIL_30)

    (entry,) = build_content(report=report)["challenges"]

    assert (entry["id"], entry["status"]) == (challenge.pk, ChallengeStatus.OPEN)


def test_the_day_ends_at_midnight_in_the_sites_time_zone():
    # 1 May 02:30 UTC is still 30 April in Toronto; 04:30 UTC is 1 May there.
    late = challenge_with_history(
        ({"status": ChallengeStatus.OPEN}, at(2020, 1, 20)),
        ({"status": ChallengeStatus.BEING_ADDRESSED}, at(2020, 5, 1, 2, 30)),
    )
    next_day = challenge_with_history(
        ({"status": ChallengeStatus.OPEN}, at(2020, 1, 20)),
        ({"status": ChallengeStatus.BEING_ADDRESSED}, at(2020, 5, 1, 4, 30)),
    )

    assert reported(APRIL_30) == {
        late.pk: (ChallengeStatus.BEING_ADDRESSED, None),
        next_day.pk: (ChallengeStatus.OPEN, None),
    }


def test_a_challenge_resolved_after_the_day_shows_its_status_then():
    challenge = challenge_with_history(
        ({"status": ChallengeStatus.OPEN}, at(2020, 1, 20)),
        ({"status": ChallengeStatus.BEING_ADDRESSED}, at(2020, 3, 2)),
        ({"status": ChallengeStatus.RESOLVED, "resolved_on": datetime.date(2020, 6, 1)}, at(2020, 6, 2)),
    )

    assert reported(datetime.date(2020, 2, 28)) == {challenge.pk: (ChallengeStatus.OPEN, None)}
    assert reported(APRIL_30) == {challenge.pk: (ChallengeStatus.BEING_ADDRESSED, None)}
    # Resolved as of its "resolved on" date, though recorded the day after.
    assert reported(datetime.date(2020, 6, 1)) == {challenge.pk: (ChallengeStatus.RESOLVED, "2020-06-01")}


def test_a_resolution_the_history_shows_before_its_date_is_not_shown_before_it():
    # Marked resolved in March, its date corrected to July since: being addressed in April.
    challenge = challenge_with_history(
        ({"status": ChallengeStatus.BEING_ADDRESSED}, at(2020, 1, 20)),
        ({"status": ChallengeStatus.RESOLVED, "resolved_on": datetime.date(2020, 3, 1)}, at(2020, 3, 1)),
        ({"resolved_on": datetime.date(2020, 7, 1)}, at(2020, 7, 2)),
    )

    assert reported(APRIL_30) == {challenge.pk: (ChallengeStatus.BEING_ADDRESSED, None)}


def test_without_history_by_then_a_challenge_shows_its_status_now_but_never_resolved_before_its_date():
    addressed = challenge_with_history(({"status": ChallengeStatus.BEING_ADDRESSED}, at(2020, 8, 1)))
    resolved_later = challenge_with_history(
        ({"status": ChallengeStatus.RESOLVED, "resolved_on": datetime.date(2020, 7, 1)}, at(2020, 8, 1))
    )
    resolved_before = challenge_with_history(
        ({"status": ChallengeStatus.RESOLVED, "resolved_on": datetime.date(2020, 4, 1)}, at(2020, 8, 1))
    )
    imported = ChallengeFactory(status=ChallengeStatus.BEING_ADDRESSED, first_reported_on=JAN_15)
    imported.history.all().delete()

    assert reported(APRIL_30) == {
        addressed.pk: (ChallengeStatus.BEING_ADDRESSED, None),
        resolved_later.pk: (ChallengeStatus.OPEN, None),
        resolved_before.pk: (ChallengeStatus.RESOLVED, "2020-04-01"),
        imported.pk: (ChallengeStatus.BEING_ADDRESSED, None),
    }


def test_a_challenge_read_without_the_selector_gets_the_same_state_at_the_cost_of_a_query(
    django_assert_num_queries,
):
    challenge = Challenge.objects.get(pk=addressed_on_may_1().pk)

    with django_assert_num_queries(1):
        state = challenge_state_as_of(challenge, as_of=APRIL_30)
    (annotated,) = challenges_reported(start=START, end=MAY_1)
    with django_assert_num_queries(0):
        assert challenge_state_as_of(annotated, as_of=MAY_1) == ChallengeState(ChallengeStatus.BEING_ADDRESSED, None)
    with django_assert_num_queries(1):  # annotated for another day: asked again
        assert challenge_state_as_of(annotated, as_of=APRIL_30) == ChallengeState(ChallengeStatus.OPEN, None)

    assert state == ChallengeState(ChallengeStatus.OPEN, None)


@pytest.mark.parametrize("size", [1, 6])
def test_the_challenges_of_a_report_are_read_in_a_constant_number_of_queries(size, django_assert_num_queries):
    for _ in range(size):
        addressed_on_may_1()
        challenge_with_history(
            ({"status": ChallengeStatus.OPEN}, at(2020, 1, 20)),
            ({"status": ChallengeStatus.RESOLVED, "resolved_on": datetime.date(2020, 4, 2)}, at(2020, 4, 3)),
        )

    # The challenges with their status then, and their jurisdictions.
    with django_assert_num_queries(2):
        entries = [_challenge(item, end=APRIL_30) for item in challenges_reported(start=START, end=APRIL_30)]

    assert sorted(entry["status"] for entry in entries) == sorted(
        [ChallengeStatus.OPEN] * size + [ChallengeStatus.RESOLVED] * size
    )


def test_the_content_of_a_report_is_built_in_the_same_number_of_queries_whatever_its_challenges():
    report = StatusReportFactory(work_plan=WorkPlanFactory(), as_of=APRIL_30)
    addressed_on_may_1()
    with CaptureQueriesContext(connection) as small:
        build_content(report=report)
    for _ in range(5):
        addressed_on_may_1()

    with CaptureQueriesContext(connection) as large:
        content = build_content(report=report)

    assert [entry["status"] for entry in content["challenges"]] == [ChallengeStatus.OPEN] * 6
    assert len(large) == len(small)


def test_a_frozen_report_keeps_the_status_it_showed(client):
    challenge = addressed_on_may_1()
    report = report_freeze(report=StatusReportFactory(work_plan=WorkPlanFactory(), as_of=APRIL_30))
    frozen = (report.content, report.checksum)

    # Resolved since, and its history rewritten: the frozen report is not built again.
    challenge.status, challenge.resolved_on = ChallengeStatus.RESOLVED, datetime.date(2020, 4, 15)
    challenge.save()
    challenge.history.update(status=ChallengeStatus.BEING_ADDRESSED)

    report.refresh_from_db()
    assert (report.content, report.checksum) == frozen
    assert [(entry["id"], entry["status"]) for entry in report.content["challenges"]] == [
        (challenge.pk, ChallengeStatus.OPEN)
    ]
    # A report built now as of the same day reads the new facts.
    draft = StatusReportFactory(work_plan=WorkPlanFactory(), as_of=APRIL_30)
    assert [entry["status"] for entry in build_content(report=draft)["challenges"]] == [ChallengeStatus.RESOLVED]
