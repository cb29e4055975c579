"""Personal information is kept for the periods of the settings, then deleted or blanked
by the nightly task (cogwg/retention.py): what is older goes, what is newer stays, and
nothing else is touched. The task is idempotent and logs counts only."""

import datetime
import logging

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.conf import settings
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.core.checks import run_checks
from django.test import override_settings
from django.utils import timezone

from cogwg.choices import EmailJobState, ReportingPeriodStatus
from cogwg.models import EmailJob, PeriodReminder, PeriodSummary, ReportingPeriod, UpcomingReminder
from cogwg.retention import Disposal, personal_information_dispose
from cogwg.tasks import dispose_of_personal_information
from stories.choices import StoryState
from stories.models import UserStory
from tests.factories import JurisdictionFactory, ReportingPeriodFactory, UserStoryFactory, WorkPlanFactory

pytestmark = pytest.mark.django_db

NOW = timezone.make_aware(datetime.datetime(2026, 6, 1, 12, 0))
DAY = datetime.timedelta(days=1)
NOTHING = Disposal().as_dict()


def days_ago(days):
    return NOW - days * DAY


def dispose(**changes):
    return personal_information_dispose(now=NOW).as_dict() == NOTHING | changes


def stamp(model, record, **fields):
    """Set fields the model fills itself (auto_now_add, auto_now), bypassing save()."""
    model.objects.filter(pk=record.pk).update(**fields)


# Sign-in records (django-axes)


def sign_in(model, *, days, username=None, **fields):
    # django-axes keeps one failure count per username, address and browser.
    record = model.objects.create(
        user_agent="Firefox",
        ip_address="203.0.113.9",
        username=username or f"alice-{days}",
        http_accept="*/*",
        path_info="/",
        **fields,
    )
    stamp(model, record, attempt_time=days_ago(days))
    return record


def test_sign_in_records_older_than_the_period_are_deleted_and_newer_ones_stay():
    old_log, new_log = sign_in(AccessLog, days=91), sign_in(AccessLog, days=89)
    old_failure = sign_in(AccessFailureLog, days=91, locked_out=False)
    new_failure = sign_in(AccessFailureLog, days=89, locked_out=False)
    old_attempt = sign_in(AccessAttempt, days=91, get_data="", post_data="", failures_since_start=2)
    new_attempt = sign_in(AccessAttempt, days=89, get_data="", post_data="", failures_since_start=2)

    assert dispose(sign_ins=1, failed_sign_ins=2)

    assert list(AccessLog.objects.all()) == [new_log]
    assert list(AccessFailureLog.objects.all()) == [new_failure]
    assert list(AccessAttempt.objects.all()) == [new_attempt]
    assert not AccessLog.objects.filter(pk=old_log.pk).exists()
    assert not AccessFailureLog.objects.filter(pk=old_failure.pk).exists()
    assert not AccessAttempt.objects.filter(pk=old_attempt.pk).exists()


@override_settings(AXES_COOLOFF_TIME=datetime.timedelta(days=200))
def test_a_lockout_still_under_way_is_not_lifted_by_the_disposal():
    attempt = sign_in(AccessAttempt, days=120, get_data="", post_data="", failures_since_start=5)
    log = sign_in(AccessLog, days=120)

    assert dispose(sign_ins=1)

    assert list(AccessAttempt.objects.all()) == [attempt]
    assert not AccessLog.objects.filter(pk=log.pk).exists()


@override_settings(COGWG_RETENTION_ACCESS_LOG_DAYS=10)
def test_the_sign_in_period_follows_the_setting():
    sign_in(AccessLog, days=11)
    kept = sign_in(AccessLog, days=9)

    assert dispose(sign_ins=1)

    assert list(AccessLog.objects.all()) == [kept]


# Sessions


def session(*, expires):
    store = SessionStore()
    store["anything"] = 1
    store.create()
    Session.objects.filter(session_key=store.session_key).update(expire_date=expires)
    return store.session_key


