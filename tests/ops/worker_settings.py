"""Settings of the fault tests' Celery workers (tests/ops/faults.py): the test settings
with a worker's broker, database and media (cogwg/settings/test.py), plus what a fault
test chooses through the environment: how soon Redis hands an unacknowledged task to
another worker, and how long a rendering holds its file."""

import os

from cogwg.settings.test import *  # noqa: F403

CELERY_BROKER_TRANSPORT_OPTIONS = {
    # A worker killed with its task unacknowledged: Redis gives the task back after this.
    "visibility_timeout": int(os.environ.get("COGWG_TEST_WORKER_VISIBILITY_TIMEOUT", "3600")),
    # Look for such tasks every second, not every ten times ten seconds.
    "unacked_restore_interval": 1,
    "unacked_restore_throttle": 1,
}
COGWG_REPORT_RENDER_LEASE_SECONDS = float(os.environ.get("COGWG_TEST_RENDER_LEASE_SECONDS", "0")) or None
