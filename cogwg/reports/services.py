"""Writes with rules on status reports: freezing, publishing, rendering their files and
re-queuing a failed one; and the scheduled work on milestones (marking the overdue ones
delayed, reminding the seats of what falls due)."""

import contextlib
import datetime
import hashlib
import json
import logging
from collections import defaultdict

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.mail import EmailMessage, get_connection
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from kombu.exceptions import OperationalError as BrokerError
from simple_history.utils import update_change_reason

from cogwg import dates, outbox
from cogwg.choices import RenderStatus, ReportFormat, StatusReportState
from cogwg.models import StatusReport, StatusReportFile, StatusReportItem, UpcomingReminder
from cogwg.versioning import data_changed
from workplan.choices import CLOSED_STATUSES, MilestoneStatus, WorkPlanStatus
from workplan.models import Milestone, WorkPlan
from workplan.selectors import closed_as_of
from workplan.services import UPDATE_DAYS_AFTER_PLAN_END, milestone_post_update, records_lock

from .content import LANGUAGES, build_content, items_taken
from .diff import compare
from .render import render_file
from .selectors import previous_frozen_report, report_baseline

logger = logging.getLogger(__name__)

# Every frozen report gets one file per format and language.
REPORT_FILES = [(format, language) for format in ReportFormat.values for language in LANGUAGES]
# The render task's hard time limit (tasks.render_report_file): a rendering never lasts longer.
RENDER_TIME_LIMIT = 300
# A reminder covers the milestones due within this many days.
REMINDER_WINDOW_DAYS = 30
# Why the daily marking changed a milestone and wrote its update, as their History pages
# say: stored in English, shown in the reader's language.
MARKED_OVERDUE = gettext_noop("Marked “Delayed” automatically: past due and not completed")


class RenderRetry(Exception):
    """Rendering failed and will be tried again: the file is back to pending."""


class RenderBusy(Exception):
    """The file is claimed by a rendering that may still be alive: its claim lapses in
    ``seconds`` (a task redelivered after its worker died waits that long, then takes over)."""

    def __init__(self, seconds: float):
        super().__init__(f"being rendered; the claim lapses in {seconds:.0f} s")
        self.seconds = seconds


def render_lease() -> datetime.timedelta:
    """How long a rendering holds its file: past the render task's hard time limit, a
    claim can only be a dead worker's. ``COGWG_REPORT_RENDER_LEASE_SECONDS`` shortens it
    for the fault tests (tests/ops/test_faults_worker.py)."""
    seconds = getattr(settings, "COGWG_REPORT_RENDER_LEASE_SECONDS", None) or RENDER_TIME_LIMIT + 60
    return datetime.timedelta(seconds=seconds)


def content_checksum(content: dict) -> str:
    """SHA-256 of the content's canonical JSON (sorted keys, no spaces, UTF-8)."""
    canonical = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


class _RenderQueue:
    """Hands files to the workers, one task each. With the broker down, the freeze or
    re-queue that made them still succeeds: the files stay pending, and the sweeper
    (``sweep_pending_report_files``) enqueues them once the broker is back. After a first
    failure the batch's other files are not tried, so that a request waits for one broker
    time-out, not one per file."""

    def __init__(self, file_ids):
        self.file_ids = list(file_ids)
        self.broker_down = False

    def enqueue(self, file_id: int) -> None:
        from .tasks import render_report_file

        if self.broker_down:
            return
        try:
            render_report_file.delay(file_id)
        except BrokerError:
            self.broker_down = True
            left = self.file_ids[self.file_ids.index(file_id) :]
            logger.exception(
                "Could not enqueue the rendering of status report files %s; they stay pending for the sweeper", left
            )

    def enqueue_all(self) -> None:
        for file_id in self.file_ids:
            self.enqueue(file_id)


def _enqueue_renders(file_ids) -> None:
    _RenderQueue(file_ids).enqueue_all()


def _enqueue_on_commit(file_ids) -> None:
    queue = _RenderQueue(file_ids)
    for file_id in queue.file_ids:
        transaction.on_commit(lambda file_id=file_id: queue.enqueue(file_id))


