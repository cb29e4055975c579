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


class LinkStatus(models.TextChoices):
    """What the last check of an external link found."""

    OK = "ok", _("OK")
    REDIRECTED = "redirected", _("Redirected")
    BROKEN = "broken", _("Broken")
    TIMEOUT = "timeout", _("Timed out")
    ERROR = "error", _("Error")


# A link that answered (possibly after redirects); anything else has failed its last check.
REACHABLE_LINK_STATUSES = (LinkStatus.OK, LinkStatus.REDIRECTED)
# Failed in a way that says the page is gone or not answering. ERROR (TLS failures, too
# many redirects, 401/403/429 refusals aimed at robots) is not shown to the public as
# unreachable: a browser may well reach the page.
UNREACHABLE_LINK_STATUSES = (LinkStatus.BROKEN, LinkStatus.TIMEOUT)


class ReportingPeriodStatus(models.TextChoices):
    """A call for updates: open while jurisdictions report, closed once approved."""

    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")


class LinkErrorCode(models.TextChoices):
    """Why a link check failed, in no language: ``LinkCheck.error`` holds the detail."""

    TIMEOUT = "timeout", _("No answer in time")
    HTTP_STATUS = "http_status", _("The server answered with an error")
    CONNECTION = "connection", _("Connection failed")
    TLS = "tls", _("Secure connection (TLS) failed")
    REDIRECTS = "redirects", _("Too many redirects")
    OTHER = "other", _("The request failed")


class EmailJobState(models.TextChoices):
    """Where an e-mail job of the outbox stands (cogwg.models.EmailJob, cogwg/outbox.py)."""

    PENDING = "pending", _("Pending")
    SENDING = "sending", _("Being sent")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class EmailSkipReason(models.TextChoices):
    """Why an e-mail job of the outbox is done without sending its message
    (cogwg.models.EmailJob.skip_reason, cogwg/outbox.py ``Skipped``)."""

    GONE = "gone", _("The record it was about was deleted")
    OUTDATED = "outdated", _("What it announced no longer holds: the record has changed state since")
    NO_RECIPIENT = "nobody", _("Nobody to send it to")
    REFUSED = "refused", _("The mail server refused the address")
