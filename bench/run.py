"""The benchmark harness (``make bench``; not part of the tests). See docs/performance.md.

1. Builds PostgreSQL databases from the 2020 demo data plus ``generate_demo --scale N``:
   ``cogwg_bench`` (scale 100, the one served), ``cogwg_bench_s1`` and ``cogwg_bench_s10``.
2. Counts the SQL queries of every public page and API endpoint in-process
   (django.test.Client, CaptureQueriesContext) at scale 1 and at scale 100.
3. Times a status report's content build and each renderer at scale 1, 10 and 100.
4. Starts gunicorn (deploy/gunicorn.conf.py, production settings, Redis cache) on the
   scale-100 database and loads it with wrk on 127.0.0.1, in interleaved rounds: the
   ceiling (/healthz: a trivial view behind the whole middleware stack), the pages, the
   API, and 304 answers to conditional GETs. Prints, per target, the median over the
   rounds of requests/s, p50 and p99 latency, and the ratio to the ceiling.

Bounded: every wrk run lasts ``--duration`` seconds; the whole run takes about four
minutes here (2 cores). Needs PostgreSQL and Redis on 127.0.0.1 and ``wrk``.

    .venv/bin/python bench/run.py [--rounds 5] [--duration 3] [--workers 2] [--connections 4]

``--load-only`` runs step 4 alone on the databases an earlier run left, to try a change.
"""

import argparse
import contextlib
import itertools
import json
import os
import re
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
PG = {"host": "127.0.0.1", "port": 5432, "user": "postgres"}
REDIS = ("127.0.0.1", 6379)
CACHE_URL = "redis://127.0.0.1:6379/12"
NO_PAGE_CACHE = {"COGWG_PAGE_CACHE_SECONDS": "0"}
TEMPLATE_DB = "cogwg_bench_template"
DATABASES = {1: "cogwg_bench_s1", 10: "cogwg_bench_s10", 100: "cogwg_bench"}
SERVED_SCALE = 100

# The load targets: (label, page of bench/probe.py or a path, kind). "ceiling" is the
# reference; "page" an answer computed for each request (served by a second gunicorn whose
# page cache is off: COGWG_PAGE_CACHE_SECONDS=0); "cached" a page served from the page
# cache, or an API answer kept for anonymous readers (cogwg/api/viewsets.py); "304" a
# revalidation with the ETag of a first answer.
TARGETS = [
    ("ceiling /healthz", "/healthz", "ceiling"),
    ("home page", "home", "page"),
    ("priority page", "priority", "page"),
    ("API milestones list", "api milestones", "page"),
    ("API work plan status", "api status", "page"),
    ("home page, cached", "home", "cached"),
    ("priority page, cached", "priority", "cached"),
    ("API milestones, kept", "api milestones", "cached"),
    ("API status, kept", "api status", "cached"),
    ("home page, 304", "home", "304"),
    ("API milestones, 304", "api milestones", "304"),
]
# Ratios to the ceiling's requests/s that the issue sets (docs/performance.md).
TARGET_RATIO = {"page": 0.1, "304": 0.6, "cached": 0.5}
# Headers the middleware stack adds, first to last: the ceiling must show them all.
MIDDLEWARE_HEADERS = [
    "X-Request-ID",  # cogwg.middleware.RequestIdMiddleware, first
    "Strict-Transport-Security",  # SecurityMiddleware (only over https, as nginx says)
    "Content-Security-Policy",  # csp.middleware.CSPMiddleware
    "Cross-Origin-Opener-Policy",  # SecurityMiddleware
    "X-Frame-Options",  # XFrameOptionsMiddleware, near the end
]


def say(line=""):
    print(line, flush=True)


def fail(message):
    say(f"bench: {message}")
    sys.exit(1)


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def port_open(host, port):
    with socket.socket() as sock:
        sock.settimeout(0.5)
        return sock.connect_ex((host, port)) == 0


def preflight():
    if not shutil.which("wrk"):
        fail("wrk is not installed: apt-get install -y wrk (Debian's package), then run `make bench` again.")
    if not port_open(PG["host"], PG["port"]):
        fail("PostgreSQL is not answering on 127.0.0.1:5432.")
    if not port_open(*REDIS):
        fail("Redis is not answering on 127.0.0.1:6379.")


