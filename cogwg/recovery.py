"""Records brought back from their kept history (django-simple-history), each write kept
in the history in turn (who, when, why), all of one restore in one transaction:

- the rows of a record's tables as they stood at one of its versions (``rows_at``), which
  the History's revert restores with the record (cogwg/admin_history.py);
- a deleted record as it was just before its deletion (``deleted_versions``,
  ``record_restore``), with its many-to-many links and the rows deleted with it, for the
  secretariat's "Recover deleted records" pages (cogwg/admin_recover.py).

A record comes back under its own key when that key is free, under a new one otherwise,
the rows restored with it following it. It is refused, with the reason, when a record it
points at is deleted itself (``RestoreRefused.deleted`` names it, to restore first), or
when it would break a rule of its model as it stands now (a unique value since taken). A
work plan is stored by its service, as a form stores it (``workplan.services.work_plan_save``:
at most one plan is active): a plan that was active comes back active, which closes the
active plan that starts before it (``Restore.plans_closed`` says so beforehand, the
closing kept in that plan's history with ``CLOSED_FOR_RESTORED``), and is refused while
one that starts on or after it is active.

The reads cost the same queries whatever the number of versions and rows (the pages show
them); the writes save row by row, as a change form does, so that each is kept."""

import dataclasses
import datetime
import functools
import operator

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models import Exists, OuterRef, Q
from django.utils.text import get_text_list
from django.utils.translation import gettext, gettext_noop
from simple_history.utils import get_m2m_reverse_field_name, update_change_reason

from workplan.choices import WorkPlanStatus
from workplan.models import WorkPlan, one_active_plan_error
from workplan.services import work_plan_save

from . import audit
from .versioning import history_model

DELETED = audit.DELETED
# The reasons of the versions a restore writes: stored in English, shown in the reader's
# language by the History and audit pages.
RESTORED = gettext_noop("Restored after its deletion")
REVERTED_WITH_RECORD = gettext_noop("Reverted with the record it belongs to")
CLOSED_FOR_RESTORED = gettext_noop("Closed when a later plan was restored as the active plan")
# Rows deleted with a record (Django's cascade) are deleted just before it, by the same
# call: a deletion of theirs this long before the record's was one of their own (on their
# own page, or in another request), which restoring the record does not undo.
DELETED_WITH_WITHIN = datetime.timedelta(seconds=10)


def value_taken() -> str:
    """Why a write was refused by the database's uniqueness (a record written since)."""
    return gettext("One of its values is now another record's.")


class RestoreRefused(ValidationError):
    """Why a restore cannot be done, in the reader's language. ``deleted`` holds the
    deletion versions of the records it needs that are deleted themselves (a milestone's
    priority): restoring them first may let it through."""

    def __init__(self, messages, *, deleted=()):
        super().__init__(messages)
        self.deleted = list(deleted)


# A version's record named as the audit page names it (no query).
label = audit.version_label


def _pk(model) -> str:
    return model._meta.pk.attname


def _after(ref) -> Q:
    """The versions after the one whose fields ``ref(name)`` gives: by date, then by id."""
    return Q(history_date__gt=ref("history_date")) | Q(
        history_date=ref("history_date"), history_id__gt=ref("history_id")
    )


def _latest(versions, model, *, before=None):
    """Those of ``versions`` (of ``model``'s records) that no later version of their
    record follows (among those dated before ``before``)."""
    history = history_model(model)
    later = history._default_manager.filter(_after(OuterRef), **{_pk(model): OuterRef(_pk(model))})
    if before is not None:
        later = later.filter(history_date__lt=before)
    return versions.filter(~Exists(later))


# What history holds


