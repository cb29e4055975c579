"""The secretariat's admin for the work plan.

A milestone's status, progress and completion date follow its published progress
updates: they are read-only here. A new update, added under its milestone or on its own
page, is saved by ``milestone_post_update``; publishing or withdrawing one goes through
``progress_update_publish`` / ``progress_update_unpublish``.
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import flatten
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db.models import Case, F, Value, When
from django.db.models.constants import LOOKUP_SEP
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TranslationStackedInline, TranslationTabularInline

from cogwg import permissions
from cogwg.admin_base import (
    COMPACT_TEXT,
    LabelledFormSet,
    PublicationAdminMixin,
    TrackedTranslationAdmin,
    VisibleRelatedFieldListFilter,
    VisibleRowsInlineMixin,
)
from cogwg.admin_export import ExportMixin
from cogwg.choices import PublicationState
from cogwg.cycles import progress_update_is_locked, progress_updates_locked

from . import selectors
from .choices import SeatRole
from .models import Assignment, Milestone, Priority, ProgressUpdate, WorkPlan

# The service's own checks, so that a bad update is a form error rather than a failed save.
from .services import (
    milestone_post_update,
    priorities_make_room,
    progress_update_publish,
    progress_update_unpublish,
    progress_update_validate,
    seats_vacate,
    work_plan_rollover,
    work_plan_save,
)

# Choices of priorities and milestones


def priority_choice_label(priority):
    """A priority as the admin offers it, after its plan's slug ("2021 · 3. …"): after a
    roll-over two plans have a priority of each number and title. (``str(priority)``, which
    the pages, sheets and messages print, stays "3. …".)"""
    return f"{priority.work_plan.slug} · {priority}"


def milestone_choice_label(milestone):
    """A milestone as the admin offers it, with its priority's number: each priority has
    milestones due the same months."""
    return _("Priority %(number)s · %(due)s: %(description)s") % {
        "number": milestone.priority.number,
        "due": milestone.due_label,
        "description": milestone.description[:60],
    }


# What each label reads, selected with the choices (one query, whatever their number).
CHOICE_LABELS = {Priority: (priority_choice_label, "work_plan"), Milestone: (milestone_choice_label, "priority")}


def labelled_choices(formfield):
    """``formfield``, a choice of priority or milestone, with the labels above."""
    model = getattr(getattr(formfield, "queryset", None), "model", None)
    if model in CHOICE_LABELS:
        label, related = CHOICE_LABELS[model]
        formfield.queryset = formfield.queryset.select_related(related)
        formfield.label_from_instance = label
    return formfield


class ChoiceLabelsMixin:
    """Priorities and milestones offered under the labels above. Put it before the
    admin's base class."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        formfield = super().formfield_for_foreignkey(db_field, request, **kwargs)
        return None if formfield is None else labelled_choices(formfield)


class PriorityListFilter(VisibleRelatedFieldListFilter):
    """Filter by priority, named as in the choices (by plan, then number)."""

    def field_choices(self, field, request, model_admin):
        priorities = Priority.objects.select_related("work_plan").order_by("-work_plan__start_date", "number")
        priorities = permissions.visible(request.user, priorities)
        return [(priority.pk, priority_choice_label(priority)) for priority in priorities]


# The author of an update


def with_shown_author(queryset, user):
    """``queryset``'s updates, each with ``shown_author``: its author's user name, for the
    secretariat and for the contributors of the update's jurisdiction, None for others.
    It is ``permissions.can_view_review``'s rule (the review, author included, is between
    a record's jurisdictions and the secretariat), read with the rows instead of a query
    per row."""
    author = F(f"author__{get_user_model().USERNAME_FIELD}")
    if not permissions.is_secretariat(user):
        author = Case(When(jurisdiction__in=permissions.jurisdiction_ids(user), then=author), default=Value(None))
    return queryset.annotate(shown_author=author)


@admin.display(description=_("author"), ordering="shown_author")
def shown_author(obj):
    return getattr(obj, "shown_author", None) or "—"


class PrivateFieldsMixin:
    """``private_fields`` are for the secretariat (and, where the admin says so, the
    record's own jurisdiction) to read: for others, a change list, and so its export,
    refuses a filter on them typed into its address. Django takes a filter on any of a
    model's own fields, and ``?contact_email__startswith=a`` would tell, row by row, what
    the pages hide. Put it before the admin's base class."""

    private_fields = ()

    def lookup_allowed(self, lookup, value, request):
        if self.private_fields and not permissions.is_secretariat(request.user):
            fields = [self.opts.get_field(name) for name in self.private_fields]
            if lookup.split(LOOKUP_SEP, 1)[0] in {name for field in fields for name in (field.name, field.attname)}:
                return False
        return super().lookup_allowed(lookup, value, request)


