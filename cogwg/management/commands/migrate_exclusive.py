"""``migrate``, one process at a time: several web processes that start together (a
scaled Compose service, the replicas of a deployment) each run it, and on PostgreSQL
they take turns on an advisory lock. The first applies the migrations; the others then
find nothing to do. Two plain ``migrate`` runs at once would both try to create the
same tables, and one would fail.

That it waits is logged, a JSON line in production as the rest of the containers' logs,
not printed with the command's plain-text report (which ``--verbosity 0`` silences)."""

import logging
import time

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, connections

# The advisory lock's key: any constant the project uses for nothing else ("cogw").
LOCK_KEY = 0x636F6777
POLL_SECONDS = 1.0

logger = logging.getLogger(__name__)


class Command(BaseCommand):
    help = "Apply the migrations while no other process does (PostgreSQL advisory lock)."

    def add_arguments(self, parser):
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS, help="The database to migrate.")
        parser.add_argument(
            "--wait", type=float, default=600, help="Seconds to wait for another process's migrate (default 600)."
        )

    def handle(self, *args, database, wait, **options):
        connection = connections[database]
        verbosity = options["verbosity"]
        if connection.vendor != "postgresql":  # SQLite: one process, the embedded setup
            call_command("migrate", database=database, interactive=False, verbosity=verbosity)
            return
        self.acquire(connection, wait)
        try:
            call_command("migrate", database=database, interactive=False, verbosity=verbosity)
        finally:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s)", [LOCK_KEY])

    def acquire(self, connection, wait):
        """The lock, polled rather than waited for in one statement: no session setting
        (a lock timeout) is left behind for the migrations to run under."""
        deadline = time.monotonic() + wait
        told = False
        while True:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_try_advisory_lock(%s)", [LOCK_KEY])
                if cursor.fetchone()[0]:
                    return
            if time.monotonic() >= deadline:
                raise CommandError(f"Another process has been migrating the database for over {wait:g} s.")
            if not told:
                logger.info("Another process is migrating the database: waiting for it.", extra={"wait_seconds": wait})
                told = True
            time.sleep(POLL_SECONDS)
