"""The kept history in the admin (django-simple-history), for every admin of the tracker
(``TrackedTranslationAdmin`` inherits it): a record's History page, which lists who changed
which fields and when, with the values the audit page gives (cogwg/audit.py), and the
changes of the tables kept only through its page; a version's page and its revert, which
saves the record's own fields only, says what it leaves as it is, and is refused when the
rows of the record's tables would break a rule beside the version; and the versions a
contributor may read (``permissions.visible_versions``)."""

import bisect
import copy
import dataclasses

from django.contrib import messages
from django.contrib.admin.utils import quote, unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.db.models.query import EmptyQuerySet
from django.forms.models import model_to_dict
from django.http import Http404
from django.urls import reverse
from django.utils import translation
from django.utils.html import format_html, format_html_join
from django.utils.text import get_text_list
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.template_utils import HistoricalRecordContextHelper
from simple_history.utils import get_history_model_for_model, get_m2m_reverse_field_name

from . import audit, permissions

# Where a revert's request keeps what the revert leaves as it is (``not_restored``),
# read before it saves.
NOT_RESTORED = "_cogwg_not_restored"


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
            # The rows' own keys are not asked again (a query per key and row: they point
            # at what they pointed at), and what their rules read comes with them.
            related = [field.name for field in inline.model._meta.fields if field.many_to_one]
            exclude = [
                field.name
                for field in inline.model._meta.fields
                if field.name not in formset.form.base_fields or field.name in related
            ]
            rows = inline.model._default_manager.filter(**{formset.fk.name: stored})
            for row in rows.select_related(*(name for name in related if name != formset.fk.name)):
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
        """What a revert of ``record``, as it is stored, leaves as it is: the names of its
        tables (inlines) that hold stored rows, and those of the fields a save keeps in
        its state (``kept_fields``: a draft progress update's date, status and progress
        are restored, a published one's are not)."""
        tables = [
            str(inline.verbose_name_plural)
            for inline in self.get_inline_instances(request, record)
            if not isinstance(inline.get_queryset(request), EmptyQuerySet)  # a table that only adds rows
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

    def _version_page_context(self, request, version):
        """What a version's page says of a revert: that the record was deleted (nothing
        to revert), or what a revert leaves as it is (before the Revert button)."""
        stored = self.model._default_manager.filter(pk=version.pk).first()
        if stored is None:
            return {"record_deleted": True}
        tables, fields = self.not_restored(request, stored)
        return {"not_restored_tables": get_text_list(tables, gettext("and")), "kept_fields": ", ".join(fields)}

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
        return [{"changed": {"fields": labels}}] if labels else []
