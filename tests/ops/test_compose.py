"""The compose stack (docker-compose.yml; CI validates the file itself with
`docker-compose config`): its start order (a one-shot migrate service before the new code
runs), what reaches each container, the published port, the database role, the logs."""

import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml
from django.conf import settings

BASE_DIR = Path(settings.BASE_DIR)
DJANGO_SERVICES = ("migrate", "web", "worker", "worker-long", "beat")
RUNNING_DJANGO_SERVICES = ("web", "worker", "worker-long", "beat")


def compose():
    return yaml.safe_load(Path(BASE_DIR, "docker-compose.yml").read_text())


def services():
    return compose()["services"]


def test_a_one_shot_service_migrates_and_collects_the_static_files_once():
    stack = services()
    migrate = stack["migrate"]

    assert migrate["command"][:3] == ["python", "manage.py", "migrate_exclusive"]
    assert migrate["environment"]["COGWG_COLLECTSTATIC"] == "1"
    assert migrate["restart"] == "no"
    assert "static:/app/staticfiles" in migrate["volumes"]
    for name in RUNNING_DJANGO_SERVICES:
        assert "COGWG_MIGRATE" not in stack[name]["environment"]
        assert "COGWG_COLLECTSTATIC" not in stack[name]["environment"]
        assert "migrate" not in " ".join(stack[name]["command"])
    # web reads the manifest of the static volume, and writes nothing there.
    assert "static:/app/staticfiles:ro" in stack["web"]["volumes"]
    # deploy/entrypoint.sh refuses a failing deploy check before it copies or migrates.
    entrypoint = Path(BASE_DIR, "deploy", "entrypoint.sh").read_text()
    check = entrypoint.index("manage.py check --deploy --fail-level WARNING")
    assert check < entrypoint.index("manage.py collectstatic") < entrypoint.index('exec "$@"')
    assert check < entrypoint.index("manage.py migrate_exclusive")
    assert "set -eu" in entrypoint


def test_web_the_workers_and_beat_start_once_the_migrations_succeeded():
    stack = services()

    for name in RUNNING_DJANGO_SERVICES:
        assert stack[name]["depends_on"] == {
            "db": {"condition": "service_healthy"},
            "redis": {"condition": "service_healthy"},
            "migrate": {"condition": "service_completed_successfully"},
        }
    assert stack["web"]["healthcheck"]["test"] == ["CMD", "python", "deploy/healthcheck.py", "/healthz"]
    assert stack["nginx"]["depends_on"] == {"web": {"condition": "service_healthy"}}


def test_every_service_s_log_is_rotated():
    stack = services()

    for name, service in stack.items():
        assert service["logging"] == {"driver": "json-file", "options": {"max-size": "10m", "max-file": "5"}}, name


def test_the_celery_processes_print_no_banner():
    stack = services()

    for name in ("worker", "worker-long", "beat"):
        assert stack[name]["command"][:4] == ["celery", "--app", "cogwg", "--quiet"], name


def test_nginx_is_published_on_the_loopback_unless_told_otherwise():
    nginx = services()["nginx"]

    assert nginx["ports"] == ["${HTTP_BIND:-127.0.0.1}:${HTTP_PORT:-8080}:80"]
    example = Path(BASE_DIR, ".env.example").read_text()
    assert re.search(r"^HTTP_BIND=127\.0\.0\.1$", example, re.MULTILINE)
    assert re.search(r"^TRUSTED_PROXY_CIDR=127\.0\.0\.1/32$", example, re.MULTILINE)


def test_django_counts_the_one_address_nginx_sends():
    """nginx replaces X-Forwarded-For with the client's address (deploy/nginx.conf): one
    proxy in every set-up, not a setting an operator could raise to let clients forge it."""
    assert compose()["x-django-env"]["DJANGO_NUM_PROXIES"] == "1"
    assert not re.search(r"^DJANGO_NUM_PROXIES=", Path(BASE_DIR, ".env.example").read_text(), re.MULTILINE)


def test_nginx_builds_its_hsts_header_from_django_s_settings():
    django_env, nginx_env = compose()["x-django-env"], services()["nginx"]["environment"]

    for setting in ("SECONDS", "INCLUDE_SUBDOMAINS", "PRELOAD"):
        assert nginx_env[f"COGWG_HSTS_{setting}"] == django_env[f"DJANGO_SECURE_HSTS_{setting}"]
    assert nginx_env["COGWG_ALLOWED_HOSTS"] == django_env["DJANGO_ALLOWED_HOSTS"]
    assert nginx_env["NGINX_ENVSUBST_FILTER"] == "COGWG_"
    assert nginx_env["NGINX_ENVSUBST_OUTPUT_DIR"] == "/etc/nginx"
    assert (
        "./deploy/nginx-env.conf.template:/etc/nginx/templates/cogwg-env.conf.template:ro"
        in (services()["nginx"]["volumes"])
    )
    template = Path(BASE_DIR, "deploy", "nginx-env.conf.template").read_text()
    assert set(re.findall(r"\$\{(\w+)\}", template)) == {name for name in nginx_env if name.startswith("COGWG_")}


