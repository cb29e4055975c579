"""What docs/operations.md (and README.md) tell an operator to do, held to the code: the
commands it gives run as it says, and what it says of the code is what the code does."""

import io
import os
import re
import subprocess
from contextlib import redirect_stdout
from pathlib import Path

import environ
import pytest
from django.conf import settings
from django.test import override_settings
from django.urls import NoReverseMatch, reverse
from django.utils import translation

from tests.conftest import port_open, skip_or_fail

BASE_DIR = Path(settings.BASE_DIR)
OPERATIONS = BASE_DIR / "docs" / "operations.md"
DOCS = [BASE_DIR / "README.md", *sorted((BASE_DIR / "docs").glob("*.md"))]


def operations():
    return OPERATIONS.read_text()


def section(title):
    """The text of the section ``## title``, up to the next one of its level."""
    text = operations()
    start = text.index(f"\n## {title}\n")
    end = text.find("\n## ", start + 1)
    return text[start : end if end != -1 else None]


def between(text, start, end):
    begin = text.index(start)
    return text[begin : text.index(end, begin)]


def code_lines(text):
    """The lines of the fenced code blocks of ``text``."""
    return [line for block in re.findall(r"```\n(.*?)```", text, re.DOTALL) for line in block.splitlines()]


def shell_python(text, marker):
    """The Python of the one `manage.py shell -c "…"` command of ``text`` holding ``marker``."""
    commands = [code for code in re.findall(r'manage\.py shell -c "([^"]+)"', text) if marker in code]
    assert len(commands) == 1, commands
    return commands[0]


def ups(text):
    """The services each `docker compose up` of ``text``'s code names (none: all of them)."""
    return [
        [word for word in line.split("#")[0].split()[3:] if not word.startswith("-")]
        for line in code_lines(text)
        if line.startswith("docker compose up ")
    ]


def run_python(code):
    out = io.StringIO()
    with redirect_stdout(out):
        exec(code, {})  # the documented command, as `manage.py shell -c` runs it
    return out.getvalue().strip()


def test_compose_is_called_docker_compose_and_its_version_is_stated():
    """Compose v2's `docker compose` (`up --wait` since 2.1.1); Debian's docker-compose
    1.29 prints its usage for such a command, and only validates the file (CI)."""
    for path in DOCS:
        text = path.read_text()
        # `docker-compose` named, or running `config`: never another of its commands.
        for command in re.findall(r"docker-compose(?!\.yml)([ \t]+[^`\n]*)?", text):
            assert command.split()[:1] in ([], ["config"]), (path.name, command)
        assert not [line for line in code_lines(text) if line.startswith("docker-compose ")], path.name
    assert "2.1.1" in operations()[: operations().index("## First start")]
    assert "2.1.1" in (BASE_DIR / "README.md").read_text()


def test_a_restore_starts_the_workers_and_beat_only_once_the_erasures_are_done_again():
    text = section("Backups and restore")
    restore = between(text, "To restore on a new machine", "Test a restore")

    assert ups(restore) == [["db"], ["web", "nginx"]]  # never a bare `up`, which starts them all
    after = restore[restore.index("docker compose up -d web nginx") :]
    assert after.index("register") < after.index("`docker compose up -d`")


def test_a_test_restore_starts_no_worker_nor_beat_and_its_mail_goes_nowhere():
    from cogwg.checks import check_email_delivery

    text = between(section("Backups and restore"), "Test a restore", "A report file missing")
    started = ups(text)
    assert all(started)  # never a bare `up`, which starts them all
    assert {"db", "web", "nginx"} == {name for names in started for name in names}

    (url,) = re.findall(r"`EMAIL_URL=([^`]+)`", text)
    mail = environ.Env.email_url_config(url)
    assert mail["EMAIL_HOST"] in ("127.0.0.1", "localhost")
    with override_settings(
        EMAIL_BACKEND=mail["EMAIL_BACKEND"],
        EMAIL_HOST=mail["EMAIL_HOST"],
        DEFAULT_FROM_EMAIL="COGWG Tracker <cogwg@tracker.gc.ca>",
        COGWG_PRIVACY_CONTACT="cogwg@tracker.gc.ca",
    ):
        assert check_email_delivery() == []  # the containers start with it
    # The sinks the text says `check --deploy` refuses are refused.
    for refused in ("consolemail://", "filemail:///tmp/mail"):
        assert refused.split("/")[0] in text
        with override_settings(EMAIL_BACKEND=environ.Env.email_url_config(refused)["EMAIL_BACKEND"]):
            assert [error.id for error in check_email_delivery()][:1] == ["cogwg.E001"]


def test_every_periodic_task_is_in_the_broker_data_lost_entry_with_its_task():
    text = section("When a service fails")
    text = text[text.index("**Broker data lost.**") :]
    rows = dict(re.findall(r"^\| `([a-z-]+)` \| `([a-z_.]+)` \|", text, re.MULTILINE))
    sweepers = {name for name, entry in settings.CELERY_BEAT_SCHEDULE.items() if name.startswith("sweep-")}

    assert rows == {
        name: entry["task"] for name, entry in settings.CELERY_BEAT_SCHEDULE.items() if name not in sweepers
    }
    for name in sweepers:
        assert f"`{name}`" in text
    assert "celery --app cogwg call TASK" in text


