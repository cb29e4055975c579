"""Writes shared by every app: publishing and unpublishing reviewed records."""

from django.db import transaction
from django.utils import timezone

from .choices import PublicationState


def _locked(queryset):
    """The rows of ``queryset`` re-selected by primary key and locked. PostgreSQL refuses
    SELECT … FOR UPDATE on a DISTINCT (a many-to-many filter) or on the nullable side of
    an outer join (select_related), so the lock is taken on a plain query."""
    return queryset.model._default_manager.filter(
        pk__in=list(queryset.values_list("pk", flat=True))
    ).select_for_update()


@transaction.atomic
def records_publish(*, queryset, by=None) -> int:
    """Publish every record of ``queryset`` (a PublishableModel queryset) that is not yet
    published; returns how many changed. Each record is saved on its own so that its
    history shows who published it."""
    changed = 0
    now = timezone.now()
    for record in _locked(queryset).exclude(publication_state=PublicationState.PUBLISHED):
        record.publication_state = PublicationState.PUBLISHED
        record.published_at = now
        record._history_user = by
        record.save(update_fields=["publication_state", "published_at", "modified_at"])
        changed += 1
    return changed


@transaction.atomic
def records_unpublish(*, queryset, by=None) -> int:
    """Take published records back to draft; returns how many changed."""
    changed = 0
    for record in _locked(queryset).filter(publication_state=PublicationState.PUBLISHED):
        record.publication_state = PublicationState.DRAFT
        record.published_at = None
        record._history_user = by
        record.save(update_fields=["publication_state", "published_at", "modified_at"])
        changed += 1
    return changed
