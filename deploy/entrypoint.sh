#!/bin/sh
# Entrypoint of the one image that runs migrate, web, worker, worker-long and beat
# (docker-compose.yml).
#
# Before the command (the migrations, gunicorn, the Celery workers, beat) it refuses to
# start with a configuration that `check --deploy` finds fault with (a weak secret key,
# DEBUG on…; what the operator turned off on purpose is silenced by the settings:
# cogwg/settings/production.py), then, when asked to (the one-shot migrate service, or
# a deployment without Compose):
#   COGWG_COLLECTSTATIC=1  copies the static files into the volume nginx serves;
#   COGWG_MIGRATE=1        applies the database migrations, one process at a time (several
#                          processes starting together take turns on a lock).
# Quietly: the logs are JSON lines, and these commands' reports are plain text. A failed
# check prints its findings on standard error, and the container stops.
set -eu

python manage.py check --deploy --fail-level WARNING >/dev/null

if [ "${COGWG_COLLECTSTATIC:-0}" = "1" ]; then
    python manage.py collectstatic --noinput --verbosity 0
fi

if [ "${COGWG_MIGRATE:-0}" = "1" ]; then
    python manage.py migrate_exclusive --verbosity 0
fi

exec "$@"
