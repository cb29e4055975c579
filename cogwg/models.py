"""The working group itself: meetings, next steps, status reports, and the about page's
texts; plus the abstract models every app shares (timestamps, publication state)."""

from django.conf import settings
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.text import get_text_list
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from modeltranslation.translator import NotRegistered, translator

from workplan.choices import WorkPlanStatus

from . import dates
from .choices import (
    REACHABLE_LINK_STATUSES,
    UNREACHABLE_LINK_STATUSES,
    EmailJobState,
    EmailSkipReason,
    LinkErrorCode,
    LinkStatus,
    MeetingKind,
    PublicationState,
    RenderStatus,
    ReportFormat,
    ReportingPeriodStatus,
    StatusReportState,
)


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    modified_at = models.DateTimeField(_("modified"), auto_now=True)

    class Meta:
        abstract = True


class PublishableQuerySet(models.QuerySet):
    def approved(self):
        """Records whose own publication state is published, whatever their parents'."""
        return self.filter(publication_state=PublicationState.PUBLISHED)

    def published(self):
        """What the public may see: the one filter every public read goes through."""
        return self.approved()


def _languages():
    return [code for code, _name in settings.LANGUAGES]


def _text(record, name: str, language: str) -> str:
    return (getattr(record, f"{name}_{language}", None) or "").strip()


def _verbose_name(record, name: str):
    return record._meta.get_field(name).verbose_name


def either_language_errors(record, names) -> dict[str, list[ValidationError]]:
    """The errors of ``record`` (a model with translated fields) whose text ``name``, for
    each of ``names``, is given in no language: a draft may be written in either official
    language (a published record has both: ``PublishableModel.publication_gaps``). Said
    next to each language's field, in the active language."""
    errors = {}
    for name in names:
        if any(_text(record, name, language) for language in _languages()):
            continue
        message = ValidationError(
            _("Enter the “%(field)s” in English, in French or in both."),
            code="no_language",
            params={"field": _verbose_name(record, name)},
        )
        for language in _languages():
            errors[f"{name}_{language}"] = [message]
    return errors


# What a published record lacks when one of its texts is missing in a language.
MISSING_IN = {
    "en": _("A published record shows its “%(field)s” in both official languages: enter it in English too."),
    "fr": _("A published record shows its “%(field)s” in both official languages: enter it in French too."),
}


class PublishableModel(TimeStampedModel):
    """A record that goes through review before the public sees it: draft → submitted →
    published, or returned with a comment (then changed and submitted again).

    Its translated texts named in ``required_texts`` are given in English or in French (or
    both) while it is a draft; once published it shows every translated text in both
    official languages, or leaves it out in both (``publication_gaps``): the public pages
    fall back to the other language, which would show English on a French page."""

    # The translated texts a record cannot do without (its title).
    required_texts = ()

    publication_state = models.CharField(
        _("publication state"),
        max_length=16,
        choices=PublicationState.choices,
        default=PublicationState.DRAFT,
        db_index=True,
    )
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    # The review (cogwg.services: record_submit, record_return, records_publish).
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True, editable=False)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="submitted_%(app_label)s_%(class)s_set",
        verbose_name=_("submitted by"),
    )
    review_comment = models.TextField(
        _("review comment"), blank=True, help_text=_("Why the secretariat returned it for changes.")
    )

    objects = PublishableQuerySet.as_manager()

    class Meta:
        abstract = True

    @property
    def is_published(self):
        return self.publication_state == PublicationState.PUBLISHED

    def publication_gaps(self) -> dict[str, str]:
        """What keeps this record from being published, by field (``title_fr``), in the
        active language: a translated text given in one language only, or a required text
        (``required_texts``) missing in a language. Empty when it may be published."""
        try:
            names = translator.get_options_for_model(type(self)).all_fields
        except NotRegistered:
            return {}
        gaps = {}
        for name in names:
            missing = [language for language in _languages() if not _text(self, name, language)]
            if missing and (name in self.required_texts or len(missing) < len(_languages())):
                for language in missing:
                    gaps[f"{name}_{language}"] = MISSING_IN[language] % {"field": _verbose_name(self, name)}
        return gaps

    def clean_languages(self) -> None:
        """Raise ValidationError, by field, for a required text given in no language, and,
        for a published record, for a text missing in one language (``publication_gaps``).
        Called by the models' ``clean()``."""
        errors = either_language_errors(self, self.required_texts)
        if self.is_published:
            for name, message in self.publication_gaps().items():
                errors.setdefault(name, [ValidationError(message, code="missing_translation")])
        if errors:
            raise ValidationError(errors)


