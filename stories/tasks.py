"""Thin Celery tasks: they load rows and call services."""

from celery import shared_task

from . import notifications
from .models import Dataset, UserStory
from .services import dataset_harvest, datasets_harvest_all


# One dataset at a time against slow portals: longer than the default task time limit.
@shared_task(soft_time_limit=60 * 60, time_limit=60 * 60 + 60)
def harvest_datasets():
    """Weekly (Celery beat): refresh every dataset from its portal. Idempotent."""
    return datasets_harvest_all().as_dict()


@shared_task
def harvest_dataset(dataset_id: int):
    dataset = Dataset.objects.filter(pk=dataset_id).first()
    return dataset_harvest(dataset=dataset) if dataset else False


@shared_task(autoretry_for=(OSError,), max_retries=5, retry_backoff=60)
def send_submitter_email(kind: str, story_id: int) -> bool:
    """E-mail ``kind`` (received, published, rejected) to the submitter of the story
    ``story_id`` (stories/notifications.py); False when the story is gone or has no
    submitter's address."""
    story = UserStory.objects.filter(pk=story_id).first()
    return notifications.send(kind=kind, story=story) if story else False
