"""Conditional GET for the API: ``ETag`` and ``Last-Modified`` on lists and details, and a
304 when the client's copy is current.

The validator never renders or loads the data: it is one aggregate per table, the newest
``modified_at`` and the row count of the filtered queryset (a deletion lowers the count)
and of each table whose records appear nested in the representation, hashed with what
else shapes the response: the language, the format, the query string, whether the reader
sees drafts (and which), and today's date (overdue flags and "as of today" change at midnight)."""

import datetime
import hashlib

from django.db.models import Count, Max
from django.utils import timezone, translation
from django.utils.cache import get_conditional_response
from django.utils.http import http_date, quote_etag

from cogwg import permissions


def table_state(queryset):
    """(newest modified_at, row count) of a queryset, in one query. A table without
    timestamps gives its highest id instead of a date."""
    timestamped = any(field.name == "modified_at" for field in queryset.model._meta.concrete_fields)
    state = queryset.order_by().aggregate(last=Max("modified_at" if timestamped else "pk"), count=Count("pk"))
    return state["last"], state["count"]


def validators(request, queryset, dependencies=()):
    """(ETag, Last-Modified timestamp) of a response built from ``queryset`` and
    from records of the ``dependencies`` models."""
    states = [table_state(queryset)] + [table_state(model._default_manager.all()) for model in dependencies]
    # The representation may change at midnight even when no record does.
    midnight = timezone.make_aware(datetime.datetime.combine(timezone.localdate(), datetime.time.min))
    last_modified = max((last for last, _count in states if isinstance(last, datetime.datetime)), default=midnight)
    last_modified = max(last_modified, midnight)
    renderer = getattr(request, "accepted_renderer", None)
    key = "|".join(
        [
            *(f"{last}:{count}" for last, count in states),
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