def lines(text):
    """A translated text field that holds a list keeps one item per line."""
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


class Meeting(TimeStampedModel):
    """A meeting of the Joint Councils or of the working group."""

    kind = models.CharField(_("kind"), max_length=16, choices=MeetingKind.choices)
    date = models.DateField(_("date"))
    title = models.CharField(_("title"), max_length=200)
    purpose = models.TextField(_("purpose"), blank=True, help_text=_("One point per line."))

    class Meta:
        ordering = ["-date"]
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        constraints = [
            models.UniqueConstraint(fields=["kind", "date"], name="%(app_label)s_%(class)s_one_per_kind_and_day"),
        ]

    def __str__(self):
        return f"{self.title} ({self.date:%Y-%m-%d})"

    def clean(self):
        # A challenge is resolved on or after the day it was first reported, at this
        # meeting too (Challenge.clean): a meeting moved past that day is refused here, by
        # every form and the API alike, rather than leave the challenge breaking its rule.
        if self.pk is None or self.date is None:
            return
        challenges = list(self.challenges.filter(resolved_on__lt=self.date).order_by("resolved_on", "pk"))
        if not challenges:
            return
        named = get_text_list(
            [
                gettext("“%(title)s” (resolved on %(date)s)")
                % {"title": challenge, "date": dates.date_format(challenge.resolved_on)}
                for challenge in challenges
            ],
            gettext("and"),
        )
        message = ngettext(
            "A challenge first reported at this meeting was resolved before %(date)s: %(challenges)s. "
            "Change its “resolved on” date first, or choose another date.",
            "%(count)d challenges first reported at this meeting were resolved before %(date)s: %(challenges)s. "
            "Change their “resolved on” dates first, or choose another date.",
            len(challenges),
        ) % {"count": len(challenges), "date": dates.date_format(self.date), "challenges": named}
        raise ValidationError({"date": ValidationError(message, code="challenges_resolved_before")})

    @property
    def purpose_list(self):
        return lines(self.purpose)


