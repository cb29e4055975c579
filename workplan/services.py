"""Writes with rules on the work plan: posting and publishing progress."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cogwg.choices import PublicationState

from .choices import MilestoneStatus
from .models import Milestone, ProgressUpdate


def progress_update_validate(*, milestone, reported_on, status, progress):
    """Raise ValidationError with field messages for an update that must not be posted."""
    errors = {}
    if status not in MilestoneStatus.values:
        errors["status"] = _("Choose a valid status.")
    if not isinstance(progress, int) or not 0 <= progress <= 100:
        errors["progress"] = _("Progress must be a whole number between 0 and 100.")
    elif status == MilestoneStatus.COMPLETED and progress != 100:
        # xgettext:no-python-format
        errors["progress"] = _("A completed milestone is 100% done.")
    if reported_on > timezone.localdate():
        errors["reported_on"] = _("An update cannot be dated in the future.")
    if errors:
        raise ValidationError(errors)


def milestone_refresh_status(*, milestone: Milestone) -> Milestone:
    """Set the milestone's current status and progress from its latest published update
    (by report date), or back to "not started" when it has none."""
    latest = milestone.updates.published().latest_first().first()
    if latest is None:
        milestone.status, milestone.progress, milestone.completed_on = MilestoneStatus.NOT_STARTED, 0, None
    else:
        milestone.status, milestone.progress = latest.status, latest.progress
        milestone.completed_on = latest.reported_on if latest.status == MilestoneStatus.COMPLETED else None
    milestone.save(update_fields=["status", "progress", "completed_on", "modified_at"])
    return milestone


@transaction.atomic
def milestone_post_update(
    *,
    milestone: Milestone,
    reported_on: datetime.date,
    status: str,
    progress: int,
    note_en: str = "",
    note_fr: str = "",
    by=None,
    jurisdiction=None,
    publish: bool = True,
) -> ProgressUpdate:
    """Record a progress update on a milestone. A published update moves the milestone's
    current status and progress in the same transaction; a draft waits for review."""
    progress_update_validate(milestone=milestone, reported_on=reported_on, status=status, progress=progress)
    milestone = Milestone.objects.select_for_update().get(pk=milestone.pk)
    update = ProgressUpdate(
        milestone=milestone,
        reported_on=reported_on,
        status=status,
        progress=progress,
        note_en=note_en,
        note_fr=note_fr,
        author=by,
        jurisdiction=jurisdiction,
        publication_state=PublicationState.PUBLISHED if publish else PublicationState.DRAFT,
        published_at=timezone.now() if publish else None,
    )
    update._history_user = by
    update.full_clean()
    update.save()
    if publish:
        milestone._history_user = by
        milestone_refresh_status(milestone=milestone)
    return update


@transaction.atomic
def progress_update_publish(*, update: ProgressUpdate, by=None) -> ProgressUpdate:
    """Publish a reviewed update and let it move its milestone."""
    update = ProgressUpdate.objects.select_for_update().select_related("milestone").get(pk=update.pk)
    if update.publication_state != PublicationState.PUBLISHED:
        update.publication_state = PublicationState.PUBLISHED
        update.published_at = timezone.now()
        update._history_user = by
        update.save(update_fields=["publication_state", "published_at", "modified_at"])
    update.milestone._history_user = by
    milestone_refresh_status(milestone=update.milestone)
    return update


@transaction.atomic
def progress_update_unpublish(*, update: ProgressUpdate, by=None) -> ProgressUpdate:
    """Withdraw a published update; the milestone falls back to the one before it."""
    update = ProgressUpdate.objects.select_for_update().select_related("milestone").get(pk=update.pk)
    if update.publication_state == PublicationState.PUBLISHED:
        update.publication_state = PublicationState.DRAFT
        update.published_at = None
        update._history_user = by
        update.save(update_fields=["publication_state", "published_at", "modified_at"])
    update.milestone._history_user = by
    milestone_refresh_status(milestone=update.milestone)
    return update
