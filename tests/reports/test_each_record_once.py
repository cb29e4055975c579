"""Each published accomplishment is in exactly one report of its plan, and each challenge
is new in exactly one (a challenge still open is in every report, new in the first only):
freezing a report records what it took (``StatusReportItem``, in the freeze's own
transaction), and a report takes what is dated up to its date that no report before it
took (``cogwg.reports.selectors.not_yet_reported``).

Three ways the former rule (dated in the period, or published since the previous report
was frozen) lost or repeated a record: published again after a withdrawal (a new
``published_at``), published while a report was being frozen (before ``frozen_at``, seen
by neither report), and dated before the plan's first report's period (no report took it).
And the migration that records what the reports frozen before it showed, from their
frozen content."""

import datetime
from unittest import mock

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test.utils import CaptureQueriesContext

from cogwg.choices import StatusReportState
from cogwg.models import StatusReport, StatusReportFile, StatusReportItem
from cogwg.reports import services
from cogwg.reports.content import build_content
from cogwg.reports.services import report_freeze
from cogwg.services import records_publish, records_unpublish
from jurisdictions.choices import ChallengeStatus
from jurisdictions.models import Accomplishment, Challenge
from tests.factories import (
    AccomplishmentFactory,
    ChallengeFactory,
    JurisdictionFactory,
    MilestoneFactory,
    PriorityFactory,
    StatusReportFactory,
    WorkPlanFactory,
)
from workplan.choices import WorkPlanStatus

ACCOMPLISHMENT, CHALLENGE = StatusReportItem.Kind.ACCOMPLISHMENT, StatusReportItem.Kind.CHALLENGE
FEB_27, JUNE_30, SEPT_30 = datetime.date(2020, 2, 27), datetime.date(2020, 6, 30), datetime.date(2020, 9, 30)


def at(year, month, day, hour=15):
    return datetime.datetime(year, month, day, hour, tzinfo=datetime.UTC)


def work_plan(year, status=WorkPlanStatus.ACTIVE):
    plan = WorkPlanFactory(
        slug=str(year), start_date=datetime.date(year, 1, 1), end_date=datetime.date(year, 12, 31), status=status
    )
    MilestoneFactory(priority=PriorityFactory(work_plan=plan))
    return plan


@pytest.fixture
def plan(settings, db):
    settings.CELERY_TASK_ALWAYS_EAGER = False  # no files rendered
    return work_plan(2020)


def freeze(plan, as_of, moment):
    with mock.patch("django.utils.timezone.now", return_value=moment):
        return report_freeze(report=StatusReportFactory(work_plan=plan, as_of=as_of))


def accomplishment(title, *, date, published_at):
    return AccomplishmentFactory(
        jurisdiction=JurisdictionFactory(), title_en=title, date=date, published_at=published_at
    )


def resolved_challenge(title, *, published_at):
    return ChallengeFactory(
        title_en=title,
        first_reported_on=datetime.date(2020, 1, 5),
        resolved_on=datetime.date(2020, 1, 20),
        status=ChallengeStatus.RESOLVED,
        published_at=published_at,
    )


def titles(report, section="accomplishments"):
    return [item["title"]["en"] for item in report.content[section]]


def published_again(record, moment):
    """Withdrawn, then published again (a new ``published_at``), through the services."""
    records = type(record).objects.filter(pk=record.pk)
    with mock.patch("django.utils.timezone.now", return_value=moment):
        records_unpublish(queryset=records)
        records_publish(queryset=records)
    record.refresh_from_db()
    assert record.published_at == moment


# 1. Published again after a withdrawal


@pytest.mark.django_db
def test_an_accomplishment_withdrawn_and_published_again_is_not_shown_again(plan):
    record = accomplishment("shown in February", date=datetime.date(2020, 1, 10), published_at=at(2020, 2, 1))
    first = freeze(plan, FEB_27, at(2020, 3, 1))
    published_again(record, at(2020, 5, 1))
    second = freeze(plan, JUNE_30, at(2020, 7, 2))

    assert titles(first) == ["shown in February"]
    assert titles(second) == []