class NextStep(TimeStampedModel):
    """An action agreed at a meeting; ``parent`` holds the sub-points of a step."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="next_steps", verbose_name=_("meeting"))
    parent = models.ForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="children", verbose_name=_("part of")
    )
    text = models.TextField(_("text"))
    owner = models.ForeignKey(
        "jurisdictions.Jurisdiction",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="next_steps",
        verbose_name=_("owner"),
    )
    due = models.DateField(_("due"), null=True, blank=True)
    done = models.BooleanField(_("done"), default=False)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["meeting", "order", "pk"]
        verbose_name = _("next step")
        verbose_name_plural = _("next steps")

    def __str__(self):
        return self.text[:80]

    def clean(self):
        errors = {}
        if self.parent_id is not None and (message := self._parent_error()):
            errors["parent"] = ValidationError(message, code="invalid_parent")
        # (A new meeting's steps hold it unsaved, without its id.)
        meeting = self.meeting if self.meeting_id or NextStep.meeting.is_cached(self) else None
        if self.due is not None and meeting is not None and meeting.date and self.due < meeting.date:
            errors["due"] = ValidationError(
                _("A next step is due on or after its meeting's day (%(date)s)."),
                code="due_before_meeting",
                params={"date": dates.date_format(meeting.date)},
            )
        if errors:
            raise ValidationError(errors)

    def _parent_error(self):
        """Why ``parent`` cannot hold this step, if it cannot. The meeting pages, the API and
        the status reports list a meeting's steps with one level of sub-points under them
        (cogwg.selectors.next_steps_by_parent): a step filed elsewhere would vanish."""
        if self.pk is not None and self.parent_id == self.pk:
            return _("A step cannot be part of itself.")
        if self.parent.meeting_id != self.meeting_id:
            return _("A step can be part only of another step of the same meeting.")
        if self.parent.parent_id is not None:
            return _("This step is itself part of another step: sub-points have no sub-points of their own.")
        if self.pk is not None and self.children.exists():
            return _("This step has sub-points of its own: it cannot be part of another step.")
        return None


class InfoSection(TimeStampedModel):
    """A block of text about the working group (the about page): what COGWG is, why open
    government matters. ``body`` keeps one paragraph or bullet per line."""

    slug = models.SlugField(_("slug"), unique=True)
    title = models.CharField(_("title"), max_length=200)
    intro = models.TextField(_("introduction"), blank=True)
    body = models.TextField(_("points"), blank=True, help_text=_("One point per line."))
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["order", "slug"]
        verbose_name = _("about-page section")
        verbose_name_plural = _("about-page sections")

    def __str__(self):
        return self.title

    @property
    def points(self):
        return lines(self.body)


class StatusReportQuerySet(models.QuerySet):
    def published(self):
        """What the public may see: published reports of plans that are public too (a report
        of a draft plan is refused publication, ``report_publish``; this holds it for one
        published before that rule)."""
        return self.filter(state=StatusReportState.PUBLISHED).exclude(work_plan__status=WorkPlanStatus.DRAFT)


# A plan's closing report may be given at a meeting some months after the plan ends.
REPORT_DAYS_AFTER_PLAN_END = 180


class StatusReport(TimeStampedModel):
    """The working group's status for the Joint Councils as of a date. Once frozen, its
    ``content`` (everything the report shows) never changes."""

    title = models.CharField(_("title"), max_length=200)
    work_plan = models.ForeignKey(
        "workplan.WorkPlan", on_delete=models.PROTECT, related_name="status_reports", verbose_name=_("work plan")
    )
    as_of = models.DateField(_("as of"))
    meeting = models.ForeignKey(
        Meeting,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="status_reports",
        verbose_name=_("meeting"),
    )
    state = models.CharField(
        _("state"), max_length=16, choices=StatusReportState.choices, default=StatusReportState.DRAFT, db_index=True
    )
    content = models.JSONField(_("frozen content"), null=True, blank=True, editable=False)
    checksum = models.CharField(_("checksum (SHA-256)"), max_length=64, blank=True, editable=False)
    frozen_at = models.DateTimeField(_("frozen at"), null=True, blank=True, editable=False)
    frozen_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="frozen_status_reports",
        verbose_name=_("frozen by"),
    )

    objects = StatusReportQuerySet.as_manager()

    class Meta:
        ordering = ["-as_of", "-pk"]
        verbose_name = _("status report")
        verbose_name_plural = _("status reports")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(state=StatusReportState.DRAFT)
                | (models.Q(content__isnull=False) & models.Q(frozen_at__isnull=False)),
                name="%(app_label)s_%(class)s_frozen_unless_draft",
                violation_error_code="report_not_frozen",
                violation_error_message=_(
                    "A report is frozen before it becomes final or is published: freeze it first."
                ),
            ),
        ]

    def __str__(self):
        return self.title

    def clean(self):
        # The status of its plan as of a day of the plan's period, or shortly after: not
        # before the plan starts (the period it reports on would end before it begins).
        # Nor after today: frozen now, it would keep for good statuses that a later day's
        # updates may contradict, while the API answers from them for that day.
        if self.as_of is None or self.work_plan_id is None:
            return
        plan = self.work_plan
        # Days counted by subtraction: adding them to a date near 9999-12-31 would overflow.
        if self.as_of < plan.start_date or (self.as_of - plan.end_date).days > REPORT_DAYS_AFTER_PLAN_END:
            raise ValidationError(
                {
                    "as_of": ValidationError(
                        _(
                            "A status report is as of a day of its work plan's period, %(start)s to %(end)s, "
                            "or at most %(days)s days after it ends."
                        ),
                        code="as_of_outside_plan",
                        params={
                            "start": dates.date_format(plan.start_date),
                            "end": dates.date_format(plan.end_date),
                            "days": REPORT_DAYS_AFTER_PLAN_END,
                        },
                    )
                }
            )
        # The status API's today (workplan.selectors.status_today): the latest date that is
        # today somewhere in Canada, the latest a progress update may bear.
        today = dates.latest_today()
        if self.as_of > today:
            raise ValidationError(
                {
                    "as_of": ValidationError(
                        _(
                            "A status report is as of today, %(today)s, at the latest: the status of a later day "
                            "is not known yet."
                        ),
                        code="as_of_in_future",
                        params={"today": dates.date_format(today)},
                    )
                }
            )

    @property
    def is_frozen(self):
        return self.state != StatusReportState.DRAFT

    @property
    def is_published(self):
        return self.state == StatusReportState.PUBLISHED


class StatusReportFile(TimeStampedModel):
    """One rendered file of a frozen report, in one format and one language."""

    report = models.ForeignKey(StatusReport, on_delete=models.CASCADE, related_name="files", verbose_name=_("report"))
    format = models.CharField(_("format"), max_length=8, choices=ReportFormat.choices)
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES)
    status = models.CharField(
        _("status"), max_length=16, choices=RenderStatus.choices, default=RenderStatus.PENDING, db_index=True
    )
    file = models.FileField(_("file"), upload_to="reports/", blank=True)
    error = models.TextField(_("error"), blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    rendered_at = models.DateTimeField(_("rendered at"), null=True, blank=True)

    class Meta:
        ordering = ["report", "format", "language"]
        verbose_name = _("status report file")
        verbose_name_plural = _("status report files")
        constraints = [
            models.UniqueConstraint(
                fields=["report", "format", "language"], name="%(app_label)s_%(class)s_one_per_format_and_language"
            ),
        ]

    def __str__(self):
        return f"{self.report} — {self.get_format_display()} ({self.language})"


class StatusReportItem(models.Model):
    """A record a frozen report took (one of its accomplishments or challenges), written by
    the freeze, in its transaction, from the content it froze: the later reports of its plan
    do not take it again (``cogwg.reports.selectors.not_yet_reported``), whatever its
    ``published_at`` says since. By the id its frozen content gives, with no foreign key: like
    that content, it outlives the record (one deleted, then restored from its history with
    its id, is not taken again)."""

    class Kind(models.TextChoices):
        ACCOMPLISHMENT = "accomplishment", _("accomplishment")
        CHALLENGE = "challenge", _("challenge")

    report = models.ForeignKey(StatusReport, on_delete=models.CASCADE, related_name="items", verbose_name=_("report"))
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    record_id = models.PositiveBigIntegerField(_("record"))

    class Meta:
        ordering = ["report", "kind", "record_id"]
        verbose_name = _("record a status report took")
        verbose_name_plural = _("records status reports took")
        constraints = [
            # Also the index the later reports look a record up by (kind, record).
            models.UniqueConstraint(fields=["kind", "record_id", "report"], name="%(app_label)s_%(class)s_once"),
        ]

    def __str__(self):
        return f"{self.report} — {self.get_kind_display()} {self.record_id}"


class LinkCheckQuerySet(models.QuerySet):
    def failing(self):
        return self.exclude(status__in=REACHABLE_LINK_STATUSES)

    def unreachable(self):
        return self.filter(status__in=UNREACHABLE_LINK_STATUSES)


class LinkCheck(models.Model):
    """The last check of one external link held in the data (accomplishment links,
    jurisdictions' pages, stories, datasets). ``first_failed_at`` says since when a link
    has been failing; it is cleared once the link answers again. A failure's kind is
    ``error_code``, its technical detail (HTTP status, timeout, the library's words) ``error``."""

    url = models.URLField(_("URL"), max_length=500, unique=True)
    status = models.CharField(_("status"), max_length=16, choices=LinkStatus.choices, db_index=True)
    status_code = models.PositiveSmallIntegerField(_("HTTP status code"), null=True, blank=True)
    final_url = models.URLField(_("final URL after redirects"), max_length=2000, blank=True)
    error_code = models.CharField(_("error code"), max_length=16, choices=LinkErrorCode.choices, blank=True)
    error = models.TextField(_("error"), blank=True)
    checked_at = models.DateTimeField(_("checked at"))
    first_failed_at = models.DateTimeField(_("failing since"), null=True, blank=True)

    objects = LinkCheckQuerySet.as_manager()

    class Meta:
        ordering = ["url"]
        verbose_name = _("link check")
        verbose_name_plural = _("link checks")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status_code__isnull=True) | models.Q(status_code__gte=100, status_code__lte=599),
                name="%(app_label)s_%(class)s_status_code_http",
                violation_error_code="status_code_not_http",
                violation_error_message=_("An HTTP status code is a number from 100 to 599."),
            ),
            models.CheckConstraint(
                condition=~models.Q(status__in=REACHABLE_LINK_STATUSES) | models.Q(first_failed_at__isnull=True),
                name="%(app_label)s_%(class)s_failing_since_only_when_failing",
                violation_error_code="failing_since_not_failing",
                violation_error_message=_(
                    "Only a failing link has a “failing since” date: clear the date, or choose a failing status."
                ),
            ),
        ]

    def __str__(self):
        return self.url

    @property
    def is_unreachable(self):
        return self.status in UNREACHABLE_LINK_STATUSES

    @admin.display(description=_("error"))
    def error_message(self) -> str:
        """The error in the active language, its detail in brackets; an error kept before
        there were codes, as it was written."""
        if self.error_code not in LinkErrorCode.values:
            return self.error
        label = str(LinkErrorCode(self.error_code).label)
        return f"{label} ({self.error})" if self.error else label


