#!/bin/sh
# Entrypoint of the one image that runs web, worker, worker-long and beat (docker-compose.yml).
#
# Before the command (gunicorn, celery workers, celery beat) it refuses to start with a
# configuration that `check --deploy` finds fault with (a weak secret key, DEBUG on…),
# then, when asked to (the web service):
#   COGWG_COLLECTSTATIC=1  copies the static files into the volume nginx serves;
#   COGWG_MIGRATE=1        applies the database migrations, one process at a time (several
#                          web containers starting together take turns on a lock).
set -eu

python manage.py check --deploy --fail-level WARNING

if [ "${COGWG_COLLECTSTATIC:-0}" = "1" ]; then
    python manage.py collectstatic --noinput --verbosity 0
fi

if [ "${COGWG_MIGRATE:-0}" = "1" ]; then
    python manage.py migrate_exclusive
fi

exec "$@"
