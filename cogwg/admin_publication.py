"""The review of a publishable record in the admin, through the services
(cogwg/services.py): contributors submit their drafts, in bulk or with the change form's
"Save and submit for review"; the secretariat publishes, returns for changes (with a
comment, asked on a page of its own) and unpublishes, in bulk or by choosing the
publication state in the change form. The review's fields are shown only to those it
concerns (``permissions.can_view_review``).

The change form's publication state moves as those actions move it, and no other way
(``move_refusal``): submit a draft or returned record (``record_submit`` keeps its
contributor as the submitter, to whom the review's e-mails go), publish (from any
state), return a submitted record (with a comment), withdraw a published one (back to
draft)."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import ValidationError
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from . import permissions
from .choices import PublicationState
from .services import record_return, record_submit, records_publish, records_unpublish
from .templatetags.admin_counts import model_name_for_count


class ReturnForm(forms.Form):
    comment = forms.CharField(
        label=_("What should change"),
        widget=forms.Textarea(attrs={"rows": 6, "cols": 80}),
        help_text=_("E-mailed to whoever submitted each record, and kept on the record."),
    )


# The name of the change form's "Save and submit for review" button (admin/submit_line.html).
SUBMIT_FOR_REVIEW = "_submit_for_review"
# Where a record keeps its publication state as stored, once read (``stored_state``).
STORED_STATE = "_cogwg_stored_publication_state"


def record_message(record, message):
    """``message`` about ``record``, as the page's language writes it ("Portail : ...")."""
    return _("%(record)s: %(message)s") % {"record": record, "message": message}


def move_refusal(stored, wanted):
    """Why the change form may not move a record from the ``stored`` publication state
    (None: a new record, a draft) to ``wanted``, as (field, message); None for a move of
    the review's actions: submit a draft or returned record, publish, return a submitted
    record (its comment is asked apart), withdraw a published record, or no move."""
    stored = stored or PublicationState.DRAFT
    draft = PublicationState.DRAFT.label
    if wanted in (stored, PublicationState.PUBLISHED):
        return None
    if wanted == PublicationState.RETURNED:
        if stored == PublicationState.SUBMITTED:
            return None
        if stored == PublicationState.PUBLISHED:
            # record_return takes a submitted record back to whoever submitted it.
            message = _(
                "A published record is not under review: it cannot be returned for changes. Choose "
                "“%(draft)s” to unpublish it: its contributors can then change it and submit it again."
            )
            return "publication_state", message % {"draft": draft}
        return "publication_state", _("Only a record submitted for review can be returned for changes.")
    if wanted == PublicationState.SUBMITTED:
        if stored == PublicationState.PUBLISHED:
            message = _(
                "A published record is not under review: it cannot be submitted for review from here. Choose "
                "“%(draft)s” to unpublish it: its contributors can then change it and submit it again."
            )
            return "publication_state", message % {"draft": draft}
        # record_submit keeps its contributor as the submitter, to whom the e-mails go.
        return None
    # Back to draft: withdrawing, which only a published record is.
    if stored == PublicationState.PUBLISHED:
        return None
    if stored == PublicationState.SUBMITTED:
        message = _(
            "A record submitted for review is not taken back to draft: return it for changes (“%(returned)s”, "
            "with a comment), which tells whoever submitted it, or publish it."
        )
        return "publication_state", message % {"returned": PublicationState.RETURNED.label}
    return "publication_state", _(
        "A record returned for changes stays so until its contributors submit it again: publish it, or leave "
        "it returned."
    )