class ReportingPeriodQuerySet(models.QuerySet):
    def open(self):
        return self.filter(status=ReportingPeriodStatus.OPEN)

    def for_listing(self):
        return self.select_related("work_plan", "opened_by", "closed_by")


class ReportingPeriod(TimeStampedModel):
    """A call for updates ("June 2020"): the jurisdictions holding a seat on the plan's
    unfinished milestones due on or before ``period_end`` report on them by ``deadline``.

    The milestones covered are fixed when the period opens. A progress update belongs to
    the period when a jurisdiction posted it on one of them between the opening and the
    closing (cogwg/cycles.py): no link is stored on the update, so updates posted from the
    sheet, the admin or the API all count. One period at a time is open per plan, so the
    periods of a milestone never overlap. Closing publishes the submitted updates and
    locks the period's updates."""

    work_plan = models.ForeignKey(
        "workplan.WorkPlan", on_delete=models.PROTECT, related_name="reporting_periods", verbose_name=_("work plan")
    )
    title = models.CharField(_("title"), max_length=200, help_text=_('For example "June 2020".'))
    period_end = models.DateField(
        _("period end"), help_text=_("Covers the unfinished milestones due on or before this date.")
    )
    deadline = models.DateField(_("deadline"), help_text=_("Updates are expected by this date."))
    status = models.CharField(
        _("status"),
        max_length=8,
        choices=ReportingPeriodStatus.choices,
        default=ReportingPeriodStatus.OPEN,
        db_index=True,
        editable=False,
    )
    milestones = models.ManyToManyField(
        "workplan.Milestone",
        related_name="reporting_periods",
        blank=True,
        editable=False,
        verbose_name=_("milestones covered"),
    )
    opened_at = models.DateTimeField(_("opened at"), default=timezone.now, editable=False)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="opened_reporting_periods",
        verbose_name=_("opened by"),
    )
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True, editable=False)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="closed_reporting_periods",
        verbose_name=_("closed by"),
    )

    objects = ReportingPeriodQuerySet.as_manager()

    class Meta:
        ordering = ["-period_end", "-pk"]
        verbose_name = _("reporting period")
        verbose_name_plural = _("reporting periods")
        constraints = [
            models.UniqueConstraint(
                fields=["work_plan"],
                condition=models.Q(status=ReportingPeriodStatus.OPEN),
                name="%(app_label)s_%(class)s_one_open_per_work_plan",
                violation_error_code="open_period_exists",
                # The words of cogwg.cycles.period_open_validate, which checks it first.
                violation_error_message=_("This work plan already has an open reporting period: close it first."),
            ),
            models.UniqueConstraint(
                fields=["work_plan", "period_end"], name="%(app_label)s_%(class)s_one_per_period_end"
            ),
            models.CheckConstraint(
                condition=(models.Q(status=ReportingPeriodStatus.OPEN) & models.Q(closed_at__isnull=True))
                | (models.Q(status=ReportingPeriodStatus.CLOSED) & models.Q(closed_at__isnull=False)),
                name="%(app_label)s_%(class)s_closed_at_only_when_closed",
                violation_error_code="closed_at_not_closed",
                violation_error_message=_("A closed reporting period has a closing time, and an open one has none."),
            ),
            models.CheckConstraint(
                condition=models.Q(closed_at__isnull=True) | models.Q(closed_at__gte=models.F("opened_at")),
                name="%(app_label)s_%(class)s_closed_after_opened",
                violation_error_code="closed_before_opened",
                violation_error_message=_("A reporting period closes after it opens."),
            ),
            # clean() says it first, next to the deadline and with the period's end.
            models.CheckConstraint(
                condition=models.Q(deadline__gte=models.F("period_end")),
                name="%(app_label)s_%(class)s_deadline_on_or_after_period_end",
                violation_error_code="deadline_before_period_end",
                violation_error_message=_("The deadline of a reporting period is on or after the end of the period."),
            ),
        ]

    def __str__(self):
        return self.title

    def clean(self):
        # Jurisdictions report on the milestones due by the period's end: not before it.
        if self.period_end and self.deadline and self.deadline < self.period_end:
            raise ValidationError(
                {
                    "deadline": ValidationError(
                        _(
                            "The deadline is on or after the end of the period (%(date)s): updates report on "
                            "the milestones due by then."
                        ),
                        code="deadline_before_period_end",
                        params={"date": dates.date_format(self.period_end)},
                    )
                }
            )

    @property
    def is_open(self):
        return self.status == ReportingPeriodStatus.OPEN


