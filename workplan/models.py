"""The yearly work plan: priorities, their seats (leads and partners), dated milestones,
and the log of progress updates that makes "as of a date" possible."""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator, MinValueValidator
from django.db import models
from django.db.models.functions import Coalesce
from django.utils import formats
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from cogwg import dates
from cogwg.choices import ReportingPeriodStatus, StatusReportState
from cogwg.models import MISSING_IN, PublishableModel, PublishableQuerySet, TimeStampedModel, lines
from cogwg.slugs import BilingualSlugsMixin

from .choices import CLOSED_STATUSES, MilestoneKind, MilestoneStatus, SeatRole, WorkPlanStatus

ENDS_AFTER_START = _("A work plan ends on or after the day it starts.")
# The years a work plan's dates may fall in (WorkPlan.clean): the working group's, give or
# take, far from the calendar's ends (9999-12-31 has no next day for a calendar's event,
# nor a next year for "copy to next year").
WORK_PLAN_YEARS = (2000, 2100)
WORK_PLAN_YEARS_MESSAGE = _("A work plan starts and ends in the years %(first)s to %(last)s.")
# The words of workplan.services.progress_update_validate, which checks it first.
PROGRESS_0_100 = _("Progress must be a whole number between 0 and 100.")
# A progress note says what changed and why, in a paragraph or two; the limit keeps an
# uploaded sheet or an API call from storing a book.
NOTE_MAX_LENGTH = 5000
# A priority's page is at its slug in English and at its French slug in French; both name
# one priority of its plan, in either language (Priority.validate_constraints).
SLUG_TAKEN = _("Another priority of this work plan already uses this slug, in English or in French: choose another.")


def in_published_plan(path="") -> models.Q:
    """Records whose plan (reached by ``path``) is public: no longer a draft. A condition
    on the plan joined rather than a subquery of the published plans, since lists join
    the plan anyway to sort by it: a join fewer for the database to make and plan."""
    return ~models.Q(**{"__".join(filter(None, (path, "status"))): WorkPlanStatus.DRAFT})


# At most one plan is active (the one the nightly jobs and the site's "current plan" read):
# activating a plan closes the active plans that started before it
# (workplan.services.work_plan_save), and an older plan does not replace a newer one.
ONE_ACTIVE_PLAN = _(
    "Only one work plan is active at a time: “%(plan)s” is active, and it starts on %(date)s, not before this "
    "one. Close it first to make this plan active."
)


# The database's own words for the rule (``WorkPlan.Meta``'s constraint), should a write
# ever reach it past the service; ``ONE_ACTIVE_PLAN`` says which plan is active.
ONE_ACTIVE_PLAN_RULE = _("Only one work plan is active at a time: close the active plan first to make this one active.")
ONE_ACTIVE_PLAN_CONSTRAINT = "workplan_workplan_one_active"


def one_active_plan_error(active: "WorkPlan") -> ValidationError:
    """The refusal to make a plan active while ``active``, which starts on or after it, is:
    said next to the status field."""
    return ValidationError(
        {
            "status": ValidationError(
                ONE_ACTIVE_PLAN,
                code="another_plan_active",
                params={"plan": active, "date": dates.date_format(active.start_date)},
            )
        }
    )


class WorkPlanQuerySet(models.QuerySet):
    def published(self):
        """A plan is public once it is no longer a draft."""
        return self.filter(in_published_plan())

    def active(self):
        """The active plan (at most one: ``workplan.services.work_plan_save``, and the
        database's rule, ``WorkPlan.Meta``)."""
        return self.filter(status=WorkPlanStatus.ACTIVE)

    def for_listing(self):
        """With their priorities, in order (by number: the model's ordering sorts by plan
        first, which joins the plans again)."""
        return self.prefetch_related(models.Prefetch("priorities", queryset=Priority.objects.order_by("number")))


