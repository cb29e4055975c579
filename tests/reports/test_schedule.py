import datetime

import pytest
from django.core import mail

from cogwg.reports import tasks
from cogwg.reports.services import milestones_mark_overdue, milestones_remind_upcoming
from tests.factories import AssignmentFactory, MilestoneFactory, PriorityFactory, WorkPlanFactory
from workplan.choices import MilestoneStatus, SeatRole, WorkPlanStatus
from workplan.models import WorkPlan
from workplan.services import milestone_post_update

pytestmark = pytest.mark.django_db

APRIL_15 = datetime.date(2020, 4, 15)


def test_overdue_milestones_are_marked_delayed_through_an_update(plan):
    milestone_post_update(
        milestone=plan.group, reported_on=datetime.date(2020, 3, 1), status=MilestoneStatus.ON_TRACK, progress=30
    )

    assert milestones_mark_overdue(on=APRIL_15) == 1

    plan.group.refresh_from_db()
    assert (plan.group.status, plan.group.progress) == (MilestoneStatus.DELAYED, 30)
    update = plan.group.updates.latest_first().first()
    assert (update.reported_on, update.status, update.author) == (APRIL_15, MilestoneStatus.DELAYED, None)
    # Each language's note in its own words: the status's label, the date as it writes dates.
    assert update.note_en == "Marked “Delayed” automatically: due on March 31, 2020 and not completed."
    assert (
        update.note_fr == "Marqué «\u00a0Retardé\u00a0» automatiquement\u00a0: échéance le 31 mars 2020, non terminé."
    )
    # Completed (inventory), not yet due (release, resources): untouched.
    for milestone, status in ((plan.inventory, MilestoneStatus.COMPLETED), (plan.release, MilestoneStatus.NOT_STARTED)):
        milestone.refresh_from_db()
        assert milestone.status == status
    assert plan.release.updates.count() == 0


def test_marking_overdue_twice_changes_nothing_the_second_time(plan):
    milestones_mark_overdue(on=APRIL_15)
    updates = plan.group.updates.count()

    assert milestones_mark_overdue(on=APRIL_15) == 0
    assert plan.group.updates.count() == updates


def test_cancelled_milestones_and_closed_plans_are_not_marked(plan):
    milestone_post_update(
        milestone=plan.group, reported_on=datetime.date(2020, 3, 1), status=MilestoneStatus.CANCELLED, progress=0
    )
    closed = MilestoneFactory(
        priority=PriorityFactory(work_plan=WorkPlanFactory(slug="2019", status=WorkPlanStatus.CLOSED)),
        due_date=datetime.date(2019, 12, 31),
    )

    assert milestones_mark_overdue(on=APRIL_15) == 0

    closed.refresh_from_db()
    assert closed.status == MilestoneStatus.NOT_STARTED


def test_the_daily_task_marks_overdue_milestones(plan):
    # The task marks as of today: a plan still running (a mark is dated within its plan,
    # or shortly after it ends: tests/workplan/test_closed_plan_log.py).
    WorkPlan.objects.filter(slug="2020").update(end_date=datetime.date(datetime.date.today().year + 1, 12, 31))
    # Today, every unfinished milestone of 2020 is past due: all but the completed inventory.
    assert tasks.mark_overdue_milestones.delay().get() == 3

    plan.release.refresh_from_db()
    assert plan.release.status == MilestoneStatus.DELAYED


def test_reminders_go_to_the_seats_of_milestones_due_in_the_next_30_days(plan):
    # On 10 March: inventory (31 March, completed) and group (31 March) fall in the window;
    # release (June) and resources (September) do not.
    sent = milestones_remind_upcoming(on=datetime.date(2020, 3, 10))

    assert sent == 2
    assert sorted(message.to[0] for message in mail.outbox) == ["nt@example.org", "on@example.org"]
    message = mail.outbox[0]
    assert "Multi-jurisdictional working group established." in message.body
    assert "Groupe de travail multiadministrations établi." in message.body
    assert "Initial inventory" not in message.body
    assert "Existing resources" not in message.body
    assert len(message.to) == 1
    # Each language writes the due date its own way, as the period reminders do.
    assert "- March 31, 2020 · " in message.body
    assert "- 31 mars 2020 · " in message.body


def test_no_reminder_when_nothing_falls_due(plan):
    assert milestones_remind_upcoming(on=datetime.date(2020, 10, 15)) == 0
    assert mail.outbox == []


def test_one_reminder_per_address_listing_all_its_milestones(plan):
    AssignmentFactory(priority=plan.stories, role=SeatRole.PARTNER, contact_email="ON@example.org")
    milestone_post_update(
        milestone=plan.inventory, reported_on=datetime.date(2020, 3, 16), status=MilestoneStatus.ON_TRACK, progress=90
    )

    assert tasks.remind_upcoming_milestones.delay().get() == 0  # today: nothing of 2020 is due
    assert milestones_remind_upcoming(on=datetime.date(2020, 3, 20)) == 3

    to_ontario = next(message for message in mail.outbox if message.to == ["on@example.org"])
    assert "Initial inventory of user stories established." in to_ontario.body
    assert "Multi-jurisdictional working group established." in to_ontario.body


def test_beat_runs_the_scheduled_work_of_the_reports():
    from django.conf import settings

    from cogwg.celery import app

    app.loader.import_default_modules()
    schedule = {entry["task"]: entry["schedule"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    for task in (
        "cogwg.reports.tasks.mark_overdue_milestones",
        "cogwg.reports.tasks.remind_upcoming_milestones",
        "cogwg.reports.tasks.sweep_pending_report_files",
    ):
        assert task in schedule
        assert task in app.tasks
    assert schedule["cogwg.reports.tasks.sweep_pending_report_files"] == 5 * 60
    assert settings.CELERY_BEAT_SCHEDULER == "django_celery_beat.schedulers:DatabaseScheduler"


class FailingAfter:
    """A mail connection that delivers ``count`` messages, then fails as a server does."""

    def __init__(self, count):
        self.count = count

    def __call__(self, *args, **kwargs):
        from django.core.mail.backends.locmem import EmailBackend

        backend = EmailBackend()
        outer = self

        def send_messages(messages):
            if outer.count == 0:
                raise OSError("421 Service not available")
            outer.count -= 1
            return EmailBackend.send_messages(backend, messages)

        backend.send_messages = send_messages
        return backend


def test_a_retry_after_a_mail_failure_sends_no_address_its_reminder_twice(plan, monkeypatch):
    AssignmentFactory(priority=plan.group.priority, role=SeatRole.PARTNER, contact_email="bc@example.org")
    on = datetime.date(2020, 3, 10)
    monkeypatch.setattr("cogwg.reports.services.get_connection", FailingAfter(1))

    with pytest.raises(OSError):
        milestones_remind_upcoming(on=on)
    first = [message.to for message in mail.outbox]
    monkeypatch.undo()
    retried = milestones_remind_upcoming(on=on)

    assert len(first) == 1
    assert retried == 2
    recipients = sorted(message.to[0] for message in mail.outbox)
    assert recipients == ["bc@example.org", "nt@example.org", "on@example.org"]
    assert milestones_remind_upcoming(on=on) == 0  # a second run that day
    assert len(mail.outbox) == 3
    assert milestones_remind_upcoming(on=on + datetime.timedelta(days=7)) >= 1  # next week's reminder still goes
