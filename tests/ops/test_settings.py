"""Production settings (cogwg.settings.production), loaded in a subprocess as a server
would load them."""

import json

import pytest

from tests.ops.conftest import manage, production_env

SHOW = "import django, json; django.setup(); from django.conf import settings as s; print(json.dumps({}))"


def show(expression, env):
    result = manage("shell", "--no-imports", "-c", SHOW.format(expression), env=env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_check_deploy_reports_nothing():
    result = manage(
        "shell",
        "--no-imports",
        "-c",
        "from django.core.management import call_command; call_command('check', deploy=True, fail_level='WARNING')",
        env=production_env(),
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.strip() == "System check identified no issues (0 silenced)."
    assert result.stderr == ""


def test_check_deploy_fails_on_a_weak_secret_key():
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=production_env(DJANGO_SECRET_KEY="change-me"))

    assert result.returncode != 0
    assert "security.W009" in result.stderr


def test_a_weak_fallback_key_fails_check_deploy_too():
    strong = "k" * 20 + "Q7w!x2Z9#pL4@mN8$vB1&cR5^tY3*uI6"
    result = manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        env=production_env(DJANGO_SECRET_KEY_FALLBACKS=f"{strong[::-1]},change-me"),
    )

    assert result.returncode != 0
    assert "SECRET_KEY_FALLBACKS[1]" in result.stderr
    assert "SECRET_KEY_FALLBACKS[0]" not in result.stderr


def test_rotating_the_secret_key_signs_nobody_out():
    """What was signed with the old key (session cookies, password reset links, the
    messages cookie) is still accepted once the old key is a fallback of the new one, and
    no longer once it is dropped."""
    old, new = "o" * 10 + "-old-key-Q7w!x2Z9#pL4@mN8$vB1&cR5^tY3", "n" * 10 + "-new-key-Z9#pL4@mN8$vB1&cR5^tY3*uI6"
    sign = "from django.core import signing; print(signing.dumps({'user': 7}, salt='rotation'))"
    verify = (
        "from django.core import signing\n"
        "try: print(signing.loads({token!r}, salt='rotation'))\n"
        "except signing.BadSignature: print('refused')"
    )

    def run(code, **env):
        result = manage("shell", "--no-imports", "-c", code, env=production_env(**env))
        assert result.returncode == 0, result.stderr
        return result.stdout.strip().splitlines()[-1]

    token = run(sign, DJANGO_SECRET_KEY=old)

    assert run(verify.format(token=token), DJANGO_SECRET_KEY=new, DJANGO_SECRET_KEY_FALLBACKS=old) == "{'user': 7}"
    assert run(verify.format(token=token), DJANGO_SECRET_KEY=new) == "refused"


@pytest.mark.parametrize("missing", ["DJANGO_SECRET_KEY", "DJANGO_ALLOWED_HOSTS", "DATABASE_URL"])
def test_production_refuses_to_start_without_a_secret(missing):
    result = manage("check", env=production_env(**{missing: None}, COGWG_READ_DOT_ENV="false"))

    assert result.returncode != 0
    assert f"Set the {missing} environment variable" in result.stderr


def test_production_keeps_database_connections_and_checks_them():
    database = show('s.DATABASES["default"]', production_env())

    assert database["CONN_MAX_AGE"] == 60
    assert database["CONN_HEALTH_CHECKS"] is True
    assert database["OPTIONS"]["connect_timeout"] == 5


def test_production_security_settings():
    shown = show(
        '{"csp": s.CONTENT_SECURITY_POLICY["DIRECTIVES"], "hsts": s.SECURE_HSTS_SECONDS, '
        '"static": s.STORAGES["staticfiles"]["BACKEND"], "log": s.LOGGING["handlers"]["console"]["formatter"]}',
        production_env(),
    )

    csp = shown["csp"]
    assert "'unsafe-inline'" not in json.dumps(csp)
    assert csp["script-src"] == ["'self'"]
    assert csp["style-src"] == ["'self'"]
    assert csp["frame-ancestors"] == ["'none'"]
    assert csp["upgrade-insecure-requests"] is True
    assert shown["hsts"] == 31536000
    assert shown["static"] == "whitenoise.storage.CompressedManifestStaticFilesStorage"
    assert shown["log"] == "json"


