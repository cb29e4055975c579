"""Public pages of the status reports: the published reports with their downloads, one
report as a page (the same template as its PDF), what changed since the report it followed,
and the download of a rendered file. Every page reads the frozen content only."""

import json

from django.db.models import Prefetch
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext_lazy as _
from django.views.generic import DetailView, ListView

from cogwg import permissions
from cogwg.choices import RenderStatus, StatusReportState
from cogwg.models import StatusReport, StatusReportFile
from cogwg.templatetags.cogwg_tags import localized
from cogwg.views import Crumb, PublicPageMixin

from .content import build_content
from .downloads import RERENDER_RETRY_AFTER_SECONDS, FileBeingPrepared, report_file_response
from .render.view import diff_view, report_view
from .selectors import frozen_reports, previous_frozen_report, published_reports, recorded_baseline_id
from .services import report_changes


def downloadable_reports(user):
    """The public downloads the files of published reports; the secretariat and the Joint
    Councils readers also those of the frozen reports not yet published."""
    return frozen_reports() if permissions.can_view_unpublished_reports(user) else published_reports()


def readable_reports(user):
    """The reports whose pages ``user`` may read: the published ones; every one, drafts
    included, for the secretariat and the Joint Councils readers."""
    if not permissions.can_view_unpublished_reports(user):
        return published_reports()
    ready = StatusReportFile.objects.filter(status=RenderStatus.READY).order_by("language", "format")
    return StatusReport.objects.select_related("meeting", "work_plan").prefetch_related(
        Prefetch("files", queryset=ready, to_attr="ready_files")
    )


def draft_content(report):
    """What a draft report would hold were it frozen now (a preview: nothing is kept)."""
    return json.loads(json.dumps(build_content(report=report, previous=previous_frozen_report(report))))


class StatusReportListView(PublicPageMixin, ListView):
    template_name = "cogwg/reports/report_list.html"
    context_object_name = "reports"
    paginate_by = 20

    def get_queryset(self):
        return readable_reports(self.request.user).order_by("-as_of", "-pk")

    def dispatch(self, request, *args, **kwargs):
        response = super().dispatch(request, *args, **kwargs)
        if permissions.can_view_unpublished_reports(request.user):
            # Lists reports the public may not see: for this reader only.
            patch_cache_control(response, private=True, no_store=True)
        return response

    def get_date_modified(self, context):
        stamps = [report.modified_at for report in context["reports"]]
        return timezone.localdate(max(stamps)) if stamps else None


class ReportPageMixin(PublicPageMixin):
    context_object_name = "report"

    def get_queryset(self):
        # Published ones for the public, who share caches that revalidate by ETag; the
        # secretariat and the Joint Councils readers also read the others, never cached.
        return readable_reports(self.request.user)

    def dispatch(self, request, *args, **kwargs):
        response = super().dispatch(request, *args, **kwargs)
        report = getattr(self, "object", None)
        if report is not None and not report.is_published:
            patch_cache_control(response, private=True, no_store=True)
        return response

    def get_breadcrumbs(self, context):
        return [Crumb(_("Status reports"), reverse("reports:list"))]

    def get_date_modified(self, context):
        return timezone.localdate(context["report"].modified_at)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["files"] = self.object.ready_files
        return context


class StatusReportDetailView(ReportPageMixin, DetailView):
    template_name = "cogwg/reports/report_detail.html"

    def get_context_data(self, **kwargs):
        language = translation.get_language()
        content = self.object.content if self.object.is_frozen else draft_content(self.object)
        return super().get_context_data(r=report_view(content, language), **kwargs)


class StatusReportChangesView(ReportPageMixin, DetailView):
    template_name = "cogwg/reports/report_changes.html"

    def get_queryset(self):
        # A draft has no frozen content to compare yet.
        return super().get_queryset().exclude(state=StatusReportState.DRAFT)

    def get_breadcrumbs(self, context):
        return [
            *super().get_breadcrumbs(context),
            # Marked with its language when it falls back to the other one (WCAG 3.1.2).
            Crumb(localized(self.object, "title"), reverse("reports:detail", args=[self.object.pk])),
        ]

    def dispatch(self, request, *args, **kwargs):
        response = super().dispatch(request, *args, **kwargs)
        if permissions.can_view_unpublished_reports(request.user):
            # Compared with a report the public may not see yet, maybe: for this reader only.
            patch_cache_control(response, private=True, no_store=True)
        return response

    def get_context_data(self, **kwargs):
        language = translation.get_language()
        changes = report_changes(report=self.object, user=self.request.user)
        return super().get_context_data(
            changes=diff_view(changes, language),
            # It follows a report this reader may not see: compared with nothing, not said to be the first.
            follows_unseen_report=changes["previous_report"] is None and recorded_baseline_id(self.object) is not None,
            **kwargs,
        )


def status_report_file_download(request, pk, language, format):
    """A ready file of a report the reader may see, as an attachment
    (``downloads.report_file_response``, which the API's download shares); a file still
    being rendered, or lost from storage and rendered again, is a 503 page that asks the
    reader to come back."""
    try:
        response = report_file_response(
            request, downloadable_reports(request.user), pk=pk, language=language, format=format
        )
    except FileBeingPrepared as waiting:
        return being_prepared(request, waiting.file)
    # A published report's file is everyone's, as its page is: kept, and revalidated.
    if not response.has_header("Cache-Control"):
        patch_cache_control(response, public=True, max_age=0, must_revalidate=True)
    return response


def being_prepared(request, file):
    """A 503 page, in the reader's language, that asks them to come back in a minute."""
    response = render(
        request,
        "cogwg/reports/file_being_prepared.html",
        {"report": file.report, "file": file, "retry_after_minutes": RERENDER_RETRY_AFTER_SECONDS // 60},
        status=503,
    )
    response["Retry-After"] = str(RERENDER_RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response
