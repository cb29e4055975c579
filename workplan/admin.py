"""The secretariat's admin for the work plan.

A milestone's status, progress and completion date follow its published progress
updates: they are read-only here. A new update, added under its milestone or on its own
page, is saved by ``milestone_post_update``; publishing or withdrawing one goes through
``progress_update_publish`` / ``progress_update_unpublish``. A closed plan's milestones
take no new update, and their updates are neither published nor withdrawn: their pages
say so (``plan_closed_message``), and the services refuse it.

Its forms and formsets are in workplan/admin_forms.py, its inlines in
workplan/admin_inlines.py; the labels of priorities and milestones, an update's author
and the fields kept from others' filters (shared with the other apps' admins) in
workplan/admin_fields.py.
"""

from django.contrib import admin, messages
from django.contrib.admin.utils import flatten
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpResponseRedirect
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from cogwg import permissions
from cogwg.admin_base import TrackedTranslationAdmin
from cogwg.admin_export import ExportMixin
from cogwg.admin_publication import PublicationAdminMixin, record_message
from cogwg.cycles import progress_update_closed_period, progress_updates_locked

from . import selectors
from .admin_fields import (
    ChoiceLabelsMixin,
    PriorityListFilter,
    PrivateFieldsMixin,
    WorkPlanListFilter,
    shown_author,
    with_shown_author,
)
from .admin_forms import ProgressUpdateCorrectionForm, ProgressUpdatePostForm
from .admin_inlines import (
    LATEST_FIRST,
    MilestoneInline,
    PriorityInline,
    ProgressLogInline,
    ProgressPostInline,
    SeatInline,
)
from .choices import SeatRole, WorkPlanStatus
from .models import Assignment, Milestone, Priority, ProgressUpdate, WorkPlan
from .services import (
    plan_closed_message,
    progress_updates_publish,
    progress_updates_unpublish,
    records_ensure_deletable,
    work_plan_rollover,
    work_plan_save,
)


class KeepsProgressLogMixin:
    """A work plan, priority, milestone or update is deleted only if no update it takes
    with it is kept (published, or of a closed reporting period): the confirmation page
    lists those that keep it, and the deletion checks again, under lock, as it happens
    (``records_ensure_deletable``, as the API does), so that an update published in
    between is not deleted with it. A refusal then is a message, and nothing is deleted."""

    def delete_model(self, request, obj):
        records_ensure_deletable(model=type(obj), pks=[obj.pk])
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        with transaction.atomic():
            records_ensure_deletable(model=queryset.model, pks=list(queryset.values_list("pk", flat=True)))
            super().delete_queryset(request, queryset)

    def delete_view(self, request, object_id, extra_context=None):
        try:
            return super().delete_view(request, object_id, extra_context)
        except ValidationError as refusal:
            return self._deletion_refused(request, refusal)

    def response_action(self, request, queryset):
        try:
            return super().response_action(request, queryset)
        except ValidationError as refusal:
            return self._deletion_refused(request, refusal)

    def _deletion_refused(self, request, refusal):
        self.message_user(request, " ".join(refusal.messages), messages.ERROR)
        return HttpResponseRedirect(request.get_full_path())


@admin.register(WorkPlan)
class WorkPlanAdmin(KeepsProgressLogMixin, TrackedTranslationAdmin):
    list_display = ("title", "slug", "start_date", "end_date", "status")
    list_filter = ("status",)
    search_fields = ("title_en", "title_fr", "slug")
    date_hierarchy = "start_date"
    ordering = ("-start_date",)
    fieldsets = (
        (
            None,
            {
                "fields": (
                    ("title_en", "title_fr"),
                    "slug",
                    ("start_date", "end_date"),
                    "status",
                    ("summary_en", "summary_fr"),
                    "source_url",
                )
            },
        ),
    )
    inlines = (PriorityInline,)
    actions = ("roll_over",)

    @admin.action(description=_("Copy to the next year (as a draft)"), permissions=["add"])
    def roll_over(self, request, queryset):
        for work_plan in queryset:
            try:
                new_plan = work_plan_rollover(work_plan=work_plan, by=request.user)
            except ValidationError as error:
                self.message_user(request, record_message(work_plan, " ".join(error.messages)), messages.ERROR)
            else:
                message = _(
                    "%(old)s was copied to %(new)s, a draft. %(old)s stays as it is until %(new)s is made active, "
                    "which closes it."
                ) % {"old": work_plan, "new": new_plan}
                self.message_user(request, message, messages.SUCCESS)

    def save_model(self, request, obj, form, change):
        # Saved by the service, as the API saves a plan: with the user in its history (what
        # the base class's save_model would do), closing the plan before an active one.
        if change:
            self.keep_stored(request, obj)
        for closed in work_plan_save(work_plan=obj, by=request.user):
            message = _("%(old)s was closed: %(new)s is now the active plan.") % {"old": closed, "new": obj}
            self.message_user(request, message, messages.INFO)


