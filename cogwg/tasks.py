"""Thin Celery tasks: they load rows and call services."""

from celery import shared_task

from .linkcheck import links_check


# One request at a time per host, with a delay: longer than the default task time limit.
@shared_task(soft_time_limit=2 * 60 * 60, time_limit=2 * 60 * 60 + 60)
def check_links():
    """Weekly (Celery beat): check every external link and store its status. Idempotent."""
    return dict(links_check())
