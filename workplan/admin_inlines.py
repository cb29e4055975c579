"""The work plan admin's inlines: a plan's priorities, a priority's seats and milestones,
a milestone's progress log and the form that posts a new update under it."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TranslationStackedInline, TranslationTabularInline

from cogwg.admin_base import COMPACT_TEXT, LabelledFormSet, VisibleRowsInlineMixin

from .admin_fields import shown_author, with_shown_author
from .admin_forms import PriorityFormSet, ProgressUpdatePostForm, SeatFormSet
from .models import Assignment, Milestone, Priority, ProgressUpdate
from .services import records_ensure_deletable

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


class MilestoneFormSet(LabelledFormSet):
    """A priority's milestones. A row ticked for deletion is deleted only if the
    milestone's own delete page would delete it (``records_ensure_deletable``, as the API
    and a revert ask too: no published progress update, none of a closed reporting
    period): Django deletes a table's rows itself, past the milestone admin's
    ``delete_model``. A refused row says why, in the page's language, and counts as an
    error of the table: nothing of the form is saved.

    Asked as the table is validated, in the save's transaction: the milestones and their
    updates stay locked until it ends (on PostgreSQL), so that an update published in
    between waits and is not deleted with them."""

    def _should_delete_form(self, form):
        # Django's own question, asked before the table is validated, and again before
        # it is saved: a refused row is a row to keep, validated as one (with its error).
        return super()._should_delete_form(form) and form not in self._refused_deletions()

    def _refused_deletions(self):
        if (refused := getattr(self, "_refused", None)) is not None:
            return refused
        self._refused = refused = set()
        ticked = {}
        for form in self.forms:
            form.is_valid()  # cleans the row (once): Django's question reads its cleaned data
            if form.instance.pk is not None and super()._should_delete_form(form):
                ticked[form.instance.pk] = form
        try:
            # Every ticked milestone and its updates locked at once, in the lock order.
            records_ensure_deletable(model=self.model, pks=list(ticked))
        except ValidationError:
            for pk, form in sorted(ticked.items()):
                try:
                    records_ensure_deletable(model=self.model, pks=[pk])
                except ValidationError as refusal:
                    form.add_error(None, refusal)
                    refused.add(form)
        return refused


class MilestoneInline(VisibleRowsInlineMixin, TranslationTabularInline):
    """A priority's milestones, edited, added and deleted in its page's table (a row
    ticked for deletion as its own delete page would allow: ``MilestoneFormSet``)."""

    model = Milestone
    formset = MilestoneFormSet
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
