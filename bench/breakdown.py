"""Where a computed answer's time goes, in-process: the ORM (building querysets; running
them: compiling, the SQL, making the rows), the SQL alone, the template or the serializer,
and the rest (middleware, view logic, DRF). Not part of the tests, nor of `make bench`.

    .venv/bin/python -m bench.breakdown [PATH ...]

Run it after `make bench`, which leaves the scale-100 database `cogwg_bench` behind. It
uses the load run's production settings with the page cache off (every answer is
computed), Redis database 3 for the cache, and prints for each path the milliseconds per
request (median of 5 runs of --requests requests) and cProfile's Python calls per
request, which does not drift with the machine as wall time does.

The layers are timed by wrapping Django's and DRF's own entry points for the run (only the
outermost call of each is counted); they overlap where noted.
"""

import argparse
import collections
import cProfile
import os
import pstats
import secrets
import statistics
import sys
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
DEFAULT_PATHS = [
    "/healthz",
    "/en/",
    "/en/work-plan/2020/open-data-user-stories/",
    "/api/v1/milestones/",
    "/api/v1/work-plans/2020/status/",
]
QUERYSET_BUILDERS = (
    "filter",
    "exclude",
    "annotate",
    "select_related",
    "prefetch_related",
    "order_by",
    "only",
    "defer",
    "values",
    "values_list",
    "all",
)
COLUMNS = ("qs build", "orm run", "sql", "render", "serialize")


def configure(database):
    os.environ.update(
        DJANGO_SETTINGS_MODULE="cogwg.settings.production",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(64),
        DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost,testserver",
        DJANGO_SECURE_SSL_REDIRECT="false",
        DJANGO_STATIC_ROOT=str(BASE_DIR / "var" / "bench-static"),
        DJANGO_MEDIA_ROOT=str(BASE_DIR / "var" / "bench-media"),
        DJANGO_LOG_LEVEL="WARNING",
        DJANGO_API_ANON_RATE="1000000/s",
        DATABASE_URL=f"postgres://postgres@127.0.0.1:5432/{database}",
        CACHE_URL="redis://127.0.0.1:6379/3",
        COGWG_PAGE_CACHE_SECONDS="0",
        # Required in production; the benchmark sends no mail.
        EMAIL_URL="dummymail://",
        # Required in production too; no worker runs here: the demo report's files, queued
        # in this process's memory, stay pending (the report pages measured do not render them).
        CELERY_BROKER_URL="memory://",
    )
    sys.path.insert(0, str(BASE_DIR))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("collectstatic", "--noinput", "-v0", "--ignore", "drf_spectacular_sidecar")


class Layers:
    """Seconds spent in each layer, counting only the outermost call of each."""

    def __init__(self):
        self.seconds = collections.Counter()
        self.depth = collections.Counter()

    def wrap(self, owner, name, layer):
        original = getattr(owner, name)

        def timed(*args, **kwargs):
            self.depth[layer] += 1
            started = time.perf_counter()
            try:
                return original(*args, **kwargs)
            finally:
                self.depth[layer] -= 1
                if not self.depth[layer]:
                    self.seconds[layer] += time.perf_counter() - started

        setattr(owner, name, timed)

    def wrap_property(self, owner, name, layer):
        holder = type("Holder", (), {"get": staticmethod(getattr(owner, name).fget)})
        self.wrap(holder, "get", layer)
        setattr(owner, name, property(holder.get))

    def install(self):
        from django.db.backends.utils import CursorWrapper
        from django.db.models.query import QuerySet
        from django.template.response import SimpleTemplateResponse
        from rest_framework import serializers

        for name in QUERYSET_BUILDERS:
            self.wrap(QuerySet, name, "qs build")
        for name in ("_fetch_all", "count", "exists", "aggregate"):
            self.wrap(QuerySet, name, "orm run")
        self.wrap(CursorWrapper, "execute", "sql")
        self.wrap(SimpleTemplateResponse, "render", "render")
        for serializer in (serializers.Serializer, serializers.ListSerializer):
            self.wrap_property(serializer, "data", "serialize")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("paths", nargs="*", default=DEFAULT_PATHS)
    parser.add_argument("--database", default="cogwg_bench")
    parser.add_argument("--requests", type=int, default=30, help="requests per run")
    args = parser.parse_args()
    configure(args.database)

    from django.test import Client

    layers = Layers()
    layers.install()
    client = Client(HTTP_X_FORWARDED_PROTO="https")
    print(f"in-process, {args.database}, page cache off; ms per request (median of 5 runs of {args.requests})")
    print(f"{'path':<46} {'total':>6} " + " ".join(f"{c:>9}" for c in COLUMNS) + f" {'rest':>6} {'calls':>7}")
    for path in args.paths:
        for _ in range(3):
            response = client.get(path)
            if response.status_code != 200:
                sys.exit(f"{path} answered {response.status_code}")
        runs = []
        for _ in range(5):
            layers.seconds.clear()
            started = time.perf_counter()
            for _ in range(args.requests):
                client.get(path)
            total = time.perf_counter() - started
            runs.append({"total": total, **layers.seconds})
        ms = {key: statistics.median(run.get(key, 0) for run in runs) / args.requests * 1000 for key in runs[0]}
        ms.update({key: ms.get(key, 0.0) for key in COLUMNS})
        # "sql" runs inside "orm run", which also holds the compiling and the rows.
        rest = ms["total"] - ms["qs build"] - ms["orm run"] - ms["render"] - ms["serialize"]
        profile = cProfile.Profile()
        profile.enable()
        for _ in range(args.requests):
            client.get(path)
        profile.disable()
        calls = pstats.Stats(profile).total_calls / args.requests
        print(
            f"{path:<46} {ms['total']:6.1f} "
            + " ".join(f"{ms[c]:9.1f}" for c in COLUMNS)
            + f" {rest:6.1f} {calls:7.0f}"
        )
    print("qs build: filter(), annotate() … before running; orm run: compiling, the SQL and the rows (sql alone")
    print("is inside it); render: the template, or DRF's renderer; serialize: DRF serializers; rest: middleware,")
    print("view logic, DRF's set-up, the cache round trips. Wrapping adds a little to every layer.")


if __name__ == "__main__":
    main()
