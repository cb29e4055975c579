"""What every admin of the tracker shares: English and French side by side, every change
kept (who, when, which fields) and revertible (cogwg/admin_history.py), no save over
another's change made since the form was read (cogwg/admin_concurrency.py), publication
moved only by the services (cogwg/admin_publication.py), each user's rights on each row
asked of cogwg/permissions.py (as the API does), a save refused by a service or by the
database (another save got there first) shown as a form error, never a 500, and a
deletion's confirmation that names a many-to-many field's links by the record at their
other end."""

import copy
import re

from django.apps import apps
from django.contrib import admin
from django.contrib.admin.utils import get_fields_from_path
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import IntegrityError, models
from django.forms import Textarea
from django.forms.models import BaseInlineFormSet
from django.http import Http404
from django.utils.html import conditional_escape, escape
from django.utils.safestring import SafeData, mark_safe
from django.utils.text import capfirst
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TranslationAdmin
from simple_history.admin import SimpleHistoryAdmin
from simple_history.models import SIMPLE_HISTORY_REVERSE_ATTR_NAME

from . import permissions
from .admin_concurrency import OptimisticConcurrencyMixin
from .admin_history import HistoryAdminMixin
from .admin_recover import RecoverAdminMixin
from .models import PublishableModel

# Text areas small enough to sit in a table row (tabular inlines).
COMPACT_TEXT = {models.TextField: {"widget": Textarea(attrs={"rows": 2, "cols": 40})}}
# A web address typed without its scheme is taken as https (Django 6's default, today).
HTTPS_URLS = {models.URLField: {"assume_scheme": "https"}}
# Where a save refused by a service waits for the form shown again with the reason
# (TrackedTranslationAdmin._refusals_as_form_errors).
SAVE_REFUSAL = "_cogwg_save_refusal"


def add_errors_where_shown(form, error: ValidationError) -> None:
    """``error``'s messages on ``form``: each next to the field it concerns where the form
    shows that field, else over the form; one the form says there already (its own check
    having seen what a service then refused) is not said twice."""
    by_field = error.message_dict if hasattr(error, "error_dict") else {NON_FIELD_ERRORS: error.messages}
    for name, messages in by_field.items():
        field = form.fields.get(name)
        where = name if field is not None and not field.widget.is_hidden else None
        said = form.errors.get(where or NON_FIELD_ERRORS, [])
        if new := [message for message in messages if message not in said]:
            form.add_error(where, new)


# SQLite's words for a rule it refused: a uniqueness by its columns, a check by its name.
SQLITE_UNIQUE = re.compile(r"UNIQUE constraint failed: (?P<columns>\S+(?:, \S+)*)$")
SQLITE_CHECK = re.compile(r"CHECK constraint failed: (?P<name>\w+)$")


class DatabaseRefusal(ValidationError):
    """A save the database refused (``database_refusal``)."""


def database_refusal(error: IntegrityError, model) -> DatabaseRefusal:
    """Why the database refused to save a record of ``model`` (or a row of its page's
    tables), said as a form says it: a rule of the models' ``Meta.constraints`` that
    another save, made since the form was checked, got to first (two adds of one number)
    has its own message, the one the model's validation gives (Django's, naming the
    fields by their labels, for a uniqueness without one of its own), where that
    validation puts it: next to the field of a uniqueness of one field of ``model``, else
    over the form. Another refusal (of a rule the models do not name: a key, a field's
    ``unique``) has the API's words (cogwg/api/viewsets.py)."""
    found = _broken_constraint(error)
    if found is None:
        return DatabaseRefusal(gettext("This conflicts with an existing record."), code="conflict")
    owner, constraint = found
    fields = getattr(constraint, "fields", ())
    if fields and constraint.violation_error_message == constraint.default_violation_error_message:
        message = owner().unique_error_message(owner, fields)
        reason = DatabaseRefusal(message, code=message.code)
    else:
        reason = DatabaseRefusal(constraint.get_violation_error_message(), code=constraint.violation_error_code)
    if reason.code == "unique" and len(fields) == 1 and owner is model:
        return DatabaseRefusal({fields[0]: [reason]})
    return reason


def _broken_constraint(error: IntegrityError):
    """(model, constraint) of the ``Meta.constraints`` rule the database names in
    ``error``: PostgreSQL names it and its table; SQLite names a check, and a uniqueness
    by its columns. None for another rule."""
    diagnosis = getattr(error.__cause__, "diag", None)
    if diagnosis is not None:
        table, name, columns = diagnosis.table_name, diagnosis.constraint_name, None
    elif found := SQLITE_UNIQUE.search(str(error)):
        qualified = [column.split(".", 1) for column in found["columns"].split(", ")]
        table, name, columns = qualified[0][0], None, {column for _table, column in qualified}
    elif found := SQLITE_CHECK.search(str(error)):
        table, name, columns = None, found["name"], None
    else:
        return None
    for model in apps.get_models():
        if table is not None and model._meta.db_table != table:
            continue
        for constraint in model._meta.constraints:
            if constraint.name == name or (
                columns is not None
                and getattr(constraint, "fields", ())
                and {model._meta.get_field(field).column for field in constraint.fields} == columns
            ):
                return model, constraint
    return None


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


