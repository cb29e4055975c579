"""What every admin of the tracker shares: English and French side by side, every change
kept (who, when, which fields) and revertible, and publication moved only by the services."""

import dataclasses

from django.contrib import admin, messages
from django.contrib.admin.utils import model_ngettext, unquote
from django.core.exceptions import PermissionDenied
from django.db import models
from django.forms import Textarea
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from modeltranslation.admin import TranslationAdmin
from simple_history.admin import SimpleHistoryAdmin
from simple_history.template_utils import HistoricalRecordContextHelper

from .choices import PublicationState
from .services import records_publish, records_unpublish

# Text areas small enough to sit in a table row (tabular inlines).
COMPACT_TEXT = {models.TextField: {"widget": Textarea(attrs={"rows": 2, "cols": 40})}}
# A web address typed without its scheme is taken as https (Django 6's default, today).
HTTPS_URLS = {models.URLField: {"assume_scheme": "https"}}


class HistoryDeltaHelper(HistoricalRecordContextHelper):
    """Lists a version's changed fields on the History page, choices by their label,
    leaving out the fields in ``hidden``."""

    def __init__(self, model, historical_record, *, hidden=(), **kwargs):
        super().__init__(model, historical_record, **kwargs)
        self.hidden = frozenset(hidden)

    def context_for_delta_changes(self, delta):
        changes = [
            change
            for change in delta.changes
            # An empty translation may be stored as NULL or as "": no change to show.
            if change.field not in self.hidden and not (change.old in (None, "") and change.new in (None, ""))
        ]
        return super().context_for_delta_changes(dataclasses.replace(delta, changes=changes))

    def prepare_delta_change_value(self, change, value):
        field = self.model._meta.get_field(change.field)
        if field.choices and not field.many_to_many:
            return dict(field.flatchoices).get(value, value)
        return super().prepare_delta_change_value(change, value)


class TrackedTranslationAdmin(SimpleHistoryAdmin, TranslationAdmin):
    """The base of every admin: modeltranslation's ``_en``/``_fr`` fields, and
    simple_history's History page (who, when, the changed fields) with revert."""

    formfield_overrides = HTTPS_URLS
    # Written only by services: a form, or a version being reverted, keeps what is stored.
    service_fields = ()
    # Never listed on the History page (private data stays in the change form).
    history_hidden_fields = ()

    def get_historical_record_context_helper(self, request, historical_record):
        return HistoryDeltaHelper(self.model, historical_record, hidden=self.history_hidden_fields)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        # simple_history saves a POSTed version whenever the user may view the history;
        # reverting is a change, judged on the record as it is now.
        if request.method == "POST":
            current = self.get_object(request, unquote(object_id))
            if current is None or self.revert_disabled(request, current):
                raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)

    def save_model(self, request, obj, form, change):
        if change and self.service_fields:
            attnames = [self.model._meta.get_field(name).attname for name in self.service_fields]
            stored = self.model._default_manager.filter(pk=obj.pk).values(*attnames).first() or {}
            for attname, value in stored.items():
                setattr(obj, attname, value)
        super().save_model(request, obj, form, change)


class PublicationAdminMixin:
    """Publish and unpublish, in bulk or from the change form, through the services.
    Put it before ``TrackedTranslationAdmin``; override ``publish_records`` and
    ``unpublish_records`` where publishing does more than flip the state."""

    actions = ["publish_selected", "unpublish_selected"]
    service_fields = ("published_at",)

    def publish_records(self, request, queryset):
        return records_publish(queryset=queryset, by=request.user)

    def unpublish_records(self, request, queryset):
        return records_unpublish(queryset=queryset, by=request.user)

    @admin.action(description=_("Publish selected %(verbose_name_plural)s"), permissions=["change"])
    def publish_selected(self, request, queryset):
        changed = self.publish_records(request, queryset)
        message = ngettext("%(count)d %(items)s was published.", "%(count)d %(items)s were published.", changed)
        items = model_ngettext(self.opts, changed)
        self.message_user(request, message % {"count": changed, "items": items}, messages.SUCCESS)

    @admin.action(description=_("Unpublish selected %(verbose_name_plural)s"), permissions=["change"])
    def unpublish_selected(self, request, queryset):
        changed = self.unpublish_records(request, queryset)
        message = ngettext("%(count)d %(items)s was unpublished.", "%(count)d %(items)s were unpublished.", changed)
        items = model_ngettext(self.opts, changed)
        self.message_user(request, message % {"count": changed, "items": items}, messages.SUCCESS)

    def save_model(self, request, obj, form, change):
        wanted = obj.publication_state
        stored = PublicationState.DRAFT
        if change:
            stored = self.model._default_manager.filter(pk=obj.pk).values_list("publication_state", flat=True).get()
        publishing = wanted == PublicationState.PUBLISHED != stored
        unpublishing = stored == PublicationState.PUBLISHED != wanted
        if publishing or unpublishing:
            obj.publication_state = stored
        super().save_model(request, obj, form, change)
        if not (publishing or unpublishing):
            return
        records = self.model._default_manager.filter(pk=obj.pk)
        if publishing:
            self.publish_records(request, records)
            return
        self.unpublish_records(request, records)
        if wanted != PublicationState.DRAFT:
            # Unpublishing leaves a draft; "submitted" or "returned" is one more step.
            record = records.get()
            record.publication_state = wanted
            record._history_user = request.user
            record.save(update_fields=["publication_state", "modified_at"])