def test_the_app_connects_as_its_own_role_not_the_superuser():
    stack = services()
    django_env, db_env = compose()["x-django-env"], stack["db"]["environment"]

    assert django_env["DB_USER"] == db_env["DB_USER"] != db_env["POSTGRES_USER"]
    assert django_env["DB_NAME"] == db_env["POSTGRES_DB"]
    assert django_env["DB_HOST"] == "db"
    assert django_env["DB_PASSWORD"] == db_env["DB_PASSWORD"] == "${DB_PASSWORD:?set DB_PASSWORD in .env}"
    assert "DATABASE_URL" not in django_env  # a password in a URL breaks on + / = @
    assert (
        "./deploy/postgres-app-role.sh:/docker-entrypoint-initdb.d/10-cogwg-app-role.sh:ro" in (stack["db"]["volumes"])
    )
    assert "POSTGRES_PASSWORD" not in " ".join(map(str, django_env.values()))


# What the settings and gunicorn read from the environment but the stack does not pass on,
# and why. Anything else they read must be passed: .env is not in the image
# (.dockerignore), so a variable missing here is silently ignored.
NOT_PASSED = {
    "DJANGO_DEBUG": "never on in production (production.py sets DEBUG = False)",
    "DJANGO_STATIC_ROOT": "the image's /app/staticfiles, the static volume",
    "DJANGO_MEDIA_ROOT": "the image's /app/media, the media volume",
    "DATABASE_URL": "the stack passes DB_HOST, DB_NAME, DB_USER, DB_PASSWORD (any password is safe there)",
    "GUNICORN_BIND": "0.0.0.0:8000, where nginx and the health check reach gunicorn",
    "GUNICORN_GRACEFUL_TIMEOUT": "30 s, under web's stop_grace_period (35 s)",
    "GUNICORN_ACCESSLOG": "standard output, the container's log",
    "COGWG_READ_DOT_ENV": "no .env in the image (.dockerignore): nothing to turn off",
}
SETTINGS_READ = re.compile(r'\b(?:env(?:\.\w+)?\(|os\.environ\.get\(|os\.environ\[)\s*"([A-Z][A-Z0-9_]+)"')
GUNICORN_READ = re.compile(r'\b(?:_env_int\(|os\.environ\.get\(|os\.environ\[)\s*"([A-Z][A-Z0-9_]+)"')


def settings_variables():
    names = set()
    for module in Path(BASE_DIR, "cogwg", "settings").glob("*.py"):
        if module.name in ("local.py", "test.py"):  # never in a container
            continue
        names |= set(SETTINGS_READ.findall(module.read_text()))
    return names


def gunicorn_variables():
    return set(GUNICORN_READ.findall(Path(BASE_DIR, "deploy", "gunicorn.conf.py").read_text()))


def documented_variables():
    example = Path(BASE_DIR, ".env.example").read_text()
    return set(re.findall(r"^([A-Z][A-Z0-9_]+)=", example, re.MULTILINE))


def test_every_setting_read_from_the_environment_reaches_the_containers():
    passed = set(compose()["x-django-env"])
    read = settings_variables()
    # the pattern finds them
    assert {"DJANGO_SECRET_KEY", "AXES_COOLOFF_MINUTES", "DB_PASSWORD", "DJANGO_CONN_MAX_AGE"} <= read

    assert sorted(read - passed - set(NOT_PASSED)) == []
    assert sorted(passed - read - {"DJANGO_SETTINGS_MODULE"}) == []  # nothing passed for nobody


def test_every_gunicorn_setting_reaches_the_web_container():
    web = services()["web"]["environment"]
    read = gunicorn_variables()
    assert {"GUNICORN_WORKERS", "GUNICORN_TIMEOUT", "GUNICORN_FORWARDED_ALLOW_IPS"} <= read  # the pattern finds them

    assert sorted(read - set(web) - set(NOT_PASSED)) == []
    assert set(NOT_PASSED) <= settings_variables() | gunicorn_variables()  # no stale exception


def fixed(value):
    """A value the compose file sets itself, not from .env."""
    return "${" not in str(value)


