"""Fixtures of the background jobs' tests: the reporting cycle of tests/cycles, and a mail
server of their own (tests/fakes/smtp_server.py) that Django's SMTP backend sends to."""

import pytest

from tests.cycles.conftest import cycle, english_afterwards  # noqa: F401
from tests.fakes.smtp_server import FakeSmtp


@pytest.fixture
def smtp(settings):
    with FakeSmtp() as server:
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", server.port
        settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
        settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
        yield server
