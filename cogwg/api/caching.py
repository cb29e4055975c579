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
from django.db import models
from django.utils import translation
from django.utils.cache import get_conditional_response
from django.utils.functional import SimpleLazyObject, empty
from django.utils.http import http_date, parse_etags, quote_etag

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


# Anonymous answers hold published records only: any cache may keep them, and must ask
# again (a conditional GET, most often a 304) before each use. Others hold the reader's
# drafts: their browser's cache alone, and asked again too.
PUBLIC_CACHE_CONTROL = "public, max-age=0, must-revalidate"
PRIVATE_CACHE_CONTROL = "private, no-cache"


def anonymous_reader(request) -> bool:
    """Whether ``request`` (Django's) is an anonymous reader's, once answered: it carries
    no credentials, or only a session cookie that named no signed-in user when DRF's
    authentication loaded it. A token, even a bad one, is a reader's of their own."""
    if without_credentials(request):
        return True
    if "HTTP_AUTHORIZATION" in request.META or getattr(request, "_force_auth_user", None) is not None:
        return False
    user = getattr(request, "user", None)
    if user is None or (isinstance(user, SimpleLazyObject) and user._wrapped is empty):
        return False  # never loaded: not loaded here either (the database may be what failed)
    return not user.is_authenticated


def cache_control(request) -> str:
    """The Cache-Control of an API answer to ``request`` (DRF's): public for an anonymous
    reader's GET or HEAD."""
    user = vars(request).get("_user")  # None until DRF authenticates (a 406 comes first)
    anonymous = without_credentials(request._request) if user is None else not user.is_authenticated
    return PUBLIC_CACHE_CONTROL if anonymous and request.method in ("GET", "HEAD") else PRIVATE_CACHE_CONTROL


# A record's own validator, sent in this header with the record (read or written) and
# weighed against If-Match on its writes. The ETag of a read follows the whole data
# version, not the record: it is the address's representation, nested records and all.
RECORD_ETAG_HEADER = "Record-ETag"


def record_validators(record: models.Model) -> tuple[str, int | None]:
    """(entity tag, Last-Modified timestamp) of ``record`` itself: they change when it is
    saved (its ``modified_at``), whatever else changes."""
    modified_at = getattr(record, "modified_at", None)
    key = f"{record._meta.label}|{record.pk}|{modified_at.isoformat() if modified_at else ''}"
    etag = quote_etag(hashlib.sha256(key.encode()).hexdigest()[:32])
    return etag, int(modified_at.timestamp()) if modified_at else None


def preconditions_pass(request, record: models.Model) -> bool:
    """Whether a write of ``record`` may go on under the request's If-Match,
    If-Unmodified-Since and If-None-Match (RFC 9110 §13.2.2), weighed against the record's
    own validators."""
    if_match = request.META.get("HTTP_IF_MATCH", "")
    if if_match.strip() and not parse_etags(if_match):
        # No entity tag can be read in it (``garbage``, an unquoted tag), so it matches no
        # current one: a 412 (§13.1.1), where Django would ignore it and let the write on.
        return False
    etag, last_modified = record_validators(record)
    return get_conditional_response(request, etag=etag, last_modified=last_modified) is None


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
