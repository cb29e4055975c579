from django.db import models
from django.utils.translation import gettext_lazy as _


class PublicationState(models.TextChoices):
    """Review workflow of a record contributed by a jurisdiction or the secretariat."""

    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted for review")
    RETURNED = "returned", _("Returned for changes")
    PUBLISHED = "published", _("Published")


class MeetingKind(models.TextChoices):
    JOINT_COUNCILS = "joint_councils", _("Joint Councils")
    COGWG = "cogwg", _("COGWG meeting")
    IN_PERSON = "in_person", _("In-person meeting")


class StatusReportState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    FINAL = "final", _("Final (frozen)")
    PUBLISHED = "published", _("Published")


class ReportFormat(models.TextChoices):
    PDF = "pdf", "PDF"
    XLSX = "xlsx", "XLSX"
    PPTX = "pptx", "PPTX"
    CSV = "csv", "CSV"


class RenderStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    RUNNING = "running", _("Rendering")
    READY = "ready", _("Ready")
    FAILED = "failed", _("Failed")
