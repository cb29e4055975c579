"""Recent changes across every record, for the secretariat's audit page: who, when, which
model and record, and which fields changed, read from django-simple-history's tables.
The History pages (cogwg/admin_history.py) compare and show a record's versions with the
same functions, so both pages list the same fields with the same values.

The histories are merged in the database (one UNION ALL of every historical table, ordered
by date), so that a page costs the same queries whatever the number of changes: the
count, the page's keys, then for each model on the page its versions and the versions
before them, for each of its many-to-many fields the members of those versions and their
labels, and the users."""

import contextlib
import datetime
import decimal
import functools
import itertools
import json
import operator
import unicodedata
from dataclasses import dataclass, field

from django.apps import apps
from django.conf import settings
from django.contrib.admin.sites import NotRegistered
from django.contrib.auth import get_user_model
from django.core.exceptions import ObjectDoesNotExist
from django.core.paginator import Page, Paginator
from django.db.models import CharField, ForeignKey, JSONField, OuterRef, Q, Subquery, Value
from django.template.defaultfilters import filesizeformat
from django.utils import formats, timezone
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _
from modeltranslation.translator import NotRegistered as NotTranslated
from modeltranslation.translator import translator
from simple_history.models import DeletedObject, ModelChange, ModelDelta
from simple_history.template_utils import ObjDiffDisplay
from simple_history.utils import get_m2m_reverse_field_name

from . import dates
from .versioning import history_model

PAGE_SIZE = 50
# The first of these a version holds names its record on the page: a translated field in
# the reader's language, else in the other one (TRANSLATED_LABEL_FIELDS), then the others.
TRANSLATED_LABEL_FIELDS = ("title", "name", "description", "text", "note")
LABEL_FIELDS = ("url", "slug", "title", "name")
CREATED, CHANGED, DELETED = "+", "~", "-"
KIND_LABELS = {CREATED: _("Added"), CHANGED: _("Changed"), DELETED: _("Deleted")}
# What an empty value (NULL, "", no related record, no member) reads as.
EMPTY = "—"
EMPTY_VALUES = (None, "", [], {}, ())
# A value longer than this is shortened around what changed (simple_history's display).
MAX_VALUE_LENGTH = 100


@dataclass(frozen=True)
class FieldChange:
    """One field a version changed, as the reader reads it: its label and its values
    before and after; for a many-to-many field, also the labels of the members it added
    and removed."""

    label: str
    old: str
    new: str
    added: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()

    @property
    def members_changed(self) -> str:
        """The members a many-to-many change added and removed, by label ("" for a field
        of one value)."""
        parts = []
        if self.added:
            parts.append(gettext("added: %(items)s") % {"items": ", ".join(self.added)})
        if self.removed:
            parts.append(gettext("removed: %(items)s") % {"items": ", ".join(self.removed)})
        return "; ".join(parts)


@dataclass
class Change:
    """One saved version of one record."""

    when: datetime.datetime
    kind: str  # CREATED, CHANGED or DELETED
    model: type
    object_id: int
    label: str
    user_id: int | None = None
    user: object = None
    reason: str = ""
    changes: list[FieldChange] = field(default_factory=list)  # the fields it changed, by label
    version: object = None  # the historical record itself
    # Whether it changed anything at all, listed or not (a save that changed nothing, as
    # the one before a many-to-many change, is no change to show).
    changed_anything: bool = True

    @property
    def verbose_name(self):
        return self.model._meta.verbose_name

    @property
    def fields(self) -> list[str]:
        """The labels of the fields that changed."""
        return [item.label for item in self.changes]

    @property
    def values(self) -> list[tuple[str, str, str]]:
        """(label, value before, value after) of each field that changed."""
        return [(item.label, item.old, item.new) for item in self.changes]


def tracked_models() -> list[type]:
    """Every model whose history is kept, by label."""
    models = [model for model in apps.get_models() if hasattr(model._meta, "simple_history_manager_attribute")]
    return sorted(models, key=lambda model: model._meta.label_lower)


_history = history_model


