#!/usr/bin/env bash
# Smoke test of the production stack, run natively (no Docker engine here): the processes
# docker-compose.yml describes, on this machine's PostgreSQL and Redis. Runs the migrate
# service's command through deploy/entrypoint.sh (deploy checks, static files, migrations)
# on a fresh database `cogwg_smoke` under cogwg.settings.production, with the settings of
# a trial over plain HTTP, loads the 2020 demo data, starts gunicorn, the two Celery
# workers (the default queue and the long one) and beat, then checks through gunicorn
# with curl: health, pages in both
# languages, a static file, the API, and a status report frozen through the API, rendered
# by the worker and downloaded; and that beat is seen alive (/readyz, manage.py check_beat).
#
# Prints one line per check; exits non-zero at the first failure. Every wait is bounded,
# and the processes it started are stopped on exit, whatever happened.
#
#   bash scripts/smoke_stack.sh         (SMOKE_KEEP=1 keeps the work folder and its logs)
set -euo pipefail
cd "$(dirname "$0")/.."

PY=${PY:-.venv/bin/python}
PG_HOST=127.0.0.1
PG_PORT=5432
DB_NAME=${SMOKE_DB:-cogwg_smoke}
REDIS_HOST=127.0.0.1
REDIS_PORT=6379
BROKER_DB=14
CACHE_DB=13
# Seconds: for a process to answer, and for the worker to render a report's files.
START_TIMEOUT=60
RENDER_TIMEOUT=180

WORK=$(mktemp -d -t cogwg-smoke.XXXXXX)
PIDS=()