class Environment:
    """The production settings' environment for a database, as the stack sets it."""

    def __init__(self, work: Path):
        self.work = work
        self.base = {
            name: value
            for name, value in os.environ.items()
            if not name.startswith(("DJANGO_", "DATABASE_URL", "CACHE_URL", "CELERY_", "GUNICORN_"))
        }
        self.base.update(
            DJANGO_SETTINGS_MODULE="cogwg.settings.production",
            DJANGO_SECRET_KEY=secrets.token_urlsafe(64),
            DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost",
            DJANGO_SECURE_SSL_REDIRECT="false",
            DJANGO_STATIC_ROOT=str(work / "static"),
            DJANGO_MEDIA_ROOT=str(work / "media"),
            DJANGO_LOG_LEVEL="WARNING",
            # One client makes all the requests: the anonymous throttle must not answer
            # 429; its cost (a cache read and write per request) is still paid.
            DJANGO_API_ANON_RATE="1000000/s",
            # Required in production; the benchmark sends no mail.
            EMAIL_URL="dummymail://",
            # Required in production too; no worker runs here: the demo report's files, queued
            # in this process's memory, stay pending (the report pages measured do not render them).
            CELERY_BROKER_URL="memory://",
        )

    def for_database(self, name, **extra):
        return {**self.base, "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{name}", **extra}


def run(args, env, *, timeout=300, what=None):
    result = subprocess.run(args, cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=timeout)
    if result.returncode != 0:
        fail(f"{what or ' '.join(args)} failed:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}")
    return result.stdout


def manage(env, *args, timeout=300):
    return run([PYTHON, "manage.py", *args], env, timeout=timeout, what=f"manage.py {' '.join(args)}")


def probe(env, command):
    return json.loads(run([PYTHON, "-m", "bench.probe", command], env, what=f"bench.probe {command}").splitlines()[-1])


def sql(statement, database="postgres"):
    import psycopg2

    connection = psycopg2.connect(dbname=database, **PG)
    connection.autocommit = True
    try:
        with connection.cursor() as cursor:
            cursor.execute(statement)
    finally:
        connection.close()


def build_databases(env):
    started = time.monotonic()
    template_env = env.for_database(TEMPLATE_DB)
    for name in [TEMPLATE_DB, *DATABASES.values()]:
        sql(f'DROP DATABASE IF EXISTS "{name}"')
    sql(f'CREATE DATABASE "{TEMPLATE_DB}"')
    manage(template_env, "migrate", "--noinput", "-v0")
    manage(template_env, "load_cogwg_2020")
    for scale, name in DATABASES.items():
        sql(f'CREATE DATABASE "{name}" TEMPLATE "{TEMPLATE_DB}"')
        manage(env.for_database(name), "generate_demo", "--scale", str(scale))
        # The planner's statistics, as autovacuum keeps them on a live database: without
        # them PostgreSQL plans every query for tables of one row.
        sql("VACUUM ANALYZE", database=name)
    sql(f'DROP DATABASE IF EXISTS "{TEMPLATE_DB}"')
    collect_static(env)
    say(
        f"databases {', '.join(DATABASES.values())} (2020 demo + scale {', '.join(map(str, DATABASES))}) "
        f"and static files ready in {time.monotonic() - started:.0f} s"
    )


def collect_static(env):
    manage(
        env.for_database(DATABASES[SERVED_SCALE]),
        "collectstatic",
        "--noinput",
        "-v0",
        "--ignore",
        "drf_spectacular_sidecar",
    )