def hidden_fields(model, admin_site) -> set[str]:
    """Fields never listed: the private ones of the model's admin, the untranslated
    columns behind the ``_en``/``_fr`` fields (a copy of one of them), and the time of the
    last save (the version's own date)."""
    hidden = {field.name for field in model._meta.concrete_fields if getattr(field, "auto_now", False)}
    if admin_site is not None:
        with contextlib.suppress(NotRegistered):
            hidden |= set(getattr(admin_site.get_model_admin(model), "history_hidden_fields", ()))
    with contextlib.suppress(NotTranslated):
        hidden |= set(translator.get_options_for_model(model).all_fields)
    return hidden


# Values as the reader reads them


def display_value(model_field, value) -> str:
    """``value`` of ``model_field`` in the reader's language: empty as a dash, a choice by
    its label, yes or no, dates as the language writes them, a related record by its name
    (a deleted one by its id), and big data by its size only."""
    if isinstance(value, DeletedObject):
        return EMPTY if value.pk is None else gettext("deleted (#%(id)s)") % {"id": value.pk}
    if isinstance(value, list | tuple) and not isinstance(model_field, JSONField):
        return ", ".join(str(item) for item in value) or EMPTY  # many-to-many members' labels
    if value in EMPTY_VALUES:
        return EMPTY
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return gettext("Yes") if value else gettext("No")
    if isinstance(model_field, JSONField):
        return _json(value)
    if isinstance(value, datetime.datetime):
        return dates.date_format(timezone.localtime(value) if timezone.is_aware(value) else value, "DATETIME_FORMAT")
    if isinstance(value, datetime.date):
        return dates.date_format(value, "DATE_FORMAT")
    if isinstance(value, int | float | decimal.Decimal):
        return formats.localize(value)
    return str(value)


def _json(value) -> str:
    # A list of words (a dataset's formats) reads as one; anything else (a report's frozen
    # content, harvested metadata) would fill the page: its size says that it changed.
    if isinstance(value, list) and all(isinstance(item, str | int | float) for item in value):
        return ", ".join(str(item) for item in value)
    size = len(json.dumps(value, ensure_ascii=False).encode())
    return gettext("data (%(size)s)") % {"size": filesizeformat(size)}


def label_order(label) -> str:
    """The key that sorts field labels as a reader would: « État » with the E's."""
    return unicodedata.normalize("NFKD", str(label)).encode("ascii", "ignore").decode().casefold()


class ShortDisplay(ObjDiffDisplay):
    """simple_history's shortening of long values around what changed, with an ellipsis
    where it says "[123 chars]" in English."""

    def shortened_str(self, prefix, num_skipped_chars, suffix):
        return f"{prefix}[…]{suffix}"


def field_changes(model, changes, *, hidden=()) -> list[FieldChange]:
    """simple_history's ``ModelChange``s as the reader reads them, by label, leaving out
    the fields in ``hidden`` and a translation left empty (stored as NULL or "")."""
    shown = []
    shorten = ShortDisplay(max_length=MAX_VALUE_LENGTH).common_shorten_repr
    for change in changes:
        if change.field in hidden or (change.old in EMPTY_VALUES and change.new in EMPTY_VALUES):
            continue
        model_field = model._meta.get_field(change.field)
        old, new = shorten(display_value(model_field, change.old), display_value(model_field, change.new))
        added = removed = ()
        if model_field.many_to_many:
            added = tuple(item for item in change.new if item not in change.old)
            removed = tuple(item for item in change.old if item not in change.new)
        shown.append(FieldChange(str(model_field.verbose_name), old, new, added, removed))
    return sorted(shown, key=lambda item: label_order(item.label))


