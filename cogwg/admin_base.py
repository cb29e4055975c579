"""What every admin of the tracker shares: English and French side by side, every change
kept (who, when, which fields) and revertible, no save over another's change made since
the form was read (cogwg/admin_concurrency.py), publication moved only by the services,
and each user's rights on each row asked of cogwg/permissions.py (as the API does)."""

import bisect
import copy
import dataclasses

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.utils import get_fields_from_path, quote, unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.db.models.query import EmptyQuerySet
from django.forms import Textarea
from django.forms.models import BaseInlineFormSet, model_to_dict
from django.http import Http404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import translation
from django.utils.html import format_html, format_html_join
from django.utils.text import capfirst, get_text_list
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TranslationAdmin
from simple_history.admin import SimpleHistoryAdmin
from simple_history.models import SIMPLE_HISTORY_REVERSE_ATTR_NAME
from simple_history.template_utils import HistoricalRecordContextHelper
from simple_history.utils import get_history_model_for_model, get_m2m_reverse_field_name

from . import audit, permissions
from .admin_concurrency import OptimisticConcurrencyMixin
from .choices import PublicationState
from .models import PublishableModel
from .services import SUBMITTABLE_STATES, record_return, record_submit, records_publish, records_unpublish
from .templatetags.admin_counts import model_name_for_count

# Text areas small enough to sit in a table row (tabular inlines).
COMPACT_TEXT = {models.TextField: {"widget": Textarea(attrs={"rows": 2, "cols": 40})}}
# A web address typed without its scheme is taken as https (Django 6's default, today).
HTTPS_URLS = {models.URLField: {"assume_scheme": "https"}}
# Where a save refused by a service waits for the form shown again with the reason
# (TrackedTranslationAdmin._refusals_as_form_errors).
SAVE_REFUSAL = "_cogwg_save_refusal"


class HistoryDeltaHelper(HistoricalRecordContextHelper):
    """Lists a version's changed fields on the History page with their values as the
    audit page gives them (cogwg/audit.py: in the reader's language, a dash for nothing),
    leaving out the fields in ``hidden`` and those the audit page never lists (the
    untranslated column behind ``title [en]`` and ``title [fr]``, the last save's time)."""

    def __init__(self, model, historical_record, *, hidden=(), **kwargs):
        super().__init__(model, historical_record, **kwargs)
        self.hidden = frozenset(hidden) | audit.hidden_fields(model, None)

    def context_for_delta_changes(self, delta):
        changes = [
            change
            for change in delta.changes
            # An empty translation may be stored as NULL or as "": no change to show.
            if change.field not in self.hidden
            and not (change.old in audit.EMPTY_VALUES and change.new in audit.EMPTY_VALUES)
        ]
        context = super().context_for_delta_changes(dataclasses.replace(delta, changes=changes))
        # Labels read now, in the page's language, and in its alphabetical order (as on the
        # audit page), not in that of the fields' code names.
        context = [{**change, "field": str(change["field"])} for change in context]
        return sorted(context, key=lambda change: audit.label_order(change["field"]))

    def prepare_delta_change_value(self, change, value):
        return audit.display_value(self.model._meta.get_field(change.field), value)

    def get_obj_diff_display(self):
        return audit.ShortDisplay(max_length=self.max_displayed_delta_change_chars)


class VisibleRelatedFieldListFilter(admin.RelatedFieldListFilter):
    """A filter by a related record that offers only the records its user may see: a
    contributor's filter of milestones by plan does not name a draft plan."""

    def field_choices(self, field, request, model_admin):
        related = field.remote_field.model._default_manager.all()
        if ordering := self.field_admin_ordering(field, request, model_admin):
            related = related.order_by(*ordering)
        return [(record.pk, str(record)) for record in permissions.visible(request.user, related)]


