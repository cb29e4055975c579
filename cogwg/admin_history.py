"""The kept history in the admin (django-simple-history), for every admin of the tracker
(``TrackedTranslationAdmin`` inherits it): a record's History page, which lists who changed
which fields and when, with the values the audit page gives (cogwg/audit.py), and the
changes of the tables kept only through its page; a version's page and its revert, which
saves the record's own fields and restores the rows of its tables (inlines) as they were
at that version, within what its user may do in those tables (``revert_tables``,
cogwg/table_revert.py), says what it leaves as it is, and is refused when the rows of the
record's tables would break a rule beside the version; and the versions a contributor may
read (``permissions.visible_versions``). A deleted record's version page leads the
secretariat to its restore (cogwg/admin_recover.py)."""

import bisect
import copy
import dataclasses

from django.contrib import messages
from django.contrib.admin.utils import quote, unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models.deletion import ProtectedError, RestrictedError
from django.db.models.query import EmptyQuerySet
from django.forms.models import model_to_dict
from django.http import Http404
from django.urls import reverse
from django.utils import translation
from django.utils.html import format_html, format_html_join
from django.utils.text import capfirst, get_text_list
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.models import SIMPLE_HISTORY_REVERSE_ATTR_NAME
from simple_history.template_utils import HistoricalRecordContextHelper
from simple_history.utils import get_history_model_for_model, get_m2m_reverse_field_name

from . import audit, permissions, recovery, table_revert
from .versioning import history_model

# Where a revert's request keeps what the revert leaves as it is (``not_restored``),
# read before it saves, and the tables it restored (``TableRevert``), once written.
NOT_RESTORED = "_cogwg_not_restored"
REVERTED_TABLES = "_cogwg_reverted_tables"


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


