"""How fast the admin exports its change lists (cogwg/admin_export.py), in-process: the
progress updates' "Export as CSV" and "Export as XLSX", requested through the admin view
(django.test.Client) as a member of the secretariat. Not part of the tests, nor of
`make bench`.

    .venv/bin/python -m bench.exports [--rows 5000] [--runs 3] [--profile]
    git show HEAD:cogwg/admin_export.py > /tmp/admin_export_before.py
    .venv/bin/python -m bench.exports --baseline /tmp/admin_export_before.py

It builds a throwaway SQLite database in a temporary folder (migrated, then
``generate_demo``'s copies of the 2020 plan until there are ``--rows`` progress updates,
the surplus deleted), so var/db.sqlite3 and the PostgreSQL databases are never touched;
the folder is removed at the end. For each format it prints the rows exported, the median
seconds of ``--runs`` requests (after one that fills per-process caches) and the rows per
second.

``--baseline FILE`` also times another version of cogwg/admin_export.py (its
``ExportMixin.export_response`` and ``get_export_columns``, put on the progress updates'
admin in turn), on the same data, its requests interleaved with this version's so that
both meet the same load. ``--profile`` adds cProfile's costliest functions (their own
time, callees excluded) of one more request of each format.
"""

import argparse
import cProfile
import importlib.util
import io
import math
import os
import pstats
import statistics
import sys
import tempfile
import time
import types
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
# Progress updates per generated copy of the 2020 plan: about 52 (cogwg/demo/generate.py).
UPDATES_PER_PLAN = 45
FORMATS = ("csv", "xlsx")
# What a baseline's version replaces on the admin (the rest of the view is the same).
SWAPPED = ("export_response", "get_export_columns")


def configure(folder):
    os.environ["DJANGO_SETTINGS_MODULE"] = "cogwg.settings.test"
    os.environ["DATABASE_URL"] = f"sqlite:///{folder / 'exports.sqlite3'}"
    os.environ["DJANGO_STATIC_ROOT"] = str(folder)
    os.environ["DJANGO_LOG_LEVEL"] = "WARNING"
    sys.path.insert(0, str(BASE_DIR))
    import django
    from django.test.utils import setup_test_environment

    django.setup()
    setup_test_environment()  # the test client's host, e-mail kept in memory


def build(rows):
    """``rows`` progress updates of generated plans, and a secretariat member to export
    them."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.core.management import call_command

    from cogwg.demo.generate import generate, remove_generated
    from cogwg.permissions import SECRETARIAT
    from workplan.models import ProgressUpdate

    call_command("migrate", verbosity=0)
    scale = max(1, math.ceil(rows / UPDATES_PER_PLAN))
    generate(scale=scale)
    while ProgressUpdate.objects.count() < rows:  # fewer updates per plan than expected
        remove_generated()
        scale *= 2
        generate(scale=scale)
    surplus = ProgressUpdate.objects.count() - rows
    if surplus:
        last = ProgressUpdate.objects.order_by("-pk").values_list("pk", flat=True)[:surplus]
        ProgressUpdate.objects.filter(pk__in=list(last)).delete()
    user = get_user_model().objects.create_user("bench-secretariat", is_staff=True)
    user.groups.add(Group.objects.get(name=SECRETARIAT))
    return user


def variants(baseline):
    """(name, what to put on the admin) of each version timed: this one, and the baseline."""
    found = [("current", {})]
    if baseline:
        spec = importlib.util.spec_from_file_location("cogwg.admin_export_baseline", baseline)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)  # its relative imports are cogwg's
        found.append(("baseline", {name: getattr(module.ExportMixin, name) for name in SWAPPED}))
    return found


def use(swapped):
    from django.contrib import admin

    from workplan.models import ProgressUpdate

    model_admin = admin.site._registry[ProgressUpdate]
    for name in SWAPPED:
        model_admin.__dict__.pop(name, None)
    for name, function in swapped.items():
        setattr(model_admin, name, types.MethodType(function, model_admin))


def export(client, file_format):
    """One export, its whole content read (a streamed answer is made as it is read)."""
    from django.urls import reverse

    response = client.get(reverse("admin:workplan_progressupdate_export", kwargs={"file_format": file_format}))
    assert response.status_code == 200, response.status_code
    return response.getvalue()


def rows_in(content, file_format):
    if file_format == "csv":
        return content.decode("utf-8-sig").count("\r\n") - 1  # no line break within the notes
    from openpyxl import load_workbook

    return sum(1 for _ in load_workbook(io.BytesIO(content), read_only=True).active.iter_rows()) - 1


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=5000, help="progress updates to export (default 5000)")
    parser.add_argument("--runs", type=int, default=3, help="timed requests per format (default 3)")
    parser.add_argument("--baseline", type=Path, help="another admin_export.py to time on the same data")
    parser.add_argument("--profile", action="store_true", help="print cProfile's costliest functions")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="cogwg-bench-exports-") as folder:
        configure(Path(folder))
        from django.test import Client
        from django.utils import translation

        started = time.perf_counter()
        user = build(args.rows)
        print(f"built {args.rows} progress updates in {time.perf_counter() - started:.1f} s")
        client = Client()
        client.force_login(user)
        translation.activate("en")
        versions = variants(args.baseline)
        times = {}
        for name, swapped in versions:
            use(swapped)
            for file_format in FORMATS:
                rows = rows_in(export(client, file_format), file_format)
                times[name, file_format] = (rows, [])
        for _ in range(args.runs):
            for name, swapped in versions:
                use(swapped)
                for file_format in FORMATS:
                    started = time.perf_counter()
                    export(client, file_format)
                    times[name, file_format][1].append(time.perf_counter() - started)
        print(f"{'version':<10}{'format':<8}{'rows':>8}{'seconds':>10}{'rows/s':>10}")
        for (name, file_format), (rows, runs) in times.items():
            seconds = statistics.median(runs)
            print(f"{name:<10}{file_format:<8}{rows:>8}{seconds:>10.3f}{rows / seconds:>10.0f}")
        if args.profile:
            use({})
            for file_format in FORMATS:
                profile = cProfile.Profile()
                profile.runcall(export, client, file_format)
                print(f"\n--- {file_format} ---")
                pstats.Stats(profile).sort_stats("tottime").print_stats(25)


if __name__ == "__main__":
    main()
