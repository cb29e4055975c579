"""The secretariat's admin for the working group itself: meetings and their next steps,
the about page, status reports, link health (cogwg/admin_links.py); and the site's titles."""

import json
from functools import cached_property

from django.contrib import admin
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TranslationTabularInline

from workplan.admin_fields import WorkPlanListFilter

from . import (
    admin_accounts,  # noqa: F401  (the accounts the secretariat sets up: users, authenticators, lockouts)
    admin_cycles,  # registers the reporting periods; warns of refused reminders
    permissions,
)
from .admin_base import COMPACT_TEXT, LabelledFormSet, TrackedTranslationAdmin, VisibleRowsInlineMixin
from .admin_links import LinkCheckAdmin
from .choices import RenderStatus, StatusReportState
from .models import EmailJob, InfoSection, LinkCheck, Meeting, NextStep, StatusReport, StatusReportFile
from .reports.admin import StatusReportAdminActionsMixin

admin.site.site_header = _("COGWG Work-Plan Tracker")
admin.site.site_title = _("COGWG Work-Plan Tracker")
# The index of each role's admin is titled by index_title_for (cogwg/admin_site.py); a
# title that suits every role otherwise.
admin.site.index_title = _("Administration")


def index_title_for(user):
    """The title of ``user``'s admin index: their role."""
    if permissions.is_secretariat(user):
        return _("Secretariat")
    if permissions.is_contributor(user):
        return _("Jurisdiction contributor")
    if permissions.is_joint_councils_reader(user):
        return _("Joint Councils reader")
    return admin.site.index_title


class NextStepFormSet(LabelledFormSet):
    """A meeting's steps: a step is part only of another step of this meeting, one level
    deep (``NextStep.clean``), judged on the table as it will be saved."""

    @cached_property
    def stored_steps(self):
        if self.instance.pk is None:
            return []
        return list(NextStep.objects.filter(meeting=self.instance).order_by("order", "pk"))

    def add_fields(self, form, index):
        super().add_fields(form, index)
        field = form.fields.get("parent")
        if field is None:
            return
        field.queryset = NextStep.objects.filter(meeting=self.instance) if self.instance.pk else NextStep.objects.none()
        # The meeting's steps, read once for the whole table rather than once per row.
        field.choices = [
            ("", field.empty_label),
            *((step.pk, field.label_from_instance(step)) for step in self.stored_steps if step.pk != form.instance.pk),
        ]

    def clean(self):
        super().clean()
        parents = {step.pk: step.parent_id for step in self.stored_steps}
        rows = []
        for form in self.forms:
            data = getattr(form, "cleaned_data", None)
            if not data or self._should_delete_form(form) or "parent" not in data:
                continue
            parent = data["parent"]
            rows.append((form, parent))
            if form.instance.pk is not None:
                parents[form.instance.pk] = parent.pk if parent else None
        for form, parent in rows:
            if parent is None:
                continue
            if parents.get(parent.pk) is not None:
                form.add_error(
                    "parent",
                    ValidationError(
                        _("This step is itself part of another step: sub-points have no sub-points of their own."),
                        code="invalid_parent",
                    ),
                )
            elif form.instance.pk is not None and form.instance.pk in parents.values():
                form.add_error(
                    "parent",
                    ValidationError(
                        _("This step has sub-points of its own: it cannot be part of another step."),
                        code="invalid_parent",
                    ),
                )


class NextStepInline(VisibleRowsInlineMixin, TranslationTabularInline):
    model = NextStep
    formset = NextStepFormSet
    fields = ("order", "text_en", "text_fr", "owner", "due", "done", "parent")
    # The parent is chosen among the meeting's own steps (NextStepFormSet), not searched.
    autocomplete_fields = ("owner",)
    formfield_overrides = COMPACT_TEXT
    show_change_link = True
    extra = 0


@admin.register(Meeting)
class MeetingAdmin(TrackedTranslationAdmin):
    list_display = ("date", "title", "kind")
    list_filter = ("kind",)
    search_fields = ("title_en", "title_fr", "purpose_en", "purpose_fr")
    date_hierarchy = "date"
    ordering = ("-date",)
    fieldsets = ((None, {"fields": ("kind", "date", ("title_en", "title_fr"), ("purpose_en", "purpose_fr"))}),)
    inlines = (NextStepInline,)


