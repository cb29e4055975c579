"""The status reports' actions of the API, mixed into ``cogwg.api.views.StatusReportViewSet``:

- ``POST /api/v1/status-reports/{id}/freeze/`` freezes a draft (the secretariat);
- ``GET /api/v1/status-reports/{id}/changes/`` what changed since the report it followed when frozen;
- ``GET /api/v1/status-reports/{id}/files/`` its rendered files, with their download URLs;

and ``GET /api/v1/status-reports/{id}/files/{language}.{file_format}``, the download of one
of them (``StatusReportFileViewSet``), for the readers the report's endpoints answer: with
a token or a session, the Joint Councils readers and the secretariat also download the
files of reports not yet published, which the site's download (a session's only) would
refuse them. Both downloads serve the file the same way (cogwg/reports/downloads.py).
"""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import router, transaction
from django.http import FileResponse
from django.urls import reverse
from django.utils.translation import ngettext
from drf_spectacular.plumbing import build_basic_type
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response

from cogwg import permissions
from cogwg.api.base import api_validation_error
from cogwg.api.language import language_codes
from cogwg.api.publication import RECORD_ETAG_HELP
from cogwg.api.schema import JSON, ApiAutoSchema
from cogwg.api.viewsets import ApiViewSetMixin
from cogwg.choices import RenderStatus, ReportFormat
from cogwg.models import StatusReport, StatusReportFile

from .diff import changes_as_api_gives_them
from .downloads import RERENDER_RETRY_AFTER_SECONDS, FileBeingPrepared, report_file_response
from .render import CONTENT_TYPES
from .selectors import report_files
from .services import report_changes, report_freeze


def file_download_url(request, file: StatusReportFile) -> str | None:
    """Where a ready file is downloaded through the API (``StatusReportFileViewSet``), absolute:
    with the same credentials as the listing that gives it. The site's pages link to the
    site's download (``reports:file``)."""
    if file.status != RenderStatus.READY:
        return None
    path = reverse(
        "api:status-report-file",
        kwargs={"pk": file.report_id, "language": file.language, "file_format": file.format},
    )
    return request.build_absolute_uri(path) if request is not None else path


class RenderedFileSerializer(serializers.ModelSerializer):
    """A rendered file of a frozen report: pending, rendering, ready (with its download URL)
    or failed (the error is shown to the secretariat only)."""

    download_url = serializers.SerializerMethodField()
    error = serializers.SerializerMethodField()

    class Meta:
        model = StatusReportFile
        fields = ("id", "format", "language", "status", "error", "attempts", "rendered_at", "download_url")
        read_only_fields = fields

    def get_download_url(self, file) -> str | None:
        return file_download_url(self.context.get("request"), file)

    def get_error(self, file) -> str:
        request = self.context.get("request")
        return file.error if request is not None and permissions.can_view_unpublished(request.user) else ""


