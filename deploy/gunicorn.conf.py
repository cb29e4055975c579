"""Gunicorn for the web service: ``gunicorn --config deploy/gunicorn.conf.py cogwg.wsgi``.

Sync workers behind nginx: nginx buffers slow clients (request bodies and responses), so
a worker is busy only for the time Django takes. Every setting can be changed through
the environment (GUNICORN_*). Logs are JSON lines, access lines included, each with the
request id that RequestIdMiddleware returns in ``X-Request-ID``.
"""

import os
from multiprocessing import cpu_count

from gunicorn.glogging import Logger


def _env_int(name, default):
    return int(os.environ.get(name, default))


bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
workers = _env_int("GUNICORN_WORKERS", 2 * cpu_count() + 1)
# More than one thread makes gunicorn use its gthread worker.
threads = _env_int("GUNICORN_THREADS", 1)
timeout = _env_int("GUNICORN_TIMEOUT", 30)
graceful_timeout = _env_int("GUNICORN_GRACEFUL_TIMEOUT", 30)
keepalive = _env_int("GUNICORN_KEEPALIVE", 5)
# Recycle workers now and then, staggered, so that no slow leak grows for ever.
max_requests = _env_int("GUNICORN_MAX_REQUESTS", 1000)
max_requests_jitter = _env_int("GUNICORN_MAX_REQUESTS_JITTER", 100)
# Heartbeat files in memory: a container's disk may be slow or read-only.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None
# nginx is the only client in the stack; its X-Forwarded-* headers are trusted.
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "*")
proc_name = "cogwg-web"

accesslog = os.environ.get("GUNICORN_ACCESSLOG", "-")
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOGLEVEL", "info")


def client_address(environ):
    """The client's address as Django resolves it (cogwg.security.client_ip: the
    DJANGO_NUM_PROXIES-th address from the right of X-Forwarded-For, else the socket's),
    the one the login lockout and the throttles count; never the whole forwarded chain,
    whose first addresses the client wrote itself. Called in a worker, where Django is set
    up; the WSGI environ is the request's META."""
    from types import SimpleNamespace

    from cogwg.security import client_ip

    return client_ip(SimpleNamespace(META=environ))


class JsonAccessLogger(Logger):
    """Access lines as structured records (cogwg.logging.JsonFormatter) rather than a
    format string: values with quotes cannot break the JSON."""

    def access(self, resp, req, environ, request_time):
        if not self.access_log_enabled:
            return
        headers = {name.lower(): value for name, value in resp.headers}
        status = resp.status.split(None, 1)[0] if isinstance(resp.status, str) else resp.status
        self.access_log.info(
            "%s %s %s",
            environ.get("REQUEST_METHOD"),
            environ.get("RAW_URI"),
            status,
            extra={
                "request_id": headers.get("x-request-id", "-"),
                "method": environ.get("REQUEST_METHOD"),
                "path": environ.get("RAW_URI"),
                "status": int(status),
                "bytes": getattr(resp, "sent", None),
                "duration_ms": round(request_time.total_seconds() * 1000, 2),
                "remote_addr": client_address(environ),
                "user_agent": environ.get("HTTP_USER_AGENT"),
            },
        )


logger_class = JsonAccessLogger

logconfig_dict = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": "cogwg.logging.JsonFormatter"}},
    "filters": {"request_id": {"()": "cogwg.logging.RequestIdFilter"}},
    "handlers": {
        "stdout": {
            "class": "logging.StreamHandler",
            "formatter": "json",
            "filters": ["request_id"],
            "stream": "ext://sys.stdout",
        },
        "stderr": {
            "class": "logging.StreamHandler",
            "formatter": "json",
            "filters": ["request_id"],
            "stream": "ext://sys.stderr",
        },
    },
    "root": {"level": "INFO", "handlers": ["stderr"]},
    "loggers": {
        "gunicorn.error": {"level": loglevel.upper(), "handlers": ["stderr"], "propagate": False},
        "gunicorn.access": {"level": "INFO", "handlers": ["stdout"], "propagate": False},
    },
}