class WorkPlan(TimeStampedModel):
    """The working group's plan for a year (or a span of years). At most one is active
    (``ONE_ACTIVE_PLAN``). A plan is public once it is no longer a draft: it then shows its
    title and summary in both official languages (``publication_gaps``), as a published
    record does. So a plan is not made active (or closed) from a draft without both, and
    a public plan does not lose one (``clean``): a plan copied to the next year has no
    summary until the secretariat writes the new year's."""

    # The translated texts a public plan shows in both official languages.
    required_texts = ("title", "summary")

    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(_("slug"), unique=True, help_text=_('For example "2020".'))
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"))
    status = models.CharField(
        _("status"), max_length=16, choices=WorkPlanStatus.choices, default=WorkPlanStatus.DRAFT, db_index=True
    )
    summary = models.TextField(_("summary"), blank=True)
    source_url = models.URLField(_("source"), blank=True, help_text=_("Where the full plan is kept (GCcollab)."))

    objects = WorkPlanQuerySet.as_manager()

    class Meta:
        ordering = ["-start_date"]
        verbose_name = _("work plan")
        verbose_name_plural = _("work plans")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_date__gte=models.F("start_date")),
                name="%(app_label)s_%(class)s_ends_after_start",
                violation_error_code="ends_before_start",
                violation_error_message=ENDS_AFTER_START,
            ),
            # At most one plan is active. Not among the checks of ``validate_constraints``:
            # activating a plan closes the one before it (``work_plan_save``), and ``clean``
            # names the newer plan that keeps it from being active.
            models.UniqueConstraint(
                fields=["status"],
                condition=models.Q(status=WorkPlanStatus.ACTIVE),
                name="%(app_label)s_%(class)s_one_active",
                violation_error_code="another_plan_active",
                violation_error_message=ONE_ACTIVE_PLAN_RULE,
            ),
        ]

    def __str__(self):
        return self.title

    def get_constraints(self):
        # validate_constraints' list: the one-active rule is the service's and clean's to
        # tell (see Meta), the database holding to it whatever writes.
        return [
            (model, [constraint for constraint in constraints if constraint.name != ONE_ACTIVE_PLAN_CONSTRAINT])
            for model, constraints in super().get_constraints()
        ]

    def publication_gaps(self) -> dict[str, str]:
        """What keeps this plan from being public (active or closed), by field
        (``summary_fr``), in the active language: a title or summary missing in a language
        (``PublishableModel.publication_gaps``'s words). Empty when it may be public."""
        gaps = {}
        for name in self.required_texts:
            label = self._meta.get_field(name).verbose_name
            for language, _name in settings.LANGUAGES:
                if not (getattr(self, f"{name}_{language}", None) or "").strip():
                    gaps[f"{name}_{language}"] = MISSING_IN[language] % {"field": label}
        return gaps

    def clean(self):
        first, last = WORK_PLAN_YEARS
        outside = {
            name: ValidationError(
                WORK_PLAN_YEARS_MESSAGE, code="date_out_of_range", params={"first": first, "last": last}
            )
            for name, day in (("start_date", self.start_date), ("end_date", self.end_date))
            # Not a date when clean_fields refused it (and said so).
            if isinstance(day, datetime.date) and not first <= day.year <= last
        }
        if outside:
            raise ValidationError(outside)
        # Next to the end date rather than over the whole form (the constraint's place).
        if self.start_date and self.end_date and self.end_date < self.start_date:
            raise ValidationError({"end_date": ValidationError(ENDS_AFTER_START, code="ends_before_start")})
        if self.pk is not None:
            self._clean_stored()
        errors = {}
        stored = self._stored(*self.publication_gaps()) if self.status != WorkPlanStatus.DRAFT else None
        if self.status != WorkPlanStatus.DRAFT:
            # Made public with its texts in both languages, and never losing one since:
            # said next to each missing one.
            for name, message in self._new_publication_gaps(stored).items():
                errors[name] = [ValidationError(message, code="missing_translation")]
        made_active = self.status == WorkPlanStatus.ACTIVE and (stored or {}).get("status") != WorkPlanStatus.ACTIVE
        if made_active and self.start_date and (newer := self.newer_active_plan()):
            # Made active now: workplan.services.work_plan_save checks any active plan again.
            errors.update(one_active_plan_error(newer).error_dict)
        if errors:
            raise ValidationError(errors)

    def _stored(self, *names) -> dict | None:
        """The stored row's status and ``names`` (None for a new plan)."""
        if self.pk is None:
            return None
        return WorkPlan.objects.filter(pk=self.pk).values("status", *names).first()

    def _clean_stored(self):
        if self.start_date and self.end_date:
            outside = Milestone.objects.filter(priority__work_plan=self).exclude(
                due_date__range=(self.start_date, self.end_date)
            )
            if outside.exists():
                raise ValidationError(
                    _("Some of the plan's milestones would be due outside these dates: change their due dates first."),
                    code="milestones_outside_plan",
                )
        if self.status == WorkPlanStatus.DRAFT and self._has_public_record():
            # A draft plan is hidden (404) while its published reports would stay public.
            raise ValidationError(
                {
                    "status": ValidationError(
                        _(
                            "This plan has published status reports or closed reporting periods: it cannot go "
                            "back to draft. Close it instead."
                        ),
                        code="public_plan_to_draft",
                    )
                }
            )

    def _new_publication_gaps(self, stored: dict | None) -> dict[str, str]:
        """The ``publication_gaps`` this save would bring about, from the ``stored`` row
        (``_stored``): all of them when the plan is made public now (new, or stored as a
        draft); else those of the texts it had (a public plan does not lose a language). A
        plan made public before this rule without a text keeps to what it has until the
        secretariat completes it: its other changes are not refused for it."""
        gaps = self.publication_gaps()
        if not gaps or stored is None or stored["status"] == WorkPlanStatus.DRAFT:
            return gaps
        return {name: message for name, message in gaps.items() if (stored[name] or "").strip()}

    def newer_active_plan(self) -> "WorkPlan | None":
        """The active plan, other than this one, that starts on or after it: while there is
        one, this plan may not be made active (``ONE_ACTIVE_PLAN``)."""
        others = WorkPlan.objects.active().exclude(pk=self.pk) if self.pk else WorkPlan.objects.active()
        return others.filter(start_date__gte=self.start_date).order_by("-start_date", "-pk").first()

    def _has_public_record(self):
        return (
            self.status_reports.filter(state=StatusReportState.PUBLISHED).exists()
            or self.reporting_periods.filter(status=ReportingPeriodStatus.CLOSED).exists()
        )