def check_as_posted(form, cleaned_data, *, milestone):
    """The rules of posting an update (``progress_update_validate``) on ``form``'s date,
    status and progress, once each is valid on its own: a new update's, or a draft's
    being corrected. Their errors are the form's."""
    if {"reported_on", "status", "progress"} <= cleaned_data.keys():
        try:
            progress_update_validate(
                milestone=milestone,
                reported_on=cleaned_data["reported_on"],
                status=cleaned_data["status"],
                progress=cleaned_data["progress"],
            )
        except ValidationError as error:
            form.add_error(None, error)


class ProgressUpdatePostForm(forms.ModelForm):
    """A new progress update: parsed and checked here, saved by the service."""

    publish = forms.BooleanField(
        label=_("publish now"),
        required=False,
        initial=True,
        help_text=_("A published update moves the milestone's status and progress; a draft waits for review."),
    )

    class Meta:
        model = ProgressUpdate
        fields = ("milestone", "reported_on", "status", "progress", "note_en", "note_fr", "jurisdiction")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.initial.get("reported_on"):
            self.initial["reported_on"] = timezone.localdate()
        field = self.fields.get("jurisdiction")
        if field is not None and not self.initial.get("jurisdiction"):
            # One who reports for one jurisdiction reports for it (as the sheet upload does).
            jurisdictions = list(field.queryset[:2])
            if len(jurisdictions) == 1:
                self.initial["jurisdiction"] = jurisdictions[0].pk

    def clean(self):
        cleaned_data = super().clean()
        check_as_posted(self, cleaned_data, milestone=cleaned_data.get("milestone"))
        return cleaned_data

    def post(self, *, milestone, by, publish=None):
        """Post the update through the service; ``publish`` overrides the form's choice
        (False for those who may not publish)."""
        data = self.cleaned_data
        if publish is None:
            publish = data.get("publish", False)
        return milestone_post_update(
            milestone=milestone,
            reported_on=data["reported_on"],
            status=data["status"],
            progress=data["progress"],
            note_en=data.get("note_en") or "",
            note_fr=data.get("note_fr") or "",
            by=by,
            jurisdiction=data.get("jurisdiction"),
            publish=publish,
        )


def _changed_rows(formset, *fields):
    """The stored rows of ``formset`` whose form changes one of ``fields``."""
    return [
        form.instance.pk
        for form in formset.initial_forms
        if form.instance.pk and set(fields) & set(form.changed_data) and not formset._should_delete_form(form)
    ]


class PriorityFormSet(LabelledFormSet):
    def save(self, commit=True):
        # Priorities renumbered together (two swapped, say) are saved one at a time, and
        # each must be unique in its plan at every step: move them out of the way first.
        if commit and (moved := _changed_rows(self, "number")):
            wanted = [form.cleaned_data.get("number") or 0 for form in self.forms if form.cleaned_data]
            priorities_make_room(work_plan=self.instance, priority_ids=moved, numbers=wanted)
        return super().save(commit)


class PriorityInline(VisibleRowsInlineMixin, TranslationTabularInline):
    """The plan's priorities at a glance; a priority (with its issue and outcome) is
    added and edited on its own page."""

    model = Priority
    formset = PriorityFormSet
    fields = ("number", "title_en", "title_fr", "slug")
    show_change_link = True
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(WorkPlan)
class WorkPlanAdmin(TrackedTranslationAdmin):
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
                self.message_user(request, f"{work_plan}: {' '.join(error.messages)}", messages.ERROR)
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


class SeatFormSet(LabelledFormSet):
    """A jurisdiction holds one seat of each role on a priority: checked across the
    table's rows, new ones included (Django checks a conditional uniqueness per row, against
    what is stored)."""

    def clean(self):
        super().clean()
        seats = set()
        for form in self.forms:
            data = getattr(form, "cleaned_data", None)
            if not data or self._should_delete_form(form) or data.get("jurisdiction") is None:
                continue
            seat = (data.get("role"), data["jurisdiction"])
            if seat in seats:
                raise ValidationError(
                    _("Two “%(role)s” seats go to %(jurisdiction)s: a jurisdiction holds one seat of each role."),
                    params={"jurisdiction": seat[1], "role": SeatRole(seat[0]).label},
                    code="duplicate_seat",
                )
            seats.add(seat)

    def save(self, commit=True):
        # Seats that trade jurisdictions or roles are saved one at a time: free them first.
        if commit and (moved := _changed_rows(self, "jurisdiction", "role")):
            seats_vacate(priority=self.instance, seat_ids=moved)
        return super().save(commit)


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