def test_expired_sessions_are_deleted_and_live_ones_stay():
    session(expires=NOW - datetime.timedelta(minutes=1))
    live = session(expires=NOW + datetime.timedelta(hours=1))

    assert dispose(sessions=1)

    assert list(Session.objects.values_list("session_key", flat=True)) == [live]


# Reminders


def period(*, closed_days_ago=None, period_end=datetime.date(2020, 6, 30)):
    found = ReportingPeriodFactory(work_plan=WorkPlanFactory(), period_end=period_end, deadline=period_end)
    if closed_days_ago is not None:
        ReportingPeriod.objects.filter(pk=found.pk).update(
            status=ReportingPeriodStatus.CLOSED,
            opened_at=days_ago(closed_days_ago + 30),
            closed_at=days_ago(closed_days_ago),
        )
    return found


def reminder(for_period, jurisdiction, *, sent_days_ago=800, number=1):
    return PeriodReminder.objects.create(
        period=for_period,
        jurisdiction=jurisdiction,
        sent_at=days_ago(sent_days_ago),
        recipients="a@example.org",
        missing=1,
        number=number,
    )


def test_reminders_of_periods_closed_longer_than_the_period_are_deleted_the_others_stay():
    on = JurisdictionFactory(code="ON")
    long_closed, recently_closed, still_open = period(closed_days_ago=366), period(closed_days_ago=364), period()
    reminder(long_closed, on, sent_days_ago=366)
    kept = [reminder(recently_closed, on, sent_days_ago=364), reminder(still_open, on, sent_days_ago=364)]

    assert dispose(period_reminders=1)

    assert sorted(PeriodReminder.objects.values_list("pk", flat=True)) == sorted(r.pk for r in kept)
    # The periods themselves stay, closed as they were.
    assert ReportingPeriod.objects.count() == 3
    assert ReportingPeriod.objects.get(pk=long_closed.pk).status == ReportingPeriodStatus.CLOSED


def test_reminders_sent_longer_ago_than_the_period_are_deleted_whether_their_period_closed_or_not():
    on = JurisdictionFactory(code="ON")
    never_closed, recently_closed = period(), period(closed_days_ago=10)
    reminder(never_closed, on, sent_days_ago=2000)
    reminder(never_closed, on, sent_days_ago=366, number=2)
    reminder(recently_closed, on, sent_days_ago=400)
    kept = reminder(never_closed, on, sent_days_ago=364, number=3)

    assert dispose(period_reminders=3)

    assert list(PeriodReminder.objects.values_list("pk", flat=True)) == [kept.pk]
    assert dispose()  # a second run finds nothing more


def test_closing_summaries_sent_longer_ago_than_the_period_are_deleted():
    recently_closed = period(closed_days_ago=10)
    PeriodSummary.objects.create(period=recently_closed, address="old@example.org", sent_at=days_ago(366))
    kept = PeriodSummary.objects.create(period=recently_closed, address="new@example.org", sent_at=days_ago(364))

    assert dispose(period_summaries=1)

    assert list(PeriodSummary.objects.values_list("pk", flat=True)) == [kept.pk]


def test_upcoming_milestone_reminders_older_than_the_period_are_deleted():
    today = timezone.localdate(NOW)
    UpcomingReminder.objects.create(address="old@example.org", sent_on=today - 366 * DAY)
    kept = UpcomingReminder.objects.create(address="new@example.org", sent_on=today - 365 * DAY)
    recent = UpcomingReminder.objects.create(address="old@example.org", sent_on=today)

    assert dispose(upcoming_reminders=1)

    assert sorted(UpcomingReminder.objects.values_list("pk", flat=True)) == sorted([kept.pk, recent.pk])


def test_closing_summaries_of_periods_closed_longer_than_the_period_are_deleted_the_others_stay():
    long_closed, recently_closed = period(closed_days_ago=366), period(closed_days_ago=364)
    PeriodSummary.objects.create(period=long_closed, address="alice@example.org", refused=True)
    kept = PeriodSummary.objects.create(period=recently_closed, address="alice@example.org")

    assert dispose(period_summaries=1)

    assert list(PeriodSummary.objects.values_list("pk", flat=True)) == [kept.pk]


def test_email_jobs_sent_or_failed_longer_ago_than_the_period_are_deleted_pending_ones_stay():
    def job(state, days):
        done_at = days_ago(days) if state == EmailJobState.DONE else None
        return EmailJob.objects.create(
            task="cogwg.notification_tasks.send_review_email", state=state, created_at=days_ago(days), done_at=done_at
        )

    job(EmailJobState.DONE, 366)
    job(EmailJobState.FAILED, 366)
    kept = [job(EmailJobState.PENDING, 366), job(EmailJobState.SENDING, 366), job(EmailJobState.DONE, 364)]

    assert dispose(email_jobs=2)

    assert sorted(EmailJob.objects.values_list("pk", flat=True)) == sorted(j.pk for j in kept)


# Stories sent through the public form


def submission(*, state, changed_days_ago, **fields):
    story = UserStoryFactory(
        state=state,
        published_on=datetime.date(2026, 1, 5) if state == StoryState.PUBLISHED else None,
        submitter_name="Camille Tremblay",
        submitter_email="camille@example.org",
        submitter_language="fr",
        **fields,
    )
    stamp(UserStory, story, modified_at=days_ago(changed_days_ago))
    return UserStory.objects.get(pk=story.pk)


def submitters(story_or_pk):
    pk = getattr(story_or_pk, "pk", story_or_pk)
    return list(UserStory.history.filter(id=pk).order_by("history_id").values_list("submitter_name", "submitter_email"))


def test_a_story_rejected_longer_ago_than_the_period_loses_its_submitter_in_the_story_and_its_history():
    story = submission(state=StoryState.SUBMITTED, changed_days_ago=200)
    story.state = StoryState.REJECTED
    story.rejection_reason = "Not about open data."
    story.save()
    stamp(UserStory, story, modified_at=days_ago(181))
    story.refresh_from_db()
    history_rows = UserStory.history.count()

    assert dispose(story_submitters=1, story_history_rows=2)

    blanked = UserStory.objects.get(pk=story.pk)
    assert (blanked.submitter_name, blanked.submitter_email) == ("", "")
    assert submitters(story) == [("", ""), ("", "")]
    # The rest stays as it was: the language of the form, the text, the state, the date
    # of its last change; and the blanking adds no history row.
    assert blanked.submitter_language == "fr"
    assert (blanked.title_en, blanked.state, blanked.modified_at) == (
        story.title_en,
        StoryState.REJECTED,
        story.modified_at,
    )
    assert UserStory.history.count() == history_rows


def test_recently_rejected_published_and_pending_stories_keep_their_submitter():
    recent = submission(state=StoryState.REJECTED, changed_days_ago=179, rejection_reason="Not about open data.")
    published = submission(state=StoryState.PUBLISHED, changed_days_ago=900)
    pending = submission(state=StoryState.SUBMITTED, changed_days_ago=900)
    in_review = submission(state=StoryState.IN_REVIEW, changed_days_ago=900)

    assert dispose()

    for story in (recent, published, pending, in_review):
        kept = UserStory.objects.get(pk=story.pk)
        assert (kept.submitter_name, kept.submitter_email) == ("Camille Tremblay", "camille@example.org")
        assert submitters(story) == [("Camille Tremblay", "camille@example.org")]


@override_settings(COGWG_RETENTION_REJECTED_STORY_DAYS=30)
def test_the_rejected_story_period_follows_the_setting():
    old = submission(state=StoryState.REJECTED, changed_days_ago=31, rejection_reason="Not about open data.")
    recent = submission(state=StoryState.REJECTED, changed_days_ago=29, rejection_reason="Not about open data.")

    assert dispose(story_submitters=1, story_history_rows=1)

    assert UserStory.objects.get(pk=old.pk).submitter_email == ""
    assert UserStory.objects.get(pk=recent.pk).submitter_email == "camille@example.org"