@admin.register(NextStep)
class NextStepAdmin(TrackedTranslationAdmin):
    list_display = ("__str__", "meeting", "owner", "due", "done")
    list_filter = ("done", "meeting__kind", ("owner", admin.RelatedOnlyFieldListFilter))
    list_select_related = ("meeting", "owner")
    search_fields = ("text_en", "text_fr", "meeting__title_en", "meeting__title_fr")
    autocomplete_fields = ("meeting", "parent", "owner")
    date_hierarchy = "due"
    ordering = ("-meeting__date", "order", "pk")
    fieldsets = ((None, {"fields": ("meeting", "parent", ("text_en", "text_fr"), "owner", "due", "done", "order")}),)

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        if obj is not None and "parent" in form.base_fields:
            # Its meeting known, a step is part of one of that meeting's other steps (the
            # model's clean says so of any other); a new step's meeting is not chosen yet.
            form.base_fields["parent"] = NextStep._meta.get_field("parent").formfield(
                queryset=NextStep.objects.filter(meeting_id=obj.meeting_id).exclude(pk=obj.pk)
            )
        return form


@admin.register(InfoSection)
class InfoSectionAdmin(TrackedTranslationAdmin):
    list_display = ("title", "slug", "order")
    search_fields = ("slug", "title_en", "title_fr", "body_en", "body_fr")
    prepopulated_fields = {"slug": ("title_en",)}
    ordering = ("order", "slug")
    fieldsets = (
        (
            None,
            {"fields": ("slug", "order", ("title_en", "title_fr"), ("intro_en", "intro_fr"), ("body_en", "body_fr"))},
        ),
    )


class StatusReportFileInline(VisibleRowsInlineMixin, admin.TabularInline):
    """Rendered files are written by the rendering tasks, never by hand."""

    model = StatusReportFile
    fields = ("format", "language", "status", "download", "attempts", "rendered_at", "error")
    readonly_fields = fields
    extra = 0
    can_delete = False

    @admin.display(description=_("file"))
    def download(self, obj):
        """A ready file, through the view that checks who may read it (files are not
        served as media)."""
        if obj.status != RenderStatus.READY or not obj.file:
            return "—"
        url = reverse("reports:file", kwargs={"pk": obj.report_id, "language": obj.language, "format": obj.format})
        return format_html('<a href="{}">{}</a>', url, obj.file.name.rsplit("/", 1)[-1])

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(StatusReport)
class StatusReportAdmin(StatusReportAdminActionsMixin, TrackedTranslationAdmin):
    """A draft report's title, date and meeting can be edited; freezing is a service, and
    a frozen report (final or published) can be viewed only."""

    list_display = ("title", "work_plan", "as_of", "meeting", "state", "frozen_at")
    list_filter = ("state", ("work_plan", WorkPlanListFilter))
    list_select_related = ("work_plan", "meeting")
    search_fields = ("title_en", "title_fr")
    autocomplete_fields = ("work_plan", "meeting")
    date_hierarchy = "as_of"
    ordering = ("-as_of", "-pk")
    readonly_fields = ("state", "frozen_at", "frozen_by", "checksum", "frozen_content")
    fieldsets = (
        (None, {"fields": (("title_en", "title_fr"), "work_plan", "as_of", "meeting")}),
        (_("Frozen report"), {"fields": ("state", "frozen_at", "frozen_by", "checksum", "frozen_content")}),
    )
    service_fields = ("state", "content", "checksum", "frozen_at", "frozen_by")
    inlines = (StatusReportFileInline,)

    @admin.display(description=_("frozen content"))
    def frozen_content(self, obj):
        if obj.content is None:
            return "—"
        return format_html("<pre>{}</pre>", json.dumps(obj.content, indent=2, ensure_ascii=False, sort_keys=True))

    def has_change_permission(self, request, obj=None):
        if obj is not None and obj.is_frozen:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.is_frozen:
            return False
        return super().has_delete_permission(request, obj)

    def get_actions(self, request):
        # Bulk deletion would not look at each report: frozen ones must stay.
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    def revert_disabled(self, request, obj=None):
        # A version of a report is judged by the report as it is now: once frozen, no
        # earlier draft can be brought back.
        if obj is not None and StatusReport.objects.filter(pk=obj.pk).exclude(state=StatusReportState.DRAFT).exists():
            return True
        return super().revert_disabled(request, obj)


admin.site.register(LinkCheck, LinkCheckAdmin)


@admin.register(EmailJob)
class EmailJobAdmin(admin.ModelAdmin):
    """The e-mail jobs (cogwg/outbox.py), written and moved along by the services and the
    tasks, never by hand: what was sent, what was done without sending and why (what it
    announced no longer held), what waits (the broker or the mail server down), and what
    failed. The list also warns of the weekly upcoming milestones' reminders the mail
    server refused, which are no jobs (``admin_cycles.upcoming_reminders_refused``)."""

    list_display = ("task", "args", "state", "skip_reason", "attempts", "created_at", "queued_at", "done_at", "error")
    list_filter = ("state", "skip_reason", "task")
    date_hierarchy = "created_at"
    ordering = ("-created_at", "-pk")
    fields = list_display
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def changelist_view(self, request, extra_context=None):
        response = super().changelist_view(request, extra_context)
        return admin_cycles.warn_of_upcoming_reminders_refused(self, request, response)
