"""Deleting stories, themes and datasets, each with its history row of the deletion.

A deleted story takes its submitter's name and e-mail address out of every row of its
history (``stories_delete``; stories/services/privacy.py). Deleting a theme or a dataset
(``themes_delete``, ``datasets_delete``) takes it off the stories that used it first, each
with a history row saying so.
"""

from django.db import transaction
from django.utils.translation import gettext_noop

from ..models import UserStory
from .privacy import _submitter_history_erase

# The reasons of the history rows of the stories that lose a deleted theme or dataset:
# stored in English, shown in the reader's language (as ``SUBMITTER_ERASED``). Which one it
# was is in the row itself (the story's themes or datasets before and after).
THEME_DELETED = gettext_noop("Theme deleted")
DATASET_DELETED = gettext_noop("Dataset deleted")


@transaction.atomic
def stories_delete(*, queryset, by=None) -> int:
    """Delete the stories of ``queryset``, each with its history row of the deletion (by
    ``by``), and blank their submitter's name and e-mail address in every row of their
    history: the rows stay for the audit, the personal information goes with the story.
    Returns how many were deleted. Raises ``ProtectedError`` as ``delete()`` does, and
    then deletes nothing."""
    stories = list(UserStory.objects.filter(pk__in=queryset.values("pk")).select_for_update().order_by("pk"))
    deleted = [story.pk for story in stories]  # (delete() unsets them)
    for story in stories:
        story._history_user = by
        story.delete()
    _submitter_history_erase(story_ids=deleted)
    return len(deleted)


@transaction.atomic
def story_delete(*, story: UserStory, by=None) -> None:
    """Delete one story as ``stories_delete`` does."""
    stories_delete(queryset=UserStory.objects.filter(pk=story.pk), by=by)


def _delete_used_by_stories(*, queryset, field_name: str, reason: str, by) -> int:
    """Delete the records of ``queryset`` (themes or datasets: the stories'
    ``field_name``), each with its history row of the deletion (by ``by``). Each story
    that used some loses them first, with a history row of its own (by ``by``, for
    ``reason``) and a new ``modified_at``: deleting them would take their links away
    without a word in the stories' history (a cascade sends no ``m2m_changed``), and a
    change form opened before must not save them back. Returns how many were deleted."""
    model = queryset.model
    records = list(model.objects.filter(pk__in=queryset.values("pk")).select_for_update().order_by("pk"))
    m2m = UserStory._meta.get_field(field_name)
    links = m2m.remote_field.through.objects.filter(**{f"{m2m.m2m_reverse_field_name()}__in": records})
    stories = list(
        UserStory.objects.filter(pk__in=links.values(m2m.m2m_field_name())).select_for_update().order_by("pk")
    )
    links.delete()
    for story in stories:
        story._history_user = by
        story._change_reason = reason
        story.save(update_fields=["modified_at"])
    for record in records:
        record._history_user = by
        record.delete()
    return len(records)


@transaction.atomic
def themes_delete(*, queryset, by=None) -> int:
    """Delete the themes of ``queryset``; the stories about them lose them, each with a
    history row (``THEME_DELETED``) by ``by``. Returns how many were deleted."""
    return _delete_used_by_stories(queryset=queryset, field_name="themes", reason=THEME_DELETED, by=by)


@transaction.atomic
def datasets_delete(*, queryset, by=None) -> int:
    """Delete the datasets of ``queryset``; the stories that used them lose them, each
    with a history row (``DATASET_DELETED``) by ``by``. Returns how many were deleted.
    Raises ``ProtectedError`` as ``delete()`` does, and then deletes nothing."""
    return _delete_used_by_stories(queryset=queryset, field_name="datasets", reason=DATASET_DELETED, by=by)
