"""The admin of link health: what the link checker found (cogwg.linkcheck), read-only,
broken links first to hand through the filters, and a "Check again" action.

Register it in cogwg/admin.py::

    admin.site.register(LinkCheck, LinkCheckAdmin)
"""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from .choices import LinkStatus
from .linkcheck import links_check


class FailingFilter(admin.SimpleListFilter):
    title = _("reachability")
    parameter_name = "failing"

    def lookups(self, request, model_admin):
        return [
            ("failing", _("Failing (anything but OK or redirected)")),
            ("unreachable", _("Unreachable (marked so on public pages)")),
        ]

    def queryset(self, request, queryset):
        if self.value() == "failing":
            return queryset.failing()
        if self.value() == "unreachable":
            return queryset.unreachable()
        return queryset


class LinkCheckAdmin(admin.ModelAdmin):
    """Written by the link checker only; people read it, and may ask for a new check."""

    list_display = ("url", "status", "status_code", "final_url", "checked_at", "first_failed_at")
    list_filter = ("status", FailingFilter, "checked_at")
    search_fields = ("url", "final_url", "error")
    ordering = ("url",)
    actions = ["check_again"]
    fields = ("url", "status", "status_code", "final_url", "error_message", "checked_at", "first_failed_at")
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_check_permission(self, request):
        return request.user.has_perm(f"{self.opts.app_label}.change_{self.opts.model_name}")

    @admin.action(description=_("Check again"), permissions=["check"])
    def check_again(self, request, queryset):
        counts = links_check(urls=list(queryset.values_list("url", flat=True)))
        summary = ", ".join(f"{counts[status]} {status.label.lower()}" for status in LinkStatus if counts[status])
        self.message_user(request, _("Checked again: %(summary)s.") % {"summary": summary}, messages.SUCCESS)