class LabelledFormSet(BaseInlineFormSet):
    """An inline table whose duplicate rows are named by their fields' labels in the
    page's language ("Corrigez les données en double dans numéro."), not their code names
    ("number"). The base of every inline's formset (``VisibleRowsInlineMixin``)."""

    def get_unique_error_message(self, unique_check):
        opts = self.model._meta
        return super().get_unique_error_message(
            [str(opts.get_field(name).verbose_name) for name in unique_check if name != self.fk.name]
        )


class VisibleRowsInlineMixin:
    """An inline table lists only the rows its user may see (cogwg/permissions.py), as a
    changelist does: the rows of a table inside a page are not read through the page's
    admin. Put it before the inline's base class."""

    formset = LabelledFormSet

    def get_queryset(self, request):
        return permissions.visible(request.user, super().get_queryset(request))


class TrackedTranslationAdmin(OptimisticConcurrencyMixin, SimpleHistoryAdmin, TranslationAdmin):
    """The base of every admin: modeltranslation's ``_en``/``_fr`` fields, and
    simple_history's History page (who, when, the changed fields) with revert.

    A change form (and a version page's revert) refuses to save over what someone else
    saved since it was read: cogwg/admin_concurrency.py. A revert saves the record's own
    fields only: its page says so, and it is refused when the rows of the record's tables
    would break a rule beside the version (``table_errors``). A contributor reads only the
    versions saved while the record was their jurisdictions' (``permissions.visible_versions``).

    Who sees and changes which rows is cogwg/permissions.py's answer, on top of the model
    permissions: the changelist shows what the user may see, a record they may not see
    is a 404 (a 403 on its History page), its jurisdictions and milestones offer only
    theirs, and a contributor's admin lists only what they work on."""

    formfield_overrides = HTTPS_URLS
    # Written only by services: a form, or a version being reverted, keeps what is stored.
    service_fields = ()
    # Set only by those who may publish: read-only for others, and kept as stored.
    publisher_fields = ()
    # Never listed on the History page (private data stays in the change form).
    history_hidden_fields = ()
    # Records kept only through this page's tables (no admin, no History page of their
    # own), whose changes this record's History page lists too: (model, the name of its
    # key to this record). An accomplishment's links.
    history_related = ()
    object_history_template = "admin/cogwg/object_history.html"
    # simple_history's list, with no "None" for a version saved without a reason.
    object_history_list_template = "admin/cogwg/object_history_list.html"
    # A version's page, saying what a revert leaves as it is.
    object_history_form_template = "admin/cogwg/object_history_form.html"

    # Rows: cogwg.permissions

    def get_queryset(self, request):
        return permissions.visible(request.user, super().get_queryset(request))

    def has_module_permission(self, request):
        return super().has_module_permission(request) and permissions.shows_in_admin(request.user, self.model)

    def has_view_permission(self, request, obj=None):
        allowed = super().has_view_permission(request, obj)
        return allowed and (obj is None or permissions.can_view(request.user, obj))

    def has_add_permission(self, request):
        return super().has_add_permission(request) and permissions.can_add(request.user, self.model)

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        return allowed and (obj is None or permissions.can_change(request.user, obj))

    def has_delete_permission(self, request, obj=None):
        allowed = super().has_delete_permission(request, obj)
        return allowed and (obj is None or permissions.can_delete(request.user, obj))

    def has_publish_permission(self, request):
        return permissions.can_publish(request.user, self.model)

    def has_submit_permission(self, request):
        return permissions.can_submit(request.user, self.model)

    def has_view_history_or_change_history_permission(self, request, obj=None):
        allowed = super().has_view_history_or_change_history_permission(request, obj)
        return allowed and (obj is None or permissions.can_view_history(request.user, obj))

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        # The History button is offered only to those the History page would not refuse
        # (a contributor reads a published record of another jurisdiction, not its drafts).
        if obj is not None and not self.has_view_history_or_change_history_permission(request, obj):
            context["hide_history_link"] = True
        return super().render_change_form(request, context, add, change, form_url, obj)

    def _get_obj_does_not_exist_redirect(self, request, opts, object_id):
        # A record the user may not see answers as one that does not exist, not with a
        # redirect and a message naming its id.
        raise Http404

    def get_readonly_fields(self, request, obj=None):
        readonly = super().get_readonly_fields(request, obj)
        if self.publisher_fields and not self.has_publish_permission(request):
            readonly = (*readonly, *(name for name in self.publisher_fields if name not in readonly))
        return readonly

    def get_list_filter(self, request):
        # A filter named by a related field offers only what the user may see.
        return [
            (entry, VisibleRelatedFieldListFilter)
            if isinstance(entry, str) and get_fields_from_path(self.model, entry)[-1].is_relation
            else entry
            for entry in super().get_list_filter(request)
        ]

    def get_autocomplete_fields(self, request):
        # Narrowed choices are offered as a list: a search would look among all records.
        limited = permissions.limited_fields(request.user, self.model)
        return [name for name in super().get_autocomplete_fields(request) if name not in limited]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        return self._limited(db_field, request, super().formfield_for_foreignkey, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        return self._limited(db_field, request, super().formfield_for_manytomany, **kwargs)

    def _limited(self, db_field, request, formfield_for, **kwargs):
        if db_field.name not in permissions.limited_fields(request.user, self.model):
            # A record may point only at what its user may see: an id typed into the
            # form is checked against those (a draft plan's milestone is not a choice).
            formfield = formfield_for(db_field, request, **kwargs)
            if formfield is not None and hasattr(formfield, "queryset"):
                formfield.queryset = permissions.visible(request.user, formfield.queryset)
            return formfield
        queryset = kwargs.get("queryset", db_field.remote_field.model._default_manager.all())
        kwargs["queryset"] = permissions.limit_choices(request.user, self.model, db_field.name, queryset)
        formfield = formfield_for(db_field, request, **kwargs)
        if formfield is not None:
            # A contributor's record says whose it is.
            formfield.required = True
        return formfield

    def get_form(self, request, obj=None, **kwargs):
        form = self._refusable_form(request, super().get_form(request, obj, **kwargs))
        if (version := getattr(obj, SIMPLE_HISTORY_REVERSE_ATTR_NAME, None)) is not None:
            form = self._revert_form(request, self._version_form(form, version))
        if permissions.is_secretariat(request.user):
            return form
        model_admin = self

        class RowRightsForm(form):
            def _post_clean(self):
                super()._post_clean()
                if self.errors:
                    return
                # Judged as it will be saved (a reverted version keeps the stored state).
                record = copy.copy(self.instance)
                model_admin.keep_stored(request, record)
                jurisdictions = self.cleaned_data.get("jurisdictions") if "jurisdictions" in self.fields else None
                if not permissions.can_save(request.user, record, jurisdictions=jurisdictions):
                    self.add_error(None, _("You may not file this record with these values."))

        return RowRightsForm

    @staticmethod
    def _refusable_form(request, form):
        """``form``, refused with the reason a service gave for refusing to save the same
        post a first time (``_refusals_as_form_errors``)."""

        class RefusableForm(form):
            def _post_clean(self):
                super()._post_clean()
                if (refusal := getattr(request, SAVE_REFUSAL, None)) is not None:
                    self.add_error(None, refusal.messages)

        return RefusableForm

    def _revert_form(self, request, form):
        """The form of a version's page (a revert). A revert saves the record alone, so the
        stored rows of its tables (inlines) are judged here against the record as it would
        be saved: a meeting is not brought back to a day after its next steps are due. It
        keeps the stored record's values, for the admin log (``construct_change_message``)."""
        model_admin = self

        class RevertForm(form):
            stored_values = None

            def _post_clean(self):
                super()._post_clean()
                if self.errors:
                    return
                stored = model_admin.model._default_manager.filter(pk=self.instance.pk).first()
                if stored is None:
                    return
                self.stored_values = model_to_dict(stored, fields=list(self.fields))
                record = copy.copy(self.instance)
                model_admin.keep_stored(request, record)
                for error in model_admin.table_errors(request, stored, record):
                    self.add_error(None, error)

        return RevertForm

    def table_errors(self, request, stored, record) -> list[str]:
        """Why rows of ``stored``'s tables (inlines) would break a rule beside ``record``,
        the record as a revert would save it: each stored row is checked as its table's
        form checks it (``full_clean`` of the form's fields), its key pointing at
        ``record``. Uniqueness is not asked again: neither the rows nor the key change."""
        errors, judged = [], set()
        for inline in self.get_inline_instances(request, stored):
            formset = inline.get_formset(request, stored)
            if (inline.model, formset.fk.name) in judged:
                continue
            judged.add((inline.model, formset.fk.name))
            exclude = [field.name for field in inline.model._meta.fields if field.name not in formset.form.base_fields]
            for row in inline.model._default_manager.filter(**{formset.fk.name: stored}):
                setattr(row, formset.fk.name, record)
                try:
                    row.full_clean(exclude=exclude, validate_unique=False, validate_constraints=False)
                except ValidationError as error:
                    message = _(
                        "This version cannot be restored: a row of its %(table)s, “%(row)s”, would break a rule. "
                        "%(errors)s Change that row first, or choose another version."
                    )
                    errors.append(
                        message % {"table": inline.verbose_name_plural, "row": row, "errors": " ".join(error.messages)}
                    )
        return errors

    def not_restored(self, request, record) -> tuple[list[str], list[str]]:
        """What a revert of ``record`` leaves as it is: the names of its tables (inlines)
        that hold stored rows, and those of the fields the services keep."""
        tables = [
            str(inline.verbose_name_plural)
            for inline in self.get_inline_instances(request, record)
            if not isinstance(inline.get_queryset(request), EmptyQuerySet)  # a table that only adds rows
        ]
        opts = self.model._meta
        fields = [str(opts.get_field(name).verbose_name) for name in self.get_service_fields(request)]
        return list(dict.fromkeys(tables)), fields

    @staticmethod
    def _version_form(form, version):
        """``form`` filled in with ``version``'s many-to-many values too (a challenge's
        jurisdictions, a story's themes): a version's record holds its own fields only,
        and a form reads the others from the record as it is now."""
        m2m_fields = [field for field in version._history_m2m_fields if field.name in form.base_fields]
        if not m2m_fields:
            return form
        initial = {
            field.name: list(getattr(version, field.name).values_list(get_m2m_reverse_field_name(field), flat=True))
            for field in m2m_fields
        }

        class VersionForm(form):
            def __init__(self, *args, **kwargs):
                kwargs["initial"] = {**initial, **(kwargs.get("initial") or {})}
                super().__init__(*args, **kwargs)

        return VersionForm

    def get_historical_record_context_helper(self, request, historical_record):
        return HistoryDeltaHelper(self.model, historical_record, hidden=self.history_hidden_fields)

    def set_history_delta_changes(self, request, historical_records, foreign_keys_are_objs=True):
        # simple_history compares only the fields a form edits: a period's closing, a
        # report's freezing and a submission (saved by services) would show no change.
        # cogwg/audit.py compares every field the history keeps, reads the many-to-many
        # members of the page's versions at once rather than per version, and compares
        # the page's oldest version with the one before it (on the next page), which
        # simple_history leaves without changes.
        versions = list(historical_records)
        if not versions:
            return
        # The one before is the next the page's list gives (get_history_queryset): a
        # version its reader may not read is no "before" either.
        oldest, pk_name = versions[-1], self.opts.pk.attname
        history = getattr(self.model, self.opts.simple_history_manager_attribute)
        listed = self.get_history_queryset(request, history, pk_name, getattr(oldest, pk_name))
        earlier = listed.filter(
            models.Q(history_date__lt=oldest.history_date)
            | models.Q(history_date=oldest.history_date, history_id__lt=oldest.history_id)
        ).first()
        if earlier is not None:
            versions.append(earlier)
        comparison = audit.Comparison(self.model, versions, admin_site=self.admin_site)
        for version, delta in comparison.deltas(versions):
            helper = self.get_historical_record_context_helper(request, version)
            version.history_delta_changes = helper.context_for_delta_changes(delta)

    def render_history_view(self, request, template, context, **kwargs):
        # Called once the user may see the record's history (its tables' too): for the
        # History page, and for a version's page, which lists nothing more.
        if template == self.object_history_form_template:
            context.update(self._version_page_context(request, context["original"]))
        if template != self.object_history_template:
            return super().render_history_view(request, template, context, **kwargs)
        record = context["object"]
        context["related_histories"] = [
            {
                "name": model._meta.verbose_name_plural,
                "verbose_name": model._meta.verbose_name,
                "model_name": model._meta.model_name,
                "changes": self._while_visible(
                    request,
                    record,
                    audit.record_changes(model, admin_site=self.admin_site, **{f"{key}_id": record.pk}),
                ),
            }
            for model, key in self.history_related
        ]
        context["kinds"] = audit.KIND_LABELS
        return super().render_history_view(request, template, context, **kwargs)

    def _while_visible(self, request, record, changes):
        """The ``changes`` of ``record``'s tables made while the version of ``record`` then
        in force was one its user may read (``permissions.visible_versions``): the links a
        jurisdiction gave its draft stay theirs once the record is moved to another."""
        history = get_history_model_for_model(self.model)
        versions = history._default_manager.filter(**{self.opts.pk.attname: record.pk})
        visible = set(permissions.visible_versions(request.user, self.model, versions).values_list("pk", flat=True))
        timeline = list(versions.order_by("history_date", "history_id").values_list("history_date", "pk"))
        if len(visible) == len(timeline):
            return changes
        dates = [when for when, _pk in timeline]
        # A table's rows are saved just after the record, by the same page.
        in_force = ((bisect.bisect_right(dates, change.when) - 1, change) for change in changes)
        return [change for index, change in in_force if index >= 0 and timeline[index][1] in visible]

    def _version_page_context(self, request, version):
        """What a version's page says of a revert: that the record was deleted (nothing
        to revert), or what a revert leaves as it is (before the Revert button)."""
        stored = self.model._default_manager.filter(pk=version.pk).first()
        if stored is None:
            return {"record_deleted": True}
        tables, fields = self.not_restored(request, stored)
        return {"not_restored_tables": get_text_list(tables, gettext("and")), "kept_fields": ", ".join(fields)}

    def get_history_queryset(self, request, history_manager, pk_name, object_id):
        versions = super().get_history_queryset(request, history_manager, pk_name, object_id)
        return permissions.visible_versions(request.user, self.model, versions)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        self._check_version(request, object_id, version_id)
        # simple_history saves a POSTed version whenever the user may view the history;
        # reverting is a change, judged on the record as it is now.
        if request.method == "POST":
            current = self.get_object(request, unquote(object_id))
            if current is None or self.revert_disabled(request, current):
                raise PermissionDenied
        return self._refusals_as_form_errors(
            request, super().history_form_view, request, object_id, version_id, extra_context
        )

    def _check_version(self, request, object_id, version_id):
        """Refuse a version its user may not read (``permissions.visible_versions``): a
        contributor does not read another jurisdiction's draft of a record since moved to
        theirs. A version that is not one is a 404, as simple_history answers."""
        history = get_history_model_for_model(self.model)
        try:
            versions = history._default_manager.filter(
                **{self.opts.pk.attname: unquote(object_id), "history_id": version_id}
            )
            if not versions.exists():
                raise Http404
        except (ValueError, ValidationError):  # an id that is not one
            raise Http404 from None
        if not permissions.visible_versions(request.user, self.model, versions).exists():
            raise PermissionDenied

    def get_deleted_objects(self, objs, request):
        """Django's list of what a deletion takes with it, where the links of a
        many-to-many field (rows of the table Django makes for it, which it names in
        English: "Challenge-jurisdiction relationship: Challenge_jurisdictions object (3)")
        read as the record at the link's other end, in the page's language: "Jurisdiction:
        Ontario (only its link to this record)". One query per many-to-many field."""
        to_delete, model_count, perms_needed, protected = super().get_deleted_objects(objs, request)
        relabelled, counts = {}, {}
        for through, own, other in _many_to_many_links(self.model):
            rows = through._default_manager.filter(**{f"{own}__in": list(objs)}).select_related(other)
            for row in rows:
                record = getattr(row, other)
                relabelled[f"{capfirst(through._meta.verbose_name)}: {row}"] = gettext(
                    "%(model)s: %(record)s (only its link to this record)"
                ) % {"model": capfirst(record._meta.verbose_name), "record": record}
            counts[through._meta.verbose_name_plural] = gettext("Links to %(records)s") % {
                "records": through._meta.get_field(other).related_model._meta.verbose_name_plural
            }
        return (
            _relabel(to_delete, relabelled),
            {counts.get(name, name): count for name, count in model_count.items()},
            perms_needed,
            protected,
        )

    def history_view_title(self, request, obj):
        # simple_history's titles, in the project's catalogue: its own French reads
        # « Historique de vue » for a reader who may not revert.
        if self.revert_disabled(request, obj):
            return _("View history: %s") % obj
        return _("Change history: %s") % obj

    def revert_disabled(self, request, obj=None):
        # simple_history asks it of the version shown; a revert changes the record as it is
        # now (a closed period's version is of an open one), and a deleted record is not
        # brought back here.
        if obj is None:
            return super().revert_disabled(request, obj)
        stored = self.model._default_manager.filter(pk=obj.pk).first()
        return stored is None or super().revert_disabled(request, stored)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        return self._refusals_as_form_errors(
            request, super().changeform_view, request, object_id, form_url, extra_context
        )

    @staticmethod
    def _refusals_as_form_errors(request, view, *args):
        """``view`` (a change form or a version's page), with a ValidationError raised
        while saving a form it accepted (a service's refusal) shown as a form error rather
        than a 500: the save's transaction is rolled back, and the same post is read again
        and refused with the reason (``_refusable_form``)."""
        try:
            return view(*args)
        except ValidationError as refusal:
            if request.method != "POST" or hasattr(request, SAVE_REFUSAL):
                raise
            setattr(request, SAVE_REFUSAL, refusal)
            return view(*args)

    def _reverting(self, request) -> bool:
        match = request.resolver_match
        return match is not None and match.url_name == f"{self.opts.app_label}_{self.opts.model_name}_simple_history"

    def response_change(self, request, obj):
        if not self._reverting(request):
            return super().response_change(request, obj)
        # Django's message says "changed" and links the version's page.
        opts = self.opts
        change_url = reverse(
            f"{self.admin_site.name}:{opts.app_label}_{opts.model_name}_change",
            args=[quote(obj.pk)],
            current_app=self.admin_site.name,
        )
        parts = [
            format_html(
                gettext("The {name} “{obj}” was reverted to the chosen version."),
                name=opts.verbose_name,
                obj=format_html('<a href="{}">{}</a>', change_url, obj),
            )
        ]
        tables, fields = self.not_restored(request, obj)
        if tables:
            parts.append(
                gettext("The revert left its %(tables)s as they were.")
                % {"tables": get_text_list(tables, gettext("and"))}
            )
        if fields:
            parts.append(gettext("The fields kept by the services stayed as they were."))
        self.message_user(request, format_html_join(" ", "{}", ((part,) for part in parts)), messages.SUCCESS)
        return self.response_post_save_change(request, obj)

    def construct_change_message(self, request, form, formsets, add=False):
        before = getattr(form, "stored_values", None)
        if before is None:
            return super().construct_change_message(request, form, formsets, add)
        # A revert: the fields it changed of the record as stored. The form's own changes
        # are from the version it shows, none when it is posted as it is.
        after = model_to_dict(self.model._default_manager.get(pk=form.instance.pk), fields=list(before))
        # An empty translation may be stored as NULL or as "": no change.
        changed = [
            name
            for name, value in before.items()
            if after.get(name) != value and not (after.get(name) in (None, "") and value in (None, ""))
        ]
        with translation.override(None):
            labels = [str(form.fields[name].label or name) for name in changed]
        return [{"changed": {"fields": labels}}] if labels else []

    def get_service_fields(self, request):
        """The fields a save keeps as stored: the services', the review's own, and, for
        those who may not publish, the publisher's."""
        names = list(self.service_fields)
        if issubclass(self.model, PublishableModel):
            names += ["submitted_at", "submitted_by"]
        if not self.has_publish_permission(request):
            names += self.publisher_fields
        return list(dict.fromkeys(names))

    def keep_stored(self, request, obj):
        """Put the stored values of the fields a save keeps back on ``obj``."""
        service_fields = self.get_service_fields(request)
        if obj.pk is None or not service_fields:
            return
        attnames = [self.model._meta.get_field(name).attname for name in service_fields]
        stored = self.model._default_manager.filter(pk=obj.pk).values(*attnames).first() or {}
        for attname, value in stored.items():
            setattr(obj, attname, value)

    def save_model(self, request, obj, form, change):
        if change:
            self.keep_stored(request, obj)
        super().save_model(request, obj, form, change)


class ReturnForm(forms.Form):
    comment = forms.CharField(
        label=_("What should change"),
        widget=forms.Textarea(attrs={"rows": 6, "cols": 80}),
        help_text=_("E-mailed to whoever submitted each record, and kept on the record."),
    )


# The name of the change form's "Save and submit for review" button (admin/submit_line.html).
SUBMIT_FOR_REVIEW = "_submit_for_review"


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

    def _report(self, request, message, changed, selected, *, left_alone_message=None):
        """``message`` (in ``ngettext`` for ``changed``) with the count and the items, and
        a warning for the selected records left alone: ``left_alone_message`` (in
        ``ngettext``, with ``%(count)d``) says why when the admin knows better than "not in
        a state for this" (the updates of a closed reporting period). Nothing changed is
        no success: the count is then only information, next to the warning."""
        level = messages.SUCCESS if changed else messages.INFO
        self.message_user(
            request, message % {"count": changed, "items": model_name_for_count(self.opts, changed)}, level
        )
        left_alone = selected - changed
        if left_alone:
            message = left_alone_message or ngettext(
                "%(count)d selected record was not in a state for this and was left as it was.",
                "%(count)d selected records were not in a state for this and were left as they were.",
                left_alone,
            )
            self.message_user(request, message % {"count": left_alone}, messages.WARNING)

    @admin.action(description=_("Submit selected %(verbose_name_plural)s for review"), permissions=["submit"])
    def submit_selected(self, request, queryset):
        records = list(queryset)
        changed = 0
        for record in records:
            if permissions.can_submit(request.user, record):
                record_submit(record=record, by=request.user)
                changed += 1
        message = ngettext(
            "%(count)d %(items)s was submitted for review.", "%(count)d %(items)s were submitted for review.", changed
        )
        self._report(request, message, changed, len(records))

    @admin.action(description=_("Publish selected %(verbose_name_plural)s"), permissions=["publish"])
    def publish_selected(self, request, queryset):
        selected = queryset.count()
        changed = self.publish_records(request, queryset)
        message = ngettext("%(count)d %(items)s was published.", "%(count)d %(items)s were published.", changed)
        self._report(request, message, changed, selected)

    @admin.action(description=_("Return selected %(verbose_name_plural)s for changes"), permissions=["publish"])
    def return_selected(self, request, queryset):
        """Asks what should change (a page of its own), then returns each submitted record."""
        form = ReturnForm(request.POST if "apply" in request.POST else None)
        if form.is_valid():
            records = list(queryset)
            submitted = [record for record in records if record.publication_state == PublicationState.SUBMITTED]
            returned = refused = 0
            for record in submitted:
                try:
                    record_return(record=record, comment=form.cleaned_data["comment"], by=request.user)
                except ValidationError as error:  # the service's reason, e.g. a closed reporting period
                    self.message_user(request, f"{record}: {' '.join(error.messages)}", messages.WARNING)
                    refused += 1
                else:
                    returned += 1
            message = ngettext(
                "%(count)d %(items)s was returned for changes.",
                "%(count)d %(items)s were returned for changes.",
                returned,
            )
            self._report(request, message, returned, len(records) - refused)
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
        selected = queryset.count()
        changed = self.unpublish_records(request, queryset)
        message = ngettext("%(count)d %(items)s was unpublished.", "%(count)d %(items)s were unpublished.", changed)
        self._report(request, message, changed, selected)

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        model = self.model

        class ReviewForm(form):
            def clean(self):
                cleaned_data = super().clean()
                wanted = cleaned_data.get("publication_state")
                if wanted is None:
                    return cleaned_data
                # As stored: a version's page (a revert) is built on an earlier state.
                stored = None
                if self.instance.pk is not None:
                    stored = (
                        model._default_manager.filter(pk=self.instance.pk)
                        .values_list("publication_state", flat=True)
                        .first()
                    )
                if wanted != PublicationState.RETURNED or stored == PublicationState.RETURNED:
                    return cleaned_data
                if stored == PublicationState.SUBMITTED:
                    if not (cleaned_data.get("review_comment") or "").strip():
                        self.add_error("review_comment", _("Say what should change before returning it."))
                elif stored == PublicationState.PUBLISHED:
                    # record_return takes a submitted record back to whoever submitted it:
                    # submitting it on the way would name the secretariat as its submitter.
                    message = _(
                        "A published record is not under review: it cannot be returned for changes. Choose "
                        "“%(draft)s” to unpublish it: its contributors can then change it and submit it again."
                    )
                    self.add_error("publication_state", message % {"draft": PublicationState.DRAFT.label})
                else:
                    message = _("Only a record submitted for review can be returned for changes.")
                    self.add_error("publication_state", message)
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
        publishing = wanted == PublicationState.PUBLISHED != stored
        unpublishing = stored == PublicationState.PUBLISHED != wanted
        returning = change and stored == PublicationState.SUBMITTED and wanted == PublicationState.RETURNED
        # A published record put back under review is unpublished (a draft), then submitted.
        submitting = change and wanted == PublicationState.SUBMITTED and (stored in SUBMITTABLE_STATES or unpublishing)
        if publishing or unpublishing or returning or submitting:
            obj.publication_state = stored
        super().save_model(request, obj, form, change)
        if returning:
            record_return(record=obj, comment=obj.review_comment, by=request.user)
            return
        records = self.model._default_manager.filter(pk=obj.pk)
        if publishing:
            self.publish_records(request, records)
            return
        if unpublishing:
            # A published record is never returned from here (the form refuses it).
            self.unpublish_records(request, records)
        if submitting:
            record_submit(record=obj, by=request.user)


def _many_to_many_links(model):
    """(table, the column naming ``model``'s record, the column naming the other end) of
    each many-to-many field of ``model`` or pointing at it, whose table Django made."""
    for related in model._meta.get_fields():
        if not related.many_to_many:
            continue
        forward = related if related.concrete else related.field
        through = forward.remote_field.through
        if not through._meta.auto_created or forward.model is forward.related_model:
            continue
        if related.concrete:
            yield through, forward.m2m_field_name(), forward.m2m_reverse_field_name()
        else:
            yield through, forward.m2m_reverse_field_name(), forward.m2m_field_name()


def _relabel(items, labels):
    """The nested list of ``get_deleted_objects`` with the strings in ``labels`` replaced."""
    return [_relabel(item, labels) if isinstance(item, list) else labels.get(item, item) for item in items]