@pytest.mark.django_db
def test_the_documented_erasure_command_erases_the_sender_in_the_story_and_its_history(staff):
    from stories.models import UserStory
    from stories.services import SUBMITTER_ERASED
    from tests.factories import UserStoryFactory

    story = UserStoryFactory(submitter_name="Ann Example", submitter_email="ann@example.gc.ca")
    story.summary_en = "Changed once, so that two rows of its history hold the sender."
    story.save()
    other = UserStoryFactory(submitter_name="Bob Example", submitter_email="bob@example.gc.ca")
    code = shell_python(section("Personal information and retention"), "stories_erase_submitters")
    assert "[12, 40]" in code and "'USERNAME'" in code
    code = code.replace("[12, 40]", f"[{story.pk}]").replace("'USERNAME'", repr(staff.username))

    assert run_python(code) == "Erasure(stories=1, history_rows=2)"

    story.refresh_from_db()
    assert (story.submitter_name, story.submitter_email) == ("", "")
    rows = UserStory.history.filter(id=story.pk)
    assert set(rows.values_list("submitter_name", "submitter_email")) == {("", "")}
    latest = rows.latest("history_id")
    assert (latest.history_user, latest.history_change_reason) == (staff, SUBMITTER_ERASED)
    other.refresh_from_db()
    assert other.submitter_email == "bob@example.gc.ca"
    # Run again, it finds nothing, as the text says.
    assert run_python(code) == "Erasure(stories=0, history_rows=0)"


def test_the_retention_table_and_the_erasure_on_request_say_what_the_code_does():
    from stories.admin import UserStoryAdmin

    text = section("Personal information and retention")
    (deleted,) = [line for line in text.splitlines() if line.startswith("| the same of a story deleted")]
    assert "COGWG_RETENTION_REJECTED_STORY_DAYS" not in deleted  # blanked at the deletion
    assert "when the story is deleted" in deleted
    with translation.override("en"):
        action = str(UserStoryAdmin.erase_submitters.short_description)
    assert f'"{action}"' in " ".join(text.split())  # the action, by its name in the admin
    for what in ("register", "the date", "who did it"):
        assert what in text
    assert "Personal information and retention" in section("Backups and restore")


def test_the_secret_key_signs_no_password_reset_link():
    with pytest.raises(NoReverseMatch):
        reverse("admin_password_reset")  # the name the admin's login page would link
    for path in DOCS:
        assert not re.search(r"sign[^.]*reset link", path.read_text(), re.IGNORECASE), path.name


def test_the_documented_digest_under_the_old_key_finds_the_attempts_logged_before():
    from cogwg.security import username_digest

    old, new = "o" * 50 + "-old-key", "n" * 50 + "-new-key"
    code = shell_python(section("Rotating the secret key"), "SECRET_KEY_FALLBACKS[0]")
    code = code.replace("'USERNAME'", "'someone@example.gc.ca'")
    with override_settings(SECRET_KEY=old):
        logged_before = username_digest("someone@example.gc.ca")
    with override_settings(SECRET_KEY=new, SECRET_KEY_FALLBACKS=[old]):
        logged_after = username_digest("someone@example.gc.ca")
        documented = run_python(code)

    assert documented == logged_before != logged_after  # the key changes the digest


def test_the_authenticator_s_replacement_is_documented_with_the_command_s_real_arguments():
    from cogwg.management.commands.add_totp_device import Command

    parser = Command().create_parser("manage.py", "add_totp_device")
    text = section("Everyday checks")
    (command,) = [line for line in code_lines(text) if "add_totp_device" in line]
    arguments = command.split("add_totp_device", 1)[1].split()
    options = parser.parse_args(arguments)
    assert (options.username, options.replace) == ("USERNAME", True)
    assert "`--name`" in text and "changepassword" in text


def test_the_beat_volume_is_gone_from_the_docs_too():
    for path in DOCS:
        assert "celerybeat-schedule" not in path.read_text(), path.name


@pytest.mark.services
def test_without_containers_the_documented_commands_make_the_database_then_its_role():
    """The role script connects to the database: it must exist first (createdb)."""
    if not port_open("127.0.0.1", 5432):
        skip_or_fail("PostgreSQL is not answering on 127.0.0.1:5432")
    text = section("Without containers")
    commands = [line for line in code_lines(text) if line.startswith("PGHOST=")]
    assert [("createdb" in line, "postgres-app-role.sh" in line) for line in commands] == [
        (True, False),
        (False, True),
    ]
    name = f"cogwg_ops_doc_{os.getpid()}"
    role = f"{name}_app"

    def psql(sql):
        return subprocess.run(
            ["psql", "-h", "127.0.0.1", "-U", "postgres", "-d", "postgres", "-AtX", "-c", sql],
            capture_output=True,
            text=True,
            timeout=60,
            check=True,
        ).stdout.strip()

    def documented(line):
        line = line.replace("PGHOST=…", "PGHOST=127.0.0.1").replace("DB_PASSWORD=…", "DB_PASSWORD='a b$c'")
        return re.sub(r"\bcogwg\b", name, re.sub(r"\bcogwg_app\b", role, line))

    psql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
    psql(f"DROP ROLE IF EXISTS {role}")
    try:
        # Without the database, the script fails as the text says.
        alone = subprocess.run(["sh", "-c", documented(commands[1])], cwd=BASE_DIR, capture_output=True, text=True)
        assert alone.returncode != 0
        assert f'database "{name}" does not exist' in alone.stderr
        for line in commands:
            result = subprocess.run(["sh", "-c", documented(line)], cwd=BASE_DIR, capture_output=True, text=True)
            assert result.returncode == 0, result.stderr
        assert psql(f"SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = '{name}'") == role
        assert psql(f"SELECT rolsuper FROM pg_roles WHERE rolname = '{role}'") == "f"
    finally:
        psql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        psql(f"DROP ROLE IF EXISTS {role}")
