"""Optimistic concurrency for the admin's change forms: a save never silently overwrites
what someone else saved after the form was opened (a lost update).

A change form carries the version of what it edits as it was read (``_record_version``,
a hidden input of cogwg/templates/admin/change_form.html). Saving reads the version again
inside the save's transaction, the rows locked (``SELECT … FOR UPDATE`` on PostgreSQL),
so that of two saves of one version at the same instant the second waits for the first
and then sees its change. (SQLite, the embedded default, locks no row: every save made
after the form was read is still caught, but two at the very same instant could pass.)

A version that is not the stored one is a form error at the top of the form, in the
reader's language: who changed what and when (django-simple-history), with a link to the
History page that shows it. Nothing is written (neither the record, nor its tables, nor a
history row), the reader's input stays in the form, and the form now carries the version
it was refused against: saving again, once the reader has compared, is a deliberate
choice and goes through.

What the version covers
- The record: its Record-ETag (``cogwg.api.caching.record_validators``), the version the
  API weighs ``If-Match`` against, which follows the record's ``modified_at``. A record
  without a ``modified_at`` (a theme) is versioned by its stored values.
- The stored rows of the form's tables (inlines) that the reader may change or delete: a
  plan's priorities, a priority's seats and milestones, an accomplishment's links, a
  meeting's next steps. The form saves those rows as the reader saw them: a row changed,
  added or deleted by someone else since would be overwritten, or the reader's choices
  (two priorities swapped, a link kept) made on a table that is no longer there. Each row
  counts by its id and ``modified_at`` (by its stored values where it has none: a link),
  read through the table's own queryset, so the rows are those its reader sees. A
  table that is read-only (a report's files, a milestone's progress log) or only adds rows
  (a milestone's "post a progress update") writes no stored row and does not count: the
  version of a form without such tables is the record's Record-ETag, the API's.
- A row's change made through its own page bumps the row's ``modified_at``; a milestone
  moved by a published progress update is a change of the milestone, and of its priority's
  table: the form that shows it is refused rather than guess which fields still hold.
- A version's page of the History (the revert form) writes the record and restores the
  rows of its tables as they were at that version (cogwg/admin_history.py): its version is
  that of the record and of the tables the revert restores, as they are now. Those are the
  tables whose rows its reader may add, change or delete there (a revert adds back the
  rows deleted since) and whose history is kept (``restores_rows``): a row changed, added
  or deleted by someone else since the page was read would be overwritten, and the page
  no longer says what the revert does.

A post without any version (no page of the admin makes one: a script's) is saved as
Django's admin always did, as an API write without ``If-Match`` is; a version that is not
one (tampered, cut short) is a form error, as a stale one is, never a 500."""

import hashlib
import re
from typing import NamedTuple

from django.conf import settings
from django.contrib.admin.utils import quote
from django.core.exceptions import ValidationError
from django.db import router, transaction
from django.db.models import Model, QuerySet
from django.db.models.fields.related import ForeignKey
from django.db.models.query import EmptyQuerySet
from django.forms.models import _get_foreign_key  # what inlineformset_factory finds, as the admin's checks do
from django.urls import NoReverseMatch, reverse
from django.utils import formats, timezone
from django.utils.html import format_html
from django.utils.http import quote_etag
from django.utils.translation import gettext as _
from modeltranslation.translator import NotRegistered as NotTranslated
from modeltranslation.translator import translator
from simple_history.models import SIMPLE_HISTORY_REVERSE_ATTR_NAME

from .api.caching import record_validators
from .dates import date_format
from .services import row_locked
from .versioning import history_model

# The name of the hidden input that carries the version (a name of the admin's own, as
# "_save" is: no model field is named so).
VERSION_FIELD = "_record_version"
# What ``record_version`` gives: an entity tag, as the API's Record-ETag is written.
VERSION_FORMAT = re.compile(r'"[0-9a-f]{32}"')


# Versions


def _has_modified_at(model) -> bool:
    return any(field.attname == "modified_at" for field in model._meta.concrete_fields)


# Columns that change without anyone editing the record, and that no change form writes:
# an account's sign-ins and its password (changed on a page of its own). Counting them
# would refuse an edit of an account whose owner signed in meanwhile.
UNVERSIONED_COLUMNS = {settings.AUTH_USER_MODEL.lower(): frozenset({"last_login", "password"})}


def _value_columns(model) -> list[str]:
    """The columns that hold what a record of ``model`` says: its concrete fields, less the
    untranslated ones behind modeltranslation's ``_en``/``_fr`` (read in the reader's
    language) and the ``UNVERSIONED_COLUMNS``."""
    try:
        untranslated = set(translator.get_options_for_model(model).all_fields)
    except NotTranslated:
        untranslated = set()
    untranslated |= UNVERSIONED_COLUMNS.get(model._meta.label_lower, frozenset())
    return [field.attname for field in model._meta.concrete_fields if field.name not in untranslated]