log() { printf '%s\n' "$*"; }
ok() { printf 'ok    %s\n' "$*"; }
fail() {
  printf 'FAIL  %s\n' "$*" >&2
  for file in "$WORK"/*.log; do
    [ -f "$file" ] || continue
    printf -- '--- last lines of %s ---\n' "$(basename "$file")" >&2
    tail -n 8 "$file" | cut -c1-400 >&2 || true
  done
  exit 1
}

# Each process runs in a session of its own (setsid), so that stopping it by its id also
# stops what it started: gunicorn's and the Celery pool's workers.
cleanup() {
  local status=$?
  for pid in "${PIDS[@]}"; do
    kill -TERM -- "-$pid" 2>/dev/null || true
  done
  for pid in "${PIDS[@]}"; do
    # Bounded: a process group that does not stop in 20 s is killed.
    for _ in $(seq 40); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
    kill -KILL -- "-$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
  if [ "${SMOKE_KEEP:-0}" = 1 ]; then
    log "logs kept in $WORK"
  else
    rm -rf "$WORK"
  fi
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

free_port() {
  "$PY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# JSON field of a file: json_get FILE 'expression on d'
json_get() {
  "$PY" -c 'import json, sys; d = json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' "$1" "$2"
}

PORT=$(free_port)
BASE="http://127.0.0.1:$PORT"

export DJANGO_SETTINGS_MODULE=cogwg.settings.production
DJANGO_SECRET_KEY=$("$PY" -c 'import secrets; print(secrets.token_urlsafe(64))')
export DJANGO_SECRET_KEY
export DJANGO_ALLOWED_HOSTS=127.0.0.1,localhost
# Plain HTTP on the loopback: no TLS-terminating proxy in front here.
export DJANGO_SECURE_SSL_REDIRECT=false
export DATABASE_URL="postgres://postgres@$PG_HOST:$PG_PORT/$DB_NAME"
export CELERY_BROKER_URL="redis://$REDIS_HOST:$REDIS_PORT/$BROKER_DB"
export CACHE_URL="redis://$REDIS_HOST:$REDIS_PORT/$CACHE_DB"
export DJANGO_STATIC_ROOT="$WORK/static"
export DJANGO_MEDIA_ROOT="$WORK/media"
export GUNICORN_BIND="127.0.0.1:$PORT"
export GUNICORN_WORKERS=2
# Production refuses the console's e-mail (cogwg/checks.py): a fake mail server on the
# loopback (tests/fakes/smtp_server.py) receives every message, into $MAILDIR.
SMTP_PORT=$(free_port)
MAILDIR="$WORK/mail"
export EMAIL_URL="smtp://127.0.0.1:$SMTP_PORT"
export DEFAULT_FROM_EMAIL="COGWG Tracker <cogwg@smoke.example.gc.ca>"
# Where an earlier step of a developer's shell pointed elsewhere: not here.
unset DJANGO_DEBUG CELERY_RESULT_BACKEND || true

log "==> Services"
pg_isready -h "$PG_HOST" -p "$PG_PORT" -q || fail "PostgreSQL answers on $PG_HOST:$PG_PORT"
ok "PostgreSQL answers on $PG_HOST:$PG_PORT"
[ "$(redis-cli -h "$REDIS_HOST" -p "$REDIS_PORT" ping 2>/dev/null)" = PONG ] || fail "Redis answers on $REDIS_HOST:$REDIS_PORT"
ok "Redis answers on $REDIS_HOST:$REDIS_PORT"

log "==> Database $DB_NAME, static files, demo data (production settings)"
dropdb -h "$PG_HOST" -p "$PG_PORT" -U postgres --if-exists "$DB_NAME"
createdb -h "$PG_HOST" -p "$PG_PORT" -U postgres "$DB_NAME"
ok "database $DB_NAME created"
# As deployed behind HTTPS (only this smoke test's loopback goes without the redirect).
DJANGO_SECURE_SSL_REDIRECT=true "$PY" manage.py check --deploy --fail-level WARNING >"$WORK/check.log" 2>&1 ||
  fail "manage.py check --deploy"
ok "manage.py check --deploy --fail-level WARNING"
# The migrate service of docker-compose.yml, through the image's entrypoint (its deploy
# check with the opt-outs of a trial over plain HTTP, the static files, the migrations),
# and a second migrate_exclusive at once, which waits its turn. The entrypoint prints
# nothing when all goes well (the logs are JSON lines) but, for the one that waits, a
# JSON line that it waits.
(
  export PATH="$(cd "$(dirname "$PY")" && pwd):$PATH" COGWG_COLLECTSTATIC=1
  export DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS=false DJANGO_SECURE_HSTS_PRELOAD=false
  exec sh deploy/entrypoint.sh python manage.py migrate_exclusive --verbosity 0
) >"$WORK/migrate.log" 2>&1 &
other=$!
"$PY" manage.py migrate_exclusive -v0 >"$WORK/migrate-2.log" 2>&1 || fail "manage.py migrate_exclusive"
wait "$other" || fail "the migrate service's command (deploy/entrypoint.sh)"
"$PY" -c '
import json, sys
for line in open(sys.argv[1]):
    assert json.loads(line)["message"] == "Another process is migrating the database: waiting for it."
' "$WORK/migrate.log" 2>/dev/null ||
  fail "deploy/entrypoint.sh prints nothing but a JSON line if it waits: $(head -c 300 "$WORK/migrate.log")"
[ -f "$DJANGO_STATIC_ROOT/staticfiles.json" ] || fail "deploy/entrypoint.sh collected the static files"
ok "the migrate service's command (deploy/entrypoint.sh: check, collectstatic, migrate), and a migrate_exclusive at once"
"$PY" manage.py load_cogwg_2020 >"$WORK/load.log" 2>&1 || fail "manage.py load_cogwg_2020"
ok "manage.py load_cogwg_2020"

log "==> Processes"
setsid "$PY" -m tests.fakes.smtp_server --port "$SMTP_PORT" --maildir "$MAILDIR" >"$WORK/smtp.log" 2>&1 &
PIDS+=($!)
setsid "$PY" -m gunicorn --config deploy/gunicorn.conf.py cogwg.wsgi >"$WORK/gunicorn.log" 2>&1 &
PIDS+=($!)
# As docker-compose.yml's worker and worker-long: one for each queue (CELERY_TASK_ROUTES),
# quiet (no banner: the logs are JSON lines).
setsid "$PY" -m celery -A cogwg --quiet worker --queues celery --loglevel INFO --concurrency 1 \
  --hostname "smoke-$$@%h" >"$WORK/worker.log" 2>&1 &
PIDS+=($!)
setsid "$PY" -m celery -A cogwg --quiet worker --queues long --loglevel INFO --concurrency 1 \
  --hostname "smoke-long-$$@%h" >"$WORK/worker-long.log" 2>&1 &
PIDS+=($!)
setsid "$PY" -m celery -A cogwg --quiet beat --loglevel INFO --schedule "$WORK/celerybeat-schedule" \
  >"$WORK/beat.log" 2>&1 &
BEAT_PID=$!
PIDS+=($BEAT_PID)

deadline=$((SECONDS + START_TIMEOUT))
until curl -sf -o /dev/null --max-time 2 "$BASE/healthz"; do
  [ $SECONDS -lt $deadline ] || fail "gunicorn answers on $BASE within ${START_TIMEOUT}s"
  sleep 0.5
done
ok "gunicorn answers on $BASE"
HOST=$("$PY" -c 'import socket; print(socket.gethostname())')
for node in "smoke-$$" "smoke-long-$$"; do
  deadline=$((SECONDS + START_TIMEOUT))
  until "$PY" -m celery -A cogwg inspect ping --destination "$node@$HOST" --timeout 2 >/dev/null 2>&1; do
    [ $SECONDS -lt $deadline ] || fail "the Celery worker $node answers a ping within ${START_TIMEOUT}s"
    sleep 1
  done
done
ok "Celery workers answer a ping: the default queue's and the long queue's"
deadline=$((SECONDS + START_TIMEOUT))
until grep -q "beat: Starting" "$WORK/beat.log"; do
  kill -0 "$BEAT_PID" 2>/dev/null || fail "Celery beat is running"
  [ $SECONDS -lt $deadline ] || fail "Celery beat starts within ${START_TIMEOUT}s"
  sleep 0.5
done
sleep 2
kill -0 "$BEAT_PID" 2>/dev/null || fail "Celery beat keeps running"
ok "Celery beat is running"
# Beat wrote its entries as it started: the beat container's health check passes.
"$PY" manage.py check_beat >"$WORK/check_beat.log" 2>&1 || fail "manage.py check_beat: $(cat "$WORK/check_beat.log")"
ok "manage.py check_beat: $(cat "$WORK/check_beat.log")"
deadline=$((SECONDS + START_TIMEOUT))
until "$PY" -c "import socket, sys; socket.create_connection(('127.0.0.1', int(sys.argv[1])), 1).close()" "$SMTP_PORT" 2>/dev/null; do
  [ $SECONDS -lt $deadline ] || fail "the fake mail server answers on 127.0.0.1:$SMTP_PORT within ${START_TIMEOUT}s"
  sleep 0.5
done
"$PY" manage.py sendtestemail smoke-recipient@smoke.example.gc.ca >"$WORK/sendtestemail.log" 2>&1 ||
  fail "manage.py sendtestemail"
grep -rqs "^X-Envelope-To: smoke-recipient@smoke.example.gc.ca" "$MAILDIR" ||
  fail "the test e-mail reached the mail server of EMAIL_URL"
ok "e-mail goes to the mail server of EMAIL_URL (manage.py sendtestemail)"

log "==> Through gunicorn"
# get PATH EXPECTED_STATUS [curl options…]: the body is left in $WORK/body.
get() {
  local path=$1 expected=$2 status
  shift 2
  status=$(curl -sS -o "$WORK/body" -w '%{http_code}' --max-time 30 "$@" "$BASE$path") || status=000
  [ "$status" = "$expected" ] || fail "GET $path: $status, expected $expected"
}

get /healthz 200
[ "$(json_get "$WORK/body" 'd["status"]')" = ok ] || fail "/healthz says ok"
ok "GET /healthz 200"
get /readyz 200
[ "$(json_get "$WORK/body" 'all(c["ok"] for c in d["checks"].values()) and sorted(d["checks"])')" \
  = "['broker', 'cache', 'database']" ] || fail "/readyz: database, cache and broker ok: $(cat "$WORK/body")"
[ "$(json_get "$WORK/body" 'd["beat"]["status"]')" = ok ] || fail "/readyz: beat ok: $(cat "$WORK/body")"
ok "GET /readyz 200: database, cache and broker ok; beat ok"
get /en/ 200
grep -q '<html lang="en"' "$WORK/body" || fail "/en/ is the English home page"
ok "GET /en/ 200"
get /fr/ 200
grep -q '<html lang="fr"' "$WORK/body" || fail "/fr/ is the French home page"
ok "GET /fr/ 200"
stylesheet=$(json_get "$DJANGO_STATIC_ROOT/staticfiles.json" 'd["paths"]["cogwg/site.css"]')
get "/static/$stylesheet" 200 -H 'Accept-Encoding: gzip' -D "$WORK/headers"
grep -qi '^cache-control:.*immutable' "$WORK/headers" || fail "/static/$stylesheet is cached for ever"
ok "GET /static/$stylesheet 200 (hashed, immutable)"
icon=$(json_get "$DJANGO_STATIC_ROOT/staticfiles.json" 'd["paths"]["cogwg/icon.svg"]')
get /favicon.ico 302 -D "$WORK/headers"
grep -qi "^location: /static/$icon" "$WORK/headers" || fail "/favicon.ico leads to the hashed icon $icon"
get "/static/$icon" 200
ok "GET /favicon.ico 302 → /static/$icon 200"
get /robots.txt 200
grep -q '^Sitemap: http.*/sitemap.xml$' "$WORK/body" || fail "/robots.txt names the sitemap: $(cat "$WORK/body")"
ok "GET /robots.txt 200 (names the sitemap)"
get /api/v1/work-plans/2020/status/ 200
summary=$(json_get "$WORK/body" '"{} as of {}: {} milestones, progress {}".format(
  d["work_plan"]["slug"], d["as_of"], sum(d["counts"].values()), d["progress"])') || fail "the 2020 status is JSON"
ok "GET /api/v1/work-plans/2020/status/ 200 ($summary)"

log "==> A status report frozen through the API, rendered by the worker"
made=$("$PY" manage.py shell -v 0 -c '
import datetime
from django.contrib.auth import get_user_model
from rest_framework.authtoken.models import Token
from cogwg.models import StatusReport
from workplan.models import WorkPlan

user, _ = get_user_model().objects.get_or_create(
    username="smoke-secretariat", defaults={"is_staff": True, "is_superuser": True}
)
token, _ = Token.objects.get_or_create(user=user)
report = StatusReport.objects.create(
    work_plan=WorkPlan.objects.get(slug="2020"),
    as_of=datetime.date(2020, 12, 31),
    title_en="Smoke test report",
    title_fr="Rapport du test de fumée",
)
print(token.key, report.pk)
' 2>"$WORK/shell.log") || fail "a staff token and a draft report made with manage.py shell"
read -r TOKEN REPORT_ID <<<"$(tail -n 1 <<<"$made")"
[ -n "${REPORT_ID:-}" ] || fail "a staff token and a draft report made with manage.py shell: $made"
ok "staff API token and draft report $REPORT_ID"

status=$(curl -sS -o "$WORK/body" -w '%{http_code}' --max-time 60 -X POST \
  -H "Authorization: Token $TOKEN" "$BASE/api/v1/status-reports/$REPORT_ID/freeze/") || status=000
[ "$status" = 200 ] || [ "$status" = 201 ] || fail "POST freeze: $status $(head -c 500 "$WORK/body")"
[ "$(json_get "$WORK/body" 'd["state"]')" = final ] || fail "the frozen report is final"
ok "POST /api/v1/status-reports/$REPORT_ID/freeze/ $status (final)"

deadline=$((SECONDS + RENDER_TIMEOUT))
while :; do
  get "/api/v1/status-reports/$REPORT_ID/files/" 200 -H "Authorization: Token $TOKEN"
  states=$(json_get "$WORK/body" '" ".join(sorted({f["status"] for f in d}))')
  [ "$states" = ready ] && break
  case " $states " in *" failed "*) fail "a file failed to render: $(cat "$WORK/body")" ;; esac
  [ $SECONDS -lt $deadline ] || fail "files rendered within ${RENDER_TIMEOUT}s (now: $states)"
  sleep 1
done
count=$(json_get "$WORK/body" 'len(d)')
ok "the worker rendered the report's $count files"

"$PY" manage.py shell -v 0 -c "
from cogwg.models import StatusReport
from cogwg.reports.services import report_publish
report_publish(report=StatusReport.objects.get(pk=$REPORT_ID))
" >>"$WORK/shell.log" 2>&1 || fail "the report published with manage.py shell"
pdf_url=$(json_get "$WORK/body" 'next(f["download_url"] for f in d if f["format"] == "pdf" and f["language"] == "fr")')
pdf_path=/${pdf_url#http*://*/}
get "$pdf_path" 200
[ "$(head -c 4 "$WORK/body")" = "%PDF" ] || fail "the download is a PDF"
ok "GET $pdf_path 200 (%PDF, $(wc -c <"$WORK/body") bytes)"

log "==> Logs"
if grep -q '"status": 500' "$WORK/gunicorn.log"; then fail "no 500 in the access log"; fi
ok "no 500 in gunicorn's access log"
# As in the containers: one JSON object a line.
for name in gunicorn beat; do
  "$PY" -c 'import json, sys; [json.loads(line) for line in open(sys.argv[1])]' "$WORK/$name.log" 2>/dev/null ||
    fail "$name's log is JSON lines: $(grep -v '^{' "$WORK/$name.log" | head -n 3)"
done
ok "gunicorn's and beat's logs are JSON lines"
# The workers' too, with no banner (--quiet), and their "ready" as JSON. Only the lines of
# Python's warning that a worker runs as root (CI runs this as root; the image runs them
# as its own user) are not checked here.
for name in worker worker-long; do
  if grep -Eq '^\[(tasks|queues)\]|\.> (transport|concurrency):| -------------- \[queues\]' "$WORK/$name.log"; then
    fail "$name's log has no Celery banner: $(grep -v '^{' "$WORK/$name.log" | head -n 3)"
  fi
  "$PY" -c '
import json, sys
records = [json.loads(line) for line in open(sys.argv[1]) if line.startswith("{")]
assert any(r["logger"] == "celery.apps.worker" and r["message"].endswith(" ready.") for r in records)
' "$WORK/$name.log" 2>/dev/null || fail "$name logs that it is ready, as JSON: $(head -n 3 "$WORK/$name.log")"
done
ok "the workers' logs have no banner, and JSON lines"

log "smoke test passed"
