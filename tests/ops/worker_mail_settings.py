"""The fault tests' worker settings (worker_settings.py), sending its e-mail to the mail
server on 127.0.0.1 that a test names (``COGWG_TEST_WORKER_SMTP_PORT``), so that the test
sees what the worker sent (tests/ops/test_faults_email.py)."""

import os

from tests.ops.worker_settings import *  # noqa: F403

EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
EMAIL_HOST = "127.0.0.1"
EMAIL_PORT = int(os.environ["COGWG_TEST_WORKER_SMTP_PORT"])
EMAIL_USE_TLS = EMAIL_USE_SSL = False
EMAIL_HOST_USER = EMAIL_HOST_PASSWORD = ""
