"""Production delivers e-mail: it needs EMAIL_URL, and `check --deploy` (run before every
container starts) refuses the backends that write messages to the log or keep them
(the console of `make run`), the placeholders of .env.example, and sender or contact
addresses nobody can write to (cogwg/checks.py). The compose file stops without a mail
server; `make run` keeps printing e-mail to the console."""

import re
import shutil
import subprocess

import pytest
from django.core.checks import Error, Warning
from django.test import override_settings

from cogwg.checks import check_email_delivery
from tests.conftest import skip_or_fail
from tests.fakes.smtp_server import FakeSmtp
from tests.ops.conftest import BASE_DIR, manage, production_env

FROM = "COGWG Tracker <cogwg@tracker.example.gc.ca>"
SMTP = "django.core.mail.backends.smtp.EmailBackend"


def env_example():
    """The values .env.example gives."""
    pairs = re.findall(r"^([A-Z_]+)=(.*)$", (BASE_DIR / ".env.example").read_text(), re.M)
    return dict(pairs)


def check_deploy(**env):
    return manage("check", "--deploy", "--fail-level", "WARNING", env=production_env(**env))


# In the production process


def test_production_with_the_values_the_documentation_gives_passes_check_deploy():
    result = check_deploy(EMAIL_URL="smtp+tls://tracker:s3cret@smtp.example.gc.ca:587", DEFAULT_FROM_EMAIL=FROM)

    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.strip() == "System check identified no issues (0 silenced)."


@pytest.mark.parametrize("value", [None, "", "  "])
def test_production_refuses_to_start_without_a_mail_server(value):
    result = manage("check", env=production_env(EMAIL_URL=value, COGWG_READ_DOT_ENV="false"))

    assert result.returncode != 0
    assert "Set the EMAIL_URL environment variable" in result.stderr


@pytest.mark.parametrize(
    ("url", "backend"),
    [
        ("consolemail://", "console"),
        ("filemail:///tmp/cogwg-mail", "filebased"),
        ("memorymail://", "locmem"),
        ("dummymail://", "dummy"),
    ],
)
def test_check_deploy_refuses_e_mail_that_is_not_delivered(url, backend):
    result = check_deploy(EMAIL_URL=url)

    assert result.returncode != 0
    assert f"(cogwg.E001) E-mail is not delivered: EMAIL_URL selects django.core.mail.backends.{backend}" in (
        result.stderr
    )


def test_check_deploy_refuses_the_placeholders_of_env_example():
    example = env_example()

    result = check_deploy(EMAIL_URL=example["EMAIL_URL"], DEFAULT_FROM_EMAIL=example["DEFAULT_FROM_EMAIL"])

    assert result.returncode != 0
    assert "(cogwg.E002) EMAIL_URL names the mail server 'smtp.example.org', a placeholder" in result.stderr
    assert "(cogwg.W003) DEFAULT_FROM_EMAIL is 'COGWG Tracker <cogwg@example.org>'" in result.stderr
    assert "(cogwg.W004) The privacy notice asks the public to write to 'cogwg@example.org'" in result.stderr


def test_production_sends_e_mail_to_the_mail_server_and_writes_none_of_it_to_its_output():
    with FakeSmtp() as smtp:
        result = manage("sendtestemail", "camille@example.org", env=production_env(EMAIL_URL=smtp.url))

    assert result.returncode == 0, result.stdout + result.stderr
    (message,) = smtp.messages
    assert message.recipients == ("camille@example.org",)
    assert message.sender == "cogwg@tracker.example.gc.ca"
    assert "camille@example.org" not in result.stdout + result.stderr


def test_make_run_still_prints_e_mail_to_the_console():
    env = {
        **production_env(COGWG_READ_DOT_ENV="false"),
        "DJANGO_SETTINGS_MODULE": "cogwg.settings.local",
        "EMAIL_URL": "",
    }
    env.pop("EMAIL_URL")
    code = "import django; django.setup(); from django.conf import settings; print(settings.EMAIL_BACKEND)"

    result = manage("shell", "--no-imports", "-c", code, env=env)

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "django.core.mail.backends.console.EmailBackend"


