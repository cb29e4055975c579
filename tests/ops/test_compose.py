"""The compose stack's start order (docker-compose.yml; CI validates the file itself with
`docker-compose config`): the worker and beat run new code only once web has migrated."""

import re
from pathlib import Path

import yaml
from django.conf import settings


def services():
    return yaml.safe_load(Path(settings.BASE_DIR, "docker-compose.yml").read_text())["services"]


def test_only_web_migrates_and_it_answers_its_health_check_once_it_has():
    stack = services()

    assert stack["web"]["environment"]["COGWG_MIGRATE"] == "1"
    for name in ("worker", "worker-long", "beat"):
        assert "COGWG_MIGRATE" not in stack[name]["environment"]
    assert stack["web"]["healthcheck"]["test"] == ["CMD", "python", "deploy/healthcheck.py", "/healthz"]
    # deploy/entrypoint.sh migrates before it starts gunicorn, which answers /healthz.
    entrypoint = Path(settings.BASE_DIR, "deploy", "entrypoint.sh").read_text()
    assert entrypoint.index("manage.py migrate_exclusive") < entrypoint.index('exec "$@"')


def test_the_workers_and_beat_start_after_web_is_healthy():
    stack = services()

    for name in ("worker", "worker-long", "beat"):
        assert stack[name]["depends_on"] == {
            "db": {"condition": "service_healthy"},
            "redis": {"condition": "service_healthy"},
            "web": {"condition": "service_healthy"},
        }


# What the settings read from the environment but the stack does not pass on, and why.
# Anything else the settings read must be passed (with the settings' own default): .env
# is not in the image (.dockerignore), so a variable missing here is silently ignored.
NOT_PASSED = {
    "DJANGO_DEBUG": "never on in production (production.py sets DEBUG = False)",
    "DJANGO_STATIC_ROOT": "the image's /app/staticfiles, the static volume",
    "DJANGO_MEDIA_ROOT": "the image's /app/media, the media volume",
}
ENV_READ = re.compile(r'\benv(?:\.\w+)?\(\s*"([A-Z][A-Z0-9_]+)"')


def settings_variables():
    names = set()
    for module in Path(settings.BASE_DIR, "cogwg", "settings").glob("*.py"):
        names |= set(ENV_READ.findall(module.read_text()))
    return names


def test_every_setting_read_from_the_environment_reaches_the_containers():
    compose = yaml.safe_load(Path(settings.BASE_DIR, "docker-compose.yml").read_text())
    passed = set(compose["x-django-env"])
    read = settings_variables()
    assert {"DJANGO_SECRET_KEY", "AXES_COOLOFF_MINUTES", "DJANGO_SESSION_COOKIE_AGE"} <= read  # the pattern finds them

    assert sorted(read - passed - set(NOT_PASSED)) == []
    assert set(NOT_PASSED) <= read  # no stale exception


def test_documented_variables_are_passed_or_named_as_not_passed():
    """Every variable of .env.example either reaches the containers or is Compose's own."""
    compose = yaml.safe_load(Path(settings.BASE_DIR, "docker-compose.yml").read_text())
    example = Path(settings.BASE_DIR, ".env.example").read_text()
    documented = set(re.findall(r"^([A-Z][A-Z0-9_]+)=", example, re.MULTILINE))
    compose_own = {"POSTGRES_PASSWORD", "HTTP_PORT", "GUNICORN_WORKERS", "CELERY_CONCURRENCY"}

    assert sorted(documented - set(compose["x-django-env"]) - compose_own) == []


def test_nginx_passes_the_host_with_its_port():
    """Django builds redirects and links from the Host header and checks a form's Origin
    against it: on localhost:8080, nginx's $host would drop the port."""
    conf = Path(settings.BASE_DIR, "deploy", "nginx.conf").read_text()

    assert "proxy_set_header Host $cogwg_host;" in conf
    assert re.search(r"map \$http_host \$cogwg_host \{\s*default \$http_host;", conf)