# What a report about to be frozen lacks when its title is missing in a language.
UNTITLED_IN = {
    "en": gettext_noop("A report is frozen with its title in both official languages: enter its English title first."),
    "fr": gettext_noop("A report is frozen with its title in both official languages: enter its French title first."),
}


def _ensure_titled(report: StatusReport) -> None:
    """Refuse (ValidationError, by field) a report without its title in one of the
    languages of its files: each file shows, for good, the title in its own language. A
    report saved before both titles were required may lack one."""
    errors = {
        f"title_{language}": _(UNTITLED_IN[language])
        for language in LANGUAGES
        if not (getattr(report, f"title_{language}") or "").strip()
    }
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def report_freeze(*, report: StatusReport, by=None) -> StatusReport:
    """Compute the report's content once, as of its date, and keep it for good: content,
    checksum, who froze it and when, and the records it took (``StatusReportItem``, which
    the later reports of its plan do not take again); the report becomes final. One file
    per format and language is created pending, and its rendering is enqueued once the
    freeze commits."""
    # Locks the report row only: the meeting is an outer join, which PostgreSQL cannot lock.
    locked = StatusReport.objects.select_for_update(of=("self",)).select_related("work_plan", "meeting")
    report = locked.get(pk=report.pk)
    if report.state != StatusReportState.DRAFT:
        raise ValidationError(_("This report is already frozen."))
    # A report saved before its as-of date was checked (StatusReport.clean) is not frozen.
    report.clean()
    _ensure_titled(report)
    # Through JSON and back: the stored content is exactly what was checksummed.
    content = json.loads(json.dumps(build_content(report=report, previous=previous_frozen_report(report))))
    report.content = content
    report.checksum = content_checksum(content)
    report.frozen_at = timezone.now()
    report.frozen_by = by
    report.state = StatusReportState.FINAL
    report._history_user = by
    report.save(update_fields=["content", "checksum", "frozen_at", "frozen_by", "state", "modified_at"])
    # What it took, from the content just read: a record whose publication commits after
    # that read (stamped before ``frozen_at`` all the same) is not in it, and the next
    # report takes it (``selectors.not_yet_reported``).
    StatusReportItem.objects.bulk_create(
        [StatusReportItem(report=report, kind=kind, record_id=pk) for kind, pk in items_taken(content)]
    )
    files = StatusReportFile.objects.bulk_create(
        [StatusReportFile(report=report, format=format, language=language) for format, language in REPORT_FILES]
    )
    _enqueue_on_commit(file.pk for file in files)
    return report


@transaction.atomic
def report_publish(*, report: StatusReport, by=None) -> StatusReport:
    """Make a frozen report public. A draft must be frozen first, and its plan public: a
    report shows its plan's priorities and status, which the public may not see while the
    plan is a draft (nor may the plan go back to draft once a report of it is public:
    ``WorkPlan.clean``). The plan is locked first (workplan/services.py's lock order), so
    that it cannot go back to draft meanwhile."""
    records_lock(model=WorkPlan, pks=[report.work_plan_id])
    report = StatusReport.objects.select_for_update(of=("self",)).select_related("work_plan").get(pk=report.pk)
    if report.state == StatusReportState.DRAFT:
        raise ValidationError(_("Freeze the report before publishing it."))
    if report.state != StatusReportState.PUBLISHED and report.work_plan.status == WorkPlanStatus.DRAFT:
        raise ValidationError(
            _("This report's work plan is a draft, which the public does not see: make the plan active first.")
        )
    if report.state != StatusReportState.PUBLISHED:
        report.state = StatusReportState.PUBLISHED
        report._history_user = by
        report.save(update_fields=["state", "modified_at"])
    return report


@transaction.atomic
def report_file_requeue(*, file: StatusReportFile, by=None) -> StatusReportFile:
    """Render a file again: a failed one after its error was fixed, a pending one the
    workers never got, or a ready one on request. A file being rendered is left alone."""
    file = StatusReportFile.objects.select_for_update().get(pk=file.pk)
    if file.status == RenderStatus.RUNNING:
        raise ValidationError(_("This file is being rendered."))
    file.status = RenderStatus.PENDING
    file.error = ""
    file.save(update_fields=["status", "error", "modified_at"])
    # The file keeps no history of its own: the log says who asked (the site itself when a
    # reader found it lost from storage).
    logger.info(
        "status report file %s (report %s, %s %s) queued to be rendered again by %s",
        file.pk,
        file.report_id,
        file.format,
        file.language,
        by.get_username() if by is not None else "the site",
    )
    _enqueue_on_commit([file.pk])
    return file


