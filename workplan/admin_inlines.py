"""The work plan admin's inlines: a plan's priorities, a priority's seats and milestones,
a milestone's progress log and the form that posts a new update under it."""

from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TranslationStackedInline, TranslationTabularInline

from cogwg.admin_base import COMPACT_TEXT, VisibleRowsInlineMixin

from .admin_fields import shown_author, with_shown_author
from .admin_forms import PriorityFormSet, ProgressUpdatePostForm, SeatFormSet
from .models import Assignment, Milestone, Priority, ProgressUpdate

# A milestone's updates as "latest" means everywhere (``ProgressUpdate.objects.latest_first``):
# by report date and, among updates of one day, the last published first. The log here
# and the updates' changelist (workplan/admin.py) list them in that order.
LATEST_FIRST = ProgressUpdate.objects.latest_first().query.order_by


class PriorityInline(VisibleRowsInlineMixin, TranslationTabularInline):
    """The plan's priorities at a glance; a priority (with its issue and outcome) is
    added and edited on its own page."""

    model = Priority
    formset = PriorityFormSet
    fields = ("number", "title_en", "title_fr", "slug", "slug_fr")
    show_change_link = True
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


class SeatInline(VisibleRowsInlineMixin, TranslationTabularInline):
    model = Assignment
    formset = SeatFormSet
    fields = ("role", "jurisdiction", "organization_en", "organization_fr", "confirmed", "order")
    autocomplete_fields = ("jurisdiction",)
    extra = 0


class MilestoneInline(VisibleRowsInlineMixin, TranslationTabularInline):
    model = Milestone
    fields = ("due_date", "description_en", "description_fr", "kind", "order", "status", "progress")
    readonly_fields = ("status", "progress")
    formfield_overrides = COMPACT_TEXT
    show_change_link = True
    extra = 0


class ProgressLogInline(VisibleRowsInlineMixin, TranslationTabularInline):
    """The milestone's updates as they were posted, newest first. Each is published or
    withdrawn on its own page."""

    model = ProgressUpdate
    verbose_name_plural = _("progress log")
    fields = (
        "reported_on",
        "status",
        "progress",
        "note_en",
        "note_fr",
        "jurisdiction",
        "shown_author",
        "publication_state",
    )
    readonly_fields = fields
    ordering = LATEST_FIRST
    show_change_link = True
    extra = 0
    can_delete = False

    shown_author = staticmethod(shown_author)

    def get_queryset(self, request):
        return with_shown_author(super().get_queryset(request).select_related("jurisdiction"), request.user)

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class ProgressPostInline(VisibleRowsInlineMixin, TranslationStackedInline):
    """Posting new updates: saved by ``MilestoneAdmin.save_formset`` through the service."""

    model = ProgressUpdate
    form = ProgressUpdatePostForm
    verbose_name = _("new progress update")
    verbose_name_plural = _("post a progress update")
    fields = ("reported_on", ("status", "progress"), ("note_en", "note_fr"), "jurisdiction", "publish")
    autocomplete_fields = ("jurisdiction",)
    extra = 1
    can_delete = False

    def get_queryset(self, request):
        return super().get_queryset(request).none()
