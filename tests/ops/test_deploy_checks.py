"""`check --deploy --fail-level WARNING`, which every container runs before it starts
(deploy/entrypoint.sh), with the settings an operator writes in .env: the documented
opt-outs start, a mistyped site address or security contact does not; and the database
settings that take any password."""

import json

import pytest

from tests.ops.conftest import manage, production_env

SHOW = "import django, json; django.setup(); from django.conf import settings as s; print(json.dumps({}))"


def check_deploy(**overrides):
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=production_env(**overrides))
    return result.returncode, result.stdout + result.stderr


def show(expression, **overrides):
    result = manage("shell", "--no-imports", "-c", SHOW.format(expression), env=production_env(**overrides))
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


# What docs/operations.md and .env.example tell an operator to turn off, and the warning
# Django would give.
OPT_OUTS = {
    "DJANGO_SECURE_SSL_REDIRECT": "security.W008",  # a trial over plain HTTP
    "DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS": "security.W005",
    "DJANGO_SECURE_HSTS_PRELOAD": "security.W021",
}


@pytest.mark.parametrize("variable", sorted(OPT_OUTS))
def test_a_documented_opt_out_starts(variable):
    status, output = check_deploy(**{variable: "false"})

    assert status == 0, output
    assert "(1 silenced)" in output


def test_the_plain_http_trial_with_every_opt_out_starts():
    status, output = check_deploy(**dict.fromkeys(OPT_OUTS, "false"))

    assert status == 0, output
    assert "(3 silenced)" in output


def test_only_what_was_turned_off_is_silenced():
    assert show("s.SILENCED_SYSTEM_CHECKS") == []
    assert show("s.SILENCED_SYSTEM_CHECKS", DJANGO_SECURE_HSTS_PRELOAD="false") == ["security.W021"]


def test_an_opt_out_still_fails_on_everything_else():
    status, output = check_deploy(**dict.fromkeys(OPT_OUTS, "false"), DJANGO_SECRET_KEY="change-me")
    assert status != 0
    assert "security.W009" in output

    status, output = check_deploy(DJANGO_SECURE_SSL_REDIRECT="false", DJANGO_SECURE_HSTS_SECONDS="0")
    assert status != 0
    assert "security.W004" in output


@pytest.mark.parametrize(
    "site_url",
    [
        "tracker.example.gc.ca",  # no scheme: every e-mail's link is broken
        "http://tracker.example.gc.ca",  # over HTTPS, links say https
        "https://",
        "https:///en/",
        "ftp://tracker.example.gc.ca",
        "https://tracker.example.gc.ca/?a=1",
    ],
)
def test_a_site_address_e_mails_cannot_link_to_fails(site_url):
    status, output = check_deploy(COGWG_SITE_URL=site_url)

    assert status != 0
    assert "cogwg.E006" in output
    assert "COGWG_SITE_URL" in output


@pytest.mark.parametrize(
    ("site_url", "overrides"),
    [
        ("https://tracker.example.gc.ca", {}),
        ("https://ouvert.example.gc.ca/suivi/", {}),
        ("http://localhost:8080", {"DJANGO_SECURE_SSL_REDIRECT": "false"}),  # the plain HTTP trial
    ],
)
def test_a_full_site_address_passes(site_url, overrides):
    status, output = check_deploy(COGWG_SITE_URL=site_url, **overrides)

    assert status == 0, output


def test_a_trailing_slash_of_the_site_address_makes_no_double_slash():
    assert show("s.COGWG_SITE_URL", COGWG_SITE_URL="https://ouvert.example.gc.ca/suivi/") == (
        "https://ouvert.example.gc.ca/suivi"
    )


@pytest.mark.parametrize("contact", ["http://example.gc.ca/security", "security team", "ftp://example.gc.ca/x"])
def test_a_security_contact_that_is_no_address_fails(contact):
    status, output = check_deploy(COGWG_SECURITY_CONTACTS=f"mailto:security@example.gc.ca,{contact}")

    assert status != 0
    assert "cogwg.E007" in output


def test_security_contacts_given_as_addresses_pass():
    contacts = "security@example.gc.ca,mailto:psirt@example.gc.ca,https://example.gc.ca/security,tel:+1-613-555-0100"
    status, output = check_deploy(COGWG_SECURITY_CONTACTS=contacts)

    assert status == 0, output


def test_the_placeholder_database_password_fails():
    status, output = check_deploy(
        DATABASE_URL=None, DB_NAME="cogwg", DB_USER="cogwg_app", DB_PASSWORD="change-me-three"
    )

    assert status != 0
    assert "cogwg.E008" in output


# A password as `secrets.token_urlsafe` or base64 make them, and worse: what breaks a URL
# (+ / = @ : % ? #), a quote, and django-environ's `$` (a reference to another variable).
AWKWARD_PASSWORD = "$Ab+c/d=e@f:g%20h?i#j'k\"l m"


def test_the_database_settings_take_any_password_as_it_is():
    database = show(
        's.DATABASES["default"]',
        DATABASE_URL=None,
        DB_HOST="db",
        DB_PORT="5432",
        DB_NAME="cogwg",
        DB_USER="cogwg_app",
        DB_PASSWORD=AWKWARD_PASSWORD,
    )

    assert database["ENGINE"] == "django.db.backends.postgresql"
    assert (database["HOST"], database["PORT"], database["NAME"]) == ("db", "5432", "cogwg")
    assert (database["USER"], database["PASSWORD"]) == ("cogwg_app", AWKWARD_PASSWORD)
    # As DATABASE_URL's were: persistent, checked, with a connect timeout.
    assert database["CONN_MAX_AGE"] == 60
    assert database["CONN_HEALTH_CHECKS"] is True
    assert database["OPTIONS"]["connect_timeout"] == 5


def test_without_db_name_database_url_still_serves():
    database = show('s.DATABASES["default"]', DATABASE_URL="postgres://u:p%2Bq@pg.internal:5433/tracker")

    assert (database["HOST"], database["PORT"], database["NAME"]) == ("pg.internal", 5433, "tracker")
    assert (database["USER"], database["PASSWORD"]) == ("u", "p+q")


def test_without_either_the_database_is_asked_for():
    result = manage("check", env=production_env(DATABASE_URL=None, DB_NAME=None))

    assert result.returncode != 0
    assert "Set the DATABASE_URL environment variable" in result.stderr