class PeriodReminder(models.Model):
    """One reminder e-mailed for a period to a jurisdiction that had not submitted every
    update: the dashboard's "reminders sent", and what keeps reminders a week apart.

    The row is the claim of the reminder, inserted before the e-mail is sent: ``number``
    counts the jurisdiction's reminders for the period (1, 2…), and two runs that would
    send the same reminder insert the same number, which the database takes once
    (cogwg.cycles.period_remind)."""

    period = models.ForeignKey(
        ReportingPeriod, on_delete=models.CASCADE, related_name="reminders", verbose_name=_("reporting period")
    )
    jurisdiction = models.ForeignKey(
        "jurisdictions.Jurisdiction",
        on_delete=models.PROTECT,
        related_name="period_reminders",
        verbose_name=_("jurisdiction"),
    )
    sent_at = models.DateTimeField(_("sent at"), default=timezone.now)
    recipients = models.TextField(_("recipients"), help_text=_("One address per line."))
    missing = models.PositiveSmallIntegerField(_("updates missing"))
    number = models.PositiveSmallIntegerField(_("reminder number"), default=1, editable=False)
    # The mail server refused every address of the message (unknown mailboxes): the
    # claim stays, so that the others are reminded and this one is not tried again.
    refused = models.BooleanField(_("refused by the mail server"), default=False)

    class Meta:
        ordering = ["period", "jurisdiction", "-sent_at"]
        verbose_name = _("period reminder")
        verbose_name_plural = _("period reminders")
        constraints = [
            models.UniqueConstraint(
                fields=["period", "jurisdiction", "number"],
                name="%(app_label)s_%(class)s_one_per_number",
                violation_error_message=_("This jurisdiction was already sent this reminder for this period."),
            ),
            models.CheckConstraint(
                condition=~models.Q(recipients=""),
                name="%(app_label)s_%(class)s_has_recipients",
                violation_error_code="no_recipients",
                violation_error_message=_("A reminder is sent to at least one address."),
            ),
        ]

    def __str__(self):
        return f"{self.period} — {self.jurisdiction} ({self.sent_at:%Y-%m-%d})"


