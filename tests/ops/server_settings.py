"""Production settings, with the probe views of tests/ops/probe_urls.py: what the ops
tests run gunicorn with."""

from cogwg.settings.production import *  # noqa: F403

ROOT_URLCONF = "tests.ops.probe_urls"