@pytest.mark.django_db
def test_a_challenge_withdrawn_and_published_again_is_not_new_again(plan):
    solved = resolved_challenge("solved in January", published_at=at(2020, 2, 1))
    still_open = ChallengeFactory(
        title_en="still open", first_reported_on=datetime.date(2020, 1, 5), published_at=at(2020, 2, 1)
    )
    first = freeze(plan, FEB_27, at(2020, 3, 1))
    published_again(solved, at(2020, 5, 1))
    published_again(still_open, at(2020, 5, 1))
    second = freeze(plan, JUNE_30, at(2020, 7, 2))

    new = [(item["title"]["en"], item["new"]) for item in first.content["challenges"]]
    assert new == [("solved in January", True), ("still open", True)]
    # Still open: shown again, not as new; solved before the period: not shown again.
    assert [(item["title"]["en"], item["new"]) for item in second.content["challenges"]] == [("still open", False)]


# 2. Published while a report is being frozen


@pytest.mark.django_db
def test_a_record_published_while_a_report_is_frozen_is_in_the_next_report(plan, monkeypatch):
    """Its publication commits after the freeze read the accomplishments, yet it is
    stamped before the freeze's ``frozen_at``: the freeze could not see it, and the next
    report must not take it for one the freeze saw."""
    build = services.build_content

    def built_then_published(**kwargs):
        content = build(**kwargs)
        accomplishment("published meanwhile", date=datetime.date(2020, 2, 20), published_at=at(2020, 3, 1, 14))
        return content

    monkeypatch.setattr(services, "build_content", built_then_published)
    first = freeze(plan, FEB_27, at(2020, 3, 1, 15))
    monkeypatch.undo()
    second = freeze(plan, JUNE_30, at(2020, 7, 2))
    third = freeze(plan, SEPT_30, at(2020, 10, 1))

    assert titles(first) == []
    assert titles(second) == ["published meanwhile"]
    assert titles(third) == []


# 3. Dated before the plan's first report's period


@pytest.mark.django_db
def test_a_record_dated_before_the_plan_starts_is_in_its_first_report_and_no_other(plan):
    accomplishment("December", date=datetime.date(2019, 12, 1), published_at=at(2020, 2, 1))
    first = freeze(plan, FEB_27, at(2020, 3, 1))
    accomplishment("November, published late", date=datetime.date(2019, 11, 1), published_at=at(2020, 5, 1))
    second = freeze(plan, JUNE_30, at(2020, 7, 2))
    third = freeze(plan, SEPT_30, at(2020, 10, 1))

    assert titles(first) == ["December"]
    assert first.content["report"]["period_start"] == "2020-01-01"
    assert titles(second) == ["November, published late"]
    assert titles(third) == []


@pytest.mark.django_db
def test_what_a_report_of_an_earlier_plan_showed_is_not_shown_again_by_the_next_plan(plan):
    earlier = work_plan(2019, status=WorkPlanStatus.CLOSED)
    accomplishment("shown in 2019", date=datetime.date(2019, 11, 1), published_at=at(2019, 11, 2))
    closing = freeze(earlier, datetime.date(2019, 12, 15), at(2019, 12, 16))
    accomplishment("too late for 2019", date=datetime.date(2019, 11, 20), published_at=at(2020, 1, 10))
    first = freeze(plan, FEB_27, at(2020, 3, 1))

    assert titles(closing) == ["shown in 2019"]
    assert titles(first) == ["too late for 2019"]


