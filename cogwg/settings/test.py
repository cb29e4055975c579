"""Settings for the test suite: fast hashing, eager Celery, e-mail kept in memory."""

import os

os.environ.setdefault("DJANGO_SECRET_KEY", "test-only-key")

from .base import *  # noqa: F403

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
CELERY_TASK_ALWAYS_EAGER = True
CELERY_BROKER_URL = ""
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

from .base import CACHES, DATABASES, VAR_DIR  # noqa: E402

# The tests' cache is this process's memory whatever CACHE_URL a developer's environment
# or .env names: each test clears it (tests/conftest.py, fresh_cache), which on a shared
# Redis would empty the developer's own cache. Tests of the Redis cache name theirs.
CACHES["default"] = {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "cogwg-tests"}

# SQLite keeps the test database in a file (one per run), not in memory: the Celery worker
# of the integration test (tests/reports/test_worker.py) is another process and shares it.
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    VAR_DIR.mkdir(exist_ok=True)
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / f"test-{os.getpid()}.sqlite3")}

# That worker runs with these settings; the test points it at a dedicated Redis database
# (keys prefixed by the run), the test database, and a media folder the two processes share.
if os.environ.get("COGWG_TEST_WORKER_BROKER_URL"):
    CELERY_BROKER_URL = os.environ["COGWG_TEST_WORKER_BROKER_URL"]
    CELERY_TASK_ALWAYS_EAGER = False
    DATABASES["default"]["NAME"] = os.environ["COGWG_TEST_WORKER_DATABASE"]
    MEDIA_ROOT = os.environ["COGWG_TEST_WORKER_MEDIA_ROOT"]
    STORAGES["default"] = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    CELERY_BROKER_TRANSPORT_OPTIONS = {"global_keyprefix": os.environ["COGWG_TEST_WORKER_KEY_PREFIX"]}

COGWG_LINKCHECK_DELAY = 0
COGWG_HTTP_TIMEOUT = 0.5

# Tests sign staff in with force_login; the second factor is tested on its own
# (tests/security/test_otp.py, with override_settings).
COGWG_REQUIRE_STAFF_OTP = False