class UpcomingReminder(models.Model):
    """One weekly e-mail of upcoming milestones sent to one seat's contact: what keeps a
    retry of the task (after a mail server failed part way) or a second run on the same
    day from sending it again (cogwg.reports.services.milestones_remind_upcoming)."""

    address = models.EmailField(_("address"), max_length=254)
    sent_on = models.DateField(_("for the day"))
    sent_at = models.DateTimeField(_("sent at"), default=timezone.now)
    # The mail server refused the address: the claim stays (see PeriodReminder.refused).
    refused = models.BooleanField(_("refused by the mail server"), default=False)

    class Meta:
        ordering = ["-sent_on", "address"]
        verbose_name = _("upcoming milestones reminder")
        verbose_name_plural = _("upcoming milestones reminders")
        constraints = [
            models.UniqueConstraint(
                fields=["address", "sent_on"],
                name="%(app_label)s_%(class)s_once_a_day",
                violation_error_message=_("This address was already reminded of its upcoming milestones that day."),
            ),
        ]

    def __str__(self):
        return f"{self.address} ({self.sent_on:%Y-%m-%d})"


class PeriodSummary(models.Model):
    """One summary e-mailed to one submitter once a period was closed (the updates closing
    published, and those it left): the claim that keeps a retry of the task (after the
    mail server failed part way) or a second run from sending it twice
    (cogwg.cycles.period_closed_notify). Inserted before the e-mail is sent."""

    period = models.ForeignKey(
        ReportingPeriod, on_delete=models.CASCADE, related_name="summaries", verbose_name=_("reporting period")
    )
    address = models.EmailField(_("address"), max_length=254)
    sent_at = models.DateTimeField(_("sent at"), default=timezone.now)
    # The mail server refused the address: the claim stays, and the others are sent.
    refused = models.BooleanField(_("refused by the mail server"), default=False)

    class Meta:
        ordering = ["period", "address"]
        verbose_name = _("period closing summary")
        verbose_name_plural = _("period closing summaries")
        constraints = [
            models.UniqueConstraint(
                fields=["period", "address"],
                name="%(app_label)s_%(class)s_once_per_address",
                violation_error_message=_("This address was already sent the summary of this period."),
            ),
        ]

    def __str__(self):
        return f"{self.period} — {self.address}"