class Comparison:
    """Compares versions of one model on every field its history keeps, those no form
    edits too (a period's closing, a report's freezing, a submission: simple_history's
    ``diff_against`` reads only the editable ones), but the time of the last save. The
    many-to-many members of ``versions`` are read at once: a query per many-to-many
    field, and one for their labels. Related records are read with the versions
    (``_related``)."""

    def __init__(self, model, versions, *, admin_site=None):
        history = _history(model)
        self.model = model
        self.hidden = hidden_fields(model, admin_site)
        self.fields = [
            history._meta.get_field(tracked.name)
            for tracked in history.tracked_fields
            if not getattr(tracked, "auto_now", False) and not tracked.many_to_many
        ]
        self.members = {
            m2m_field.name: _members(history, m2m_field, [version.history_id for version in versions])
            for m2m_field in history._history_m2m_fields
        }

    def delta(self, version, earlier) -> ModelDelta:
        """Every field ``version`` changed since ``earlier``, the private ones too, with
        related records (``DeletedObject`` where there is none) and many-to-many members'
        labels as values."""
        changes = []
        for model_field in self.fields:
            old, new = model_field.value_from_object(earlier), model_field.value_from_object(version)
            # An empty text may be stored as NULL or as "" (a form's save): no change.
            if old == new or (old in EMPTY_VALUES and new in EMPTY_VALUES):
                continue
            if isinstance(model_field, ForeignKey):
                old, new = _related_record(earlier, model_field, old), _related_record(version, model_field, new)
            changes.append(ModelChange(model_field.name, old, new))
        for name, members in self.members.items():
            old, new = members.get(earlier.history_id, ()), members.get(version.history_id, ())
            if old != new:
                changes.append(ModelChange(name, old, new))
        changes.sort(key=lambda change: change.field)
        return ModelDelta(changes, [change.field for change in changes], earlier, version)

    def deltas(self, versions):
        """Each of ``versions`` (of one record, newest first) but the last, with its
        ``delta`` from the next one, the version before it."""
        for version, earlier in itertools.pairwise(versions):
            yield version, self.delta(version, earlier)

    def shown(self, changes) -> list[FieldChange]:
        return field_changes(self.model, changes, hidden=self.hidden)


def _related_record(version, foreign_key, pk):
    # Read with the version; a key to no record (none, or a deleted one) reads as
    # simple_history's DeletedObject, as on its History page.
    with contextlib.suppress(ObjectDoesNotExist):
        if (record := getattr(version, foreign_key.name)) is not None:
            return record
    return DeletedObject(foreign_key.related_model, pk)


def _members(history, m2m_field, history_ids) -> dict[int, tuple[str, ...]]:
    """The labels of the members of ``m2m_field`` in each version, sorted: two queries."""
    rows = getattr(history, m2m_field.name).model._default_manager
    target = rows.model._meta.get_field(get_m2m_reverse_field_name(m2m_field))
    pairs = list(rows.filter(history_id__in=history_ids).values_list("history_id", target.attname))
    related = target.related_model._base_manager.in_bulk({pk for _history_id, pk in pairs})
    members = {}
    for history_id, pk in pairs:
        record = related.get(pk)
        members.setdefault(history_id, []).append(str(record) if record else gettext("deleted (#%(id)s)") % {"id": pk})
    return {history_id: tuple(sorted(labels)) for history_id, labels in members.items()}


def _related(model) -> list[str]:
    """The foreign keys of ``model``'s versions, read with them: a changed one is shown by
    its record's name (``HistoricalQuerySet._select_related_history_tracked_objs``, which
    the historical models' own manager lacks)."""
    return [tracked.name for tracked in _history(model).tracked_fields if isinstance(tracked, ForeignKey)]


# The audit page


def _label_fields() -> list[str]:
    """The fields that may name a version, in the order they are tried: the reader's
    language first, so that /fr/admin/audit/ names records in French."""
    languages = [code for code, _name in settings.LANGUAGES]
    current = get_language() or settings.LANGUAGE_CODE
    current = current.split("-")[0] if current.split("-")[0] in languages else settings.LANGUAGE_CODE
    ordered = [current, *(code for code in languages if code != current)]
    return [f"{name}_{code}" for name in TRANSLATED_LABEL_FIELDS for code in ordered] + list(LABEL_FIELDS)


def version_label(version) -> str:
    for name in _label_fields():
        value = getattr(version, name, None)
        if value:
            return str(value).splitlines()[0][:100]
    return f"#{version.id}"


def _searched(model, search):
    """The versions of ``model`` whose label holds ``search`` (in either language), or
    None if nothing names its versions."""
    names = {item.name for item in _history(model)._meta.fields}
    lookups = [Q(**{f"{name}__icontains": search}) for name in dict.fromkeys(_label_fields()) if name in names]
    if not lookups:
        return None
    return _history(model).objects.filter(functools.reduce(operator.or_, lookups))