def test_docker_compose_stops_without_a_mail_server(tmp_path):
    if not shutil.which("docker-compose"):
        skip_or_fail("docker-compose is not installed (apt-get install -y docker-compose)")
    example = (BASE_DIR / ".env.example").read_text()
    without = tmp_path / "env"
    without.write_text(re.sub(r"^EMAIL_URL=.*$", "EMAIL_URL=", example, flags=re.M))

    def config(env_file):
        return subprocess.run(
            ["docker-compose", "--env-file", str(env_file), "-f", "docker-compose.yml", "config", "-q"],
            cwd=BASE_DIR,
            capture_output=True,
            text=True,
            timeout=60,
            env={"PATH": "/usr/bin:/bin"},
        )

    assert config(BASE_DIR / ".env.example").returncode == 0
    refused = config(without)
    assert refused.returncode != 0
    assert "set EMAIL_URL in .env" in refused.stderr


# The check itself, in this process


@pytest.mark.parametrize(
    "backend",
    [
        "django.core.mail.backends.console.EmailBackend",
        "django.core.mail.backends.locmem.EmailBackend",
        "django.core.mail.backends.dummy.EmailBackend",
        "django.core.mail.backends.filebased.EmailBackend",
    ],
)
def test_the_check_refuses_each_backend_that_delivers_nothing(backend):
    with override_settings(EMAIL_BACKEND=backend, DEFAULT_FROM_EMAIL=FROM, COGWG_PRIVACY_CONTACT="privacy@gc.ca"):
        problems = check_email_delivery()

    assert [(type(problem), problem.id) for problem in problems] == [(Error, "cogwg.E001")]


@pytest.mark.parametrize("host", ["smtp.example.org", "mail.example.com", "smtp.invalid", "relay.test"])
def test_the_check_refuses_a_placeholder_mail_server(host):
    with override_settings(
        EMAIL_BACKEND=SMTP, EMAIL_HOST=host, DEFAULT_FROM_EMAIL=FROM, COGWG_PRIVACY_CONTACT="p@gc.ca"
    ):
        problems = check_email_delivery()

    assert [(type(problem), problem.id) for problem in problems] == [(Error, "cogwg.E002")]


@pytest.mark.parametrize("host", ["localhost", "127.0.0.1", "smtp.example.gc.ca", "relay.internal"])
def test_the_check_accepts_a_real_or_local_mail_server(host):
    with override_settings(
        EMAIL_BACKEND=SMTP, EMAIL_HOST=host, DEFAULT_FROM_EMAIL=FROM, COGWG_PRIVACY_CONTACT="privacy@tbs-sct.gc.ca"
    ):
        assert check_email_delivery() == []


@pytest.mark.parametrize(
    "sender", ["COGWG Tracker <cogwg@localhost>", "webmaster@example.org", "no address", "cogwg@site.test"]
)
def test_the_check_warns_of_a_sender_nobody_can_answer(sender):
    with override_settings(
        EMAIL_BACKEND=SMTP, EMAIL_HOST="smtp.example.gc.ca", DEFAULT_FROM_EMAIL=sender, COGWG_PRIVACY_CONTACT="p@gc.ca"
    ):
        problems = check_email_delivery()

    assert [(type(problem), problem.id) for problem in problems] == [(Warning, "cogwg.W003")]


@pytest.mark.parametrize("contact", ["", "cogwg@localhost", "privacy@example.com"])
def test_the_check_warns_of_a_privacy_contact_nobody_can_write_to(contact):
    with override_settings(
        EMAIL_BACKEND=SMTP, EMAIL_HOST="smtp.example.gc.ca", DEFAULT_FROM_EMAIL=FROM, COGWG_PRIVACY_CONTACT=contact
    ):
        problems = check_email_delivery()

    assert [(type(problem), problem.id) for problem in problems] == [(Warning, "cogwg.W004")]