class EmailJob(models.Model):
    """An e-mail task to run, kept in the database (a transactional outbox: cogwg/outbox.py).
    Written in the transaction of the change that causes it, handed to the broker once that
    commits, and marked done by the task; a job the broker did not take (it was down), or
    that no worker started, stays pending and the sweeper queues it again.

    No ``modified_at``: the data version (cogwg/versioning.py) follows the latest change of
    the app's tables, and a job moving along is no change the site shows."""

    task = models.CharField(_("task"), max_length=200)
    args = models.JSONField(_("arguments"), default=list, blank=True)
    state = models.CharField(
        _("state"), max_length=8, choices=EmailJobState.choices, default=EmailJobState.PENDING, db_index=True
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    queued_at = models.DateTimeField(
        _("last queued"), default=timezone.now, help_text=_("When it was last handed to the workers.")
    )
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    error = models.TextField(_("error"), blank=True)
    # Done without sending, and why (cogwg/outbox.py ``Skipped``): what it would announce no
    # longer holds when it runs (a record deleted, or published before "submitted for
    # review" left), or nobody is to be told. Empty in the database by default too
    # (cogwg/0014): a release before it, still running while migrations are applied, writes
    # jobs without it.
    skip_reason = models.CharField(
        _("not sent because"), max_length=8, choices=EmailSkipReason.choices, blank=True, default="", db_default=""
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("queued e-mail")
        verbose_name_plural = _("queued e-mails")
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(state=EmailJobState.DONE) & models.Q(done_at__isnull=False))
                | (~models.Q(state=EmailJobState.DONE) & models.Q(done_at__isnull=True)),
                name="%(app_label)s_%(class)s_done_at_only_when_done",
                violation_error_code="done_at_not_done",
                violation_error_message=_("A job that is done has the time it was done, and no other job has one."),
            ),
            models.CheckConstraint(
                condition=models.Q(skip_reason="") | models.Q(state=EmailJobState.DONE),
                name="%(app_label)s_%(class)s_skipped_only_when_done",
                violation_error_code="skipped_not_done",
                violation_error_message=_("Only a job that is done can have been done without sending."),
            ),
        ]

    def __str__(self):
        return f"{self.task} #{self.pk}"