def report_queries(env):
    say()
    say("== SQL queries per request (in-process, django.test.Client), scale 1 vs scale 100")
    say("   (an answer computed for the request; a 304 answer to its ETag; a page or API answer served kept)")
    small = probe(env.for_database(DATABASES[1], **NO_PAGE_CACHE), "queries")["pages"]
    large = probe(env.for_database(DATABASES[100], **NO_PAGE_CACHE), "queries")["pages"]
    say(f"{'page':<24} {'path':<44} {'s=1':>4} {'s=100':>6}  {'304 s=1':>7} {'304 s=100':>9}  {'cached':>6}  same")
    differing = []
    for label, one in small.items():
        hundred = large.get(label, {})
        if "skipped" in one:
            say(f"{label:<24} skipped: {one['skipped']}")
            continue
        same = all(one.get(key) == hundred.get(key) for key in ("queries", "queries_304", "queries_cached"))
        if not same:
            differing.append(label)
        statuses = "" if one["status"] == 200 else f" (HTTP {one['status']})"
        say(
            f"{label:<24} {one['path']:<44} {one['queries']:>4} {hundred.get('queries', '-'):>6}  "
            f"{one.get('queries_304', '-'):>7} {hundred.get('queries_304', '-'):>9}  "
            f"{hundred.get('queries_cached', '-'):>6}  {'yes' if same else 'NO'}{statuses}"
        )
    say(f"identical query counts at scale 1 and 100: {'yes' if not differing else 'NO: ' + ', '.join(differing)}")
    with_queries = [label for label, entry in large.items() if entry.get("queries_304")]
    say(
        "304 answers run no query (the data version is read from the cache): "
        + ("yes" if not with_queries else "NO: " + ", ".join(with_queries))
    )
    return {"scale_1": small, "scale_100": large, "differing": differing}


def report_rendering(env):
    say()
    say("== Status report of the 2020 plan as of 2020-12-31: content build and renderers (English), seconds")
    results = {scale: probe(env.for_database(name), "render") for scale, name in DATABASES.items()}
    formats = [name for name in results[1]["seconds"] if name != "content"]
    say(
        f"{'scale':>5} {'items':>6} {'content KB':>10} {'build':>7} "
        + " ".join(f"{f:>7}" for f in formats)
        + f" {'total':>7} {'ms/item':>8}"
    )
    for scale, result in results.items():
        items = sum(result["items"].values())
        seconds = result["seconds"]
        total = sum(seconds.values())
        say(
            f"{scale:>5} {items:>6} {result['content_bytes'] / 1024:>10.0f} {seconds['content']:>7.3f} "
            + " ".join(f"{seconds[f]:>7.3f}" for f in formats)
            + f" {total:>7.3f} {total / items * 1000:>8.2f}"
        )
    say("items: priorities, milestones, accomplishments and challenges in the report; KB: its frozen JSON")
    say(
        "marginal cost in ms per added item (linear rendering: about the same from 1→10 as from 10→100, "
        "or no more than the average cost per item at 10):"
    )
    scales = list(results)
    steps = list(itertools.pairwise(scales))
    middle = scales[-2]
    linear = True
    for name in ["content", *formats]:
        costs = []
        for low, high in steps:
            added = sum(results[high]["items"].values()) - sum(results[low]["items"].values())
            costs.append((results[high]["seconds"][name] - results[low]["seconds"][name]) / added * 1000)
        average = results[middle]["seconds"][name] / sum(results[middle]["items"].values()) * 1000
        # Super-linear shows as a marginal cost growing with the size: beyond the first step's
        # (whose few added items make it noisy) and beyond the average item's at scale 10
        # (which includes the fixed cost, so a linear renderer's marginal cost stays under it).
        ok = costs[-1] <= max(1.5 * costs[0], costs[0] + 0.5) or costs[-1] <= 1.5 * average
        linear &= ok
        shown = "  ".join(f"{low}→{high}: {cost:6.2f}" for (low, high), cost in zip(steps, costs, strict=True))
        say(f"  {name:<8} {shown}  average at {middle}: {average:6.2f}  {'linear' if ok else 'GROWING'}")
    say(f"rendering linear in size: {'yes' if linear else 'NO'}")
    results["linear"] = linear
    return results


