"""Admin actions on status reports, mixed into ``cogwg.admin.StatusReportAdmin``: freeze
the selected drafts, publish the selected frozen reports, re-queue their failed files.
Each action calls the service; a report the service refuses is named in a warning."""

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from .services import report_files_requeue_failed, report_freeze, report_publish


class StatusReportAdminActionsMixin:
    actions = ("freeze_reports", "publish_reports", "requeue_failed_files")

    def _each(self, request, queryset, service):
        done = 0
        # Earliest first: a later report's period then starts after the earlier one.
        for report in queryset.order_by("as_of", "pk"):
            try:
                service(report=report, by=request.user)
            except ValidationError as error:
                self.message_user(request, f"{report}: {' '.join(error.messages)}", messages.WARNING)
            else:
                done += 1
        return done

    @admin.action(description=gettext_lazy("Freeze the selected draft reports"), permissions=["change"])
    def freeze_reports(self, request, queryset):
        done = self._each(request, queryset, report_freeze)
        if done:
            self.message_user(
                request,
                ngettext(
                    "%(count)d report frozen; its files are being rendered.",
                    "%(count)d reports frozen; their files are being rendered.",
                    done,
                )
                % {"count": done},
                messages.SUCCESS,
            )

    @admin.action(description=gettext_lazy("Publish the selected frozen reports"), permissions=["change"])
    def publish_reports(self, request, queryset):
        done = self._each(request, queryset, report_publish)
        if done:
            self.message_user(
                request,
                ngettext("%(count)d report published.", "%(count)d reports published.", done) % {"count": done},
                messages.SUCCESS,
            )

    @admin.action(description=gettext_lazy("Re-queue the failed files of the selected reports"), permissions=["change"])
    def requeue_failed_files(self, request, queryset):
        count = sum(report_files_requeue_failed(report=report, by=request.user) for report in queryset)
        if count:
            message = ngettext("%(count)d file re-queued.", "%(count)d files re-queued.", count) % {"count": count}
        else:
            message = _("No failed file to re-queue.")
        self.message_user(request, message, messages.SUCCESS if count else messages.INFO)