def _keys(models, *, kind=None, search=""):
    """(history_id, history_date, model label) of every version of ``models``, newest
    first; of a ``kind`` only (CREATED, CHANGED or DELETED), and whose label holds
    ``search``."""
    querysets = []
    for model in models:
        versions = _searched(model, search) if search else _history(model).objects.all()
        if versions is None:
            continue
        if kind:
            versions = versions.filter(history_type=kind)
        querysets.append(
            versions.annotate(model_label=Value(model._meta.label_lower, output_field=CharField()))
            .values_list("history_id", "history_date", "model_label")
            .order_by()
        )
    if not querysets:
        return []
    first, *others = querysets
    merged = first.union(*others, all=True) if others else first
    return merged.order_by("-history_date", "-history_id")


def _change(model, version) -> Change:
    return Change(
        when=version.history_date,
        kind=version.history_type,
        model=model,
        object_id=version.id,
        label=version_label(version),
        user_id=version.history_user_id,
        reason=version.history_change_reason or "",
        version=version,
    )


def _compare(change: Change, version, earlier, comparison: Comparison):
    """Fills in the fields ``version`` changed since ``earlier``, the version before it."""
    if version.history_type != CHANGED or earlier is None:
        return
    changes = comparison.delta(version, earlier).changes
    change.changed_anything = bool(changes)
    change.changes = comparison.shown(changes)


def _versions(model, history_ids, admin_site) -> dict[int, Change]:
    """The page's versions of ``model`` as changes, with the fields each one changed: the
    versions (each with the id of the version before it), those before, and the
    many-to-many members of both."""
    history = _history(model)
    before = history.objects.filter(id=OuterRef("id"), history_id__lt=OuterRef("history_id")).order_by("-history_id")
    versions = list(
        history.objects.filter(history_id__in=history_ids)
        .annotate(previous_id=Subquery(before.values("history_id")[:1]))
        .select_related(*_related(model))
    )
    previous = history.objects.select_related(*_related(model)).in_bulk(
        [version.previous_id for version in versions if version.previous_id]
    )
    comparison = Comparison(model, [*versions, *previous.values()], admin_site=admin_site)
    changes = {}
    for version in versions:
        change = _change(model, version)
        _compare(change, version, previous.get(version.previous_id), comparison)
        changes[version.history_id] = change
    return changes


def recent_changes(
    *, page_number=1, per_page: int = PAGE_SIZE, admin_site=None, model=None, kind=None, search=""
) -> Page:
    """A page of the changes to every tracked record, newest first; each item a
    ``Change``. Only those of ``model``, of a ``kind`` (CREATED, CHANGED or DELETED), or
    whose record's label holds ``search`` if given. A version that changed nothing (the
    save before a many-to-many change) is left out. ``admin_site`` names the fields its
    admins keep private."""
    models = {tracked._meta.label_lower: tracked for tracked in tracked_models()}
    wanted_models = [model] if model is not None else models.values()
    page = Paginator(_keys(wanted_models, kind=kind, search=search), per_page).get_page(page_number)
    keys = list(page.object_list)
    wanted = {}
    for history_id, _when, label in keys:
        wanted.setdefault(label, []).append(history_id)
    changes = {label: _versions(models[label], ids, admin_site) for label, ids in wanted.items()}
    users = get_user_model().objects.in_bulk(
        {change.user_id for found in changes.values() for change in found.values() if change.user_id is not None}
    )
    items = []
    for history_id, _when, label in keys:
        change = changes[label][history_id]
        if not change.changed_anything:
            continue
        change.user = users.get(change.user_id)
        items.append(change)
    page.object_list = items
    return page


def record_changes(model, *, admin_site=None, **lookups) -> list[Change]:
    """Every kept version of the ``model`` records that match ``lookups`` (read on the
    versions, so a deleted record's are there too), newest first, each with the fields
    it changed and its user: one query, and two per many-to-many field. For the few
    records kept only through another's page (an accomplishment's links), whose versions
    are listed on that page."""
    versions = list(
        _history(model)
        .objects.filter(**lookups)
        .select_related("history_user", *_related(model))
        .order_by("history_date", "history_id")
    )
    comparison = Comparison(model, versions, admin_site=admin_site)
    latest = {}
    changes = []
    for version in versions:
        change = _change(model, version)
        change.user = version.history_user
        _compare(change, version, latest.get(version.id), comparison)
        latest[version.id] = version
        changes.append(change)
    return changes[::-1]