def report_file_open(*, file: StatusReportFile):
    """A ready file's content, opened for reading; None when the storage has lost it (a
    media volume lost, or restored apart from the database). A lost file is queued to be
    rendered again from the report's frozen content, which never changes: without a
    broker that runs at once, and the new content is returned."""
    try:
        return file.file.open("rb")
    except FileNotFoundError:
        logger.error("status report file %s is missing from storage (%s): rendering it again", file.pk, file.file.name)
    with contextlib.suppress(ValidationError):  # being rendered already
        report_file_requeue(file=file)
    file.refresh_from_db()
    if file.status == RenderStatus.READY and file.file:
        with contextlib.suppress(FileNotFoundError):
            return file.file.open("rb")
    return None


def report_files_requeue_failed(*, report: StatusReport, by=None) -> int:
    """Re-queue every failed file of a report; returns how many."""
    files = list(StatusReportFile.objects.filter(report=report, status=RenderStatus.FAILED))
    for file in files:
        report_file_requeue(file=file, by=by)
    return len(files)


def report_changes(*, report: StatusReport, user) -> dict:
    """What changed since the report ``report`` followed when it was frozen (``diff.compare``),
    the same for a reader on the page, in the API and against the report's own files.

    The baseline is the one the freezing recorded, never searched for again: a report frozen
    or published since changes no frozen report's comparison. A reader who may not see it
    (the public, while it is not published) gets the report compared with nothing, as a
    first report is: ``previous_report`` is None and everything the report holds is new.
    Comparing with another report would give them a second set of numbers for the same
    report, over a period its files do not cover; and the baseline's own numbers (the
    "before" of every change) are its content, which they may not read."""
    if report.content is None:
        raise ValidationError(_("A draft report has no content yet: freeze it first."))
    baseline = report_baseline(report, user=user)
    return compare(baseline.content if baseline else None, report.content)


def report_file_name(file: StatusReportFile) -> str:
    """The file's name, from the report's title in the file's language (English where the
    title was never translated)."""
    report = file.report
    title = getattr(report, f"title_{file.language}") or report.title_en or report.title
    slug = slugify(title)[:60] or "status-report"
    return f"{slug}-{report.as_of:%Y-%m-%d}-{file.language}.{file.format}"


def report_file_render(
    *, file_id: int, final_attempt: bool = True, lease: datetime.timedelta | None = None
) -> StatusReportFile | None:
    """Render one file of a frozen report, at most once at a time.

    The file is claimed by one conditional update: pending to running, counting the
    attempt. A claim older than ``lease`` (longer than a rendering may last: the task's
    hard time limit kills it first) belonged to a worker that died, and is taken over.
    The attempt number is the claim's token: only the rendering that holds the current
    claim may store its result, so a file is never stored by two renderings.

    On failure the error is kept, and the file goes back to pending (``RenderRetry`` is
    raised for the task to retry) or, on the final attempt, to failed. Returns the file,
    or None when there was nothing to do (already rendered or failed). ``RenderBusy`` is
    raised when a live claim holds the file."""
    lease = lease or render_lease()
    now = timezone.now()
    claimable = Q(status=RenderStatus.PENDING) | Q(status=RenderStatus.RUNNING, modified_at__lt=now - lease)
    claimed = (
        StatusReportFile.objects.filter(claimable, pk=file_id)
        .order_by()
        .update(status=RenderStatus.RUNNING, attempts=F("attempts") + 1, modified_at=now)
    )
    if not claimed:
        running_since = (
            StatusReportFile.objects.filter(pk=file_id, status=RenderStatus.RUNNING)
            .values_list("modified_at", flat=True)
            .first()
        )
        if running_since is None:
            return None
        raise RenderBusy(max((running_since + lease - now).total_seconds(), 0.0))
    file = StatusReportFile.objects.select_related("report").get(pk=file_id)
    # Ours for ``lease``: nobody else can claim it meanwhile, so this is our claim's number.
    ours = StatusReportFile.objects.filter(pk=file_id, status=RenderStatus.RUNNING, attempts=file.attempts)
    try:
        data = render_file(file.report.content, format=file.format, language=file.language)
    except Exception as exc:
        error = f"{type(exc).__name__}: {exc}"
        status = RenderStatus.FAILED if final_attempt else RenderStatus.PENDING
        ours.update(status=status, error=error, modified_at=timezone.now())
        data_changed()
        logger.warning("Rendering status report file %s failed: %s", file_id, error, exc_info=True)
        if not final_attempt:
            raise RenderRetry(error) from exc
        file.refresh_from_db()
        return file
    previous_name = file.file.name
    name = file.file.storage.save(file.file.field.generate_filename(file, report_file_name(file)), ContentFile(data))
    updated = ours.update(
        file=name, status=RenderStatus.READY, error="", rendered_at=timezone.now(), modified_at=timezone.now()
    )
    data_changed()  # the file's link appears on the report's page
    if not updated:
        # Taken back meanwhile (the claim lapsed and was taken over): this rendering is not the file's.
        file.file.storage.delete(name)
        logger.warning("Rendering of status report file %s (attempt %s) lost its claim", file_id, file.attempts)
    else:
        logger.info("Rendered status report file %s (attempt %s)", file_id, file.attempts)
        if previous_name and previous_name != name:
            file.file.storage.delete(previous_name)
    file.refresh_from_db()
    return file


