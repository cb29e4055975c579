"""The rows of a record's tables (inlines) as a revert to one of its versions restores
them (cogwg/admin_history.py): what the revert adds back, removes, changes back and leaves
as it is (``TableRevert``), the write that adds rows back (``adding_back``), and the
sentences that say so, in the reader's language."""

import copy
import dataclasses
import functools

from django.db import models
from django.utils.text import get_text_list
from django.utils.translation import gettext

from . import recovery

# An empty text may be stored as NULL or as "": the same value.
_EMPTY = (None, "")


def _same(old, new) -> bool:
    return old == new or (old in _EMPTY and new in _EMPTY)


@dataclasses.dataclass
class TableRevert:
    """A table (inline) of a record as a revert to one of its versions restores it: its
    rows then (``then``: their versions, by key, ``recovery.rows_at``) against its rows
    now as its user sees them (``now``), the fields a changed row gets back (``fields``,
    its form's: what the table edits), and what its user may do there. A row of then that
    is there now but not in the table (``elsewhere``: moved to another record) stays
    where it is; so does a row of now of which no version is kept (``untracked``: written
    without its history, in bulk), since nothing says it was added since."""

    inline: object
    fk: models.ForeignKey
    fields: list
    then: dict
    now: dict
    elsewhere: set
    untracked: set
    may_add: bool
    may_change: bool
    may_delete: bool

    @property
    def name(self) -> str:
        return str(self.inline.verbose_name_plural)

    @property
    def model(self):
        return self.inline.model

    def _gone(self):
        return [version for pk, version in self.then.items() if pk not in self.now and pk not in self.elsewhere]

    @functools.cached_property
    def add_back(self) -> list:
        """The versions of the rows of then deleted since, that it adds back."""
        return self._gone() if self.may_add else []

    @functools.cached_property
    def moved(self) -> list:
        return [version for pk, version in self.then.items() if pk not in self.now and pk in self.elsewhere]

    def _added(self):
        return [row for pk, row in self.now.items() if pk not in self.then and pk not in self.untracked]

    @functools.cached_property
    def remove(self) -> list:
        """The rows added since, that it removes."""
        return self._added() if self.may_delete else []

    def _changed(self):
        changed = []
        for pk, row in self.now.items():
            version = self.then.get(pk)
            if version is None:
                continue
            names = [name for name in self.fields if not _same(getattr(row, name), getattr(version, name))]
            if names:
                changed.append((row, version, names))
        return changed

    @functools.cached_property
    def change(self) -> list:
        """(row, its version then, the fields it changes) of the rows changed since, that
        it changes back."""
        return self._changed() if self.may_change else []

    @functools.cached_property
    def kept(self) -> list[str]:
        """The rows it would have to add back, remove or change, which its user may not."""
        return [
            *(recovery.label(version) for version in ([] if self.may_add else self._gone())),
            *(str(row) for row in ([] if self.may_delete else self._added())),
            *(str(row) for row, _version, _names in ([] if self.may_change else self._changed())),
        ]

    def restored(self, row, version):
        """``row`` with the fields this table edits as ``version`` has them."""
        for name in self.fields:
            setattr(row, name, getattr(version, name))
        return row

    def planned_rows(self) -> list:
        """The rows of the table once restored: those that stay, as restored, then those
        added back."""
        removed = {row.pk for row in self.remove}
        changed = {row.pk: version for row, version, _names in self.change}
        rows = [
            self.restored(copy.copy(row), changed[pk]) if pk in changed else row
            for pk, row in self.now.items()
            if pk not in removed
        ]
        fields = [field.attname for field in self.model._meta.concrete_fields]
        back = [self.model(**{name: getattr(version, name) for name in fields}) for version in self.add_back]
        # A row added back may point at another (a next step, at the step it is part of):
        # that one is not stored yet, its rules read it as it will be.
        planned = {row.pk: row for row in [*rows, *back]}
        pointers = [field for field in self.model._meta.concrete_fields if field.related_model is self.model]
        for row in back:
            for field in pointers:
                if (target := planned.get(getattr(row, field.attname))) is not None:
                    setattr(row, field.name, target)
        return rows + back


def adding_back(tables):
    """What adding back the rows of ``tables`` deleted since writes (``recovery.Restore``:
    with the rows deleted with them), or None if there are none."""
    asked = []
    for table in tables:
        if back := table.add_back:
            rows = [recovery.Restoring(table.model, version) for version in back]
            deletions = recovery.latest_versions(table.model, [row.pk for row in rows])
            asked += [dataclasses.replace(row, deletion=deletions.get(row.pk)) for row in rows]
    return recovery.Restore(asked) if asked else None


def field_names(opts, attnames) -> list[str]:
    """The names of the fields of ``opts`` whose columns are ``attnames``."""
    by_column = {field.attname: field.name for field in opts.concrete_fields}
    return [by_column[attname] for attname in attnames]


def quoted(labels) -> str:
    """“a”, “b” and “c”, as the page's language quotes and lists them."""
    return get_text_list([gettext("“%(row)s”") % {"row": label} for label in labels], gettext("and"))


def table_changes(tables) -> list[str]:
    """What a revert would do to the rows of ``tables`` (``TableRevert``), a sentence
    each, for its version's page."""
    lines = []
    for table in tables:
        if table.add_back:
            rows = quoted([recovery.label(version) for version in table.add_back])
            lines.append(gettext("In its %(table)s, it adds back %(rows)s.") % {"table": table.name, "rows": rows})
        if table.remove:
            rows = quoted([str(row) for row in table.remove])
            lines.append(gettext("In its %(table)s, it removes %(rows)s.") % {"table": table.name, "rows": rows})
        if table.change:
            rows = quoted([str(row) for row, _version, _names in table.change])
            lines.append(gettext("In its %(table)s, it changes back %(rows)s.") % {"table": table.name, "rows": rows})
        if table.kept:
            lines.append(
                gettext(
                    "In its %(table)s, it leaves %(rows)s as they are: you may not add, remove or change those "
                    "rows there."
                )
                % {"table": table.name, "rows": quoted(table.kept)}
            )
        if table.moved:
            rows = quoted([recovery.label(version) for version in table.moved])
            lines.append(
                gettext("In its %(table)s, it does not add back %(rows)s, which now belong to another record.")
                % {"table": table.name, "rows": rows}
            )
    return lines