class TrackedTranslationAdmin(
    RecoverAdminMixin, HistoryAdminMixin, OptimisticConcurrencyMixin, SimpleHistoryAdmin, TranslationAdmin
):
    """The base of every admin: modeltranslation's ``_en``/``_fr`` fields, and
    simple_history's History page (who, when, the changed fields) with revert; its
    deleted records are restored by the secretariat (cogwg/admin_recover.py).

    A change form (and a version page's revert) refuses to save over what someone else
    saved since it was read: cogwg/admin_concurrency.py. A revert saves the record's own
    fields and restores the rows of its tables within its user's rights
    (``revert_tables``): its page says what it does, and it is refused when the rows of
    the record's tables would break a rule beside the version (``table_errors``). A
    contributor reads only the versions saved while the record was their jurisdictions'
    (``permissions.visible_versions``).

    Who sees and changes which rows is cogwg/permissions.py's answer, on top of the model
    permissions: the changelist shows what the user may see, a record they may not see
    is a 404 (a 403 on its History page), its jurisdictions and milestones offer only
    theirs, and a contributor's admin lists only what they work on."""

    formfield_overrides = HTTPS_URLS
    # Written only by services: a form, or a version being reverted, keeps what is stored.
    service_fields = ()
    # Set only by those who may publish: read-only for others, and kept as stored.
    publisher_fields = ()

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        """modeltranslation's field, which says its language (WCAG 3.1.2, language of parts):
        on a French page, ``title_en`` is read as English."""
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if field is not None and (language := getattr(db_field, "language", None)):
            field.widget.attrs.setdefault("lang", language)
        return field

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
        # Narrowed choices are offered as a list (a contributor's one or two
        # jurisdictions), but milestones, which grow with every plan, keep their search
        # box: its answers are narrowed as the list would be (cogwg.admin_site).
        limited = set(permissions.limited_fields(request.user, self.model)) - {"milestone"}
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
        post a first time (``_refusals_as_form_errors``), each message next to the field it
        concerns (``add_errors_where_shown``): a second active plan, made active since the
        form's own check, is said on the plan's status, once. Nothing of the first try was
        written (one transaction)."""

        class RefusableForm(form):
            def _post_clean(self):
                super()._post_clean()
                if (refusal := getattr(request, SAVE_REFUSAL, None)) is None:
                    return
                # The database's refusal: the form's own check, read again, sees the
                # record that got there first, and says so in its words where it shows
                # them; the database's reason is for when it does not.
                if not (isinstance(refusal, DatabaseRefusal) and self.errors):
                    add_errors_where_shown(self, refusal)

        return RefusableForm

    def get_deleted_objects(self, objs, request):
        """Django's list of what a deletion takes with it, and of what keeps it from
        happening, each line in the page's language's typography ("Thème : Transport",
        ``deletion_line``), where the links of a many-to-many field (rows of the table
        Django makes for it, which it names in English: "Challenge-jurisdiction
        relationship: Challenge_jurisdictions object (3)") read as the record at the link's
        other end, in the page's language: "Jurisdiction: Ontario (only its link to this
        record)". One query per many-to-many field."""
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
            _relabel(protected, {}),
        )

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        return self._refusals_as_form_errors(
            request, super().changeform_view, request, object_id, form_url, extra_context
        )

    def _refusals_as_form_errors(self, request, view, *args):
        """``view`` (a change form or a version's page), with a ValidationError raised
        while saving a form it accepted (a service's refusal), or an IntegrityError (the
        database's, when another save got there first: ``database_refusal``), shown as a
        form error rather than a 500: the save's transaction is rolled back, and the same
        post is read again and refused with the reason (``_refusable_form``)."""
        try:
            return view(*args)
        except (ValidationError, IntegrityError) as error:
            if request.method != "POST" or hasattr(request, SAVE_REFUSAL):
                raise
            refusal = error if isinstance(error, ValidationError) else database_refusal(error, self.model)
            setattr(request, SAVE_REFUSAL, refusal)
            return view(*args)

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

    def kept_fields(self, request, record) -> list[str]:
        """The names of the fields a save (a revert) of the stored ``record`` keeps as
        stored: those ``keep_stored`` puts back, asked of it rather than told again, as
        what it keeps may depend on the record's state (a draft progress update's date,
        status and progress are its own to correct, a published one's are its log's)."""
        names = self.get_service_fields(request)
        if record.pk is None or not names:
            return []
        attnames = {name: self.model._meta.get_field(name).attname for name in names}
        marker = object()
        probe = copy.copy(record)
        for attname in attnames.values():
            probe.__dict__[attname] = marker
        self.keep_stored(request, probe)
        return [name for name, attname in attnames.items() if probe.__dict__.get(attname) is not marker]

    def save_model(self, request, obj, form, change):
        if change:
            self.keep_stored(request, obj)
        super().save_model(request, obj, form, change)


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


def deletion_line(line):
    """A line of Django's list of what a deletion takes or of what keeps it from
    happening, "Model: record" (the record linked, or plain text), with the page's
    language's separator: "Thème : Transport" in French, a no-break space before the
    colon. Its parts stay as Django escaped them (a linked line is HTML already)."""
    model, separator, record = line.partition(": ")
    if not separator:
        return line
    if isinstance(line, SafeData):
        model, record = mark_safe(model), mark_safe(record)
    parts = {"model": conditional_escape(model), "record": conditional_escape(record)}
    return mark_safe(escape(gettext("%(model)s: %(record)s")) % parts)


def _relabel(items, labels):
    """The nested list of ``get_deleted_objects`` with the strings in ``labels`` replaced,
    and every other line in the page's language's typography (``deletion_line``)."""
    return [
        _relabel(item, labels) if isinstance(item, list) else labels.get(item) or deletion_line(item) for item in items
    ]