def rows_at(model, fk, parent_pk, *, before=None) -> dict:
    """The rows of ``model`` whose key ``fk`` named the record ``parent_pk`` just before
    ``before`` (None: as their latest versions have them), each as its version then, by
    its key. One query."""
    history, pk = history_model(model), _pk(model)
    ever = history._default_manager.filter(**{fk.attname: parent_pk}).values(pk)
    versions = history._default_manager.filter(**{f"{pk}__in": ever})
    if before is not None:
        versions = versions.filter(history_date__lt=before)
    return {
        getattr(version, pk): version
        for version in _latest(versions, model, before=before).order_by(pk)
        if version.history_type != DELETED and getattr(version, fk.attname) == parent_pk
    }


def with_history(model, pks) -> set:
    """Those of ``pks`` whose records of ``model`` have any version kept. One query."""
    history = history_model(model)
    kept = history._default_manager.filter(**{f"{_pk(model)}__in": list(pks)})
    return set(kept.values_list(_pk(model), flat=True).distinct())


def latest_versions(model, pks) -> dict:
    """The latest version of each record of ``model`` among ``pks``, by key. One query."""
    history = history_model(model)
    versions = history._default_manager.filter(**{f"{_pk(model)}__in": list(pks)})
    return {getattr(version, _pk(model)): version for version in _latest(versions, model)}


def deleted_versions(model, *, search: str = ""):
    """The deletion versions of the records of ``model`` that are deleted now (those whose
    latest version is their deletion: its key may have been given to another record since),
    newest first, with who deleted them; of those whose name holds ``search`` (in either
    language, or their number) if given."""
    history = history_model(model)
    versions = history._default_manager.filter(history_type=DELETED)
    if search := search.strip():
        versions = versions.filter(_searched(history, search))
    return _latest(versions, model).select_related("history_user").order_by("-history_date", "-history_id")


def _searched(history, search) -> Q:
    names = {field.name for field in history._meta.fields}
    languages = [code for code, _name in settings.LANGUAGES]
    fields = [f"{name}_{code}" for name in audit.TRANSLATED_LABEL_FIELDS for code in languages]
    lookups = [Q(**{f"{name}__icontains": search}) for name in [*fields, *audit.LABEL_FIELDS] if name in names]
    number = search.removeprefix("#")
    if number.isascii() and number.isdigit() and len(number) < 19:  # within the database's integers
        lookups.append(Q(**{history.instance_type._meta.pk.attname: int(number)}))
    return functools.reduce(operator.or_, lookups, Q(pk__in=[]))


def members_version(version):
    """The version whose many-to-many members are those of the record ``version`` keeps:
    itself, or for a deletion (whose members Django removed first) the one before it."""
    if version.history_type != DELETED or not version._history_m2m_fields:
        return version
    model = version.instance_type
    history = history_model(model)
    earlier = history._default_manager.filter(**{_pk(model): getattr(version, _pk(model))}).exclude(
        history_type=DELETED
    )
    earlier = earlier.filter(
        Q(history_date__lt=version.history_date)
        | Q(history_date=version.history_date, history_id__lt=version.history_id)
    )
    return earlier.order_by("-history_date", "-history_id").first()


def members(version) -> dict:
    """The members of each many-to-many field the history keeps of ``version``'s record
    (``members_version``), by field: their keys."""
    holder = members_version(version)
    if holder is None:
        return {}
    return {
        field.name: list(getattr(holder, field.name).values_list(get_m2m_reverse_field_name(field), flat=True))
        for field in holder._history_m2m_fields
    }


# Restoring


@dataclasses.dataclass
class Restoring:
    """A record to bring back: with the values of ``version``; ``deletion`` is its
    deletion version (what was deleted with it is found from it), None if none is
    known."""

    model: type
    version: object
    deletion: object = None

    @property
    def pk(self):
        return getattr(self.version, _pk(self.model))

    @property
    def key(self):
        return (self.model, self.pk)

    @property
    def label(self) -> str:
        return label(self.version)


@dataclasses.dataclass
class Missing:
    """A record that ``item`` points at (its ``field``) and that is not there: deleted
    (``deletion``, its deletion version), or gone without a trace (None)."""

    item: Restoring
    field: models.ForeignKey
    pk: object
    deletion: object = None