@pytest.mark.django_db
def test_each_plan_shows_what_its_own_period_holds_once(plan):
    """Plans overlap after one ends (its closing report may come months later): a record
    of the next plan's first weeks is in a report of each, once."""
    following = work_plan(2021, status=WorkPlanStatus.DRAFT)
    accomplishment("December", date=datetime.date(2020, 12, 10), published_at=at(2021, 1, 5))
    accomplishment("January", date=datetime.date(2021, 1, 10), published_at=at(2021, 1, 11))
    autumn = freeze(plan, SEPT_30, at(2020, 10, 1))
    opening = freeze(following, datetime.date(2021, 2, 1), at(2021, 2, 2))
    closing = freeze(plan, datetime.date(2021, 2, 15), at(2021, 2, 16))
    next_one = freeze(following, datetime.date(2021, 4, 1), at(2021, 4, 2))

    assert titles(autumn) == []
    assert titles(opening) == ["January", "December"]
    assert titles(closing) == ["January", "December"]
    assert titles(next_one) == []


# What does not change


@pytest.mark.django_db
def test_a_report_reissued_for_the_same_date_takes_what_the_report_it_reissues_took(plan):
    accomplishment("before the plan", date=datetime.date(2019, 12, 1), published_at=at(2020, 2, 1))
    accomplishment("february", date=datetime.date(2020, 2, 10), published_at=at(2020, 2, 11))
    first = freeze(plan, FEB_27, at(2020, 3, 1))
    accomplishment("late", date=datetime.date(2020, 1, 10), published_at=at(2020, 3, 5))
    reissued = freeze(plan, FEB_27, at(2020, 3, 10))
    second = freeze(plan, JUNE_30, at(2020, 7, 2))

    assert titles(first) == ["february", "before the plan"]
    assert titles(reissued) == ["february", "late", "before the plan"]
    assert reissued.content["report"]["period_start"] == first.content["report"]["period_start"] == "2020-01-01"
    assert titles(second) == []


@pytest.mark.django_db
def test_a_record_dated_after_the_report_waits_for_the_report_of_its_date(plan):
    accomplishment("autumn", date=datetime.date(2020, 7, 1), published_at=at(2020, 6, 1))
    second = freeze(plan, JUNE_30, at(2020, 7, 2))
    third = freeze(plan, SEPT_30, at(2020, 10, 1))

    assert (titles(second), titles(third)) == ([], ["autumn"])


# The record the freeze keeps


@pytest.mark.django_db
def test_freezing_records_what_the_report_took_and_a_draft_records_nothing(plan):
    shown = accomplishment("shown", date=datetime.date(2020, 2, 1), published_at=at(2020, 2, 2))
    challenge = ChallengeFactory(first_reported_on=datetime.date(2020, 2, 3), published_at=at(2020, 2, 4))
    draft = StatusReportFactory(work_plan=plan, as_of=JUNE_30)
    build_content(report=draft)
    report = freeze(plan, FEB_27, at(2020, 3, 1))

    assert sorted(StatusReportItem.objects.values_list("report_id", "kind", "record_id")) == sorted(
        [(report.pk, ACCOMPLISHMENT, shown.pk), (report.pk, CHALLENGE, challenge.pk)]
    )


@pytest.mark.django_db
def test_a_freeze_that_fails_records_nothing(plan, monkeypatch):
    accomplishment("shown", date=datetime.date(2020, 2, 1), published_at=at(2020, 2, 2))
    draft = StatusReportFactory(work_plan=plan, as_of=FEB_27)

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(StatusReportFile.objects, "bulk_create", broken)
    with pytest.raises(RuntimeError):
        report_freeze(report=draft)

    draft.refresh_from_db()
    assert (draft.state, draft.content) == (StatusReportState.DRAFT, None)
    assert not StatusReportItem.objects.exists()


@pytest.mark.django_db
def test_the_content_runs_the_same_queries_whatever_earlier_reports_took(plan):
    counts = []
    for size in (1, 5):
        StatusReportItem.objects.all().delete()
        StatusReport.objects.all().delete()
        for n in range(size):
            accomplishment(f"shown {size} {n}", date=datetime.date(2020, 1, 10), published_at=at(2020, 2, 1))
        freeze(plan, FEB_27, at(2020, 3, 1))
        for n in range(size):
            accomplishment(f"late {size} {n}", date=datetime.date(2020, 1, 10), published_at=at(2020, 5, 1))
        draft = StatusReportFactory(work_plan=plan, as_of=JUNE_30)
        with CaptureQueriesContext(connection) as queries:
            content = build_content(report=draft)
        counts.append((len(queries), len(content["accomplishments"])))
        Accomplishment.objects.all().delete()

    assert counts[0][0] == counts[1][0]
    assert [shown for _, shown in counts] == [1, 5]


