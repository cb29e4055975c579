"""Outgoing HTTP. Every request the tracker makes to another site (CKAN portals, link
checks) says who is asking, with a contact, and gives up after a timeout.

Settings, all optional: ``COGWG_HTTP_USER_AGENT`` (default: ``COGWG-Tracker/1.0`` with the
address of ``DEFAULT_FROM_EMAIL`` as contact), ``COGWG_HTTP_TIMEOUT`` (seconds, default 10).
"""

from email.utils import parseaddr

import requests
from django.conf import settings

DEFAULT_TIMEOUT = 10.0
MAX_REDIRECTS = 10


def user_agent() -> str:
    configured = getattr(settings, "COGWG_HTTP_USER_AGENT", "")
    if configured:
        return configured
    _, address = parseaddr(getattr(settings, "DEFAULT_FROM_EMAIL", ""))
    return f"COGWG-Tracker/1.0 (+mailto:{address})" if address else "COGWG-Tracker/1.0"


def timeout() -> float:
    return float(getattr(settings, "COGWG_HTTP_TIMEOUT", DEFAULT_TIMEOUT))


def session() -> requests.Session:
    """A session for one thread: requests' sessions are not meant to be shared across threads."""
    http = requests.Session()
    http.headers["User-Agent"] = user_agent()
    http.max_redirects = MAX_REDIRECTS
    return http