class PriorityQuerySet(models.QuerySet):
    def published(self):
        return self.filter(in_published_plan("work_plan"))

    def with_seats(self):
        return self.select_related("work_plan").prefetch_related(models.Prefetch("seats", queryset=_seats()))

    def for_listing(self):
        """With their plan, seats and milestones."""
        milestones = Milestone.objects.in_priority_order()
        return self.with_seats().prefetch_related(models.Prefetch("milestones", queryset=milestones))


class Priority(BilingualSlugsMixin, TimeStampedModel):
    """One of the plan's priorities: the problem, the expected outcome, who carries it."""

    slug_taken_message = SLUG_TAKEN

    work_plan = models.ForeignKey(
        WorkPlan, on_delete=models.CASCADE, related_name="priorities", verbose_name=_("work plan")
    )
    number = models.PositiveSmallIntegerField(_("number"), validators=[MinValueValidator(1)])
    title = models.CharField(_("title"), max_length=255)
    slug = models.SlugField(_("slug"), max_length=100)
    slug_fr = models.SlugField(
        _("French slug"),
        max_length=100,
        blank=True,
        help_text=_("Its French page's address, from its French title. Left empty, the French page uses the slug."),
    )
    issue = models.TextField(_("issue"))
    consequences = models.TextField(_("consequences"), blank=True, help_text=_("One per line."))
    outcome = models.TextField(_("expected outcome"))
    results = models.TextField(_("results"), blank=True, help_text=_("One per line."))

    objects = PriorityQuerySet.as_manager()

    class Meta:
        ordering = ["work_plan", "number"]
        verbose_name = _("priority")
        verbose_name_plural = _("priorities")
        constraints = [
            models.UniqueConstraint(fields=["work_plan", "number"], name="%(app_label)s_%(class)s_unique_number"),
            models.UniqueConstraint(
                fields=["work_plan", "slug"],
                name="%(app_label)s_%(class)s_unique_slug",
                violation_error_code="slug_taken",
                violation_error_message=SLUG_TAKEN,
            ),
            models.UniqueConstraint(
                fields=["work_plan", "slug_fr"],
                condition=~models.Q(slug_fr=""),
                name="%(app_label)s_%(class)s_unique_slug_fr",
                violation_error_code="slug_taken",
                violation_error_message=SLUG_TAKEN,
            ),
            models.CheckConstraint(
                condition=models.Q(number__gte=1),
                name="%(app_label)s_%(class)s_number_positive",
                violation_error_code="number_not_positive",
                violation_error_message=_("Priorities are numbered from 1."),
            ),
        ]

    def __str__(self):
        return f"{self.number}. {self.title}"

    def slug_rivals(self, exclude):
        # The plan's other priorities.
        if self.work_plan_id is None or "work_plan" in exclude:
            return None
        return Priority.objects.filter(work_plan_id=self.work_plan_id)

    @property
    def consequence_list(self):
        return lines(self.consequences)

    @property
    def result_list(self):
        return lines(self.results)