def seat_holders(priority, role):
    """The holders of ``priority``'s seats of ``role``, as the pages name them (its seats
    read with it: ``PriorityQuerySet.with_seats``)."""
    return ", ".join(str(seat.holder) for seat in priority.seats.all() if seat.role == role)


@admin.register(Priority)
class PriorityAdmin(KeepsProgressLogMixin, ExportMixin, TrackedTranslationAdmin):
    list_display = ("number", "title", "work_plan")
    list_display_links = ("number", "title")
    list_filter = (("work_plan", WorkPlanListFilter),)
    list_select_related = ("work_plan",)
    # The plan's slug finds a year's priorities in a search of priorities ("2021").
    search_fields = ("title_en", "title_fr", "slug", "slug_fr", "work_plan__slug")
    autocomplete_fields = ("work_plan",)
    # Each page's slug from the title in its language.
    prepopulated_fields = {"slug": ("title_en",), "slug_fr": ("title_fr",)}
    ordering = ("work_plan", "number")
    fieldsets = (
        (None, {"fields": ("work_plan", "number", ("title_en", "title_fr"), ("slug", "slug_fr"))}),
        (_("The problem"), {"fields": (("issue_en", "issue_fr"), ("consequences_en", "consequences_fr"))}),
        (_("Expected outcome"), {"fields": (("outcome_en", "outcome_fr"), ("results_en", "results_fr"))}),
    )
    inlines = (SeatInline, MilestoneInline)
    export_columns = (
        "work_plan",
        "number",
        "title",
        "leads",
        "partners",
        "issue",
        "consequences",
        "outcome",
        "results",
    )

    @admin.display(description=_("Leads"))
    def leads(self, obj):
        return seat_holders(obj, SeatRole.LEAD)

    @admin.display(description=_("Partners"))
    def partners(self, obj):
        return seat_holders(obj, SeatRole.PARTNER)

    def get_export_queryset(self, request, queryset):
        return super().get_export_queryset(request, queryset).with_seats()


def shows_seat_contact(user, seat) -> bool:
    """Whether ``user`` reads the contact person of ``seat``: the secretariat, and the
    contributors of the seat's jurisdiction. Others (another jurisdiction's contributors,
    anyone else who may look at the seats) never do."""
    if permissions.is_secretariat(user):
        return True
    return seat is not None and seat.jurisdiction_id in permissions.jurisdiction_ids(user)


@admin.register(Assignment)
class AssignmentAdmin(PrivateFieldsMixin, ChoiceLabelsMixin, TrackedTranslationAdmin):
    list_display = ("priority", "role", "seat_holder", "jurisdiction", "confirmed")
    list_filter = (
        "role",
        "confirmed",
        ("priority__work_plan", WorkPlanListFilter),
        ("jurisdiction", admin.RelatedOnlyFieldListFilter),
    )
    list_select_related = ("priority", "jurisdiction")
    search_fields = (
        "organization_en",
        "organization_fr",
        "jurisdiction__code",
        "jurisdiction__name_en",
        "jurisdiction__name_fr",
        "priority__title_en",
        "priority__title_fr",
    )
    autocomplete_fields = ("priority", "jurisdiction")
    ordering = ("priority__work_plan", "priority__number", "role", "order", "pk")
    fieldsets = (
        (
            None,
            {
                "fields": (
                    "priority",
                    "role",
                    "jurisdiction",
                    ("organization_en", "organization_fr"),
                    "confirmed",
                    "order",
                )
            },
        ),
        (_("Contact"), {"fields": ("contact_name", "contact_email")}),
    )
    # A seat's contact person is personal data: see shows_seat_contact.
    private_fields = ("contact_name", "contact_email")

    @admin.display(description=_("holder"))
    def seat_holder(self, obj):
        return obj.holder

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if shows_seat_contact(request.user, obj):
            return fieldsets
        return [
            (name, options)
            for name, options in fieldsets
            if not set(self.private_fields) & set(flatten(options["fields"]))
        ]


def _plan_closed(milestone) -> bool:
    """Whether ``milestone``'s plan is closed: its log no longer changes (workplan/services.py)."""
    return milestone.priority.work_plan.status == WorkPlanStatus.CLOSED


