"""Recent changes across every record, for the secretariat's audit page: who, when, which
model and record, and which fields changed, read from django-simple-history's tables.

The histories are merged in the database (one UNION ALL of every historical table, ordered
by date), so that a page costs the same queries whatever the number of changes: the
count, the page's keys, then for each model on the page its versions and the versions
before them, and the users."""

import contextlib
import datetime
from dataclasses import dataclass, field

from django.apps import apps
from django.conf import settings
from django.contrib.admin.sites import NotRegistered
from django.contrib.auth import get_user_model
from django.core.paginator import Page, Paginator
from django.db.models import CharField, OuterRef, Subquery, Value
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from modeltranslation.translator import NotRegistered as NotTranslated
from modeltranslation.translator import translator

from .versioning import history_model

PAGE_SIZE = 50
# The first of these a version holds names its record on the page: a translated field in
# the reader's language, else in the other one (TRANSLATED_LABEL_FIELDS), then the others.
TRANSLATED_LABEL_FIELDS = ("title", "name", "description", "text", "note")
LABEL_FIELDS = ("url", "slug", "title", "name")
CREATED, CHANGED, DELETED = "+", "~", "-"
KIND_LABELS = {CREATED: _("Added"), CHANGED: _("Changed"), DELETED: _("Deleted")}


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
    fields: list[str] = field(default_factory=list)  # the labels of the fields that changed
    # (label, old value, new value) of each field that changed
    values: list[tuple[str, object, object]] = field(default_factory=list)
    version: object = None  # the historical record itself

    @property
    def verbose_name(self):
        return self.model._meta.verbose_name


def tracked_models() -> list[type]:
    """Every model whose history is kept, by label."""
    models = [model for model in apps.get_models() if hasattr(model._meta, "simple_history_manager_attribute")]
    return sorted(models, key=lambda model: model._meta.label_lower)


_history = history_model


def _keys(models):
    """(history_id, history_date, model label) of every version of ``models``, newest first."""
    querysets = [
        _history(model)
        .objects.annotate(model_label=Value(model._meta.label_lower, output_field=CharField()))
        .values_list("history_id", "history_date", "model_label")
        .order_by()
        for model in models
    ]
    first, *others = querysets
    return first.union(*others, all=True).order_by("-history_date", "-history_id")


def _hidden_fields(model, admin_site) -> set[str]:
    """Fields never listed: the many-to-many ones (read per record), the private ones of
    the model's admin, and the untranslated columns behind the ``_en``/``_fr`` fields."""
    hidden = {field.name for field in model._meta.many_to_many}
    if admin_site is not None:
        with contextlib.suppress(NotRegistered):
            hidden |= set(getattr(admin_site.get_model_admin(model), "history_hidden_fields", ()))
    with contextlib.suppress(NotTranslated):
        hidden |= set(translator.get_options_for_model(model).all_fields)
    return hidden


def _label_fields() -> list[str]:
    """The fields that may name a version, in the order they are tried: the reader's
    language first, so that /fr/admin/audit/ names records in French."""
    languages = [code for code, _name in settings.LANGUAGES]
    current = get_language() or settings.LANGUAGE_CODE
    current = current.split("-")[0] if current.split("-")[0] in languages else settings.LANGUAGE_CODE
    ordered = [current, *(code for code in languages if code != current)]
    return [f"{name}_{code}" for name in TRANSLATED_LABEL_FIELDS for code in ordered] + list(LABEL_FIELDS)


def _label(version) -> str:
    for name in _label_fields():
        value = getattr(version, name, None)
        if value:
            return str(value).splitlines()[0][:100]
    return f"#{version.id}"


def _change(model, version) -> Change:
    return Change(
        when=version.history_date,
        kind=version.history_type,
        model=model,
        object_id=version.id,
        label=_label(version),
        user_id=version.history_user_id,
        reason=version.history_change_reason or "",
        version=version,
    )


def _compare(change: Change, version, earlier, hidden):
    """Fills in the fields ``version`` changed since ``earlier``, the version before it."""
    if version.history_type != CHANGED or earlier is None:
        return
    delta = version.diff_against(earlier, excluded_fields=hidden)
    values = [
        (str(change.model._meta.get_field(item.field).verbose_name), item.old, item.new)
        for item in delta.changes
        # An empty translation may be stored as NULL or as "": no change.
        if not (item.old in (None, "") and item.new in (None, ""))
    ]
    change.values = sorted(values, key=lambda value: value[0])
    change.fields = [label for label, _old, _new in change.values]


def _versions(model, history_ids, admin_site) -> dict[int, Change]:
    """The page's versions of ``model`` as changes, with the fields each one changed: two
    queries, the versions (each with the id of the version before it) and those before."""
    history = _history(model)
    before = history.objects.filter(id=OuterRef("id"), history_id__lt=OuterRef("history_id")).order_by("-history_id")
    versions = list(
        history.objects.filter(history_id__in=history_ids).annotate(
            previous_id=Subquery(before.values("history_id")[:1])
        )
    )
    previous = history.objects.in_bulk([version.previous_id for version in versions if version.previous_id])
    hidden = _hidden_fields(model, admin_site)
    changes = {}
    for version in versions:
        change = _change(model, version)
        _compare(change, version, previous.get(version.previous_id), hidden)
        changes[version.history_id] = change
    return changes


def recent_changes(*, page_number=1, per_page: int = PAGE_SIZE, admin_site=None) -> Page:
    """A page of the changes to every tracked record, newest first; each item a
    ``Change``. ``admin_site`` names the fields its admins keep private."""
    models = {model._meta.label_lower: model for model in tracked_models()}
    page = Paginator(_keys(models.values()), per_page).get_page(page_number)
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
        change.user = users.get(change.user_id)
        items.append(change)
    page.object_list = items
    return page


def record_changes(model, *, admin_site=None, **lookups) -> list[Change]:
    """Every kept version of the ``model`` records that match ``lookups`` (read on the
    versions, so a deleted record's are there too), newest first, each with the fields
    it changed and its user: one query. For the few records kept only through another's
    page (an accomplishment's links), whose versions are listed on that page."""
    hidden = _hidden_fields(model, admin_site)
    versions = _history(model).objects.filter(**lookups).select_related("history_user")
    latest = {}
    changes = []
    for version in versions.order_by("history_date", "history_id"):
        change = _change(model, version)
        change.user = version.history_user
        _compare(change, version, latest.get(version.id), hidden)
        latest[version.id] = version
        changes.append(change)
    return changes[::-1]
