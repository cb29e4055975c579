"""Rows as a data migration found them: rows that break a check constraint a later
migration added (the test database has the models' constraints, not the migrations'
order). ``check_lifted`` lets them be written; ``rows_breaking`` names those that still
break it once the migration has run."""

from contextlib import contextmanager

from django.core.exceptions import ValidationError
from django.db import connection


def _constraint(model, name):
    return next(constraint for constraint in model._meta.constraints if constraint.name == name)


@contextmanager
def check_lifted(model, name):
    """Inside the block, rows may break ``model``'s check constraint ``name``: SQLite
    ignores check constraints meanwhile; PostgreSQL drops it, in the test's transaction,
    which puts it back when it rolls back. Enter it before writing to the table (on
    PostgreSQL, a table is not altered in a transaction with pending writes to it)."""
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA ignore_check_constraints = ON")
        try:
            yield
        finally:
            with connection.cursor() as cursor:
                cursor.execute("PRAGMA ignore_check_constraints = OFF")
    else:
        with connection.schema_editor() as editor:
            editor.remove_constraint(model, _constraint(model, name))
        yield


def rows_breaking(model, name):
    """The keys of ``model``'s rows that break its check constraint ``name``, as the
    database reads its condition (Django's validation asks it)."""
    constraint = _constraint(model, name)
    return [row.pk for row in model._default_manager.order_by("pk") if not _keeps(constraint, model, row)]


def _keeps(constraint, model, row):
    try:
        constraint.validate(model, row)
    except ValidationError:
        return False
    return True