class AssignmentQuerySet(models.QuerySet):
    def published(self):
        """Seats on priorities of published plans."""
        return self.filter(in_published_plan("priority__work_plan"))


class Assignment(TimeStampedModel):
    """A seat on a priority: a lead or a partner. No jurisdiction means the seat is still to
    be determined; an unconfirmed seat shows "(TBD)" after its holder."""

    priority = models.ForeignKey(Priority, on_delete=models.CASCADE, related_name="seats", verbose_name=_("priority"))
    role = models.CharField(_("role"), max_length=8, choices=SeatRole.choices)
    jurisdiction = models.ForeignKey(
        "jurisdictions.Jurisdiction",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="seats",
        verbose_name=_("jurisdiction"),
    )
    organization = models.CharField(
        _("lead organization"), max_length=200, blank=True, help_text=_("The body within the jurisdiction.")
    )
    confirmed = models.BooleanField(_("confirmed"), default=True)
    contact_name = models.CharField(_("contact name"), max_length=200, blank=True)
    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    objects = AssignmentQuerySet.as_manager()

    class Meta:
        ordering = ["priority", "role", "order", "pk"]
        verbose_name = _("seat")
        verbose_name_plural = _("seats")
        constraints = [
            models.UniqueConstraint(
                fields=["priority", "role", "jurisdiction"],
                condition=models.Q(jurisdiction__isnull=False),
                name="%(app_label)s_%(class)s_one_seat_per_role",
                violation_error_code="duplicate_seat",
                violation_error_message=_(
                    "This jurisdiction already holds a seat of this role on this priority: a jurisdiction holds "
                    "one seat of each role."
                ),
            ),
        ]

    def __str__(self):
        return f"{self.holder} ({self.get_role_display()})"

    @property
    def is_open(self):
        return self.jurisdiction_id is None

    @property
    def holder(self):
        if self.jurisdiction_id is None:
            return _("TBD")
        name = self.organization or self.jurisdiction.display_name
        return name if self.confirmed else f"{name} ({_('TBD')})"


def _seats():
    """Seats with their jurisdictions, ordered as within one priority, for prefetching by
    priority: the model's ordering sorts by plan and priority first, which joins both
    tables."""
    return Assignment.objects.select_related("jurisdiction").order_by("role", "order", "pk")