class Gunicorn:
    def __init__(self, env, workers, log_path):
        self.port = free_port()
        self.env = {
            **env,
            "GUNICORN_BIND": f"127.0.0.1:{self.port}",
            "GUNICORN_WORKERS": str(workers),
            # Recycling a worker every 1000 requests would restart one every few seconds
            # under this load, and measure Django's start-up: off for the benchmark.
            "GUNICORN_MAX_REQUESTS": "0",
        }
        self.log_path = log_path
        self.process = None

    def __enter__(self):
        with open(self.log_path, "w") as log:
            self.process = subprocess.Popen(
                [PYTHON, "-m", "gunicorn", "--config", "deploy/gunicorn.conf.py", "cogwg.wsgi"],
                cwd=BASE_DIR,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                fail(f"gunicorn exited:\n{self.log_path.read_text()[-3000:]}")
            with contextlib.suppress(OSError):
                if fetch(self.url("/healthz"))[0] == 200:
                    return self
            time.sleep(0.2)
        fail("gunicorn did not answer within 60 s")

    def __exit__(self, *exc):
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()

    def url(self, path):
        return f"http://127.0.0.1:{self.port}{path}"


def fetch(url, headers=None):
    request = urllib.request.Request(url, headers={"X-Forwarded-Proto": "https", **(headers or {})})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


UNITS = {"us": 1e-3, "ms": 1.0, "s": 1000.0}


def milliseconds(text):
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s)", text).groups()
    return float(number) * UNITS[unit]


def wrk(url, *, duration, connections, headers=()):
    args = ["wrk", "-t1", f"-c{connections}", f"-d{duration}s", "--timeout", "10s", "--latency"]
    for header in headers:
        args += ["-H", header]
    output = subprocess.run([*args, url], capture_output=True, text=True, timeout=duration + 30).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    p50 = milliseconds(re.search(r"^\s+50%\s+(\S+)", output, re.MULTILINE).group(1))
    p99 = milliseconds(re.search(r"^\s+99%\s+(\S+)", output, re.MULTILINE).group(1))
    bad = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)
    errors = re.search(r"Socket errors: (.*)", output)
    return {
        "rps": rps,
        "p50": p50,
        "p99": p99,
        "bad": int(bad.group(1)) if bad else 0,
        "errors": errors.group(1) if errors else "",
    }


def load_targets(servers, default_server, paths):
    """Each target's URL and headers, on the server of its kind; 304 targets carry the ETag
    of a first answer."""
    targets = []
    for label, page, kind in TARGETS:
        server = servers.get(kind, default_server)
        path = page if page.startswith("/") else paths.get(page)
        if path is None:
            say(f"{label}: skipped, no URL for {page!r} yet")
            continue
        status, headers, _ = fetch(server.url(path))
        if status != 200:
            fail(f"{label}: GET {path} answered {status}")
        extra = ["X-Forwarded-Proto: https"]
        if kind == "304":
            etag = headers.get("ETag")
            if not etag:
                say(f"{label}: skipped, {path} sends no ETag")
                continue
            extra.append(f"If-None-Match: {etag}")
            status, _, _ = fetch(server.url(path), {"If-None-Match": etag})
            if status != 304:
                fail(f"{label}: GET {path} with If-None-Match answered {status}, not 304")
        targets.append({"label": label, "kind": kind, "path": path, "url": server.url(path), "headers": extra})
    return targets


def check_ceiling(server):
    _, headers, body = fetch(server.url("/healthz"))
    missing = [name for name in MIDDLEWARE_HEADERS if not headers.get(name)]
    if missing:
        fail(f"/healthz lacks {', '.join(missing)}: it would not be a fair ceiling")
    say(
        f"ceiling /healthz ({body.decode()}) passes the whole middleware stack: {', '.join(MIDDLEWARE_HEADERS)} present"
    )