@dataclasses.dataclass
class Restored:
    """What a restore wrote: each record restored by the key it had, the keys that were
    taken (restored under a new one), the many-to-many members that are gone, and the
    work plans it closed (an active plan restored closes the one before it)."""

    records: dict
    new_keys: dict
    gone_members: list
    closed_plans: list = dataclasses.field(default_factory=list)


def _cascaded(model):
    """(table, its key to ``model``) of each table whose rows Django deletes with a record
    of ``model`` and whose history is kept."""
    for relation in model._meta.related_objects:
        cascades = (relation.one_to_many or relation.one_to_one) and relation.on_delete is models.CASCADE
        if cascades and history_model(relation.related_model) is not None:
            yield relation.related_model, relation.field


def _foreign_keys(model):
    return [field for field in model._meta.concrete_fields if field.many_to_one or field.one_to_one]


class Restore:
    """What bringing back ``asked`` would write: those records, then (``with_rows``) the
    rows deleted with them, and theirs. Reading it costs a query per table of what comes
    back and per table it points at, whatever their number of rows."""

    def __init__(self, asked, *, with_rows=True):
        self.asked = list(asked)
        self.rows = self._deleted_with(self.asked) if with_rows else []
        self.items = [*self.asked, *self.rows]
        self.taken = self._taken()
        self.missing = self._missing()

    @staticmethod
    def _deleted_with(parents):
        found, seen, level = [], {item.key for item in parents}, list(parents)
        while level:
            below = []
            for model in dict.fromkeys(item.model for item in level):
                deletions = [item.deletion for item in level if item.model is model and item.deletion is not None]
                for child, fk in _cascaded(model):
                    for version in _deleted_rows(child, fk, deletions):
                        item = Restoring(child, version, version)
                        if item.key not in seen:
                            seen.add(item.key)
                            below.append(item)
            found += below
            level = below
        return found

    def _taken(self) -> set:
        taken = set()
        for model in dict.fromkeys(item.model for item in self.items):
            pks = [item.pk for item in self.items if item.model is model]
            taken |= {(model, pk) for pk in model._base_manager.filter(pk__in=pks).values_list("pk", flat=True)}
        return taken

    def _missing(self) -> list[Missing]:
        coming = {item.key for item in self.items}
        wanted = {}  # (table, column pointed at): [(item, key, value)]
        for item in self.items:
            for field in _foreign_keys(item.model):
                value = getattr(item.version, field.attname)
                if value is not None and (field.related_model, value) not in coming:
                    wanted.setdefault((field.related_model, field.target_field.attname), []).append(
                        (item, field, value)
                    )
        missing = []
        for (target, column), pointers in wanted.items():
            values = {value for _item, _field, value in pointers}
            there = set(target._base_manager.filter(**{f"{column}__in": values}).values_list(column, flat=True))
            gone = [(item, field, value) for item, field, value in pointers if value not in there]
            if not gone:
                continue
            deletions = {}
            if history_model(target) is not None and column == _pk(target):
                found = deleted_versions(target).filter(**{f"{column}__in": {value for _i, _f, value in gone}})
                deletions = {getattr(version, column): version for version in found}
            missing += [Missing(item, field, value, deletions.get(value)) for item, field, value in gone]
        return missing

    @functools.cached_property
    def _active_plan(self) -> Restoring | None:
        """The work plan it brings back active, as it was (None if none): stored by
        ``work_plan_save``, which closes the active plan before it or refuses it."""
        plans = (item for item in self.items if item.model is WorkPlan)
        return next((item for item in plans if item.version.status == WorkPlanStatus.ACTIVE), None)

    @functools.cached_property
    def _newer_active_plan(self) -> WorkPlan | None:
        """The active plan that keeps the plan it brings back active from being so."""
        if self._active_plan is None:
            return None
        return WorkPlan(start_date=self._active_plan.version.start_date).newer_active_plan()

    def plans_closed(self) -> list[WorkPlan]:
        """The active plans it would close (one at most: the database holds to it): those
        before the plan it brings back active. None while that plan is refused
        (``refusal``)."""
        if self._active_plan is None or self._newer_active_plan is not None:
            return []
        return list(WorkPlan.objects.active().order_by("start_date", "pk"))

    def refusal(self) -> RestoreRefused | None:
        """Why it cannot be done as it stands: records it points at that are deleted, or
        an active plan that keeps the plan it brings back active from being so (said as
        the plan's form says it)."""
        messages = []
        if (newer := self._newer_active_plan) is not None:
            messages.append(
                gettext("The %(model)s “%(record)s” cannot be restored as it was: %(errors)s")
                % {
                    "model": WorkPlan._meta.verbose_name,
                    "record": self._active_plan.label,
                    "errors": " ".join(one_active_plan_error(newer).messages),
                }
            )
        if not self.missing and not messages:
            return None
        for missing in self.missing:
            values = {
                "record": missing.item.label,
                "model": missing.item.model._meta.verbose_name,
                "field": missing.field.verbose_name,
                "target": label(missing.deletion) if missing.deletion is not None else f"#{missing.pk}",
            }
            if missing.deletion is not None:
                message = gettext(
                    "The %(model)s “%(record)s” cannot be restored: its %(field)s, “%(target)s”, is deleted. "
                    "Restore it first."
                )
            else:
                message = gettext(
                    "The %(model)s “%(record)s” cannot be restored: its %(field)s (%(target)s) no longer exists."
                )
            messages.append(message % values)
        deleted = {
            (missing.field.related_model, missing.pk): missing.deletion
            for missing in self.missing
            if missing.deletion is not None
        }
        return RestoreRefused(list(dict.fromkeys(messages)), deleted=deleted.values())

    def _ordered(self):
        """The items, each after the items it points at."""
        keys = {item.key for item in self.items}

        def needs(item):
            pointed = {
                (field.related_model, getattr(item.version, field.attname)) for field in _foreign_keys(item.model)
            }
            return (pointed & keys) - {item.key}

        pending, placed, ordered = list(self.items), set(), []
        while pending:
            # A cycle (none in this schema) is written as it comes: the database then says what breaks.
            ready = [item for item in pending if needs(item) <= placed] or pending[:1]
            for item in ready:
                pending.remove(item)
                placed.add(item.key)
                ordered.append(item)
        return ordered

    def apply(self, *, by, reason) -> Restored:
        """Write it: each record with its values, under its own key if free, its
        many-to-many members still there, each save kept in the history by ``by`` for
        ``reason``. Raises ``RestoreRefused`` (the caller's transaction then writes
        nothing) when a record it points at is missing, or a record would break a rule."""
        if (refusal := self.refusal()) is not None:
            raise refusal
        new_keys, records, gone, closed = {}, {}, [], []
        for item in self._ordered():
            record = item.model(
                **{field.attname: getattr(item.version, field.attname) for field in item.model._meta.concrete_fields}
            )
            for field in _foreign_keys(item.model):
                value = getattr(record, field.attname)
                if (field.related_model, value) in new_keys:
                    setattr(record, field.attname, new_keys[(field.related_model, value)])
            if item.key in self.taken:
                record.pk = None
            try:
                record.full_clean()
            except ValidationError as error:
                raise RestoreRefused(
                    gettext("The %(model)s “%(record)s” cannot be restored as it was: %(errors)s")
                    % {
                        "model": item.model._meta.verbose_name,
                        "record": item.label,
                        "errors": " ".join(error.messages),
                    }
                ) from error
            record._history_user = by
            record._change_reason = reason
            try:
                with transaction.atomic():
                    closed += _save(record, by=by)
            except ValidationError as error:  # the rule of a service, checked under its lock
                raise RestoreRefused(
                    gettext("The %(model)s “%(record)s” cannot be restored as it was: %(errors)s")
                    % {"model": item.model._meta.verbose_name, "record": item.label, "errors": " ".join(error.messages)}
                ) from error
            except IntegrityError as error:  # a value taken by a write that came in between
                raise RestoreRefused(
                    gettext("The %(model)s “%(record)s” cannot be restored as it was: %(errors)s")
                    % {"model": item.model._meta.verbose_name, "record": item.label, "errors": value_taken()}
                ) from error
            if item.key in self.taken:
                new_keys[item.key] = record.pk
            records[item.key] = record
            gone += _restore_members(record, item.version)
        return Restored(records=records, new_keys=new_keys, gone_members=gone, closed_plans=closed)