def test_cache_url_selects_the_cache_that_survives_redis_outages():
    backend = show('s.CACHES["default"]', production_env(CACHE_URL="redis://127.0.0.1:6379/2"))

    assert backend["BACKEND"] == "cogwg.cache.ResilientRedisCache"
    assert backend["LOCATION"] == "redis://127.0.0.1:6379/2"


def test_without_cache_url_the_cache_stays_in_process_memory():
    backend = show('s.CACHES["default"]["BACKEND"]', production_env())

    assert backend == "django.core.cache.backends.locmem.LocMemCache"


def test_collectstatic_writes_hashed_compressed_files(collected_static):
    manifest = json.loads((collected_static / "staticfiles.json").read_text())

    hashed = manifest["paths"]["admin/css/base.css"]
    assert hashed != "admin/css/base.css"
    assert (collected_static / hashed).is_file()
    assert (collected_static / f"{hashed}.gz").is_file()


def test_the_page_frame_is_kept_per_process_in_production_and_not_under_make_run():
    production = show('s.CACHES["frame"]', production_env())
    local_env = {**production_env(), "DJANGO_SETTINGS_MODULE": "cogwg.settings.local"}
    local = show('s.CACHES["frame"]', local_env)

    assert production["BACKEND"] == "django.core.cache.backends.locmem.LocMemCache"
    assert production["TIMEOUT"] is None
    assert local["BACKEND"] == "django.core.cache.backends.dummy.DummyCache"


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        ({"COGWG_SITE_URL": None}, "https://example.org"),
        ({"COGWG_SITE_URL": ""}, "https://example.org"),  # as .env.example leaves it
        ({"COGWG_SITE_URL": None, "DJANGO_ALLOWED_HOSTS": ".tracker.example.gc.ca"}, "https://tracker.example.gc.ca"),
        ({"COGWG_SITE_URL": "https://ouvert.example.gc.ca/suivi"}, "https://ouvert.example.gc.ca/suivi"),
    ],
)
def test_e_mails_link_to_the_first_allowed_host_over_https_unless_told_otherwise(overrides, expected):
    assert show("s.COGWG_SITE_URL", production_env(**overrides)) == expected


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        ({"COGWG_SITE_URL": None}, "https://example.org/en/about/"),
        ({"COGWG_SITE_URL": "https://ouvert.example.gc.ca/suivi"}, "https://ouvert.example.gc.ca/suivi/en/about/"),
    ],
)
def test_the_api_schema_names_the_production_site_as_its_contact(overrides, expected):
    """The schema's contact follows production's site address, not base's default; and it
    publishes no secretariat member's address (those are told of submissions, not public)."""
    env = production_env(COGWG_SECRETARIAT_EMAILS="jane.doe@example.gc.ca", **overrides)

    contact = show('s.SPECTACULAR_SETTINGS["CONTACT"]', env)

    assert contact == {"name": "COGWG secretariat", "url": expected}


def test_outgoing_requests_name_the_organization_s_address_unless_told_otherwise():
    """Unset (or empty, as docker-compose.yml passes it), the user agent is left to
    cogwg/http_client.py, which names DEFAULT_FROM_EMAIL's address: never localhost."""
    agent = "import django; django.setup(); from cogwg.http_client import user_agent; print(user_agent())"

    for value in (None, ""):
        result = manage("shell", "--no-imports", "-c", agent, env=production_env(COGWG_HTTP_USER_AGENT=value))
        assert result.returncode == 0, result.stderr
        assert result.stdout.strip().splitlines()[-1] == "COGWG-Tracker/1.0 (+mailto:cogwg@tracker.example.gc.ca)"


def test_the_test_settings_keep_their_cache_in_memory_whatever_cache_url_says():
    """Every test clears the cache (tests/conftest.py): with a developer's CACHE_URL it would
    empty their Redis."""
    env = {**production_env(CACHE_URL="redis://127.0.0.1:6379/2"), "DJANGO_SETTINGS_MODULE": "cogwg.settings.test"}
    backend = show('s.CACHES["default"]["BACKEND"]', env)

    assert backend == "django.core.cache.backends.locmem.LocMemCache"