def _tag(*parts) -> str:
    return quote_etag(hashlib.sha256(repr(parts).encode()).hexdigest()[:32])


def own_version(record: Model) -> str:
    """The version of ``record`` itself: its Record-ETag, which follows its ``modified_at``;
    for a model without one, the hash of its stored values."""
    if _has_modified_at(type(record)):
        return record_validators(record)[0]
    return _tag(record._meta.label, record.pk, [getattr(record, name) for name in _value_columns(type(record))])


class VersionedTable(NamedTuple):
    """A table (inline) of a change form whose stored rows the form may write."""

    inline: object
    fk: ForeignKey  # the rows' key to the record
    rows: QuerySet  # the rows the table shows, of the record

    @property
    def model(self):
        return self.inline.model


def versioned_tables(model_admin, request, record, *, reverting=False) -> list[VersionedTable]:
    """The tables of ``record``'s change form whose stored rows ``request``'s user may
    change or delete, each with its rows (as its formset reads them); ``reverting``: those
    whose rows a revert to a version of ``record`` restores (the model admin's
    ``restores_rows``, cogwg/admin_history.py)."""
    tables = []
    for inline in model_admin.get_inline_instances(request, record):
        if reverting:
            writes_rows = model_admin.restores_rows(request, inline, record)
        else:
            writes_rows = inline.has_change_permission(request, record) or (
                inline.can_delete and inline.has_delete_permission(request, record)
            )
        if not writes_rows:
            continue
        fk = _get_foreign_key(type(record), inline.model, fk_name=inline.fk_name)
        rows = inline.get_queryset(request).filter(**{fk.name: record})
        if not isinstance(rows, EmptyQuerySet):  # a table that only adds rows
            tables.append(VersionedTable(inline, fk, rows))
    return tables


def record_version(record: Model, tables=(), *, lock=False) -> str:
    """The version of ``record`` as its change form shows it: ``own_version`` when no
    table counts, else the hash of it and of every row of ``tables`` (one query a table;
    ``lock``: the rows locked until the transaction ends)."""
    own = own_version(record)
    if not tables:
        return own
    parts = [own]
    for table in tables:
        model = table.model
        columns = ["pk", "modified_at"] if _has_modified_at(model) else _value_columns(model)
        rows = table.rows.order_by("pk")  # locked in one order: two saves never wait on each other
        if lock:
            rows = rows.select_for_update(of=("self",))
        parts.append((model._meta.label, list(rows.values_list(*columns))))
    return _tag(*parts)


def stored_record(record: Model, *, lock: bool):
    """``record`` as stored now (None once deleted), locked until the transaction ends, in
    the lock order of writes (``row_locked``): a milestone after its plan, which posting an
    update under it then locks; a work plan with every plan, which making it active locks."""
    model = type(record)
    stored = model._default_manager.using(router.db_for_write(model)).filter(pk=record.pk)
    return row_locked(stored) if lock else stored.first()


# Who changed it


class LatestChange(NamedTuple):
    version: object  # the historical record
    model: type
    table: VersionedTable | None  # None: a change of the record itself


def _newest(history, **lookups):
    return (
        history.objects.filter(**lookups)
        .select_related("history_user")
        .order_by("-history_date", "-history_id")
        .first()
    )


def latest_change(record, tables) -> LatestChange | None:
    """The newest kept change of ``record`` or of the rows of its ``tables`` (deleted ones
    included): one query for the record and one a table. None for a record whose changes
    are not kept (an account): its table's newest change need not be the one that refused
    the form."""
    if (history := history_model(type(record))) is None:
        return None
    found = []
    version = _newest(history, **{record._meta.pk.attname: record.pk})
    if version is not None:
        found.append(LatestChange(version, type(record), None))
    for table in tables:
        if (history := history_model(table.model)) is None:
            continue
        version = _newest(history, **{table.fk.attname: getattr(record, table.fk.target_field.attname)})
        if version is not None:
            found.append(LatestChange(version, table.model, table))
    return max(found, key=lambda change: (change.version.history_date, change.table is None), default=None)


def _when(moment) -> str:
    local = timezone.localtime(moment)
    return _("%(date)s at %(time)s") % {
        "date": date_format(local, "DATE_FORMAT"),
        "time": formats.time_format(local, "TIME_FORMAT"),
    }


def _what_happened(change: LatestChange | None) -> str:
    if change is None:
        return _("This record was changed after you opened it.")
    version = change.version
    values = {"when": _when(version.history_date), "user": str(version.history_user or "")}
    if change.table is None:
        if version.history_user is None:
            return _("This record was changed on %(when)s, after you opened it.") % values
        return _("%(user)s changed this record on %(when)s, after you opened it.") % values
    values["table"] = str(change.table.inline.verbose_name_plural)
    if version.history_user is None:
        return _("Its %(table)s changed on %(when)s, after you opened it.") % values
    return _("%(user)s changed its %(table)s on %(when)s, after you opened it.") % values


