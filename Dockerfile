# syntax=docker/dockerfile:1
# One image for the web (gunicorn), worker, worker-long and beat services of docker-compose.yml.

FROM python:3.11-slim-bookworm AS build
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_CACHE_DIR=1
RUN python -m venv /opt/venv
# requirements.lock pins every package requirements.txt pulls in: the same commit builds
# the same image (how to regenerate it: the lock's first lines).
COPY requirements.txt requirements.lock /tmp/
RUN /opt/venv/bin/pip install -r /tmp/requirements.txt -c /tmp/requirements.lock \
    && /opt/venv/bin/pip check

FROM python:3.11-slim-bookworm
# Pango and HarfBuzz for WeasyPrint (PDF reports); fonts with French accents; gettext to
# compile the translation catalogues.
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b libharfbuzz-subset0 fonts-dejavu-core fonts-liberation gettext \
    && rm -rf /var/lib/apt/lists/*
# The app's user owns only what the app writes: the static files (the migrate service
# copies a release's into the static volume), the media (report files) and var (beat's
# schedule), and its home (caches, e.g. fontconfig's). The code stays root's: a flaw in
# the app cannot rewrite it.
RUN groupadd --system --gid 1000 cogwg \
    && useradd --system --uid 1000 --gid cogwg --create-home --home-dir /home/cogwg --shell /usr/sbin/nologin cogwg
COPY --from=build /opt/venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    DJANGO_SETTINGS_MODULE=cogwg.settings.production \
    DJANGO_STATIC_ROOT=/app/staticfiles \
    DJANGO_MEDIA_ROOT=/app/media
WORKDIR /app
COPY . .
# Catalogues, and static files with hashed names, in the image (WhiteNoise serves them even
# without the nginx volume). The build needs settings that load, not real secrets.
RUN export DJANGO_SECRET_KEY=build-only-not-a-secret DJANGO_ALLOWED_HOSTS=localhost \
        DATABASE_URL=sqlite:////tmp/build.sqlite3 EMAIL_URL=dummymail:// \
        CELERY_BROKER_URL=redis://build-only:6379/0 \
    && python manage.py compilemessages --ignore=/opt/venv --verbosity 0 \
    && python manage.py collectstatic --noinput --verbosity 0 \
    && mkdir -p /app/media /app/var \
    && chmod -R a+rX,go-w /app \
    && chown -R cogwg:cogwg /app/staticfiles /app/media /app/var
USER cogwg
EXPOSE 8000
ENTRYPOINT ["/app/deploy/entrypoint.sh"]
CMD ["gunicorn", "--config", "deploy/gunicorn.conf.py", "cogwg.wsgi"]
