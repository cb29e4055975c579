"""The data version: one value that changes whenever a record the site shows changes, read
from the cache in the time of a key lookup. Page and API validators (ETag, Last-Modified)
and the page cache are keyed on it, so a conditional GET is answered without a query of
the data.

How it stays right:
- Every write of a model of the site's apps (save, delete, many-to-many change) starts a
  new *generation* (a random token and the time), at once and again when its transaction
  commits: a reader who computed the version between the two keeps it under the first
  token only, which nobody reads after the commit.
- The version of a generation is computed once (one query: the row count and latest
  change of every table of those apps) and kept in the cache with its generation; it is
  used only while that generation is the current one. Writes that send no signal
  (``QuerySet.update``, ``bulk_create``, SQL by hand) call ``data_changed()`` themselves;
  for anything else the computed version expires after ``VERSION_TTL`` seconds and is
  computed again from the tables.
- Without the cache (Redis down, or a cache that keeps nothing) every request computes the
  version from the tables: slower, never wrong.
- The version also hashes the release's code and templates (``code_version``): a deploy
  changes it though no record changed.
"""

import datetime
import functools
import hashlib
import secrets
import time
from pathlib import Path
from typing import NamedTuple

from django.apps import apps
from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.utils import timezone

# The apps whose records the site shows (their historical models excepted).
TRACKED_APPS = ("cogwg", "workplan", "jurisdictions", "stories")
GENERATION_KEY = "cogwg:data-generation"
# Per release: processes of two releases side by side (a rolling deploy) keep their own.
VERSION_KEY = "cogwg:data-version:{release}"
# How long a computed version is trusted against writes that bypass signals.
VERSION_TTL = 60
# What a page is made of besides the data.
CODE_SUFFIXES = {".py", ".html", ".txt", ".css", ".js", ".svg", ".mo"}


class DataVersion(NamedTuple):
    tag: str
    # The latest change known, as a timestamp: the newest modified_at of the tables, the
    # newest entry of their edit history (where a deletion leaves its date: the record's
    # modified_at is gone with it), or the last generation's start. It never goes back.
    last_modified: float


def tracked_models():
    for label in TRACKED_APPS:
        for model in apps.get_app_config(label).get_models(include_auto_created=True):
            if not model.__name__.startswith("Historical"):
                yield model


def data_changed(**_signal_kwargs):
    """Receiver of every tracked model's writes, and the call of any write that sends no
    signal: the data version changes now and again when the transaction commits."""
    start_generation()
    connection = transaction.get_connection()
    pending = connection.run_on_commit if connection.in_atomic_block else []
    if not any(callback is start_generation for _savepoints, callback, _robust in pending):
        transaction.on_commit(start_generation)


def version_keys() -> list[str]:
    """The cache keys ``data_version()`` reads: the generation, and the version last
    computed in this release (with the generation it was computed in)."""
    return [GENERATION_KEY, VERSION_KEY.format(release=code_version())]


def data_version(stored: dict | None = None) -> DataVersion:
    """The current data version: one cache round trip, or one query.

    ``stored`` is what the cache held under ``version_keys()`` when the caller has just
    read it in a round trip of its own (the API's throttle does, with its count)."""
    generation_key, version_key = version_keys()
    if stored is None:
        stored = cache.get_many([generation_key, version_key])
    generation = stored.get(GENERATION_KEY)
    if generation is None:
        cache.add(GENERATION_KEY, _generation_value(started=0.0), timeout=None)
        generation = cache.get(GENERATION_KEY)
    if generation is None:  # no cache to keep it in
        return _version_of_tables("")
    computed = stored.get(version_key)
    if computed is not None and computed[0] == generation:
        return DataVersion(*computed[1:])
    version = _version_of_tables(generation)
    # Kept as plain values: read on every request, they unpickle ten times as fast as a class.
    cache.set(version_key, (generation, *version), VERSION_TTL)
    return version


# (start, end, date) of the day today() last saw, in this process.
_day = (0.0, 0.0, datetime.date.min)