@admin.register(Milestone)
class MilestoneAdmin(KeepsProgressLogMixin, ExportMixin, ChoiceLabelsMixin, TrackedTranslationAdmin):
    list_display = ("__str__", "priority", "due_date", "kind", "status", "progress", "is_overdue")
    list_filter = ("status", "kind", ("priority__work_plan", WorkPlanListFilter), ("priority", PriorityListFilter))
    list_select_related = ("priority",)
    search_fields = (
        "description_en",
        "description_fr",
        "priority__title_en",
        "priority__title_fr",
        "priority__work_plan__slug",
    )
    autocomplete_fields = ("priority",)
    date_hierarchy = "due_date"
    ordering = ("priority__work_plan", "priority__number", "due_date", "order", "pk")
    readonly_fields = ("status", "progress", "completed_on")
    service_fields = ("status", "progress", "completed_on")
    fieldsets = (
        (None, {"fields": ("priority", ("description_en", "description_fr"), "due_date", "kind", "order")}),
        (_("Current status (from the latest published update)"), {"fields": ("status", "progress", "completed_on")}),
    )
    inlines = (ProgressLogInline, ProgressPostInline)
    export_columns = (
        "priority__work_plan",
        "priority",
        "due_date",
        "description",
        "kind",
        "status",
        "progress",
        "completed_on",
        "is_overdue",
    )

    @admin.display(description=_("overdue"), boolean=True)
    def is_overdue(self, obj):
        return selectors.is_overdue(due_date=obj.due_date, status=obj.status, on=timezone.localdate())

    def get_inlines(self, request, obj):
        if obj is None:
            return ()
        # Those who may only look at the milestone post their updates on their own page; a
        # closed plan's milestone takes none (the page says why: render_change_form).
        if not self.has_change_permission(request, obj) or _plan_closed(obj):
            return (ProgressLogInline,)
        return self.inlines

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None and _plan_closed(obj):
            context["closed_plan_notice"] = plan_closed_message(obj.priority.work_plan)
        return super().render_change_form(request, context, add, change, form_url, obj)

    def save_formset(self, request, form, formset, change):
        if not issubclass(formset.form, ProgressUpdatePostForm):
            return super().save_formset(request, form, formset, change)
        # The service saves each new update and moves the milestone; the admin's change
        # message reads what the formset would have recorded.
        formset.new_objects = [
            update_form.post(milestone=form.instance, by=request.user)
            for update_form in formset.extra_forms
            if update_form.has_changed()
        ]
        formset.changed_objects, formset.deleted_objects = [], []
        return None