def report_files_sweep(*, pending_for: datetime.timedelta, running_for: datetime.timedelta | None = None) -> int:
    """Enqueue again the files left pending longer than ``pending_for`` (the broker was
    down when they were created) and take back those running longer than ``running_for``
    (their worker died after claiming them; by default, past the render lease). Returns
    how many were enqueued."""
    running_for = running_for or render_lease()
    now = timezone.now()
    stale = StatusReportFile.objects.filter(status=RenderStatus.RUNNING, modified_at__lt=now - running_for)
    if stale.update(status=RenderStatus.PENDING, modified_at=now - pending_for):
        data_changed()
    file_ids = list(
        StatusReportFile.objects.filter(status=RenderStatus.PENDING, modified_at__lte=now - pending_for).values_list(
            "pk", flat=True
        )
    )
    # Touched so that the next sweep waits ``pending_for`` again before enqueuing twice.
    StatusReportFile.objects.filter(pk__in=file_ids, status=RenderStatus.PENDING).update(modified_at=now)
    _enqueue_renders(file_ids)
    return len(file_ids)


# Scheduled work on milestones


def _active_milestones():
    return Milestone.objects.filter(priority__work_plan__status=WorkPlanStatus.ACTIVE).exclude(
        status__in=CLOSED_STATUSES
    )


def milestones_mark_overdue(*, on: datetime.date | None = None) -> int:
    """Mark delayed the milestones of the active plan that are past due and not finished,
    through a progress update dated ``on`` (the log stays the milestone's history; the
    progress is kept), an automatic overdue mark. A milestone already delayed is left
    alone, so a second run changes nothing; so is one that its log says was completed or
    cancelled as of ``on`` (``workplan.selectors.closed_as_of``), whatever came after.
    A completion published later, dated on or before ``on``, withdraws the mark
    (``workplan.services.overdue_marks_withdraw_stale``). Returns how many were marked.

    A closed plan's milestones are never marked: its log is kept as it was closed. Nor
    are those of a plan that ended more than ``UPDATE_DAYS_AFTER_PLAN_END`` days before
    ``on`` while still active (not yet followed by the next one): no update is dated that
    late (``workplan.services.progress_update_validate``)."""
    on = on or dates.today()
    marked = 0
    ended_after = on - datetime.timedelta(days=UPDATE_DAYS_AFTER_PLAN_END)
    overdue = (
        _active_milestones()
        .overdue(on=on)
        .exclude(status=MilestoneStatus.DELAYED)
        .filter(priority__work_plan__end_date__gte=ended_after)
    )
    for milestone in overdue:
        # The note is stored in each language (note_en, note_fr), written in it: the
        # status's own label and the date as that language writes it.
        notes = {}
        for language in LANGUAGES:
            with translation.override(language):
                notes[language] = _("Marked “%(status)s” automatically: due on %(date)s and not completed.") % {
                    "status": MilestoneStatus.DELAYED.label,
                    "date": dates.date_format(milestone.due_date),
                }
        with transaction.atomic():
            # Looked at again once locked (after its plan, as posting locks it:
            # ``records_lock``): a run at the same time may have marked it since, or a
            # completion of that day been published.
            records_lock(model=Milestone, pks=[milestone.pk])
            if not overdue.filter(pk=milestone.pk).exists():
                continue
            if closed_as_of(milestone=milestone, on=on):
                continue
            update = milestone_post_update(
                milestone=milestone,
                reported_on=on,
                status=MilestoneStatus.DELAYED,
                progress=milestone.progress,
                note_en=notes["en"],
                note_fr=notes["fr"],
                overdue_mark=True,
            )
            # The history records it has just written (the update's, the milestone's) get
            # their reason in the same transaction: none is ever seen without it.
            update_change_reason(update, MARKED_OVERDUE)
            update_change_reason(update.milestone, MARKED_OVERDUE)
        marked += 1
    return marked


