"""Thin Celery tasks: they load rows and call services."""

from celery import shared_task

from .linkcheck import links_check
from .retention import personal_information_dispose


# One request at a time per host, with a delay: longer than the default task time limit,
# hence on the long queue (CELERY_TASK_ROUTES). At its soft time limit it stops within a
# request's time (cogwg/linkcheck.py). Run again after a lost worker: it stores each
# link's latest status, a second run the same.
@shared_task(acks_late=True, reject_on_worker_lost=True, soft_time_limit=2 * 60 * 60, time_limit=2 * 60 * 60 + 60)
def check_links():
    """Weekly (Celery beat): check every external link and store its status. Idempotent."""
    return dict(links_check())


# Run again after a lost worker: it deletes or blanks what is past its date, nothing twice.
@shared_task(acks_late=True, reject_on_worker_lost=True)
def dispose_of_personal_information():
    """Nightly (Celery beat): delete or blank the personal information kept longer than
    its retention period (cogwg/retention.py). Idempotent; returns the counts."""
    return personal_information_dispose().as_dict()