def _admin_history_url(model_admin, record) -> str:
    opts = record._meta
    return reverse(
        f"{model_admin.admin_site.name}:{opts.app_label}_{opts.model_name}_history",
        args=[quote(record.pk)],
        current_app=model_admin.admin_site.name,
    )


def history_url(model_admin, request, record, change: LatestChange | None) -> str | None:
    """The History page that shows ``change``, if its reader may see it: a row's own, when
    the row has one and the record's does not list its table's changes (a priority's
    milestone), else the record's (an accomplishment's link)."""
    related = {model for model, _key in getattr(model_admin, "history_related", ())}
    if change is not None and change.table is not None and change.model not in related:
        row_admin = model_admin.admin_site._registry.get(change.model)
        if row_admin is not None and hasattr(row_admin, "has_view_history_or_change_history_permission"):
            row_id = getattr(change.version, change.model._meta.pk.attname)
            row = row_admin.get_queryset(request).filter(pk=row_id).first()
            if row is not None and row_admin.has_view_history_or_change_history_permission(request, row):
                try:
                    return _admin_history_url(row_admin, row)
                except NoReverseMatch:
                    pass
    # An admin without kept history (the accounts') has no History page to link to.
    may_read = getattr(model_admin, "has_view_history_or_change_history_permission", None)
    if may_read is not None and may_read(request, record):
        return _admin_history_url(model_admin, record)
    return None


def refusal(model_admin, request, record, tables, *, readable: bool):
    """The form error of a save refused because ``record`` (as stored) or its ``tables``
    changed since the form was read, or (``readable`` False) because the form's version is
    not one."""
    change = latest_change(record, tables)
    first = (
        _what_happened(change)
        if readable
        else _("This form cannot be checked against the record as stored: the version it carries is not valid.")
    )
    kept = _(
        "Nothing was saved: your changes are still in the form below. "
        "Save again to apply them to the record as it is now."
    )
    url = history_url(model_admin, request, record, change)
    if url is None:
        message = format_html("{} {}", first, kept)
    else:
        message = format_html('{} {} <a href="{}">{}</a>', first, kept, url, _("See what changed on the History page."))
    return ValidationError(message, code="stale_record" if readable else "invalid_record_version")


# The admin


class OptimisticConcurrencyMixin:
    """A change form refuses to save over a change made since it was read (see the
    module's docstring). Put it before the admin's base class (``TrackedTranslationAdmin``
    does)."""

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        if obj is None or obj.pk is None:
            return form  # adding: nothing stored to overwrite
        # A version's page of the History (reverting) restores the rows of its own tables.
        reverting = getattr(obj, SIMPLE_HISTORY_REVERSE_ATTR_NAME, None) is not None
        model_admin = self

        class VersionCheckedForm(form):
            def clean(self):
                cleaned_data = super().clean()
                model_admin.check_record_version(request, self, obj, reverting=reverting)
                return cleaned_data

        return VersionCheckedForm

    def check_record_version(self, request, form, record, *, reverting=False):
        """Refuse ``form`` (bound to ``record`` as read, or, ``reverting``, a version of it)
        unless the version it carries is the stored one, read again with the rows locked.
        Sets ``form.record_version``, the version the page sends back."""
        posted = form.data.get(VERSION_FIELD)
        if posted is None:
            return  # a post no page of the admin makes (see the module's docstring)
        using = router.db_for_write(type(record))
        # Django's change view runs in a transaction; a lock outside one would end at once.
        lock = transaction.get_connection(using).in_atomic_block
        stored = stored_record(record, lock=lock)
        tables = versioned_tables(self, request, stored, reverting=reverting) if stored is not None else []
        current = record_version(stored, tables, lock=lock) if stored is not None else None
        form.record_version = current
        if posted == current:
            return
        readable = VERSION_FORMAT.fullmatch(posted) is not None
        form.add_error(None, refusal(self, request, stored or record, tables, readable=readable))

    def sent_version(self, request, form, record, *, reverting=False):
        """The version a page sends with ``form``: the one it was refused against or
        checked as, for a posted form; the stored one for a new page (of ``record`` as
        stored, for a version's page: ``reverting``)."""
        if form.is_bound:
            return getattr(form, "record_version", None)
        return record_version(record, versioned_tables(self, request, record, reverting=reverting))

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if change and obj is not None and obj.pk is not None and "adminform" in context:
            context["record_version"] = self.sent_version(request, context["adminform"].form, obj)
        return super().render_change_form(request, context, add, change, form_url, obj)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        # Reverting is a save: read, checked and written in one transaction, as a change is.
        with transaction.atomic(using=router.db_for_write(self.model)):
            return super().history_form_view(request, object_id, version_id, extra_context)

    def render_history_view(self, request, template, context, **kwargs):
        if template == self.object_history_form_template and "adminform" in context:
            form = context["adminform"].form
            current = stored_record(context["original"], lock=False) if not form.is_bound else None
            if form.is_bound or current is not None:
                context["record_version"] = self.sent_version(request, form, current, reverting=True)
        return super().render_history_view(request, template, context, **kwargs)
