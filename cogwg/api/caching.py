"""Conditional GET for the API: ``ETag`` and ``Last-Modified`` on lists and details, and a
304 when the client's copy is current.

The validator never loads the data, nor runs a query while the cache holds the data
version (cogwg/versioning.py: it changes whenever any record of the site changes). It is
hashed with what else shapes the response: the address (with its scheme and host, which its
links carry), the language, the format (the Accept header and the query string), whether
the reader sees drafts (and which), and today's date (overdue flags and "as of today"
change at midnight).

An anonymous reader's revalidation is answered before DRF's request set-up
(``ApiViewSetMixin.dispatch``): without credentials, everything the ETag hashes is in the
request itself."""

import hashlib

from django.conf import settings
from django.utils import translation
from django.utils.cache import get_conditional_response
from django.utils.http import http_date, quote_etag

from cogwg import permissions
from cogwg.versioning import data_version, today


def without_credentials(request) -> bool:
    """Does ``request`` carry no credentials (no Authorization header, no session cookie, no
    user forced by DRF's test client)? Its reader is anonymous then, known without loading a
    session."""
    return not (
        "HTTP_AUTHORIZATION" in request.META
        or request.COOKIES.get(settings.SESSION_COOKIE_NAME)
        or getattr(request, "_force_auth_user", None) is not None
    )


def validators(request, *, visibility=None):
    """(ETag, Last-Modified timestamp) of the response to ``request``: whatever records it
    shows, nested ones included, the data version follows their tables. ``visibility``:
    the reader's ``permissions.visibility_key``, when known already."""
    # The throttle may have read it already, in its own round trip to the cache.
    version = data_version(getattr(request, "stored_data_version", None))
    # The representation may change at midnight even when no record does.
    day, midnight = today()
    last_modified = max(version.last_modified, midnight)
    key = "|".join(
        [
            version.tag,
            translation.get_language() or "",
            # The format is negotiated from the address (in the full path) and this header
            # alone: the same pair always gets the same renderer.
            request.META.get("HTTP_ACCEPT", ""),
            # With the scheme and host: the representation's links are absolute.
            f"{request.scheme}://{request.get_host()}{request.get_full_path()}",
            visibility or permissions.visibility_key(request.user),
            day.isoformat(),
        ]
    )
    etag = quote_etag(hashlib.sha256(key.encode()).hexdigest()[:40])
    return etag, int(last_modified)


def not_modified_response(request, etag, last_modified):
    """Django's answer to the request's conditional headers: a 304 (or a 412 for a failed
    ``If-Match``), or None when the full response must be sent."""
    return get_conditional_response(request, etag=etag, last_modified=last_modified)


def set_validators(response, etag, last_modified):
    response["ETag"] = etag
    response["Last-Modified"] = http_date(last_modified)
    return response


def revalidation(request, *, visibility=None):
    """The answer to a client that sends the ETag of the current representation (a 304, or
    a 412 for a failed ``If-Match``), with its validators; None when the full response must
    be sent. Only ``If-None-Match`` is weighed: a client that sends only
    ``If-Modified-Since`` goes the whole way (its address may never have been valid)."""
    if "HTTP_IF_NONE_MATCH" not in request.META:
        return None
    etag, last_modified = validators(request, visibility=visibility)
    response = not_modified_response(request, etag, None)
    return response and set_validators(response, etag, last_modified)
