"""Member governments, what they accomplished and what holds them back."""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models.functions import Upper
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cogwg import dates
from cogwg.choices import PublicationState
from cogwg.models import PublishableModel, PublishableQuerySet, TimeStampedModel

from .choices import AccomplishmentCategory, ChallengeCategory, ChallengeStatus, JurisdictionKind

CODE_VALIDATOR = RegexValidator(
    r"^[A-Za-z0-9]+(-[A-Za-z0-9]+)*\Z",
    _("Use capital letters, digits and hyphens, e.g. BC or ON-TORONTO."),
    code="invalid_code",
)


class Jurisdiction(TimeStampedModel):
    """A government (federal, provincial, territorial, municipal) or organization.
    Jurisdictions are public reference data: there is no draft jurisdiction."""

    code = models.CharField(
        _("code"),
        max_length=12,
        unique=True,
        # The jurisdiction's address (/jurisdictions/bc/, /api/v1/jurisdictions/BC/), kept in
        # capitals: forms and the API take it in either case.
        validators=[CODE_VALIDATOR],
        help_text=_("For example CA, BC, ON."),
    )
    name = models.CharField(_("name"), max_length=200)
    short_name = models.CharField(_("short name"), max_length=60, blank=True)
    kind = models.CharField(_("kind"), max_length=16, choices=JurisdictionKind.choices)
    website = models.URLField(_("website"), blank=True)
    open_data_url = models.URLField(_("open data portal"), blank=True)
    open_government_url = models.URLField(_("open government page"), blank=True)
    is_member = models.BooleanField(_("member of COGWG"), default=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    contributors = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        through="Contributor",
        related_name="contributed_jurisdictions",
        blank=True,
        verbose_name=_("contributors"),
    )

    class Meta:
        ordering = ["order", "code"]
        verbose_name = _("jurisdiction")
        verbose_name_plural = _("jurisdictions")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(code=Upper("code")),
                name="%(app_label)s_%(class)s_code_upper",
                violation_error_code="code_not_upper",
                violation_error_message=_("Write the jurisdiction's code in capital letters, e.g. BC or ON."),
            ),
            models.CheckConstraint(
                condition=~models.Q(code=""),
                name="%(app_label)s_%(class)s_code_not_empty",
                violation_error_code="code_empty",
                violation_error_message=_("A jurisdiction has a code, e.g. BC or ON."),
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def display_name(self):
        return self.short_name or self.name


class Contributor(TimeStampedModel):
    """A user who reports for a jurisdiction (the "Jurisdiction contributor" role): they
    post, and submit for review, that jurisdiction's records (cogwg/permissions.py). A
    user may report for several jurisdictions, one row each."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="contributions", verbose_name=_("user")
    )
    jurisdiction = models.ForeignKey(
        Jurisdiction, on_delete=models.CASCADE, related_name="contributions", verbose_name=_("jurisdiction")
    )

    class Meta:
        ordering = ["jurisdiction__order", "jurisdiction__code", "user__username"]
        verbose_name = _("contributor")
        verbose_name_plural = _("contributors")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "jurisdiction"], name="%(app_label)s_%(class)s_once_per_jurisdiction"
            ),
        ]

    def __str__(self):
        return f"{self.user} — {self.jurisdiction.code}"


class AccomplishmentQuerySet(PublishableQuerySet):
    def for_listing(self):
        return self.select_related("jurisdiction", "priority", "meeting").prefetch_related("links")

    def for_cards(self):
        """What an accomplishment card shows: its jurisdiction and its links (pages that
        show the priority add it); not the meeting."""
        return self.select_related("jurisdiction").prefetch_related("links")


class Accomplishment(PublishableModel):
    """Something a jurisdiction achieved, reported to the working group."""

    jurisdiction = models.ForeignKey(
        Jurisdiction, on_delete=models.PROTECT, related_name="accomplishments", verbose_name=_("jurisdiction")
    )
    # In English or in French for a draft, in both once published (clean_languages).
    title = models.CharField(_("title"), max_length=255, blank=True)
    description = models.TextField(_("description"), blank=True)
    date = models.DateField(_("date"), null=True, blank=True, help_text=_("When it happened, if known."))
    category = models.CharField(_("category"), max_length=16, choices=AccomplishmentCategory.choices)
    priority = models.ForeignKey(
        "workplan.Priority",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="accomplishments",
        verbose_name=_("priority advanced"),
    )
    meeting = models.ForeignKey(
        "cogwg.Meeting",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="accomplishments",
        verbose_name=_("reported at"),
    )

    objects = AccomplishmentQuerySet.as_manager()
    required_texts = ("title",)

    class Meta:
        ordering = ["jurisdiction__order", "-date", "pk"]
        verbose_name = _("accomplishment")
        verbose_name_plural = _("accomplishments")
        indexes = [
            # The latest published (the home page's five): read in this order, a few at a time,
            # instead of sorting every published accomplishment for each request.
            models.Index(
                fields=["-date", "-published_at", "-id"],
                condition=models.Q(publication_state=PublicationState.PUBLISHED),
                name="accomplishment_recent_pub",
            ),
        ]

    def __str__(self):
        return self.title

    def clean(self):
        self.clean_languages()
        if self.date is not None and dates.is_future(self.date):
            raise ValidationError(
                {"date": ValidationError(_("An accomplishment cannot be dated in the future."), code="date_in_future")}
            )


class AccomplishmentLink(models.Model):
    """A web page that documents an accomplishment."""

    accomplishment = models.ForeignKey(
        Accomplishment, on_delete=models.CASCADE, related_name="links", verbose_name=_("accomplishment")
    )
    url = models.URLField(_("URL"), max_length=500)
    label = models.CharField(_("label"), max_length=200, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        # Within their accomplishment (links are read through it): ordering by the
        # accomplishment first would join it, and its jurisdiction, for every prefetch.
        ordering = ["order", "pk"]
        verbose_name = _("link")
        verbose_name_plural = _("links")
        constraints = [
            models.UniqueConstraint(fields=["accomplishment", "url"], name="%(app_label)s_%(class)s_unique_url"),
        ]

    def __str__(self):
        return self.label or self.url


class ChallengeQuerySet(PublishableQuerySet):
    def for_listing(self):
        return self.select_related("first_reported_at").prefetch_related("jurisdictions")

    def with_recorded_status(self, as_of: datetime.date):
        """Each challenge with ``recorded_status``: the last status other than resolved that
        its history shows by the end of ``as_of`` in the site's time zone (None when it shows
        none, as for a challenge loaded without history), and ``recorded_as_of``, that day.
        Resolved is left out: when a challenge was resolved is its "resolved on" date
        (selectors.challenge_state_as_of). One subquery, whatever the number of challenges."""
        history = self.model.history.filter(id=models.OuterRef("pk"))
        if as_of < datetime.date.max:  # the last day there is has no day after: every row
            day_after = datetime.datetime.combine(
                as_of + datetime.timedelta(days=1), datetime.time.min, tzinfo=timezone.get_default_timezone()
            )
            history = history.filter(history_date__lt=day_after)
        recorded = (
            history.exclude(status=ChallengeStatus.RESOLVED)
            .order_by("-history_date", "-history_id")
            .values("status")[:1]
        )
        return self.annotate(
            recorded_status=models.Subquery(recorded),
            recorded_as_of=models.Value(as_of, output_field=models.DateField()),
        )


class Challenge(PublishableModel):
    """Something that holds jurisdictions back. No jurisdiction means across jurisdictions."""

    # In English or in French for a draft, in both once published (clean_languages).
    title = models.CharField(_("title"), max_length=255, blank=True)
    description = models.TextField(_("description"), blank=True)
    category = models.CharField(_("category"), max_length=24, choices=ChallengeCategory.choices)
    jurisdictions = models.ManyToManyField(
        Jurisdiction, blank=True, related_name="challenges", verbose_name=_("jurisdictions")
    )
    status = models.CharField(
        _("status"), max_length=16, choices=ChallengeStatus.choices, default=ChallengeStatus.OPEN, db_index=True
    )
    mitigation = models.TextField(_("mitigation"), blank=True)
    first_reported_at = models.ForeignKey(
        "cogwg.Meeting",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="challenges",
        verbose_name=_("first reported at"),
    )
    first_reported_on = models.DateField(_("first reported on"), null=True, blank=True)
    resolved_on = models.DateField(_("resolved on"), null=True, blank=True)

    objects = ChallengeQuerySet.as_manager()
    required_texts = ("title",)

    class Meta:
        ordering = ["-first_reported_on", "pk"]
        verbose_name = _("challenge")
        verbose_name_plural = _("challenges")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status=ChallengeStatus.RESOLVED) | models.Q(resolved_on__isnull=True),
                name="%(app_label)s_%(class)s_resolved_on_only_when_resolved",
                violation_error_code="resolved_on_not_resolved",
                violation_error_message=_(
                    "Only a resolved challenge has a “resolved on” date: clear the date, or set the status to "
                    "“Resolved”."
                ),
            ),
            # clean() says it first, next to the date, and compares with the meeting too.
            models.CheckConstraint(
                condition=models.Q(resolved_on__isnull=True)
                | models.Q(first_reported_on__isnull=True)
                | models.Q(resolved_on__gte=models.F("first_reported_on")),
                name="%(app_label)s_%(class)s_resolved_on_or_after_first_reported",
                violation_error_code="resolved_before_reported",
                violation_error_message=_("A challenge is resolved on or after the day it was first reported."),
            ),
            # Reports "as of" a date read the resolution from "resolved on"; clean() says it
            # first, next to the field (0012 dated the rows stored before the rule).
            models.CheckConstraint(
                condition=~models.Q(status=ChallengeStatus.RESOLVED) | models.Q(resolved_on__isnull=False),
                name="%(app_label)s_%(class)s_resolved_has_resolved_on",
                violation_error_code="resolved_without_date",
                violation_error_message=_(
                    "A resolved challenge has a resolution date: enter its “resolved on” date, or choose another "
                    "status."
                ),
            ),
        ]

    def __str__(self):
        return self.title

    def clean(self):
        self.clean_languages()
        self._clean_dates()
        if self.resolved_on is None:
            return
        # First reported on a date, at a meeting, or both: resolved on or after the later.
        reported = [self.first_reported_on]
        if self.first_reported_at_id is not None:
            reported.append(self.first_reported_at.date)
        reported_on = max(filter(None, reported), default=None)
        if reported_on is not None and self.resolved_on < reported_on:
            raise ValidationError(
                {
                    "resolved_on": ValidationError(
                        _("A challenge is resolved on or after the day it was first reported (%(date)s)."),
                        code="resolved_before_reported",
                        params={"date": dates.date_format(reported_on)},
                    )
                }
            )

    def _clean_dates(self):
        # Reports "as of" a date read the resolution from "resolved on"
        # (selectors.challenge_state_as_of): a resolved challenge without that date, or a day
        # still to come, would read as resolved, or as known, before it was.
        # The future as progress updates know it (``dates.is_future``): a reporter in St.
        # John's may date what happened on their own today.
        errors = {}
        if self.first_reported_on is not None and dates.is_future(self.first_reported_on):
            errors["first_reported_on"] = ValidationError(
                _("A challenge cannot be first reported on a future date."), code="first_reported_in_future"
            )
        if self.resolved_on is not None and dates.is_future(self.resolved_on):
            errors["resolved_on"] = ValidationError(
                _("A challenge cannot be resolved on a future date."), code="resolved_in_future"
            )
        elif self.resolved_on is None and self.status == ChallengeStatus.RESOLVED:
            errors["resolved_on"] = ValidationError(
                _(
                    "A resolved challenge has a resolution date: enter its “resolved on” date, or choose another "
                    "status."
                ),
                code="resolved_without_date",
            )
        if errors:
            raise ValidationError(errors)