def report_load(env, *, rounds, duration, workers, connections):
    say()
    say(
        f"== Load on gunicorn ({workers} sync workers, production settings, Redis cache, PostgreSQL scale "
        f"{SERVED_SCALE}) with wrk (1 thread, {connections} connections, {duration} s per run, {rounds} interleaved "
        "rounds)"
    )
    paths = probe(env.for_database(DATABASES[SERVED_SCALE]), "urls")["paths"]
    server_env = env.for_database(DATABASES[SERVED_SCALE], CACHE_URL=CACHE_URL)
    uncached_env = {**server_env, **NO_PAGE_CACHE}
    with (
        Gunicorn(server_env, workers, env.work / "gunicorn.log") as server,
        Gunicorn(uncached_env, workers, env.work / "gunicorn-uncached.log") as uncached,
    ):
        say(
            f"page cache on (port {server.port}) for the ceiling, cached pages and 304s; "
            f"off (port {uncached.port}) for the rest"
        )
        check_ceiling(server)
        targets = load_targets({"page": uncached}, server, paths)
        for target in targets:  # warm every worker's caches (templates, URL resolvers, the page cache)
            wrk(target["url"], duration=1, connections=connections, headers=target["headers"])
        runs = {target["label"]: [] for target in targets}
        for number in range(rounds):
            # Interleaved, in a rotating order: a drift of the machine hits every target alike.
            order = targets[number % len(targets) :] + targets[: number % len(targets)]
            for target in order:
                runs[target["label"]].append(
                    wrk(target["url"], duration=duration, connections=connections, headers=target["headers"])
                )
            say(
                f"round {number + 1}/{rounds}: "
                + ", ".join(f"{label} {results[-1]['rps']:.0f}" for label, results in runs.items())
            )
    ceiling = statistics.median(result["rps"] for result in runs[targets[0]["label"]])
    summary = []
    for target in targets:
        results = runs[target["label"]]
        rps = statistics.median(r["rps"] for r in results)
        row = {
            "label": target["label"],
            "kind": target["kind"],
            "path": target["path"],
            "rps": rps,
            "p50": statistics.median(r["p50"] for r in results),
            "p99": statistics.median(r["p99"] for r in results),
            "ratio": rps / ceiling,
            "bad": sum(r["bad"] for r in results),
            "errors": {r["errors"] for r in results if r["errors"]},
        }
        summary.append(row)
    return summary


def print_summary(summary, queries, rendering):
    say()
    say("== Summary (medians of the rounds)")
    say(f"{'target':<24} {'path':<44} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'x ceiling':>9}  target")
    for row in summary:
        goal = TARGET_RATIO.get(row["kind"])
        verdict = "" if goal is None else f"≥ {goal:.1f}: {'met' if row['ratio'] >= goal else 'MISSED'}"
        say(
            f"{row['label']:<24} {row['path']:<44} {row['rps']:>8.0f} {row['p50']:>8.2f} {row['p99']:>8.2f} "
            f"{row['ratio']:>9.2f}  {verdict}"
        )
        if row["bad"] or row["errors"]:
            say(f"{'':<24} non-2xx/3xx answers: {row['bad']}; socket errors: {'; '.join(row['errors']) or 'none'}")
    if queries is None:
        return
    large = queries["scale_100"]
    for label, page in (
        ("home page", "home"),
        ("priority page", "priority"),
        ("API milestones", "api milestones"),
        ("API status", "api status"),
    ):
        entry = large.get(page, {})
        if "queries" in entry:
            say(
                f"{label}: {entry['queries']} queries computed, {entry.get('queries_304', '-')} for a 304"
                + (f", {entry['queries_cached']} kept" if "queries_cached" in entry else "")
            )
    say(
        "query counts identical at scale 1 and 100: "
        + ("yes" if not queries["differing"] else "NO: " + ", ".join(queries["differing"]))
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--duration", type=int, default=3, help="seconds per wrk run")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn sync workers")
    parser.add_argument("--connections", type=int, default=4, help="wrk connections")
    parser.add_argument("--keep", action="store_true", help="keep the work folder (gunicorn's log)")
    parser.add_argument(
        "--load-only",
        action="store_true",
        help="only the load part, on the databases a full run left (for trying a change; not a full run)",
    )
    options = parser.parse_args()
    if options.rounds < 5:
        parser.error("at least 5 rounds: the medians need them")
    preflight()
    started = time.monotonic()
    work = Path(tempfile.mkdtemp(prefix="cogwg-bench-"))
    try:
        env = Environment(work)
        say(
            f"COGWG benchmark, {time.strftime('%Y-%m-%d %H:%M')}, {os.cpu_count()} cores, "
            f"Python {sys.version.split()[0]}"
        )
        if options.load_only:
            collect_static(env)
            queries = rendering = None
        else:
            build_databases(env)
            queries = report_queries(env)
            rendering = report_rendering(env)
        summary = report_load(
            env,
            rounds=options.rounds,
            duration=options.duration,
            workers=options.workers,
            connections=options.connections,
        )
        print_summary(summary, queries, rendering)
        say(f"benchmark done in {time.monotonic() - started:.0f} s")
    finally:
        if options.keep:
            say(f"work folder kept: {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
