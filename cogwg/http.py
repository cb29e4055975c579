"""Conditional GET for the public pages: a page's ETag changes whenever any public table
changes (a row added, edited, published, unpublished or deleted), when the day changes
(milestones become overdue) and with the page's own URL. One query, whatever the data size;
a reader's browser or a shared cache then revalidates instead of downloading again."""

import hashlib

from django.apps import apps
from django.db import connection
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.decorators import method_decorator
from django.views.decorators.http import condition

# Every table a public page reads. Many-to-many changes go through the admin, which saves
# the parent row (and so its modified_at) too.
PUBLIC_MODELS = [
    "cogwg.Meeting",
    "cogwg.NextStep",
    "cogwg.InfoSection",
    "cogwg.StatusReport",
    "cogwg.StatusReportFile",
    "workplan.WorkPlan",
    "workplan.Priority",
    "workplan.Assignment",
    "workplan.Milestone",
    "workplan.ProgressUpdate",
    "jurisdictions.Jurisdiction",
    "jurisdictions.Accomplishment",
    "jurisdictions.Challenge",
    "stories.UserStory",
    "stories.Dataset",
]


def data_version() -> str:
    """A fingerprint of the public tables: row count and latest change of each, in one
    UNION ALL query (written out: the ORM's union of aggregates misaligns columns)."""
    quote = connection.ops.quote_name
    selects = []
    for label in PUBLIC_MODELS:
        meta = apps.get_model(label)._meta
        column = meta.get_field("modified_at").column
        selects.append(f"SELECT COUNT(*), MAX({quote(column)}) FROM {quote(meta.db_table)}")
    with connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join(selects))
        rows = cursor.fetchall()
    return hashlib.sha256(repr(rows).encode()).hexdigest()


def public_etag(request, *args, **kwargs) -> str:
    fingerprint = f"{data_version()}|{timezone.localdate()}|{request.get_full_path()}"
    return hashlib.sha256(fingerprint.encode()).hexdigest()[:32]


class ConditionalGetMixin:
    """Answer 304 Not Modified when nothing public changed since the reader's copy, and
    let caches keep the page only if they revalidate it."""

    @method_decorator(condition(etag_func=public_etag))
    def dispatch(self, request, *args, **kwargs):
        response = super().dispatch(request, *args, **kwargs)
        if request.method in ("GET", "HEAD"):
            patch_cache_control(response, public=True, max_age=0, must_revalidate=True)
        return response
