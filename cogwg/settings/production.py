"""Production settings, behind nginx (deploy/nginx.conf) under gunicorn, with PostgreSQL,
Redis and Celery workers (docker-compose.yml).

Secrets have no defaults: without DJANGO_SECRET_KEY, DJANGO_ALLOWED_HOSTS, the database
(DATABASE_URL, or DB_NAME and the other DB_* variables), EMAIL_URL or CELERY_BROKER_URL
the process refuses to start. ``manage.py check --deploy --fail-level WARNING`` finds
nothing to report with these settings (tests/ops/test_settings.py), nor with the
documented opt-outs (a trial over plain HTTP, HSTS without subdomains or preload), and
refuses an e-mail backend that delivers nothing (cogwg/checks.py).
"""

import os

from django.core.exceptions import ImproperlyConfigured
from whitenoise.compress import Compressor

from .base import *  # noqa: F403
from .base import CACHES, CONTENT_SECURITY_POLICY, LOGGING, SPECTACULAR_SETTINGS, env

DEBUG = False
SECRET_KEY = env("DJANGO_SECRET_KEY")
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS")
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])
# Where e-mails' links lead: by default the first allowed host, over HTTPS.
# A trailing slash is dropped: links are built as f"{COGWG_SITE_URL}/en/…". `check --deploy`
# refuses an address that is not absolute (cogwg.E006).
COGWG_SITE_URL = (env("COGWG_SITE_URL", default="") or f"https://{ALLOWED_HOSTS[0].lstrip('.')}").rstrip("/")
# The API schema's contact, built in base.py from base's default address.
SPECTACULAR_SETTINGS = {
    **SPECTACULAR_SETTINGS,
    "CONTACT": {**SPECTACULAR_SETTINGS["CONTACT"], "url": f"{COGWG_SITE_URL}/en/about/"},
}

# The mail server, with no default: base.py's console backend would write every e-mail
# (receipts to the public, with their address and what they wrote) to the log and deliver
# none. `check --deploy` also refuses the backends that deliver nothing (cogwg/checks.py).
if not env.str("EMAIL_URL", default="").strip():
    raise ImproperlyConfigured(
        "Set the EMAIL_URL environment variable: the mail server, e.g. smtp+tls://user:password@smtp.example.gc.ca:587"
    )
EMAIL_CONFIG = env.email_url("EMAIL_URL")
vars().update(EMAIL_CONFIG)

# The broker, with no default: base.py would run every task eagerly, in the web process,
# with no retries (a mail server down would lose the e-mail) and every report rendered
# while the request waits. /readyz reports tasks run eagerly as a failing broker (cogwg/health.py).
if not env.str("CELERY_BROKER_URL", default="").strip():
    raise ImproperlyConfigured("Set the CELERY_BROKER_URL environment variable: the broker, e.g. redis://redis:6379/0")
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL").strip()
CELERY_TASK_ALWAYS_EAGER = False
COGWG_REQUIRE_BROKER = True

# Persistent connections, checked before reuse: after a database outage the first request
# finds the dead connection, drops it and opens a new one, with no restart. A short
# connect timeout makes an unreachable server a quick 503 (cogwg.middleware), not a hang.
# The database from DB_NAME, DB_USER, DB_PASSWORD, DB_HOST and DB_PORT (what
# docker-compose.yml passes), or else from DATABASE_URL (where `@ : / + = %` in a password
# must be percent-encoded). The DB_* values are taken as they are, whatever their
# characters: read without django-environ, which would take a leading `$` for the name of
# another variable.
if os.environ.get("DB_NAME", "").strip():
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": os.environ["DB_NAME"].strip(),
            "USER": os.environ.get("DB_USER", ""),
            "PASSWORD": os.environ.get("DB_PASSWORD", ""),
            "HOST": os.environ.get("DB_HOST", ""),
            "PORT": os.environ.get("DB_PORT", ""),
        }
    }
else:
    DATABASES = {"default": env.db("DATABASE_URL")}
DATABASES["default"].update(
    ATOMIC_REQUESTS=False,
    CONN_MAX_AGE=env.int("DJANGO_CONN_MAX_AGE", default=60),
    CONN_HEALTH_CHECKS=True,
)
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault(
        "connect_timeout", env.int("DJANGO_DB_CONNECT_TIMEOUT", default=5)
    )

# With CACHE_URL=redis://…, a Redis cache whose outage only costs misses (cogwg/cache.py):
# pages keep answering 200 without it.
if env("CACHE_URL", default="").startswith(("redis://", "rediss://")):
    CACHES = {**CACHES, "default": env.cache_url("CACHE_URL", backend="cogwg.cache.ResilientRedisCache")}

# HTTPS: nginx says which scheme the client used, and it alone: its own, or that of the
# load balancer in TRUSTED_PROXY_CIDR, never what a client sent (deploy/nginx.conf).
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
# Probes from inside the network speak plain HTTP.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
SECURE_HSTS_PRELOAD = env.bool("DJANGO_SECURE_HSTS_PRELOAD", default=True)
# What the operator turned off on purpose (.env.example, docs/operations.md) is not a
# warning of `check --deploy`, which every container runs with --fail-level WARNING
# (deploy/entrypoint.sh): only that check is silenced, every other still fails.
SILENCED_SYSTEM_CHECKS = [
    check
    for check, turned_off in (
        ("security.W008", not SECURE_SSL_REDIRECT),
        ("security.W005", not SECURE_HSTS_INCLUDE_SUBDOMAINS),
        ("security.W021", not SECURE_HSTS_PRELOAD),
    )
    if turned_off
]
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SESSION_COOKIE_SECURE = True
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_SECURE = True
X_FRAME_OPTIONS = "DENY"

# The policy of base.py, plus: browsers fetch every http:// sub-resource over https.
CONTENT_SECURITY_POLICY = {
    **CONTENT_SECURITY_POLICY,
    "DIRECTIVES": {**CONTENT_SECURITY_POLICY["DIRECTIVES"], "upgrade-insecure-requests": True},
}

# Hashed, compressed static files served by WhiteNoise (and by nginx from the same
# directory): a changed file gets a new name, so every static file can be cached forever.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# One JSON object per log line, with the request id; Celery workers log the same way
# instead of installing their own handlers.
LOGGING["handlers"]["console"]["formatter"] = env("DJANGO_LOG_FORMAT", default="json")
CELERY_WORKER_HIJACK_ROOT_LOGGER = False

# Source maps are for developers' tools: not worth compressing (brotli is slow on them).
WHITENOISE_SKIP_COMPRESS_EXTENSIONS = [*Compressor.SKIP_COMPRESS_EXTENSIONS, "map"]
