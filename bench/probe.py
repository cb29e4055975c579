"""The Django side of the benchmark (bench/run.py runs it, one process per database):

    python -m bench.probe urls      the paths the load runs request, resolved by name
    python -m bench.probe queries   SQL queries per page, in-process (django.test.Client)
    python -m bench.probe render    a status report's content build and each renderer, timed

Each prints one JSON object on stdout. The database and settings come from the
environment (DATABASE_URL, DJANGO_SETTINGS_MODULE), as bench/run.py sets them.
"""

import datetime
import json
import os
import sys
import time

import django

# What the load runs and the query counts request, by URL name: (label, name, kwargs, language).
# The kwargs are filled in from the data (the 2020 plan, its first priority, …) by ``resolve``.
SITE_PAGES = [
    ("home", "home", {}),
    ("about", "about", {}),
    ("open data", "open-data", {}),
    ("work plan", "workplan:detail", {"slug": "2020"}),
    ("priority", "workplan:priority", {"plan": "2020", "slug": "<priority>"}),
    ("jurisdictions", "jurisdictions:list", {}),
    ("jurisdiction", "jurisdictions:detail", {"code": "<jurisdiction>"}),
    ("accomplishments", "jurisdictions:accomplishments", {}),
    ("challenges", "jurisdictions:challenges", {}),
    ("user stories", "stories:list", {}),
    ("user story", "stories:detail", {"slug": "<story>"}),
    ("status reports", "reports:list", {}),
    ("status report", "reports:detail", {"pk": "<report>"}),
    ("feed", "feed", {}),
    ("milestones.ics", "milestones-ics", {}),
]
API_PAGES = [
    ("api work plans", "api:work-plan-list", {}),
    ("api status", "api:work-plan-status", {"slug": "2020"}),
    ("api priorities", "api:priority-list", {}),
    ("api milestones", "api:milestone-list", {}),
    ("api progress updates", "api:progress-update-list", {}),
    ("api jurisdictions", "api:jurisdiction-list", {}),
    ("api accomplishments", "api:accomplishment-list", {}),
    ("api challenges", "api:challenge-list", {}),
    ("api stories", "api:story-list", {}),
    ("api datasets", "api:dataset-list", {}),
    ("api meetings", "api:meeting-list", {}),
    ("api status reports", "api:status-report-list", {}),
]


def setup():
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    django.setup()


def placeholders():
    """Values for the ``<…>`` kwargs: records of the 2020 demo data, present at any scale."""
    from cogwg.models import StatusReport
    from jurisdictions.models import Jurisdiction
    from stories.models import UserStory
    from workplan.models import Priority

    story = UserStory.objects.published().order_by("pk").first()
    report = StatusReport.objects.published().order_by("pk").first()
    return {
        "<priority>": Priority.objects.get(work_plan__slug="2020", number=1).slug,
        "<jurisdiction>": Jurisdiction.objects.get(code="CA").code,
        "<story>": story.slug if story else None,
        "<report>": report.pk if report else None,
    }


def resolve(pages, language="en"):
    """(label, path) of each page whose URL exists and whose record is there; the others
    as (label, None, reason)."""
    from django.urls import NoReverseMatch, reverse
    from django.utils import translation

    values = placeholders()
    resolved = []
    for label, name, kwargs in pages:
        kwargs = {key: values.get(value, value) for key, value in kwargs.items()}
        if None in kwargs.values():
            resolved.append((label, None, "no such record in the data"))
            continue
        try:
            with translation.override(language):
                resolved.append((label, reverse(name, kwargs=kwargs), None))
        except NoReverseMatch:
            resolved.append((label, None, f"no URL named {name}"))
    return resolved


def command_urls():
    paths = {label: path for label, path, _ in resolve(SITE_PAGES + API_PAGES)}
    return {"paths": paths}


def command_queries():
    """Queries of each page computed for the request (the second request: the first fills
    per-process caches; run with the page cache off), of a 304 answer to a conditional GET,
    of a public page or API answer served kept, and of the ceiling (/healthz)."""
    from django.db import connection
    from django.test import Client, override_settings
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_HOST="127.0.0.1")
    results = {}
    pages = [("healthz (ceiling)", "/healthz", None), *resolve(SITE_PAGES + API_PAGES)]
    for label, path, reason in pages:
        if path is None:
            results[label] = {"skipped": reason}
            continue
        client.get(path)
        with CaptureQueriesContext(connection) as captured:
            response = client.get(path)
        entry = {"path": path, "status": response.status_code, "queries": len(captured)}
        etag = response.headers.get("ETag")
        if etag and response.status_code == 200:
            with CaptureQueriesContext(connection) as revalidated:
                not_modified = client.get(path, HTTP_IF_NONE_MATCH=etag)
            entry["status_304"] = not_modified.status_code
            entry["queries_304"] = len(revalidated)
            entry["sql_304"] = [query["sql"][:300] for query in revalidated.captured_queries]
        if etag and response.status_code == 200:
            with override_settings(COGWG_PAGE_CACHE_SECONDS=3600):
                client.get(path)
                with CaptureQueriesContext(connection) as cached:
                    client.get(path)
            entry["queries_cached"] = len(cached)
        results[label] = entry
    return {"pages": results, "scale": generated_scale()}


def generated_scale():
    from cogwg.demo.generate import generated_scale as scale

    return scale()


def command_render():
    """A status report of the 2020 plan as of the end of 2020, not saved: its content
    built from this database (accomplishments and challenges of every plan are in it,
    so it grows with the scale), then each renderer, in English, timed."""
    import statistics

    from cogwg.choices import ReportFormat
    from cogwg.models import StatusReport
    from cogwg.reports.content import build_content
    from cogwg.reports.render import render_file
    from workplan.models import WorkPlan

    report = StatusReport(
        work_plan=WorkPlan.objects.get(slug="2020"),
        as_of=datetime.date(2020, 12, 31),
        title_en="Benchmark report",
        title_fr="Rapport du banc d'essai",
    )
    timings = {}
    builds = []
    for _ in range(3):
        started = time.perf_counter()
        content = json.loads(json.dumps(build_content(report=report)))
        builds.append(time.perf_counter() - started)
    timings["content"] = statistics.median(builds)
    # Each renderer's start-up (the PDF engine, fonts) is paid once per process, on a
    # one-priority report: what is timed below is the cost of the report's size.
    warm_up = {**content, "priorities": content["priorities"][:1], "accomplishments": [], "challenges": []}
    for format in ReportFormat.values:
        render_file(warm_up, format=format, language="en")
    sizes = {}
    for format in ReportFormat.values:
        started = time.perf_counter()
        data = render_file(content, format=format, language="en")
        timings[format] = time.perf_counter() - started
        sizes[format] = len(data)
    return {
        "scale": generated_scale(),
        "content_bytes": len(json.dumps(content)),
        "items": {
            "priorities": len(content["priorities"]),
            "milestones": sum(len(p.get("milestones", [])) for p in content["priorities"]),
            "accomplishments": len(content["accomplishments"]),
            "challenges": len(content["challenges"]),
        },
        "seconds": timings,
        "file_bytes": sizes,
    }


COMMANDS = {"urls": command_urls, "queries": command_queries, "render": command_render}


def main():
    setup()
    result = COMMANDS[sys.argv[1]]()
    json.dump(result, sys.stdout)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
