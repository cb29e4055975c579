"""Two queues: the jobs allowed to run longer than the default time limit (the Sunday
harvest and link check, for hours; overdue marks and reminders, 10 minutes) go to
``long`` (CELERY_TASK_ROUTES), the rest (report renders, e-mails, sweeps) to the default
queue, each consumed by workers of its own (docker-compose.yml's `worker` and
`worker-long`, scripts/smoke_stack.sh's), so that a long job never holds the slots the
renders and e-mails wait for. tests/ops/test_long_queue.py runs real workers on them."""

import shlex
from pathlib import Path

import pytest
import yaml
from django.conf import settings
from django_celery_beat.models import PeriodicTask
from django_celery_beat.schedulers import ModelEntry

from cogwg.celery import app
from cogwg.settings import base

LONG, DEFAULT = "long", "celery"

# Every task of the project and its queue. A new task fails the first test until it is
# decided here, on purpose.
QUEUES = {
    # Hours: the Sunday harvest and link check.
    "stories.tasks.harvest_datasets": LONG,
    "cogwg.tasks.check_links": LONG,
    # Up to 10 minutes: every plan's milestones, every seat's or jurisdiction's reminder.
    "cogwg.reports.tasks.mark_overdue_milestones": LONG,
    "cogwg.reports.tasks.remind_upcoming_milestones": LONG,
    "cogwg.cycle_tasks.send_period_reminders": LONG,
    # A few minutes at most, and what readers and editors wait for.
    "cogwg.tasks.dispose_of_personal_information": DEFAULT,
    "cogwg.reports.tasks.render_report_file": DEFAULT,
    "cogwg.reports.tasks.sweep_pending_report_files": DEFAULT,
    "cogwg.cycle_tasks.send_period_closed_summaries": DEFAULT,
    "cogwg.notification_tasks.sweep_pending_emails": DEFAULT,
    "cogwg.notification_tasks.send_review_email": DEFAULT,
    "stories.tasks.send_submitter_email": DEFAULT,
}


def project_tasks():
    app.loader.import_default_modules()
    return {name: task for name, task in app.tasks.items() if not name.startswith("celery.")}


def queue_of(name, options=None):
    return app.amqp.router.route(options or {}, name)["queue"].name


def test_each_task_is_sent_to_its_queue():
    assert {name: queue_of(name) for name in project_tasks()} == QUEUES


def test_every_task_allowed_longer_than_the_default_time_limit_is_on_the_long_queue():
    limits = {name: task.time_limit or base.CELERY_TASK_TIME_LIMIT for name, task in project_tasks().items()}

    long_ones = {name for name, limit in limits.items() if limit > base.CELERY_TASK_TIME_LIMIT}
    assert {"stories.tasks.harvest_datasets", "cogwg.tasks.check_links"} <= long_ones
    assert long_ones == {name for name, queue in QUEUES.items() if queue == LONG}
    assert settings.CELERY_TASK_DEFAULT_QUEUE == DEFAULT


@pytest.mark.django_db
@pytest.mark.parametrize("entry", ["harvest-datasets-weekly", "check-links-weekly", "sweep-pending-emails"])
def test_beat_sends_its_entries_to_the_same_queues(entry):
    # As the database scheduler reads an entry of CELERY_BEAT_SCHEDULE (its options
    # name no queue: the routes decide, as for any other sender).
    fields = settings.CELERY_BEAT_SCHEDULE[entry]
    scheduled = ModelEntry.from_entry(entry, app=app, **fields)
    assert PeriodicTask.objects.get(name=entry).queue is None

    assert queue_of(scheduled.task, scheduled.options) == QUEUES[fields["task"]]


def compose_celery_commands():
    stack = yaml.safe_load(Path(settings.BASE_DIR, "docker-compose.yml").read_text())["services"]
    return {name: service["command"] for name, service in stack.items() if service.get("command", [""])[0] == "celery"}


def option(command, name):
    return command[command.index(name) + 1] if name in command else None


def test_compose_runs_a_worker_for_each_queue_and_one_beat():
    commands = compose_celery_commands()

    assert sorted(commands) == ["beat", "worker", "worker-long"]
    assert option(commands["worker"], "--queues") == DEFAULT
    assert option(commands["worker-long"], "--queues") == LONG
    # One long job at a time: the second waits in Redis, unacknowledged by no one.
    assert option(commands["worker-long"], "--concurrency") == "1"
    assert option(commands["worker-long"], "--hostname") == "long@%h"
    stack = yaml.safe_load(Path(settings.BASE_DIR, "docker-compose.yml").read_text())["services"]
    assert "--destination long@$$HOSTNAME" in stack["worker-long"]["healthcheck"]["test"][1]
    assert "--destination celery@$$HOSTNAME" in stack["worker"]["healthcheck"]["test"][1]
    # Beat's health: the sweeps it records (cogwg/health.py, tests/ops/test_beat_liveness.py).
    assert stack["beat"]["healthcheck"]["test"] == ["CMD", "python", "manage.py", "check_beat"]


def test_the_native_smoke_stack_starts_the_same_workers():
    script = Path(settings.BASE_DIR, "scripts", "smoke_stack.sh").read_text()
    workers = [
        shlex.split(line.rstrip("\\"))
        for line in script.splitlines()
        if line.startswith('setsid "$PY" -m celery -A cogwg --quiet worker ')
    ]

    assert sorted(option(words, "--queues") for words in workers) == [DEFAULT, LONG]
    (long_worker,) = [words for words in workers if option(words, "--queues") == LONG]
    assert option(long_worker, "--concurrency") == "1"
