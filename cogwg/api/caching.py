"""Conditional GET for the API: ``ETag`` and ``Last-Modified`` on lists and details, and a
304 when the client's copy is current.

The validator never loads the data, nor runs a query while the cache holds the data
version (cogwg/versioning.py: it changes whenever any record of the site changes). It is
hashed with what else shapes the response: the language, the format, the query string,
whether the reader sees drafts (and which), and today's date (overdue flags and "as of
today" change at midnight)."""

import datetime
import hashlib

from django.utils import timezone, translation
from django.utils.cache import get_conditional_response
from django.utils.http import http_date, quote_etag

from cogwg import permissions
from cogwg.versioning import data_version


def validators(request):
    """(ETag, Last-Modified timestamp) of the response to ``request``: whatever records it
    shows, nested ones included, the data version follows their tables."""
    version = data_version()
    # The representation may change at midnight even when no record does.
    midnight = timezone.make_aware(datetime.datetime.combine(timezone.localdate(), datetime.time.min))
    last_modified = max(version.last_modified, midnight)
    renderer = getattr(request, "accepted_renderer", None)
    key = "|".join(
        [
            version.tag,
            translation.get_language() or "",
            getattr(renderer, "format", "") or "",
            request.get_full_path(),
            permissions.visibility_key(request.user),
            timezone.localdate().isoformat(),
        ]
    )
    etag = quote_etag(hashlib.sha256(key.encode()).hexdigest()[:40])
    return etag, int(last_modified.timestamp())


def not_modified_response(request, etag, last_modified):
    """Django's answer to the request's conditional headers: a 304 (or a 412 for a failed
    ``If-Match``), or None when the full response must be sent."""
    return get_conditional_response(request, etag=etag, last_modified=last_modified)


def set_validators(response, etag, last_modified):
    response["ETag"] = etag
    response["Last-Modified"] = http_date(last_modified)
    return response