class MilestoneQuerySet(models.QuerySet):
    def published(self):
        return self.filter(in_published_plan("priority__work_plan"))

    def open_for_updates(self):
        """Milestones whose plan takes progress updates: any but a closed plan's, which is
        kept as it was closed (``workplan.services.progress_update_validate``)."""
        return self.exclude(priority__work_plan__status=WorkPlanStatus.CLOSED)

    def for_listing(self):
        """With their priority, short of its long texts (a milestone shows it in short),
        and the priority's lead seats held by a jurisdiction, as ``priority.lead_seats``."""
        lead_seats = (
            _seats()
            .filter(role=SeatRole.LEAD, jurisdiction__isnull=False)
            # Shown in short: the jurisdiction's code and name (in every language, for the fallback).
            .only(
                "priority",
                "role",
                "jurisdiction__code",
                *(f"jurisdiction__name_{code}" for code, _name in settings.LANGUAGES),
            )
        )
        return (
            self.select_related("priority")
            .defer("priority__issue", "priority__consequences", "priority__outcome", "priority__results")
            .prefetch_related(models.Prefetch("priority__seats", queryset=lead_seats, to_attr="lead_seats"))
        )

    def overdue(self, *, on):
        """Milestones overdue on ``on``, by their current status: the overdue rule of
        ``workplan.selectors`` (``is_overdue``, its Python form) in SQL: due before ``on``,
        neither completed nor cancelled. ``on`` is always given (a scheduled job's day,
        a request's today), never defaulted; a due day not yet over everywhere in Canada is
        not overdue (``selectors.overdue_cutoff``)."""
        from .selectors import overdue_cutoff  # the selectors import the models

        return self.filter(due_date__lt=overdue_cutoff(on)).exclude(status__in=CLOSED_STATUSES)

    def in_priority_order(self):
        """Ordered as within one priority, for milestones grouped by priority: the model's
        ordering sorts by plan and priority first, which joins both tables."""
        return self.order_by("due_date", "order", "pk")


class Milestone(TimeStampedModel):
    """A dated activity of a priority. The seed gives months: a milestone is due at the
    month's end and shown as "June 2020". Status and progress are the latest published
    update's; they change only through ``workplan.services.milestone_post_update``."""

    priority = models.ForeignKey(
        Priority, on_delete=models.CASCADE, related_name="milestones", verbose_name=_("priority")
    )
    due_date = models.DateField(_("due date"))
    description = models.TextField(_("description"))
    kind = models.CharField(_("kind"), max_length=16, choices=MilestoneKind.choices, default=MilestoneKind.DELIVERABLE)
    status = models.CharField(
        _("status"), max_length=16, choices=MilestoneStatus.choices, default=MilestoneStatus.NOT_STARTED, db_index=True
    )
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    completed_on = models.DateField(_("completed on"), null=True, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    objects = MilestoneQuerySet.as_manager()

    class Meta:
        ordering = ["priority", "due_date", "order", "pk"]
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(progress__gte=0, progress__lte=100),
                name="%(app_label)s_%(class)s_progress_0_100",
                violation_error_code="progress_out_of_range",
                violation_error_message=PROGRESS_0_100,
            ),
            models.CheckConstraint(
                condition=models.Q(status=MilestoneStatus.COMPLETED) | models.Q(completed_on__isnull=True),
                name="%(app_label)s_%(class)s_completed_on_only_when_completed",
                violation_error_code="completed_on_not_completed",
                violation_error_message=_("Only a completed milestone has a completion date."),
            ),
        ]

    def __str__(self):
        # "June 2020: Release…", "juin 2020 : Publier…" (French typography).
        return gettext("%(due)s: %(description)s") % {"due": self.due_label, "description": self.description[:60]}

    def clean(self):
        if self.due_date is None or self.priority_id is None:
            return
        plan = self.priority.work_plan
        if not plan.start_date <= self.due_date <= plan.end_date:
            # The loader's milestones are due at the end of a month of their plan's year:
            # none falls outside it, so no grace is given.
            raise ValidationError(
                {
                    "due_date": ValidationError(
                        _("A milestone is due within its work plan, from %(start)s to %(end)s."),
                        code="due_outside_plan",
                        params={"start": dates.date_format(plan.start_date), "end": dates.date_format(plan.end_date)},
                    )
                }
            )

    @property
    def due_label(self):
        return formats.date_format(self.due_date, "YEAR_MONTH_FORMAT")

    @property
    def quarter(self):
        return (self.due_date.month - 1) // 3 + 1

    @property
    def quarter_label(self):
        return f"Q{self.quarter} {self.due_date.year}"

    def is_overdue(self, on):
        """Whether it is overdue on ``on`` by its current status (``selectors.is_overdue``)."""
        # The selectors read the models: imported when called.
        from .selectors import is_overdue

        return is_overdue(due_date=self.due_date, status=self.status, on=on)


class ProgressUpdateQuerySet(PublishableQuerySet):
    def published(self):
        """Published updates on milestones of published plans: a draft plan's log stays
        private even where its updates are approved."""
        return self.approved().filter(in_published_plan("milestone__priority__work_plan"))

    def latest_first(self):
        """The latest first, as "latest" means everywhere (a milestone's status, its state
        as of a date, reports, the API, the feed): by report date and, among updates of the
        same day, the last published first (then the last created, then the last stored).
        An update published with no recorded time (a loader's) was published when created."""
        published_at = Coalesce("published_at", "created_at")
        return self.order_by("-reported_on", published_at.desc(), "-created_at", "-pk")

    def as_of(self, day):
        """The published updates reported on or before ``day``, the latest first: the first
        says where its milestone stood that day."""
        return self.approved().filter(reported_on__lte=day).latest_first()

    def overdue_marks(self):
        """The automatic overdue marks (``ProgressUpdate.overdue_mark``)."""
        return self.filter(overdue_mark=True)


class ProgressUpdate(PublishableModel):
    """A dated report on a milestone. The log of published updates is the milestone's
    history: "as of D" reads the latest published one on or before D."""

    milestone = models.ForeignKey(
        Milestone, on_delete=models.CASCADE, related_name="updates", verbose_name=_("milestone")
    )
    reported_on = models.DateField(_("reported on"))
    status = models.CharField(_("status"), max_length=16, choices=MilestoneStatus.choices)
    progress = models.PositiveSmallIntegerField(_("progress (%)"))
    # A TextField's max_length reaches forms and serializers only: the validator makes
    # full_clean (the services) refuse an over-long note too.
    note = models.TextField(
        _("note"),
        blank=True,
        max_length=NOTE_MAX_LENGTH,
        validators=[MaxLengthValidator(NOTE_MAX_LENGTH)],
        help_text=_("What changed since the last update, and why: at most 5,000 characters."),
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="progress_updates",
        verbose_name=_("author"),
    )
    jurisdiction = models.ForeignKey(
        "jurisdictions.Jurisdiction",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="progress_updates",
        verbose_name=_("reporting jurisdiction"),
    )
    # Written by the nightly marking of past-due milestones (cogwg.reports.services.
    # milestones_mark_overdue), withdrawn when the log no longer bears it out
    # (workplan.services.overdue_marks_withdraw_stale).
    overdue_mark = models.BooleanField(_("automatic overdue mark"), default=False, editable=False)

    objects = ProgressUpdateQuerySet.as_manager()

    class Meta:
        # As ``latest_first`` orders a milestone's updates: among those of a day, the last published first.
        ordering = ["milestone", "-reported_on", Coalesce("published_at", "created_at").desc(), "-created_at", "-pk"]
        get_latest_by = ["reported_on", "created_at", "pk"]
        verbose_name = _("progress update")
        verbose_name_plural = _("progress updates")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(progress__gte=0, progress__lte=100),
                name="%(app_label)s_%(class)s_progress_0_100",
                violation_error_code="progress_out_of_range",
                violation_error_message=PROGRESS_0_100,
            ),
            models.CheckConstraint(
                condition=~models.Q(status=MilestoneStatus.COMPLETED) | models.Q(progress=100),
                name="%(app_label)s_%(class)s_completed_is_100",
                violation_error_code="completed_not_100",
                # %% for the constraint's own formatting (%(name)s).
                violation_error_message=_("A completed milestone is 100%% done."),
            ),
        ]

    def __str__(self):
        return gettext("%(milestone)s — %(date)s: %(status)s") % {
            "milestone": self.milestone,
            "date": dates.date_format(self.reported_on) if self.reported_on else "",
            "status": self.get_status_display(),
        }

    def clean(self):
        # A draft's note in either language (or none); a published one's in both or none.
        self.clean_languages()