class PublicationAdminMixin:
    """The review, in bulk or from the change form, through the services: contributors
    submit their drafts; the secretariat publishes, returns for changes (with a comment)
    and unpublishes. Put it before ``TrackedTranslationAdmin``; override
    ``publish_records`` and ``unpublish_records`` where publishing does more than flip
    the state."""

    actions = ["submit_selected", "publish_selected", "return_selected", "unpublish_selected"]
    service_fields = ("published_at",)
    publisher_fields = ("publication_state", "published_at", "review_comment")
    # Shown only to those the review concerns (permissions.can_view_review).
    review_fields = ("submitted_by", "submitted_at", "review_comment")

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None or permissions.can_view_review(request.user, obj):
            return fieldsets
        return [
            (name, {**options, "fields": kept})
            for name, options in fieldsets
            if (kept := self._without_review(options["fields"]))
        ]

    def _without_review(self, fields):
        kept = []
        for field in fields:
            if isinstance(field, list | tuple):
                field = tuple(name for name in field if name not in self.review_fields)
                if len(field) == 1:
                    (field,) = field
            if field and field not in self.review_fields:
                kept.append(field)
        return tuple(kept)

    def publish_records(self, request, queryset):
        return records_publish(queryset=queryset, by=request.user)

    def unpublish_records(self, request, queryset):
        return records_unpublish(queryset=queryset, by=request.user)

    def stored_state(self, obj):
        """The publication state of ``obj`` as stored (None for a new record): where a move
        of the change form starts, whatever the posted form (or a version's page, a revert)
        put on ``obj``. Read once per instance."""
        if obj is None or obj.pk is None:
            return None
        if STORED_STATE not in obj.__dict__:
            obj.__dict__[STORED_STATE] = (
                self.model._default_manager.filter(pk=obj.pk).values_list("publication_state", flat=True).first()
            )
        return obj.__dict__[STORED_STATE]

    def locked_pks(self, request, queryset) -> set:
        """The primary keys of the records of ``queryset`` that the review may no longer
        move (none here; the updates of a closed reporting period in ProgressUpdateAdmin):
        the actions leave them alone and say why once (``locked_message``)."""
        return set()

    def locked_message(self, count):
        """Why ``count`` selected records (``locked_pks``) were left alone."""
        return ngettext(
            "%(count)d selected record can no longer be changed and was left as it was.",
            "%(count)d selected records can no longer be changed and were left as they were.",
            count,
        ) % {"count": count}

    def _report(self, request, message, changed, selected, *, left_alone_message=None, locked=0):
        """``message`` (in ``ngettext`` for ``changed``) with the count and the items, and
        a warning for the selected records left alone: those ``locked`` (a count: see
        ``locked_pks``) with ``locked_message``, the others with ``left_alone_message``
        (in ``ngettext``, with ``%(count)d``) when the admin knows better than "not in a
        state for this". Nothing changed is no success: the count is then only
        information, next to the warnings."""
        level = messages.SUCCESS if changed else messages.INFO
        self.message_user(
            request, message % {"count": changed, "items": model_name_for_count(self.opts, changed)}, level
        )
        if locked:
            self.message_user(request, self.locked_message(locked), messages.WARNING)
        left_alone = selected - changed - locked
        if left_alone > 0:
            message = left_alone_message or ngettext(
                "%(count)d selected record was not in a state for this and was left as it was.",
                "%(count)d selected records were not in a state for this and were left as they were.",
                left_alone,
            )
            self.message_user(request, message % {"count": left_alone}, messages.WARNING)

    def _refused(self, request, error):
        """A service's refusal of a whole action (``error``, a ValidationError): its
        messages, as errors, and nothing changed."""
        for message in error.messages:
            self.message_user(request, message, messages.ERROR)

    @admin.action(description=_("Submit selected %(verbose_name_plural)s for review"), permissions=["submit"])
    def submit_selected(self, request, queryset):
        records = list(queryset)
        locked = self.locked_pks(request, queryset)
        changed = 0
        for record in records:
            if record.pk not in locked and permissions.can_submit(request.user, record):
                record_submit(record=record, by=request.user)
                changed += 1
        message = ngettext(
            "%(count)d %(items)s was submitted for review.", "%(count)d %(items)s were submitted for review.", changed
        )
        self._report(request, message, changed, len(records), locked=len(locked))

    def _move_unlocked(self, request, queryset, move, message):
        """``move`` (``publish_records``, ``unpublish_records``) the selected records but the
        locked ones, then say how many moved (``message``, an ``ngettext`` of the count) and
        why others were left; a service's refusal of the whole move is said instead."""
        selected = queryset.count()
        locked = self.locked_pks(request, queryset)
        try:
            changed = move(request, queryset.exclude(pk__in=locked) if locked else queryset)
        except ValidationError as error:  # the service's reasons: it changed nothing
            self._refused(request, error)
            return
        self._report(request, message(changed), changed, selected, locked=len(locked))

    @admin.action(description=_("Publish selected %(verbose_name_plural)s"), permissions=["publish"])
    def publish_selected(self, request, queryset):
        self._move_unlocked(
            request,
            queryset,
            self.publish_records,
            lambda count: ngettext("%(count)d %(items)s was published.", "%(count)d %(items)s were published.", count),
        )

    @admin.action(description=_("Return selected %(verbose_name_plural)s for changes"), permissions=["publish"])
    def return_selected(self, request, queryset):
        """Asks what should change (a page of its own), then returns each submitted record."""
        form = ReturnForm(request.POST if "apply" in request.POST else None)
        if form.is_valid():
            records = list(queryset)
            locked = self.locked_pks(request, queryset)
            submitted = [
                record
                for record in records
                if record.pk not in locked and record.publication_state == PublicationState.SUBMITTED
            ]
            returned = refused = 0
            for record in submitted:
                try:
                    record_return(record=record, comment=form.cleaned_data["comment"], by=request.user)
                except ValidationError as error:  # the service's reason
                    self.message_user(request, record_message(record, " ".join(error.messages)), messages.WARNING)
                    refused += 1
                else:
                    returned += 1
            message = ngettext(
                "%(count)d %(items)s was returned for changes.",
                "%(count)d %(items)s were returned for changes.",
                returned,
            )
            self._report(request, message, returned, len(records) - refused, locked=len(locked))
            return None
        context = {
            **self.admin_site.each_context(request),
            "title": _("Return for changes"),
            "opts": self.opts,
            "form": form,
            "queryset": queryset,
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            "media": self.media,
        }
        return TemplateResponse(request, "admin/cogwg/return_for_changes.html", context)

    @admin.action(description=_("Unpublish selected %(verbose_name_plural)s"), permissions=["publish"])
    def unpublish_selected(self, request, queryset):
        self._move_unlocked(
            request,
            queryset,
            self.unpublish_records,
            lambda count: ngettext(
                "%(count)d %(items)s was unpublished.", "%(count)d %(items)s were unpublished.", count
            ),
        )

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        model_admin = self

        class ReviewForm(form):
            def clean(self):
                cleaned_data = super().clean()
                wanted = cleaned_data.get("publication_state")
                if wanted is None:
                    return cleaned_data
                # As stored: a version's page (a revert) is built on an earlier state.
                stored = model_admin.stored_state(self.instance)
                if refusal := move_refusal(stored, wanted):
                    self.add_error(*refusal)
                elif wanted == PublicationState.RETURNED != stored and not (
                    (cleaned_data.get("review_comment") or "").strip()
                ):
                    self.add_error("review_comment", _("Say what should change before returning it."))
                return cleaned_data

        return ReviewForm

    def offers_submit(self, request, obj=None) -> bool:
        """Whether the form offers "Save and submit for review": to a contributor (who
        does not publish) on a new record or one they may still submit."""
        if self.has_publish_permission(request) or not self.has_submit_permission(request):
            return False
        return obj is None or obj.pk is None or permissions.can_submit(request.user, obj)

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        context["show_submit_for_review"] = self.offers_submit(request, obj)
        return super().render_change_form(request, context, add, change, form_url, obj)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        if SUBMIT_FOR_REVIEW not in request.POST or not self.offers_submit(request):
            return
        # Saved whole (its tables too), then submitted as the action does, by the service.
        record = self.model._default_manager.get(pk=form.instance.pk)
        if permissions.can_submit(request.user, record):
            record_submit(record=record, by=request.user)
            self.message_user(request, _("It was submitted for review."), messages.SUCCESS)
        else:
            self.message_user(request, _("It was saved, but it cannot be submitted for review."), messages.WARNING)

    def save_model(self, request, obj, form, change):
        if not self.has_publish_permission(request):
            # The state is the services' (submit action) and the publisher's.
            super().save_model(request, obj, form, change)
            return
        wanted = obj.publication_state
        stored = PublicationState.DRAFT
        if change:
            stored = self.model._default_manager.filter(pk=obj.pk).values_list("publication_state", flat=True).get()
        if refusal := move_refusal(stored, wanted):
            # The form refuses it (ReviewForm); one stored since it was read is refused here,
            # before anything is written.
            field, message = refusal
            raise ValidationError({field: message})
        # Saved as stored, then moved by the service, as the actions move it.
        obj.publication_state = stored
        super().save_model(request, obj, form, change)
        if wanted == stored:
            return
        records = self.model._default_manager.filter(pk=obj.pk)
        if wanted == PublicationState.PUBLISHED:
            self.publish_records(request, records)
        elif wanted == PublicationState.RETURNED:
            record_return(record=obj, comment=obj.review_comment, by=request.user)
        elif wanted == PublicationState.SUBMITTED:
            record_submit(record=obj, by=request.user)
        else:
            self.unpublish_records(request, records)
