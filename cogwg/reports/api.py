"""The status reports' actions of the API, mixed into ``cogwg.api.views.StatusReportViewSet``:

- ``POST /api/v1/status-reports/{id}/freeze/`` freezes a draft (the secretariat);
- ``GET /api/v1/status-reports/{id}/changes/`` what changed since the report it followed when frozen;
- ``GET /api/v1/status-reports/{id}/files/`` its rendered files, with their download URLs.
"""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response

from cogwg import permissions
from cogwg.api.base import api_validation_error
from cogwg.choices import RenderStatus
from cogwg.models import StatusReportFile

from .diff import changes_as_api_gives_them
from .selectors import report_files
from .services import report_changes, report_freeze


def file_download_url(request, file: StatusReportFile) -> str | None:
    """Where a ready file is downloaded (the site's download view), absolute."""
    if file.status != RenderStatus.READY:
        return None
    path = reverse("reports:file", kwargs={"pk": file.report_id, "language": file.language, "format": file.format})
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

    @extend_schema(
        request=None,
        summary="Freeze a draft report",
        description=(
            "Computes the report's content as of its date, once, and keeps it with its SHA-256 checksum; "
            "the report becomes final and its files (PDF, XLSX, PPTX, CSV in English and French) are queued "
            "for rendering. A report that is already frozen, or whose as-of date is not in its work plan's "
            "period or shortly after (`as_of`), is a 400."
        ),
    )
    @action(detail=True, methods=["post"])
    def freeze(self, request, pk=None):
        report = self.get_object()
        try:
            report = report_freeze(report=report, by=request.user)
        except DjangoValidationError as error:
            raise api_validation_error(error) from error
        return Response(self.get_serializer(report).data)

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
