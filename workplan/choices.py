from django.db import models
from django.utils.translation import gettext_lazy as _


class WorkPlanStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    ACTIVE = "active", _("Active")
    CLOSED = "closed", _("Closed")


class SeatRole(models.TextChoices):
    LEAD = "lead", _("Lead")
    PARTNER = "partner", _("Partner")


class MilestoneKind(models.TextChoices):
    DELIVERABLE = "deliverable", _("Deliverable")
    ONGOING = "ongoing", _("Ongoing")


class MilestoneStatus(models.TextChoices):
    NOT_STARTED = "not_started", _("Not started")
    ON_TRACK = "on_track", _("On track")
    AT_RISK = "at_risk", _("At risk")
    DELAYED = "delayed", _("Delayed")
    COMPLETED = "completed", _("Completed")
    CANCELLED = "cancelled", _("Cancelled")


# Worst first: a priority takes the worst status among its non-cancelled milestones.
STATUS_SEVERITY = [
    MilestoneStatus.DELAYED,
    MilestoneStatus.AT_RISK,
    MilestoneStatus.ON_TRACK,
    MilestoneStatus.NOT_STARTED,
    MilestoneStatus.COMPLETED,
]

# A milestone in one of these is finished: it can no longer be overdue.
CLOSED_STATUSES = (MilestoneStatus.COMPLETED, MilestoneStatus.CANCELLED)