def _save(record, *, by) -> list[WorkPlan]:
    """Insert ``record`` (never over a record given its key since); returns the work plans
    it closed. A work plan is stored by its service, as a form stores it: an active one
    closes the active plan before it, and is refused (ValidationError) while a plan that
    starts on or after it is active (``work_plan_save``): at most one plan is active. The
    plan it closes keeps why in its history (by ``by``, as the service saved it)."""
    if not isinstance(record, WorkPlan):
        record.save(force_insert=True)
        return []
    closed = work_plan_save(work_plan=record, by=by, force_insert=True)
    for plan in closed:
        update_change_reason(plan, CLOSED_FOR_RESTORED)
    return closed


def _deleted_rows(model, fk, deletions):
    """The deletion versions of the rows of ``model`` (its key ``fk``) deleted with the
    records whose deletion versions are ``deletions`` (``DELETED_WITH_WITHIN``), still
    deleted. One query."""
    if not deletions:
        return []
    parents = {getattr(deletion, fk.target_field.attname): deletion for deletion in deletions}
    dates = [deletion.history_date for deletion in deletions]
    versions = history_model(model)._default_manager.filter(
        history_type=DELETED,
        history_date__gte=min(dates) - DELETED_WITH_WITHIN,
        history_date__lte=max(dates),
        **{f"{fk.attname}__in": list(parents)},
    )
    found = []
    for version in _latest(versions, model).order_by(_pk(model)):
        parent = parents[getattr(version, fk.attname)]
        if parent.history_date - DELETED_WITH_WITHIN <= version.history_date <= parent.history_date:
            found.append(version)
    return found