def seat_holders(priority, role):
    """The holders of ``priority``'s seats of ``role``, as the pages name them (its seats
    read with it: ``PriorityQuerySet.with_seats``)."""
    return ", ".join(str(seat.holder) for seat in priority.seats.all() if seat.role == role)


@admin.register(Priority)
class PriorityAdmin(ExportMixin, TrackedTranslationAdmin):
    list_display = ("number", "title", "work_plan")
    list_display_links = ("number", "title")
    list_filter = ("work_plan",)
    list_select_related = ("work_plan",)
    # The plan's slug finds a year's priorities in a search of priorities ("2021").
    search_fields = ("title_en", "title_fr", "slug", "work_plan__slug")
    autocomplete_fields = ("work_plan",)
    prepopulated_fields = {"slug": ("title_en",)}
    ordering = ("work_plan", "number")
    fieldsets = (
        (None, {"fields": ("work_plan", "number", ("title_en", "title_fr"), "slug")}),
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
    list_filter = ("role", "confirmed", "priority__work_plan", ("jurisdiction", admin.RelatedOnlyFieldListFilter))
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
    ordering = ("-reported_on", "-created_at", "-pk")
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


@admin.register(Milestone)
class MilestoneAdmin(ExportMixin, ChoiceLabelsMixin, TrackedTranslationAdmin):
    list_display = ("__str__", "priority", "due_date", "kind", "status", "progress", "is_overdue")
    list_filter = ("status", "kind", "priority__work_plan", ("priority", PriorityListFilter))
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
        # Those who may only look at the milestone post their updates on their own page.
        return self.inlines if self.has_change_permission(request, obj) else (ProgressLogInline,)

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


class ProgressUpdateCorrectionForm(forms.ModelForm):
    """An update on its own page: while a draft or returned for changes, its date, status
    and progress are corrected here, checked as posting them is."""

    def clean(self):
        cleaned_data = super().clean()
        check_as_posted(self, cleaned_data, milestone=self.instance.milestone)
        return cleaned_data


@admin.register(ProgressUpdate)
class ProgressUpdateAdmin(
    ExportMixin, PrivateFieldsMixin, ChoiceLabelsMixin, PublicationAdminMixin, TrackedTranslationAdmin
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
        "milestone__priority__work_plan",
        ("jurisdiction", admin.RelatedOnlyFieldListFilter),
    )
    list_select_related = ("milestone", "jurisdiction")
    search_fields = ("note_en", "note_fr", "milestone__description_en", "milestone__description_fr")
    autocomplete_fields = ("milestone", "jurisdiction")
    date_hierarchy = "reported_on"
    ordering = ("-reported_on", "-created_at", "-pk")
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
        if obj.publication_state in permissions.EDITABLE_STATES and self.has_change_permission(request, obj):
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
        updates = self._unlocked(request, queryset.exclude(publication_state=PublicationState.PUBLISHED))
        for update in updates:
            progress_update_publish(update=update, by=request.user)
        return len(updates)

    def unpublish_records(self, request, queryset):
        updates = self._unlocked(request, queryset.filter(publication_state=PublicationState.PUBLISHED))
        for update in updates:
            progress_update_unpublish(update=update, by=request.user)
        return len(updates)

    def _unlocked(self, request, queryset):
        """The updates of ``queryset`` outside closed reporting periods; each one left
        alone is named in a warning."""
        updates = list(queryset.select_related("milestone"))
        locked = set(progress_updates_locked(queryset).values_list("pk", flat=True))
        reason = _("This update belongs to a closed reporting period: it can no longer be changed.")
        for update in updates:
            if update.pk in locked:
                # As the return action words a service's refusal.
                self.message_user(request, f"{update}: {reason}", messages.WARNING)
        return [update for update in updates if update.pk not in locked]

    def has_change_permission(self, request, obj=None):
        # The updates of a closed reporting period are locked (cogwg/cycles.py).
        if progress_update_is_locked(obj):
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        # A published update carries its milestone's status: withdraw it before deleting.
        if obj is not None and (obj.is_published or progress_update_is_locked(obj)):
            return False
        return super().has_delete_permission(request, obj)

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions
