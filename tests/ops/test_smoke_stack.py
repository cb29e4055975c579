"""scripts/smoke_stack.sh (run by .ci/run) starts the processes of docker-compose.yml
natively: its Celery processes log as the containers' do."""

import shlex
from pathlib import Path

from django.conf import settings

SCRIPT = Path(settings.BASE_DIR, "scripts", "smoke_stack.sh")


def started_celery_processes():
    """The first line of each Celery process the script starts in the background."""
    return [
        shlex.split(line.rstrip("\\"))
        for line in SCRIPT.read_text().splitlines()
        if line.startswith('setsid "$PY" -m celery ')
    ]


def test_the_smoke_stack_s_celery_processes_print_no_banner():
    """--quiet, Celery's own option, before the subcommand: the logs are JSON lines."""
    processes = started_celery_processes()

    assert [words[:7] for words in processes] == [["setsid", "$PY", "-m", "celery", "-A", "cogwg", "--quiet"]] * 3
    assert sorted(words[7] for words in processes) == ["beat", "worker", "worker"]