def _restore_members(record, version) -> list[tuple[str, list]]:
    """Give ``record`` the many-to-many members ``version`` kept that are still there;
    returns (field label, keys) of those that are gone."""
    gone = []
    for name, pks in members(version).items():
        field = type(record)._meta.get_field(name)
        there = list(field.related_model._base_manager.filter(pk__in=pks).values_list("pk", flat=True))
        if there:
            getattr(record, name).set(there)
        if missing := [pk for pk in pks if pk not in set(there)]:
            gone.append((str(field.verbose_name), missing))
    return gone


# The service


@transaction.atomic
def record_restore(*, model, deletion, by) -> Restored:
    """Bring back the record of ``model`` whose deletion version is ``deletion``, as it
    was just before, with its many-to-many members and the rows deleted with it, each
    version kept as ``RESTORED`` by ``by``. Raises ``RestoreRefused`` when it is no longer
    deleted (restored meanwhile), or cannot be restored; nothing is written then."""
    history = history_model(model)
    # Two restores of one deletion at once: the second waits here, then finds it restored.
    locked = history._default_manager.select_for_update().filter(history_id=deletion.history_id)
    list(locked.values_list("history_id", flat=True))
    if not _latest(locked.filter(history_type=DELETED), model).exists():
        raise RestoreRefused(gettext("This record is no longer deleted: it was restored meanwhile."))
    return Restore([Restoring(model, deletion, deletion)]).apply(by=by, reason=RESTORED)


def gone_members_text(gone) -> str:
    """The members a restore could not give back, named by their field: "themes (#3, #4)"."""
    return get_text_list(
        [f"{name} ({', '.join(f'#{pk}' for pk in pks)})" for name, pks in gone],
        gettext("and"),
    )
