"""``manage.py migrate_exclusive`` (deploy/entrypoint.sh): web processes that start
together migrate one at a time on PostgreSQL, where two plain ``migrate`` runs collide."""

import json
import subprocess

import psycopg2
import pytest
from psycopg2 import sql

from cogwg.management.commands.migrate_exclusive import LOCK_KEY
from tests.conftest import port_open, skip_or_fail
from tests.ops.conftest import BASE_DIR, PYTHON, manage, production_env

pytestmark = pytest.mark.services

DATABASE = "cogwg_ops_migrate"
WAITING = "Another process is migrating the database: waiting for it."


def admin_connection(dbname="postgres"):
    connection = psycopg2.connect(host="127.0.0.1", port=5432, user="postgres", dbname=dbname)
    connection.autocommit = True
    return connection


@pytest.fixture
def empty_database():
    """A new, empty PostgreSQL database, dropped afterwards."""
    if not port_open("127.0.0.1", 5432):
        skip_or_fail("PostgreSQL is not answering on 127.0.0.1:5432")
    connection = admin_connection()
    with connection.cursor() as cursor:
        cursor.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(DATABASE)))
        cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(DATABASE)))
    yield production_env(DATABASE_URL=f"postgres://postgres@127.0.0.1:5432/{DATABASE}")
    with connection.cursor() as cursor:
        cursor.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(DATABASE)))
    connection.close()


def migrations_on_disk(env):
    listed = manage("showmigrations", "--plan", env=env)
    assert listed.returncode == 0, listed.stderr
    return sum(1 for line in listed.stdout.splitlines() if line.startswith("["))


def test_three_processes_starting_together_migrate_once(empty_database):
    runs = [
        subprocess.Popen(
            [PYTHON, "manage.py", "migrate_exclusive"],
            cwd=BASE_DIR,
            env=empty_database,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(3)
    ]
    outputs = [run.communicate(timeout=300) for run in runs]

    assert [run.returncode for run in runs] == [0, 0, 0], [err for _out, err in outputs]
    applied_by = [out for out, _err in outputs if "Applying " in out]
    assert len(applied_by) == 1
    waited = [out for out, err in outputs if WAITING in err]
    assert all("No migrations to apply." in out for out in waited)
    assert not any(WAITING in out for out, _err in outputs)  # logged, not printed
    with admin_connection(DATABASE) as connection, connection.cursor() as cursor:
        cursor.execute("SELECT count(*), count(DISTINCT (app, name)) FROM django_migrations")
        assert cursor.fetchone() == (migrations_on_disk(empty_database),) * 2
        cursor.execute("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND objid = %s", [LOCK_KEY])
        assert cursor.fetchone() == (0,)  # released


def test_it_gives_up_after_waiting_for_a_lock_never_released(empty_database):
    holder = admin_connection(DATABASE)
    with holder.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_lock(%s)", [LOCK_KEY])

    result = manage("migrate_exclusive", "--wait", "1", env=empty_database)

    holder.close()
    assert result.returncode != 0
    assert "Another process has been migrating the database for over 1 s." in result.stderr
    with admin_connection(DATABASE) as connection, connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass('django_migrations')")
        assert cursor.fetchone() == (None,)  # nothing was applied


def test_that_it_waits_is_a_json_log_line_as_the_containers_logs(empty_database):
    holder = admin_connection(DATABASE)
    with holder.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_lock(%s)", [LOCK_KEY])

    # As the migrate service runs it (docker-compose.yml), production settings.
    result = manage("migrate_exclusive", "--verbosity", "0", "--wait", "1", env=empty_database)

    holder.close()
    assert result.stdout == ""
    first, *rest = result.stderr.splitlines()
    record = json.loads(first)
    assert {key: record[key] for key in ("level", "logger", "message", "wait_seconds")} == {
        "level": "INFO",
        "logger": "cogwg.management.commands.migrate_exclusive",
        "message": WAITING,
        "wait_seconds": 1.0,
    }
    assert "time" in record
    assert not any(WAITING in line for line in rest)  # once, however long it waits
    assert rest[-1] == "CommandError: Another process has been migrating the database for over 1 s."


def test_on_sqlite_it_is_a_plain_migrate(tmp_path):
    env = production_env(DATABASE_URL=f"sqlite:///{tmp_path / 'one.sqlite3'}")

    result = manage("migrate_exclusive", env=env)

    assert result.returncode == 0, result.stderr
    assert "Applying workplan.0001_initial... OK" in result.stdout
    assert "No migrations to apply." in manage("migrate_exclusive", env=env).stdout