def today() -> tuple[datetime.date, float]:
    """Today in the site's time zone (``TIME_ZONE``) and the timestamp of its midnight.

    Validators hash the day (overdue flags and "as of today" change at midnight, though no
    record does) on every request: this process keeps the day's bounds and only compares
    the clock with them (``timezone.localdate()`` converts the time each call)."""
    global _day
    now = time.time()
    start, end, day = _day
    if not start <= now < end:
        zone = timezone.get_default_timezone()
        day = timezone.localdate(datetime.datetime.fromtimestamp(now, datetime.UTC), zone)
        start = datetime.datetime.combine(day, datetime.time.min, zone).timestamp()
        end = datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time.min, zone).timestamp()
        _day = (start, end, day)
    return day, start


def connect_receivers():
    for model in tracked_models():
        if model._meta.auto_created:
            continue
        post_save.connect(data_changed, sender=model, dispatch_uid=f"data_changed_save_{model._meta.label}")
        post_delete.connect(data_changed, sender=model, dispatch_uid=f"data_changed_delete_{model._meta.label}")
        for field in model._meta.many_to_many:
            m2m_changed.connect(
                data_changed, sender=field.remote_field.through, dispatch_uid=f"data_changed_m2m_{field}"
            )


@functools.cache
def code_version() -> str:
    """A hash of the site's code, templates, static sources and translations, the same in
    every process of a release: a new release changes every ETag and kept page, though no
    record changed."""
    roots = [Path(apps.get_app_config(label).path) for label in TRACKED_APPS]
    return hash_of_files([*roots, *(Path(path) for path in settings.LOCALE_PATHS)])


def hash_of_files(roots) -> str:
    digest = hashlib.sha256()
    for root in roots:
        for path in sorted(root.rglob("*")):
            if path.is_file() and path.suffix in CODE_SUFFIXES and "__pycache__" not in path.parts:
                digest.update(str(path.relative_to(root.parent)).encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def _generation_value(*, started):
    return f"{secrets.token_hex(8)}@{started:.6f}"


def start_generation():
    """A new generation: every reader computes the version again, from the tables."""
    cache.set(GENERATION_KEY, _generation_value(started=time.time()), timeout=None)


def history_model(model):
    """The model of ``model``'s edit history (django-simple-history), or None."""
    manager = getattr(model._meta, "simple_history_manager_attribute", None)
    return getattr(model, manager).model if manager else None


def _version_of_tables(generation: str) -> DataVersion:
    """Row count and latest change (or highest id, for tables without timestamps) of
    every tracked table, and the latest entry of every edit history (a deletion is dated
    there only), in one UNION ALL query, hashed with the generation."""
    quote = connection.ops.quote_name
    selects = []
    for model in tracked_models():
        meta = model._meta
        timestamped = any(field.name == "modified_at" for field in meta.concrete_fields)
        column = meta.get_field("modified_at").column if timestamped else meta.pk.column
        # Dates and ids are made text so that every SELECT of the union has the same types.
        selects.append(
            f"SELECT {'1' if timestamped else '0'}, COUNT(*), CAST(MAX({quote(column)}) AS TEXT) "
            f"FROM {quote(meta.db_table)}"
        )
        if (history := history_model(model)) is not None:
            # No count: history_date is indexed, its maximum is one index lookup, a count a scan.
            date = history._meta.get_field("history_date").column
            selects.append(f"SELECT 1, 0, CAST(MAX({quote(date)}) AS TEXT) FROM {quote(history._meta.db_table)}")
    with connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join(selects))
        rows = cursor.fetchall()
    started = float(generation.rpartition("@")[2] or 0)
    newest = [_as_datetime(last) for timestamped, _count, last in rows if timestamped and last]
    newest.append(datetime.datetime.fromtimestamp(started, tz=datetime.UTC))
    tag = hashlib.sha256(f"{code_version()}|{generation}|{rows!r}".encode()).hexdigest()[:32]
    return DataVersion(tag=tag, last_modified=max(newest).timestamp())


def _as_datetime(text) -> datetime.datetime:
    if isinstance(text, datetime.datetime):
        value = text
    else:
        value = datetime.datetime.fromisoformat(str(text).replace(" ", "T", 1))
    if timezone.is_naive(value):
        value = value.replace(tzinfo=datetime.UTC)
    return value
