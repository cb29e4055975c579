"""The app's own PostgreSQL role (deploy/postgres-app-role.sh, the db service's init
script): not a superuser, owner of the database, able to run every migration (the
`unaccent` extension included); and the same script hands over a database first created
with the app connecting as the superuser. Run on this machine's PostgreSQL, as the
postgres image would run it (psql as the superuser)."""

import base64
import hashlib
import hmac
import os
import subprocess

import pytest

from tests.conftest import port_open, skip_or_fail
from tests.ops.conftest import BASE_DIR, manage, production_env

pytestmark = pytest.mark.services

SCRIPT = BASE_DIR / "deploy" / "postgres-app-role.sh"
# What would break a URL, a shell or django-environ: the script passes it to psql as is.
PASSWORD = "$Ab+c/d=e@f:g%20h'i\"j k;--"


def psql(sql, *, database="postgres", user="postgres"):
    result = subprocess.run(
        ["psql", "-h", "127.0.0.1", "-U", user, "-d", database, "-v", "ON_ERROR_STOP=1", "-AtX", "-c", sql],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


@pytest.fixture
def database():
    """A database of its own, made by the superuser as the image's initdb makes
    POSTGRES_DB; dropped afterwards with the role."""
    if not port_open("127.0.0.1", 5432):
        skip_or_fail("PostgreSQL is not answering on 127.0.0.1:5432")
    name = f"cogwg_ops_role_{os.getpid()}"
    role = f"{name}_app"
    psql(f"DROP DATABASE IF EXISTS {name}")
    psql(f"DROP ROLE IF EXISTS {role}")
    psql(f"CREATE DATABASE {name}")
    yield name, role
    psql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
    psql(f"DROP ROLE IF EXISTS {role}")


def run_script(name, role, password=PASSWORD):
    environment = {
        **os.environ,
        "PGHOST": "127.0.0.1",
        "PGPORT": "5432",
        "POSTGRES_USER": "postgres",
        "POSTGRES_DB": name,
        "DB_USER": role,
        "DB_PASSWORD": password,
    }
    result = subprocess.run(["sh", str(SCRIPT)], env=environment, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout == ""  # nothing in the db service's log but PostgreSQL's own
    return result


def as_app(name, role):
    return production_env(
        DATABASE_URL=None, DB_HOST="127.0.0.1", DB_PORT="5432", DB_NAME=name, DB_USER=role, DB_PASSWORD=PASSWORD
    )


def scram_matches(verifier, password):
    """Whether PostgreSQL's SCRAM-SHA-256 verifier (pg_authid.rolpassword) is that of
    ``password`` (RFC 5802: the stored key and the server key)."""
    method, rest = verifier.split("$", 1)
    iterations_salt, keys = rest.split("$")
    iterations, salt = iterations_salt.split(":")
    stored_key, server_key = (base64.b64decode(key) for key in keys.split(":"))
    salted = hashlib.pbkdf2_hmac("sha256", password.encode(), base64.b64decode(salt), int(iterations))
    client_key = hmac.new(salted, b"Client Key", "sha256").digest()
    return (
        method == "SCRAM-SHA-256"
        and hashlib.sha256(client_key).digest() == stored_key
        and hmac.new(salted, b"Server Key", "sha256").digest() == server_key
    )


def owners(name):
    return psql(
        "SELECT DISTINCT pg_get_userbyid(c.relowner) FROM pg_class c "
        "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public'",
        database=name,
    ).splitlines()


def test_a_new_database_belongs_to_a_role_that_is_no_superuser_and_migrates(database):
    name, role = database
    run_script(name, role)

    attributes = psql(
        f"SELECT rolsuper, rolcreatedb, rolcreaterole, rolcanlogin FROM pg_roles WHERE rolname = '{role}'"
    )
    assert attributes == "f|f|f|t"
    assert psql(f"SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = '{name}'") == role
    assert scram_matches(psql(f"SELECT rolpassword FROM pg_authid WHERE rolname = '{role}'"), PASSWORD)

    result = manage("migrate_exclusive", "--verbosity", "0", env=as_app(name, role), timeout=600)

    assert result.returncode == 0, result.stderr
    assert psql("SELECT pg_get_userbyid(extowner) FROM pg_extension WHERE extname = 'unaccent'", database=name) == role
    assert owners(name) == [role]


def test_running_it_again_sets_a_new_password(database):
    name, role = database
    run_script(name, role)
    run_script(name, role, password="n3w+Pa/ss=")

    assert scram_matches(psql(f"SELECT rolpassword FROM pg_authid WHERE rolname = '{role}'"), "n3w+Pa/ss=")


def test_a_database_the_superuser_migrated_is_handed_over_to_the_role(database):
    """An existing deployment: the app connected as the superuser, which owns every table.
    (REASSIGN OWNED cannot do it: the image's superuser owns the system's objects too.)"""
    name, role = database
    superuser = production_env(DATABASE_URL=f"postgres://postgres@127.0.0.1:5432/{name}")
    assert manage("migrate_exclusive", "--verbosity", "0", env=superuser, timeout=600).returncode == 0
    assert owners(name) == ["postgres"]

    run_script(name, role)

    assert owners(name) == [role]
    assert psql(f"SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = '{name}'") == role
    # What a later migration does to a table, the role may do; and the app runs as it.
    psql("ALTER TABLE django_migrations ADD COLUMN handed_over integer", database=name, user=role)
    psql("ALTER TABLE django_migrations DROP COLUMN handed_over", database=name, user=role)
    result = manage("migrate_exclusive", "--verbosity", "0", env=as_app(name, role), timeout=600)
    assert result.returncode == 0, result.stderr
    check = manage("check", "--database", "default", env=as_app(name, role))
    assert check.returncode == 0, check.stderr