@admin.register(ProgressUpdate)
class ProgressUpdateAdmin(
    KeepsProgressLogMixin,
    ExportMixin,
    PrivateFieldsMixin,
    ChoiceLabelsMixin,
    PublicationAdminMixin,
    TrackedTranslationAdmin,
):
    """Once submitted, an update's date, status and progress are its record in the log: a
    wrong one is withdrawn (unpublished) and a new one posted. Until then (a draft, or
    returned for changes) they are corrected on its page; a milestone follows its
    published updates only."""

    list_display = (
        "milestone",
        "reported_on",
        "status",
        "progress",
        "jurisdiction",
        "shown_author",
        "publication_state",
    )
    list_filter = (
        "publication_state",
        "status",
        ("milestone__priority__work_plan", WorkPlanListFilter),
        ("jurisdiction", admin.RelatedOnlyFieldListFilter),
    )
    list_select_related = ("milestone", "jurisdiction")
    search_fields = ("note_en", "note_fr", "milestone__description_en", "milestone__description_fr")
    autocomplete_fields = ("milestone", "jurisdiction")
    date_hierarchy = "reported_on"
    ordering = LATEST_FIRST
    add_fieldsets = (
        (
            None,
            {
                "fields": (
                    "milestone",
                    "reported_on",
                    ("status", "progress"),
                    ("note_en", "note_fr"),
                    "jurisdiction",
                    "publish",
                )
            },
        ),
    )
    fieldsets = (
        (
            None,
            {
                "fields": (
                    "milestone",
                    "reported_on",
                    ("status", "progress"),
                    ("note_en", "note_fr"),
                    "jurisdiction",
                    "author",
                )
            },
        ),
        (
            _("Publication"),
            {"fields": ("publication_state", "published_at", ("submitted_by", "submitted_at"), "review_comment")},
        ),
    )
    logged_fields = ("milestone", "reported_on", "status", "progress", "author")
    service_fields = ("published_at", *logged_fields)
    # Corrected on the update's page while it is a draft or returned for changes.
    correctable_fields = ("reported_on", "status", "progress")
    # The author is part of the review: shown to the update's jurisdiction and the secretariat.
    review_fields = (*PublicationAdminMixin.review_fields, "author")
    # Who wrote another jurisdiction's update, and its review, are not for its readers
    # (with_shown_author, permissions.can_view_review).
    private_fields = ("author", "submitted_by", "submitted_at", "review_comment")
    # The author as the list shows it (shown_author), never the field.
    export_columns = (
        "milestone__priority",
        "milestone",
        "reported_on",
        "status",
        "progress",
        "note",
        "jurisdiction",
        "shown_author",
        "publication_state",
        "published_at",
    )

    shown_author = staticmethod(shown_author)

    def get_queryset(self, request):
        return with_shown_author(super().get_queryset(request), request.user)

    def get_fieldsets(self, request, obj=None):
        if obj is not None:
            return super().get_fieldsets(request, obj)
        if self.has_publish_permission(request):
            return self.add_fieldsets
        # A contributor's update is a draft, submitted for review once written.
        ((name, options),) = self.add_fieldsets
        return ((name, {**options, "fields": tuple(f for f in options["fields"] if f != "publish")}),)

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return ()
        readonly = super().get_readonly_fields(request, obj)
        logged = self.logged_fields
        # As stored: a form posted with another state (shown again with an error) was built
        # on the stored one, as its save keeps them (keep_stored).
        if self.stored_state(obj) in permissions.EDITABLE_STATES and self.has_change_permission(request, obj):
            logged = tuple(name for name in logged if name not in self.correctable_fields)
        return tuple(dict.fromkeys((*readonly, *logged, "published_at", "submitted_by", "submitted_at")))

    def get_form(self, request, obj=None, **kwargs):
        kwargs["form"] = ProgressUpdatePostForm if obj is None else ProgressUpdateCorrectionForm
        return super().get_form(request, obj, **kwargs)

    def keep_stored(self, request, obj):
        corrected = {name: getattr(obj, name) for name in self.correctable_fields}
        super().keep_stored(request, obj)
        # Stored as a draft or returned for changes: its corrections are saved (a submitted
        # or published update keeps what it logged).
        if obj.pk is not None and (
            self.model._default_manager.filter(pk=obj.pk, publication_state__in=permissions.EDITABLE_STATES).exists()
        ):
            for name, value in corrected.items():
                setattr(obj, name, value)

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
            return
        publish = form.cleaned_data.get("publish", False) and self.has_publish_permission(request)
        update = form.post(milestone=form.cleaned_data["milestone"], by=request.user, publish=publish)
        obj.pk, obj.author = update.pk, update.author
        obj._state.adding = False

    def publish_records(self, request, queryset):
        # All or none: one refused (its note in one language) publishes none of them.
        return progress_updates_publish(queryset=queryset, by=request.user)

    def unpublish_records(self, request, queryset):
        # All or none, as publishing: one refused (a closed plan's) withdraws none of them.
        return progress_updates_unpublish(queryset=queryset, by=request.user)

    def locked_pks(self, request, queryset):
        # The updates of a closed reporting period (cogwg/cycles.py): the services refuse them.
        return set(progress_updates_locked(queryset).values_list("pk", flat=True))

    def locked_message(self, count):
        # The services' reason (cogwg/cycles.py), once for all the updates it concerns.
        return ngettext(
            "%(count)d selected update belongs to a closed reporting period: it can no longer be changed. "
            "Post a new update instead.",
            "%(count)d selected updates belong to a closed reporting period: they can no longer be changed. "
            "Post new updates instead.",
            count,
        ) % {"count": count}

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        # A locked update's page (read-only) says why it is, and what to do instead; a
        # closed plan's update's page, why it is no longer published or withdrawn.
        if obj is not None and permissions.is_locked(request.user, obj):
            context["locked_notice"] = _(
                "This update belongs to the closed reporting period “%(period)s”: it can no longer be changed. "
                "Post a new update on its milestone instead."
            ) % {"period": progress_update_closed_period(obj)}
        elif obj is not None and obj.pk is not None and _plan_closed(obj.milestone):
            context["locked_notice"] = plan_closed_message(obj.milestone.priority.work_plan)
        return super().render_change_form(request, context, add, change, form_url, obj)

    def has_change_permission(self, request, obj=None):
        # The updates of a closed reporting period are locked (cogwg/cycles.py).
        if permissions.is_locked(request.user, obj):
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        # A published update carries its milestone's status: withdraw it before deleting.
        if obj is not None and (obj.is_published or permissions.is_locked(request.user, obj)):
            return False
        return super().has_delete_permission(request, obj)

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions
