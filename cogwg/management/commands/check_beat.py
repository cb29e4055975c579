import argparse

from django.core.management.base import BaseCommand, CommandError
from django_celery_beat.models import PeriodicTask

from cogwg.health import BEAT_NOT_USED, beat_status


def positive_minutes(value: str) -> int:
    try:
        minutes = int(value)
    except ValueError:
        minutes = 0
    if minutes < 1:
        raise argparse.ArgumentTypeError(f"a whole number of minutes, 1 or more, not {value!r}")
    return minutes


class Command(BaseCommand):
    help = (
        "Exit 1 when Celery beat has not sent a sweeper (every 5 minutes) for longer than the given age "
        "(COGWG_BEAT_MAX_AGE_MINUTES): the beat container's health check. -v 2 lists each periodic task's last run."
    )
    # A health check: quick, and about beat alone.
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument(
            "--max-age-minutes",
            type=positive_minutes,
            default=None,
            help="how old the last sweep may be (default: COGWG_BEAT_MAX_AGE_MINUTES, 15)",
        )

    def handle(self, *args, max_age_minutes, verbosity, **options):
        status = beat_status(max_age_minutes=max_age_minutes)
        if verbosity >= 2:
            self._list_periodic_tasks()
        if status.status == BEAT_NOT_USED:
            self.stdout.write(f"beat not used: {status.detail}")
            return
        limit = _minutes(status.max_age.total_seconds())
        if status.last_sweep:
            told = f"last sweep {_minutes(status.age.total_seconds())} ago, at {status.last_sweep.isoformat()}"
        elif status.since:
            told = f"{status.detail}, {_minutes(status.age.total_seconds())} ago"
        else:
            told = status.detail
        if status.stale:
            raise CommandError(f"beat stale: {told} (more than {limit})")
        self.stdout.write(self.style.SUCCESS(f"beat ok: {told} (at most {limit})"))

    def _list_periodic_tasks(self):
        for task in PeriodicTask.objects.order_by("name"):
            last = task.last_run_at.isoformat() if task.last_run_at else "never"
            state = "" if task.enabled else " (off)"
            self.stdout.write(f"{task.name}{state}: {task.task}, last run {last}, {task.total_run_count} runs")


def _minutes(seconds: float) -> str:
    minutes = int(seconds // 60)
    return f"{minutes} min" if minutes else f"{int(seconds)} s"