def milestones_remind_upcoming(*, on: datetime.date | None = None, days: int = REMINDER_WINDOW_DAYS) -> int:
    """E-mail the contacts of the seats (leads and partners) of the priorities whose open
    milestones fall due within ``days``: one message per address, in both languages.
    Each message is claimed before it is sent: its ``UpcomingReminder`` is inserted, in a
    transaction of its own, and a run that finds it inserted already (by a run at the same
    time, or before a retry after the mail server failed part way) skips the address. A
    message the mail server refuses for good (an unknown mailbox) keeps its claim, marked
    refused, and the others are sent; one that could not be sent for another reason (the
    server out of reach) gives its claim back and stops the run, for the retry. So no
    address is sent its message twice on the same day. Returns how many messages were sent."""
    on = on or dates.today()
    milestones = (
        _active_milestones()
        .filter(due_date__gte=on, due_date__lte=on + datetime.timedelta(days=days))
        .select_related("priority")
        .prefetch_related("priority__seats")
        .order_by("due_date", "priority__number", "order", "pk")
    )
    by_address = defaultdict(list)
    for milestone in milestones:
        for seat in milestone.priority.seats.all():
            if seat.contact_email and milestone not in by_address[seat.contact_email.lower()]:
                by_address[seat.contact_email.lower()].append(milestone)
    reminded = set(UpcomingReminder.objects.filter(sent_on=on).values_list("address", flat=True))
    due = [(address, items) for address, items in sorted(by_address.items()) if address not in reminded]
    if not due:
        return 0
    sent = 0
    with get_connection() as connection:
        for address, items in due:
            try:
                with transaction.atomic():
                    claim = UpcomingReminder.objects.create(address=address, sent_on=on)
            except IntegrityError:  # the unique (address, day): another run has it
                continue
            try:
                connection.send_messages([_reminder(address, items, days=days)])
            except Exception as error:
                if not outbox.recipients_refused(error):  # the server out of reach: stop, for the retry
                    claim.delete()
                    raise
                # The address refused for good: its claim stays, marked, and the others are reminded.
                UpcomingReminder.objects.filter(pk=claim.pk).update(refused=True)
                logger.warning("The mail server refused the upcoming milestones reminder %s", claim.pk)
                continue
            sent += 1
    return sent


def _reminder(address, milestones, *, days):
    subject, bodies = [], []
    for language in LANGUAGES:
        with translation.override(language):
            subject.append(_("COGWG: milestones due in the next %(days)s days") % {"days": days})
            lines = [_("These milestones of your priorities fall due in the next %(days)s days:") % {"days": days}]
            for milestone in milestones:
                lines.append(
                    f"- {dates.date_format(milestone.due_date)} · {milestone.priority.number}. "
                    f"{getattr(milestone.priority, f'title_{language}') or milestone.priority.title_en}: "
                    f"{getattr(milestone, f'description_{language}') or milestone.description_en} "
                    f"({MilestoneStatus(milestone.status).label})"
                )
            bodies.append("\n".join(lines))
    return EmailMessage(subject=" / ".join(subject), body="\n\n---\n\n".join(bodies), to=[address])