def test_every_variable_the_operator_may_set_is_in_env_example():
    """What production.py, base.py and gunicorn.conf.py read, and compose takes from .env,
    is documented in .env.example; and .env.example names nothing that goes nowhere."""
    stack = compose()
    from_env = {
        name: value
        for environment in (stack["x-django-env"], stack["services"]["web"]["environment"])
        for name, value in environment.items()
        if not fixed(value)
    }
    fixed_names = {name for name, value in stack["x-django-env"].items() if fixed(value)}
    documented = documented_variables()

    assert sorted((settings_variables() | gunicorn_variables()) - documented - fixed_names - set(NOT_PASSED)) == []
    assert sorted(set(from_env) - documented) == []
    # Compose's own: the port, the passwords of the db service, the worker's concurrency.
    text = Path(BASE_DIR, "docker-compose.yml").read_text()
    compose_own = set(re.findall(r"\$\{([A-Z][A-Z0-9_]+)", text))
    assert sorted(documented - set(from_env) - compose_own) == []
    assert {"HTTP_BIND", "HTTP_PORT", "TRUSTED_PROXY_CIDR", "POSTGRES_PASSWORD", "CELERY_CONCURRENCY"} <= compose_own


def test_compose_defaults_are_the_settings_defaults_and_env_example_s():
    """A variable left out of .env gets the value .env.example shows."""
    stack = compose()
    example = dict(re.findall(r"^([A-Z][A-Z0-9_]+)=(.*)$", Path(BASE_DIR, ".env.example").read_text(), re.MULTILINE))
    for environment in (stack["x-django-env"], stack["services"]["web"]["environment"]):
        for name, value in environment.items():
            default = re.fullmatch(r"\$\{(\w+):-(.*)\}", str(value))
            if default and name in example:
                assert default.group(1) == name
                assert default.group(2) == example[name], name


def test_nginx_passes_the_host_with_its_port():
    """Django builds redirects and links from the Host header and checks a form's Origin
    against it: on localhost:8080, nginx's $host would drop the port."""
    conf = Path(BASE_DIR, "deploy", "nginx.conf").read_text()

    assert "proxy_set_header Host $cogwg_host;" in conf
    assert re.search(r"map \$http_host \$cogwg_host \{\s*default \$http_host;", conf)


def test_nginx_finds_web_again_once_it_is_recreated():
    """A name in an upstream block is resolved once, at nginx's start: `docker compose up`
    recreates web with a new address, and nginx would answer 502 until restarted."""
    conf = Path(BASE_DIR, "deploy", "nginx.conf").read_text()

    assert not re.search(r"^\s*upstream\s", conf, re.MULTILINE)
    assert re.search(r"^\s*resolver 127\.0\.0\.11 valid=10s ipv6=off;", conf, re.MULTILINE)
    assert 'set $cogwg_web "web:8000";' in conf
    assert re.findall(r"proxy_pass (\S+);", conf) == ["http://$cogwg_web/healthz", "http://$cogwg_web"]


def test_the_compose_file_renders_with_env_example(tmp_path):
    tool = shutil.which("docker-compose")
    if tool is None:
        pytest.skip("docker-compose is not installed (apt-get install -y docker-compose)")
    result = subprocess.run(
        [tool, "--env-file", str(BASE_DIR / ".env.example"), "-f", str(BASE_DIR / "docker-compose.yml"), "config"],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=tmp_path,
    )

    assert result.returncode == 0, result.stderr
    rendered = yaml.safe_load(result.stdout)["services"]
    port = rendered["nginx"]["ports"][0]
    published = port if isinstance(port, str) else f"{port['host_ip']}:{port['published']}:{port['target']}"
    assert published.startswith("127.0.0.1:8080:80")
    assert rendered["web"]["environment"]["DB_PASSWORD"] == "change-me-three"


def test_beat_keeps_its_schedule_in_the_database_and_mounts_no_volume():
    """django-celery-beat's scheduler keeps the schedule and each task's last run in the
    database, and writes no file (the shelve file is PersistentScheduler's): a volume for
    beat would hold nothing, and its media volume is none of its business."""
    stack = compose()
    beat = stack["services"]["beat"]

    assert settings.CELERY_BEAT_SCHEDULER == "django_celery_beat.schedulers:DatabaseScheduler"
    assert beat["volumes"] == []
    assert "--schedule" not in beat["command"]
    mounted = {
        volume.split(":")[0]
        for service in stack["services"].values()
        for volume in service.get("volumes", [])
        if not volume.startswith(".")
    }
    assert set(stack["volumes"]) == mounted  # no volume that nothing mounts