# The migration


MIGRATION = ("cogwg", "0013_statusreportitem")
BEFORE = ("cogwg", "0012_emailjob_skip_reason")


@pytest.fixture
def migrator(settings, transactional_db):
    """A migration executor on the test database, with every migration recorded as
    applied (the suite creates the tables from the models, without migrations): it moves
    the database to a migration and back. The database is left at the latest."""
    settings.MIGRATION_MODULES = {}  # the suite runs without them (--no-migrations): read them here
    settings.CELERY_TASK_ALWAYS_EAGER = False
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
    migrate(executor.loader.graph.leaf_nodes("cogwg")[0])
    for app, name in added:
        recorder.record_unapplied(app, name)


def frozen(plan, as_of, moment, *, accomplishments=(), challenges=(), state=StatusReportState.FINAL):
    """A report frozen before the migration, as its content says (only what it reads)."""
    content = {
        "schema": 1,
        "accomplishments": [{"id": pk} for pk in accomplishments],
        "challenges": [{"id": pk} for pk in challenges],
    }
    return StatusReportFactory(work_plan=plan, as_of=as_of, state=state, content=content, frozen_at=moment)


def test_the_migration_records_what_each_frozen_report_showed(migrator):
    migrator(BEFORE)
    plan = work_plan(2020)
    shown = accomplishment("shown", date=datetime.date(2020, 1, 10), published_at=at(2020, 2, 1))
    gone = accomplishment("deleted since", date=datetime.date(2020, 1, 11), published_at=at(2020, 2, 1))
    solved = resolved_challenge("solved in January", published_at=at(2020, 2, 1))
    first = frozen(plan, FEB_27, at(2020, 3, 1), accomplishments=[shown.pk, gone.pk], challenges=[solved.pk])
    later = frozen(plan, JUNE_30, at(2020, 7, 1), state=StatusReportState.PUBLISHED, accomplishments=[shown.pk])
    StatusReportFactory(work_plan=plan, as_of=SEPT_30)  # a draft has no content
    gone_id = gone.pk
    gone.delete()

    migrator(MIGRATION)

    assert sorted(StatusReportItem.objects.values_list("report_id", "kind", "record_id")) == sorted(
        [
            (first.pk, ACCOMPLISHMENT, shown.pk),
            (first.pk, ACCOMPLISHMENT, gone_id),
            (first.pk, CHALLENGE, solved.pk),
            (later.pk, ACCOMPLISHMENT, shown.pk),
        ]
    )
    # Published again since: the next report does not show them again.
    published_again(Accomplishment.objects.get(pk=shown.pk), at(2020, 8, 1))
    published_again(Challenge.objects.get(pk=solved.pk), at(2020, 8, 1))
    report = freeze(plan, SEPT_30, at(2020, 10, 1))
    assert (report.content["accomplishments"], report.content["challenges"]) == ([], [])


def test_unapplying_the_migration_drops_the_record_and_changes_no_report(migrator):
    plan = work_plan(2020)
    record = accomplishment("shown", date=datetime.date(2020, 1, 10), published_at=at(2020, 2, 1))
    report = frozen(plan, FEB_27, at(2020, 3, 1), accomplishments=[record.pk])

    migrator(BEFORE)

    assert "cogwg_statusreportitem" not in connection.introspection.table_names()
    assert StatusReport.objects.get(pk=report.pk).content == report.content
    migrator(MIGRATION)
    assert list(StatusReportItem.objects.values_list("report_id", "kind", "record_id")) == [
        (report.pk, ACCOMPLISHMENT, record.pk)
    ]
