"""The download of a status report's rendered file, one way for the site and the API.

The site's view (``reports:file``, cogwg/reports/views.py) and the API's
(``GET /api/v1/status-reports/{id}/files/{language}.{file_format}``, cogwg/reports/api.py)
both answer with ``report_file_response``. Each says which reports its reader may download
(the site by the reader's session, the API through its own authentication, with the same
rules of cogwg/permissions.py) and how it tells a reader to come back for a file that is
being rendered (``FileBeingPrepared``): the site with a page, the API with its JSON.

A file never changes once rendered, except when it is rendered again (lost from storage):
its validators are its identity and rendering time, so a reader's copy is revalidated
(304) without the storage being read."""

import hashlib
import os

from django.db.models import QuerySet
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.http import http_date, quote_etag

from cogwg.choices import RenderStatus, StatusReportState
from cogwg.models import StatusReportFile

from .render import CONTENT_TYPES
from .services import report_file_open

# When a reader is asked to come back for a file being rendered (or rendered again).
RERENDER_RETRY_AFTER_SECONDS = 60


class FileBeingPrepared(Exception):
    """The file is being rendered, or was lost from storage and is being rendered again."""

    def __init__(self, file: StatusReportFile):
        super().__init__(file.pk)
        self.file = file


def report_file(reports: QuerySet, *, pk: int, language: str, format: str) -> StatusReportFile:
    """The file in ``language`` and ``format`` of the report ``pk`` among ``reports`` (those
    the reader may see), with its report, in one query; Http404 when there is none."""
    return get_object_or_404(
        StatusReportFile.objects.select_related("report"),
        # The report looked up by its own key, as the report's pages do: an id beyond 64
        # bits then finds nothing (a 404) where the file's foreign key would overflow.
        report__in=reports.filter(pk=pk),
        language=language,
        format=format,
    )


def file_validators(file: StatusReportFile) -> tuple[str, int]:
    """(ETag, Last-Modified timestamp) of a ready file: a rendering stores a new file at a
    new time, and nothing else changes it."""
    rendered_at = file.rendered_at or file.modified_at
    key = f"{file.pk}|{file.file.name}|{rendered_at.isoformat()}"
    return quote_etag(hashlib.sha256(key.encode()).hexdigest()[:40]), int(rendered_at.timestamp())


def report_file_response(request, reports: QuerySet, *, pk: int, language: str, format: str):
    """The ready file of a report the reader may see (``report_file``), as an attachment
    named after the report, with its validators (a 304 when the reader's copy is current);
    Http404 when there is no such file or it failed to render. ``FileBeingPrepared`` when
    it is still being rendered, or is being rendered again because the storage lost it
    (``report_file_open``).

    A file of a report not yet published is for this reader only (``private, no-store``);
    the caller says how those of published reports may be kept."""
    file = report_file(reports, pk=pk, language=language, format=format)
    if file.status in (RenderStatus.PENDING, RenderStatus.RUNNING):
        raise FileBeingPrepared(file)
    if file.status != RenderStatus.READY or not file.file:
        raise Http404
    etag, last_modified = file_validators(file)
    response = get_conditional_response(request, etag=etag, last_modified=last_modified)
    if response is None:
        content = report_file_open(file=file)
        if content is None:
            raise FileBeingPrepared(file)
        response = FileResponse(
            content,
            as_attachment=True,
            filename=os.path.basename(file.file.name),
            content_type=CONTENT_TYPES[file.format],
        )
        response["Content-Language"] = file.language
        # Rendered again if the storage had lost it: a new file.
        etag, last_modified = file_validators(file)
    response["ETag"] = etag
    response["Last-Modified"] = http_date(last_modified)
    if file.report.state != StatusReportState.PUBLISHED:
        patch_cache_control(response, private=True, no_store=True)
    return response
