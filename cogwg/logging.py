"""Structured logs: every record carries the id of the request it belongs to.

``RequestIdMiddleware`` (cogwg/middleware.py) sets the id for the duration of a request;
``RequestIdFilter`` copies it onto each record, and ``JsonFormatter`` writes one JSON
object per line, which is what log collectors behind gunicorn and Celery expect.
"""

import contextvars
import logging

from pythonjsonlogger.core import RESERVED_ATTRS
from pythonjsonlogger.json import JsonFormatter as BaseJsonFormatter

NO_REQUEST_ID = "-"

request_id_var = contextvars.ContextVar("request_id", default=NO_REQUEST_ID)


class RequestIdFilter(logging.Filter):
    """Add ``request_id`` to every record that has none (gunicorn's access lines bring
    theirs). Django logs some records (``django.request``: "Not Found", "Internal Server
    Error") after the middleware has returned, with the request in ``record.request``:
    the id is taken from there first, then from the request being served."""

    def filter(self, record):
        if not getattr(record, "request_id", None):
            request_id = getattr(getattr(record, "request", None), "request_id", None)
            record.request_id = request_id or request_id_var.get()
        return True


class JsonFormatter(BaseJsonFormatter):
    """One JSON object per line: time, level, logger, message, request id, and whatever
    the caller passed in ``extra``. The request object Django attaches to some records is
    reduced to its method and path."""

    default_fields = ("levelname", "name", "message", "request_id")

    def __init__(self, fmt=None, *args, **kwargs):
        fmt = fmt or list(self.default_fields)
        kwargs.setdefault("reserved_attrs", [*RESERVED_ATTRS, "request", "taskName", "server_time"])
        kwargs.setdefault("timestamp", "time")
        kwargs.setdefault("rename_fields", {"levelname": "level", "name": "logger"})
        super().__init__(fmt, *args, **kwargs)

    def add_fields(self, log_data, record, message_dict):
        super().add_fields(log_data, record, message_dict)
        request = getattr(record, "request", None)
        if hasattr(request, "method") and hasattr(request, "path"):
            log_data.setdefault("method", request.method)
            log_data.setdefault("path", request.path)