class HistoryAdminMixin:
    """The History page, a version's page and its revert of ``TrackedTranslationAdmin``,
    which puts it first among its bases (before simple_history's ``SimpleHistoryAdmin``,
    whose pages it overrides). A revert keeps what a save keeps (``keep_stored``,
    ``get_service_fields``) and shows a service's refusal as a form error
    (``_refusals_as_form_errors``), as the change form does: those are the admin's own."""

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

    def _revert_form(self, request, form):
        """The form of a version's page (a revert). A revert saves the record, then
        restores the rows of its tables (``revert_tables``) as a form saves its
        many-to-many values, in the same transaction; those rows are judged here against
        the record as it would be saved: a meeting is not brought back to a day after its
        next steps are due. It keeps the stored record's values, for the admin log
        (``construct_change_message``)."""
        model_admin = self

        class RevertForm(form):
            stored_values = None
            tables = ()
            adding_back = None
            reverted = None

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
                version = getattr(self.instance, SIMPLE_HISTORY_REVERSE_ATTR_NAME)
                self.tables = model_admin.revert_tables(request, stored, version)
                self.adding_back = table_revert.adding_back(self.tables)
                # Rows it adds back that point at records deleted since: nothing more to judge.
                if self.adding_back is not None and (refusal := self.adding_back.refusal()) is not None:
                    self.add_error(None, refusal.messages)
                    return
                for error in model_admin.table_errors(request, stored, record, self.tables):
                    self.add_error(None, error)

            def _save_m2m(self):
                super()._save_m2m()
                self.reverted = model_admin.restore_tables(request, self.instance, self.tables, self.adding_back)

        return RevertForm

    def _tables(self, request, record):
        """(inline, its key to ``record``, its formset's form) of each table of
        ``record``'s change form that holds stored rows, once per table."""
        tables = {}
        for inline in self.get_inline_instances(request, record):
            if isinstance(inline.get_queryset(request), EmptyQuerySet):  # a table that only adds rows
                continue
            formset = inline.get_formset(request, record)
            tables.setdefault((inline.model, formset.fk.name), (inline, formset.fk, formset.form))
        return list(tables.values())

    def restores_rows(self, request, inline, record) -> bool:
        """Does a revert restore the rows of ``inline``: their history is kept, and its
        user may add, change or delete rows there? (Its version's page carries their
        version too: cogwg/admin_concurrency.py.)"""
        if history_model(inline.model) is None:
            return False
        return (
            inline.has_add_permission(request, record)
            or inline.has_change_permission(request, record)
            or (inline.can_delete and inline.has_delete_permission(request, record))
        )

    def revert_tables(self, request, stored, version) -> list[table_revert.TableRevert]:
        """The tables of ``stored`` that a revert to ``version`` restores: their rows as
        they stood when the next version of the record was saved (a table's rows are saved
        just after the record, by the same page), or as they are if ``version`` is the
        latest. A query or two per table, whatever its number of rows."""
        history = get_history_model_for_model(self.model)
        following = (
            history._default_manager.filter(**{self.opts.pk.attname: stored.pk})
            .filter(
                models.Q(history_date__gt=version.history_date)
                | models.Q(history_date=version.history_date, history_id__gt=version.history_id)
            )
            .order_by("history_date", "history_id")
            .values_list("history_date", flat=True)
            .first()
        )
        tables = []
        for inline, fk, form in self._tables(request, stored):
            if not self.restores_rows(request, inline, stored):
                continue
            model = inline.model
            related = [field.name for field in model._meta.fields if field.many_to_one and field.name != fk.name]
            rows = inline.get_queryset(request).filter(**{fk.name: stored}).select_related(*related)
            now = {row.pk: row for row in rows}
            then = recovery.rows_at(model, fk, stored.pk, before=following)
            gone = [pk for pk in then if pk not in now]
            elsewhere = set(model._base_manager.filter(pk__in=gone).values_list("pk", flat=True)) if gone else set()
            new = [pk for pk in now if pk not in then]
            untracked = set(new) - recovery.with_history(model, new) if new else set()
            fields = []
            for name in form.base_fields:
                field = next((field for field in model._meta.concrete_fields if field.name == name), None)
                if field is not None and not field.primary_key and field.name != fk.name:
                    fields.append(field.attname)
            tables.append(
                table_revert.TableRevert(
                    inline=inline,
                    fk=fk,
                    fields=fields,
                    then=then,
                    now=now,
                    elsewhere=elsewhere,
                    untracked=untracked,
                    may_add=inline.has_add_permission(request, stored),
                    may_change=inline.has_change_permission(request, stored),
                    may_delete=inline.can_delete and inline.has_delete_permission(request, stored),
                )
            )
        return tables

    def table_errors(self, request, stored, record, tables=()) -> list[str]:
        """Why rows of ``stored``'s tables (inlines) would break a rule beside ``record``,
        the record as a revert would save it: each row as the revert leaves it (the
        version's, for a table it restores, ``tables``) is checked as its table's form
        checks it (``full_clean`` of the form's fields), its key pointing at ``record``.
        Uniqueness is asked when the rows are written (``restore_tables``)."""
        errors = []
        restored = {(table.model, table.fk.name): table for table in tables}
        for inline, fk, form in self._tables(request, stored):
            # The rows' own keys are not asked again (a query per key and row: they point
            # at what they pointed at), and what their rules read comes with them.
            related = [field.name for field in inline.model._meta.fields if field.many_to_one]
            exclude = [
                field.name
                for field in inline.model._meta.fields
                if field.name not in form.base_fields or field.name in related
            ]
            if (table := restored.get((inline.model, fk.name))) is not None:
                rows = table.planned_rows()
            else:
                rows = inline.model._default_manager.filter(**{fk.name: stored})
                rows = rows.select_related(*(name for name in related if name != fk.name))
            for row in rows:
                setattr(row, fk.name, record)
                try:
                    row.full_clean(exclude=exclude, validate_unique=False, validate_constraints=False)
                except ValidationError as error:
                    errors.append(self._row_refusal(inline, row, error.messages))
        return errors

    @staticmethod
    def _row_refusal(inline, row, reasons) -> str:
        message = _(
            "This version cannot be restored: a row of its %(table)s, “%(row)s”, would break a rule. "
            "%(errors)s Change that row first, or choose another version."
        )
        return message % {"table": inline.verbose_name_plural, "row": row, "errors": " ".join(reasons)}

    def restore_tables(self, request, record, tables, adding_back=None) -> list[table_revert.TableRevert]:
        """Restore the rows of ``tables`` (``revert_tables``) beside the reverted
        ``record``: remove those added since (as their own admin deletes them, with its
        rules), change back those changed, then add back those deleted (``adding_back``:
        with what was deleted with them), each kept in the history by the user. A row that
        would break a rule or a uniqueness, or that others hold on to, refuses the whole
        revert (``ValidationError``: the transaction writes nothing)."""
        by = request.user
        for table in tables:
            self._remove_rows(request, table)
        for table in tables:
            for row, version, _names in table.change:
                table.restored(row, version)
                setattr(row, table.fk.name, record)
                try:
                    row.full_clean()
                except ValidationError as error:
                    raise ValidationError(self._row_refusal(table.inline, row, error.messages)) from error
                row._history_user = by
                row._change_reason = recovery.REVERTED_WITH_RECORD
                try:
                    with transaction.atomic():
                        row.save()
                except IntegrityError as error:  # a value taken by a write that came in between
                    raise ValidationError(self._row_refusal(table.inline, row, [recovery.value_taken()])) from error
        if adding_back is not None:
            adding_back.apply(by=by, reason=recovery.REVERTED_WITH_RECORD)
        setattr(request, REVERTED_TABLES, tables)
        return tables

    def _remove_rows(self, request, table):
        rows = table.remove
        if not rows:
            return
        try:
            row_admin = self.admin_site._registry.get(table.model)
            if row_admin is not None:
                row_admin.delete_queryset(request, table.model._default_manager.filter(pk__in=[row.pk for row in rows]))
                return
            for row in rows:
                row._history_user = request.user
                row.delete()
        except (ProtectedError, RestrictedError) as error:
            held = getattr(error, "protected_objects", None) or error.restricted_objects
            held = sorted({str(record) for record in held})
            message = _(
                "This version cannot be restored: its %(table)s added since cannot be removed, "
                "as other records refer to them: %(records)s."
            )
            raise ValidationError(
                message % {"table": table.name, "records": get_text_list(held, gettext("and"))}
            ) from error

    def not_restored(self, request, record) -> tuple[list[str], list[str]]:
        """What a revert of ``record``, as it is stored, leaves as it is: the names of its
        tables (inlines) that hold stored rows and that it does not restore (read-only
        there, or whose rows' history is not kept), and those of the fields a save keeps
        in its state (``kept_fields``: a draft progress update's date, status and progress
        are restored, a published one's are not)."""
        tables = [
            str(inline.verbose_name_plural)
            for inline, _fk, _form in self._tables(request, record)
            if not self.restores_rows(request, inline, record)
        ]
        opts = self.model._meta
        fields = [str(opts.get_field(name).verbose_name) for name in self.kept_fields(request, record)]
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
        kept, hidden_rows = [], set()
        # Oldest first: a row last saved while hidden shows no "before" value after it.
        for change in reversed(changes):
            # A table's rows are saved just after the record, by the same page.
            index = bisect.bisect_right(dates, change.when) - 1
            if index < 0 or timeline[index][1] not in visible:
                hidden_rows.add(change.object_id)
                continue
            if change.object_id in hidden_rows:
                hidden_rows.discard(change.object_id)
                change.changes = [dataclasses.replace(item, old=audit.EMPTY, removed=()) for item in change.changes]
            kept.append(change)
        return kept[::-1]

    def _version_page_context(self, request, original):
        """What a version's page says of a revert: that the record was deleted (nothing
        to revert), or what a revert restores of its tables and what it leaves as it is
        (before the Revert button)."""
        stored = self.model._default_manager.filter(pk=original.pk).first()
        if stored is None:
            return {"record_deleted": True}
        tables, fields = self.not_restored(request, stored)
        version = getattr(original, SIMPLE_HISTORY_REVERSE_ATTR_NAME)
        reverting = self.revert_tables(request, stored, version)
        return {
            "restored_tables": get_text_list([table.name for table in reverting], gettext("and")),
            "table_changes": table_revert.table_changes(reverting),
            "not_restored_tables": get_text_list(tables, gettext("and")),
            "kept_fields": ", ".join(fields),
        }

    def history_view(self, request, object_id, extra_context=None):
        # An id that is no key of the model (``…/abc/history/``) is a 404, as Django's
        # change page answers it: simple_history filters by it and fails.
        try:
            self.opts.pk.to_python(unquote(object_id))
        except ValidationError:
            raise Http404 from None
        return super().history_view(request, object_id, extra_context)

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
            # Said once saved (response_change) of the record as the revert found it: the
            # save may change its state (a draft update published on the way), and with it
            # what a save would keep.
            setattr(request, NOT_RESTORED, self.not_restored(request, current))
        return self._refusals_as_form_errors(
            request, super().history_form_view, request, object_id, version_id, extra_context
        )

    def _check_version(self, request, object_id, version_id):
        """Refuse a version its user may not read (``permissions.visible_versions``): a
        contributor does not read another jurisdiction's record, nor its draft of a record
        since moved to theirs. Such a version is a 404, as a version that is not one (as
        simple_history answers) and as the change page answers a record one may not see:
        a 403 would confirm that it exists."""
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
            raise Http404

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
        if reverted := getattr(request, REVERTED_TABLES, ()):
            parts.append(
                gettext("Its %(tables)s were restored as they were in that version.")
                % {"tables": get_text_list([table.name for table in reverted], gettext("and"))}
            )
            if kept := [row for table in reverted for row in table.kept]:
                parts.append(
                    gettext("These rows, which you may not add, remove or change there, stayed as they are: %(rows)s.")
                    % {"rows": table_revert.quoted(kept)}
                )
            if moved := [recovery.label(version) for table in reverted for version in table.moved]:
                parts.append(
                    gettext("These rows now belong to another record and stayed there: %(rows)s.")
                    % {"rows": table_revert.quoted(moved)}
                )
        tables, fields = getattr(request, NOT_RESTORED, None) or self.not_restored(request, obj)
        if tables:
            parts.append(
                gettext("The revert left its %(tables)s as they were.")
                % {"tables": get_text_list(tables, gettext("and"))}
            )
        if fields:
            parts.append(
                gettext("The fields kept by the services (%(fields)s) stayed as they were.")
                % {"fields": ", ".join(fields)}
            )
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
            message = [{"changed": {"fields": labels}}] if labels else []
            # And what it did to the rows of its tables, as Django logs a formset's.
            for table in form.reverted or ():
                opts = table.model._meta
                name = str(opts.verbose_name)
                message += [{"deleted": {"name": name, "object": str(row)}} for row in table.remove]
                message += [
                    {
                        "changed": {
                            "name": name,
                            "object": str(row),
                            "fields": [
                                str(capfirst(opts.get_field(field).verbose_name))
                                for field in table_revert.field_names(opts, names)
                            ],
                        }
                    }
                    for row, _version, names in table.change
                ]
                message += [{"added": {"name": name, "object": recovery.label(version)}} for version in table.add_back]
        return message
