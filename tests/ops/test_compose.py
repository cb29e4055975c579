"""The compose stack's start order (docker-compose.yml; CI validates the file itself with
`docker-compose config`): the worker and beat run new code only once web has migrated."""

from pathlib import Path

import yaml
from django.conf import settings


def services():
    return yaml.safe_load(Path(settings.BASE_DIR, "docker-compose.yml").read_text())["services"]


def test_only_web_migrates_and_it_answers_its_health_check_once_it_has():
    stack = services()

    assert stack["web"]["environment"]["COGWG_MIGRATE"] == "1"
    assert "COGWG_MIGRATE" not in stack["worker"]["environment"]
    assert "COGWG_MIGRATE" not in stack["beat"]["environment"]
    assert stack["web"]["healthcheck"]["test"] == ["CMD", "python", "deploy/healthcheck.py", "/healthz"]
    # deploy/entrypoint.sh migrates before it starts gunicorn, which answers /healthz.
    entrypoint = Path(settings.BASE_DIR, "deploy", "entrypoint.sh").read_text()
    assert entrypoint.index("manage.py migrate_exclusive") < entrypoint.index('exec "$@"')


def test_the_worker_and_beat_start_after_web_is_healthy():
    stack = services()

    for name in ("worker", "beat"):
        assert stack[name]["depends_on"] == {
            "db": {"condition": "service_healthy"},
            "redis": {"condition": "service_healthy"},
            "web": {"condition": "service_healthy"},
        }