class StatusReportActionsMixin:
    """Freeze, changes and files of a status report (see the module's docstring)."""

    # Changes and files answer conditional GETs like the report itself (the viewset's
    # ``revalidated()`` and ``conditional()``), and are kept for anonymous readers.
    revalidating_actions = ("list", "retrieve", "changes", "files")
    # The freeze's answer is the report as it now is, sent with its Record-ETag.
    record_actions = (*ApiViewSetMixin.record_actions, "freeze")

    @extend_schema(
        request=None,
        summary="Freeze a draft report",
        description=(
            "Computes the report's content as of its date, once, and keeps it with its SHA-256 checksum; "
            "the report becomes final and its files (PDF, XLSX, PPTX, CSV in English and French) are queued "
            "for rendering. A report that is already frozen, or whose as-of date is not in its work plan's "
            f"period or shortly after (`as_of`), is a 400. {RECORD_ETAG_HELP}"
        ),
    )
    @action(detail=True, methods=["post"])
    def freeze(self, request, pk=None):
        # The report read locked in the freeze's transaction (``ApiViewSetMixin.get_object``):
        # the right to freeze it and ``If-Match`` are weighed against it as stored.
        with transaction.atomic(using=router.db_for_write(self.queryset.model)):
            report = self.get_object()
            try:
                report = report_freeze(report=report, by=request.user)
            except DjangoValidationError as error:
                raise api_validation_error(error) from error
            return self.record_response(report)

    @extend_schema(
        responses={200: OpenApiTypes.OBJECT},
        summary="What changed since the previous report",
        filters=False,
        description=(
            "Compared with the report it followed when it was frozen (`content.report.previous_report`): the "
            "plan's and priorities' status and progress changes (progress in percent to one decimal, half up, as "
            "in `content`), milestones whose status changed, milestones "
            "completed, the user stories received and published in all, before and now (`stories`: null for a "
            "report frozen before reports counted stories; a `…_before` is null when the report it follows "
            "counted none), new accomplishments, challenges opened and resolved. Texts in both languages "
            '({"en": …, "fr": …}), like `content`. `previous_report` is null for a plan\'s first report, and for '
            "a reader who may not see the report it followed (not published yet): everything it holds is then "
            "new. A draft report has no content yet: 400."
        ),
    )
    @action(detail=True, methods=["get"], renderer_classes=[JSONRenderer])
    def changes(self, request, pk=None):
        if (response := self.revalidated()) is not None:
            return response
        report = self.get_object()

        def respond():
            try:
                return Response(changes_as_api_gives_them(report_changes(report=report, user=request.user)))
            except DjangoValidationError as error:
                raise api_validation_error(error) from error

        return self.conditional(*self.validators(), respond)

    @extend_schema(
        responses={200: RenderedFileSerializer(many=True)},
        summary="The report's rendered files",
        description="Each format and language with its rendering status; a ready file has its download URL.",
        filters=False,
    )
    @action(detail=True, methods=["get"], pagination_class=None, filterset_class=None, renderer_classes=[JSONRenderer])
    def files(self, request, pk=None):
        if (response := self.revalidated()) is not None:
            return response
        report = self.get_object()

        def respond():
            serializer = RenderedFileSerializer(report_files(report), many=True, context={"request": request})
            return Response(serializer.data)

        return self.conditional(*self.validators(), respond)


# The media type of each format, without its parameters (the CSV's charset).
FILE_MEDIA_TYPES = {format: content_type.split(";")[0] for format, content_type in CONTENT_TYPES.items()}


def being_prepared_message(minutes: int) -> str:
    """Why a file cannot be sent yet, in the words of the site's page."""
    return ngettext(
        "The file is being made from the report's frozen content. Please try again in a minute.",
        "The file is being made from the report's frozen content. Please try again in %(minutes)s minutes.",
        minutes,
    ) % {"minutes": minutes}


class FileNegotiation(DefaultContentNegotiation):
    """A file is sent as what it is, whatever the Accept header says (a server may disregard
    it, RFC 9110 §12.5.1), and an error as JSON: the download never answers 406, and
    ``?format=`` means nothing to it."""

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type


# The download's own errors, besides the API's: (description, example).
FILE_ERRORS = {
    "401": (
        "The token is unknown or has expired (or its account was deactivated): ask for a new one, or read "
        "without credentials (published reports only).",
        {"detail": "Invalid token."},
    ),
    "404": (
        "No such report, or not one this reader may see (not published yet: the Joint Councils readers and the "
        "secretariat see those); or no such language or format; or the file failed to render.",
        {"detail": "Not found."},
    ),
    "503": (
        "The file is being rendered (or rendered again, its stored copy lost): try again after `Retry-After` seconds.",
        {"detail": "The file is being made from the report's frozen content. Please try again in a minute."},
    ),
}
FILE_HEADERS = {
    "Content-Disposition": {
        "schema": {"type": "string"},
        "description": "`attachment`, with the file's name (the report's title, its as-of date and language).",
    },
    "Content-Language": {
        "schema": {"type": "string", "enum": language_codes()},
        "description": "The file's language (errors are in the reader's).",
    },
    "ETag": {
        "schema": {"type": "string"},
        "description": "The file's: send it back in If-None-Match to get a 304 until the file is rendered again.",
    },
    "Last-Modified": {"schema": {"type": "string"}, "description": "When the file was rendered (HTTP date)."},
}
FILE_RETRY_AFTER = {
    "Retry-After": {
        "schema": {"type": "integer"},
        "description": "Seconds to wait before asking again: until the file is rendered.",
    },
}


class FileDownloadSchema(ApiAutoSchema):
    """The download's answers: the file itself (binary, in its format's media type) or the
    API's JSON errors, with the download's own (``FILE_ERRORS``)."""

    def _error_codes(self):
        return [code for code in super()._error_codes() if code != "406"] + ["401", "503"]

    def _error_response(self, code):
        if code not in FILE_ERRORS:
            return super()._error_response(code)
        description, example = FILE_ERRORS[code]
        return {
            "description": description,
            "content": {JSON: {"schema": self._error_component("Error"), "examples": {"error": {"value": example}}}},
        }

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        ok = responses["200"]
        ok["description"] = "The file."
        for content in ok["content"].values():
            content["schema"] = build_basic_type(OpenApiTypes.BINARY)
        ok["headers"] = {**ok["headers"], **FILE_HEADERS}
        responses["304"]["headers"] = {**responses["304"]["headers"], "ETag": FILE_HEADERS["ETag"]}
        responses["503"]["headers"] = {**responses["503"]["headers"], **FILE_RETRY_AFTER}
        return responses


class StatusReportFileViewSet(ApiViewSetMixin, viewsets.GenericViewSet):
    """``GET /api/v1/status-reports/{id}/files/{language}.{file_format}``: a ready file of
    a report the reader may see, as the report's endpoints narrow them
    (``permissions.visible``), served as the site serves it (``report_file_response``)."""

    queryset = StatusReport.objects.all()
    schema = FileDownloadSchema()
    renderer_classes = [JSONRenderer]
    content_negotiation_class = FileNegotiation
    filter_backends = []
    pagination_class = None

    @extend_schema(
        operation_id="status_reports_file_download",
        summary="Download a rendered file of the report",
        description=(
            "The file itself (`Content-Disposition: attachment`), in its format's media type: PDF, XLSX, PPTX or "
            "CSV (UTF-8 with a byte order mark), in English or French, as listed by `…/files/` (`download_url`) "
            "and the report's `files` (`file`). Anyone downloads the files of a published report; with a token or "
            "a session, the Joint Councils readers and the secretariat also those of a final report not yet "
            "published (`Cache-Control: private, no-store`). A file being rendered is a 503 with `Retry-After`; "
            "one that failed to render, a 404. `ETag` and `Last-Modified` are the file's: `If-None-Match` gets a "
            "304 until it is rendered again. The `Accept` header is not weighed: the file is what it is, and an "
            "error is JSON."
        ),
        parameters=[
            OpenApiParameter(
                "id",
                OpenApiTypes.INT,
                OpenApiParameter.PATH,
                description="A unique integer value identifying this status report.",
            ),
            OpenApiParameter(
                "language",
                OpenApiTypes.STR,
                OpenApiParameter.PATH,
                enum=language_codes(),
                description="The file's language.",
            ),
            OpenApiParameter(
                "file_format",
                OpenApiTypes.STR,
                OpenApiParameter.PATH,
                enum=ReportFormat.values,
                description="The file's format.",
            ),
        ],
        responses={(200, media_type): OpenApiTypes.BINARY for media_type in FILE_MEDIA_TYPES.values()},
        filters=False,
    )
    def download(self, request, pk, language, file_format):
        try:
            return report_file_response(request, self.get_queryset(), pk=pk, language=language, format=file_format)
        except FileBeingPrepared:
            minutes = RERENDER_RETRY_AFTER_SECONDS // 60
            return Response(
                {"detail": being_prepared_message(minutes)},
                status=status.HTTP_503_SERVICE_UNAVAILABLE,
                headers={"Retry-After": str(RERENDER_RETRY_AFTER_SECONDS), "Cache-Control": "no-store"},
            )

    def finalize_response(self, request, response, *args, **kwargs):
        # The file is in its own language; the API's answers say the reader's.
        language = response.get("Content-Language") if isinstance(response, FileResponse) else None
        response = super().finalize_response(request, response, *args, **kwargs)
        if language:
            response["Content-Language"] = language
        return response