def test_a_deleted_story_loses_its_submitter_in_its_history_once_the_period_is_over():
    long_deleted = submission(state=StoryState.SUBMITTED, changed_days_ago=400).pk
    recently_deleted = submission(state=StoryState.SUBMITTED, changed_days_ago=400).pk
    kept = submission(state=StoryState.SUBMITTED, changed_days_ago=400)
    UserStory.objects.get(pk=long_deleted).delete()
    UserStory.objects.get(pk=recently_deleted).delete()
    UserStory.history.filter(id=long_deleted).update(history_date=days_ago(181))
    UserStory.history.filter(id=recently_deleted).update(history_date=days_ago(179))

    assert dispose(story_history_rows=2)

    assert submitters(long_deleted) == [("", ""), ("", "")]
    assert submitters(recently_deleted) == [("Camille Tremblay", "camille@example.org")] * 2
    assert submitters(kept) == [("Camille Tremblay", "camille@example.org")]


def test_what_the_secretariat_erased_from_a_story_is_erased_from_its_history():
    story = submission(state=StoryState.PUBLISHED, changed_days_ago=10)
    story.submitter_email = ""
    story.save()
    other = submission(state=StoryState.PUBLISHED, changed_days_ago=10)

    assert dispose(story_history_rows=1)

    # Only the field erased, in every row; the name stays, as in the story.
    assert submitters(story) == [("Camille Tremblay", ""), ("Camille Tremblay", "")]
    assert submitters(other) == [("Camille Tremblay", "camille@example.org")]


# The run as a whole


def test_a_second_run_finds_nothing_and_everything_older_is_gone_after_the_first():
    sign_in(AccessLog, days=100)
    session(expires=NOW - DAY)
    UpcomingReminder.objects.create(address="old@example.org", sent_on=timezone.localdate(NOW) - 400 * DAY)
    submission(state=StoryState.REJECTED, changed_days_ago=365, rejection_reason="Not about open data.")

    first = personal_information_dispose(now=NOW).as_dict()
    second = personal_information_dispose(now=NOW).as_dict()

    assert first == NOTHING | {
        "sign_ins": 1,
        "sessions": 1,
        "upcoming_reminders": 1,
        "story_submitters": 1,
        "story_history_rows": 1,
    }
    assert second == NOTHING


def test_the_log_gives_counts_and_nothing_personal(caplog):
    caplog.set_level(logging.INFO, logger="cogwg.retention")
    sign_in(AccessLog, days=100, username="alice.secret")
    submission(state=StoryState.REJECTED, changed_days_ago=365, rejection_reason="Not about open data.")

    personal_information_dispose(now=NOW)

    (record,) = [record for record in caplog.records if record.name == "cogwg.retention"]
    assert record.getMessage() == (
        "Personal information disposed of: sign ins 1, failed sign ins 0, sessions 0, period reminders 0, "
        "period summaries 0, upcoming reminders 0, email jobs 0, story submitters 1, story history rows 1"
    )
    assert (record.event, record.sign_ins, record.story_submitters) == ("retention", 1, 1)
    logged = caplog.text + repr(record.__dict__)
    for personal in ("alice.secret", "203.0.113.9", "Firefox", "Camille", "camille@example.org"):
        assert personal not in logged


def test_the_task_runs_the_disposal_nightly_and_returns_its_counts():
    sign_in(AccessLog, days=400)

    assert dispose_of_personal_information.delay().get() == NOTHING | {"sign_ins": 1}
    entry = settings.CELERY_BEAT_SCHEDULE["dispose-of-personal-information"]
    assert entry["task"] == "cogwg.tasks.dispose_of_personal_information"
    assert (entry["schedule"].hour, entry["schedule"].minute) == ({3}, {30})


@pytest.mark.parametrize("value", [0, -5])
def test_a_retention_period_of_zero_or_less_is_refused_at_start(value):
    with override_settings(COGWG_RETENTION_REMINDER_DAYS=value):
        errors = [error for error in run_checks() if error.id == "cogwg.E005"]

    assert [error.msg for error in errors] == [
        f"COGWG_RETENTION_REMINDER_DAYS is {value}: a retention period is a whole number of days, 1 or more."
    ]


def test_the_default_periods_raise_no_error():
    assert [error for error in run_checks() if error.id == "cogwg.E005"] == []
