"""FilterSets of the work plan, shared by the API and the public lists (see
``cogwg/filtersets.py`` for how to use them)."""

import calendar
import datetime

import django_filters as filters
from django import forms
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

from cogwg.filtersets import (
    AnyOfFilter,
    ChoicesFilter,
    ExcludeChoicesFilter,
    KeyedOrderingFilter,
    RecordsField,
    SearchFilterSet,
    StableOrderingFilter,
    StrictBooleanFilter,
    date_filters,
    in_order_of,
    nothing_chosen,
)
from jurisdictions.filtersets import jurisdiction_filter
from jurisdictions.models import Jurisdiction

from .choices import STATUS_SEVERITY, MilestoneKind, MilestoneStatus, SeatRole, WorkPlanStatus
from .models import Milestone, Priority, ProgressUpdate, WorkPlan
from .selectors import status_today

# ``ordering=status``: the site's severity order (workplan.choices.STATUS_SEVERITY).
STATUS_ORDER = in_order_of("status", STATUS_SEVERITY)


class SeatFilter(filters.ModelMultipleChoiceFilter):
    """Priorities' records whose priority has a seat of ``role`` held by any of the chosen
    jurisdictions. ``priority_path`` leads from the filtered model to its priority ("pk" on
    priorities themselves)."""

    field_class = RecordsField

    def __init__(self, *args, role=None, priority_path="priority", **kwargs):
        self.role, self.priority_path = role, priority_path
        # Not used to filter (see filter()); it names the model field for documentation.
        kwargs.setdefault(
            "field_name", "seats__jurisdiction" if priority_path == "pk" else "priority__seats__jurisdiction"
        )
        kwargs.setdefault("distinct", False)
        kwargs.setdefault("to_field_name", "code")
        kwargs.setdefault("queryset", Jurisdiction.objects.all())
        super().__init__(*args, **kwargs)

    def filter(self, qs, value):
        if nothing_chosen(value):
            return qs
        seats = {"seats__jurisdiction__in": value}
        if self.role:
            seats["seats__role"] = self.role
        priorities = Priority.objects.filter(**seats).values("pk")
        return qs.filter(**{f"{self.priority_path}__in": priorities})


class QuarterField(forms.CharField):
    default_validators = [
        RegexValidator(r"^[1-9]\d{3}-Q[1-4]$", _("Enter a quarter as YYYY-Qn, e.g. 2020-Q2."), code="invalid")
    ]


class QuarterFilter(filters.CharFilter):
    """Records due in a calendar quarter, written ``YYYY-Qn`` (e.g. ``2020-Q2``)."""

    field_class = QuarterField

    def filter(self, qs, value):
        if not value:
            return qs
        return qs.filter(**{f"{self.field_name}__range": quarter_bounds(value)})


def quarter_bounds(value) -> tuple[datetime.date, datetime.date]:
    """``"2020-Q2"`` → (2020-04-01, 2020-06-30). The quarter's last day is its last month's
    (never the next quarter's first day less one: 9999-Q4 has no next quarter)."""
    year, quarter = int(value[:4]), int(value[-1])
    last_month = 3 * quarter
    start = datetime.date(year, last_month - 2, 1)
    return start, datetime.date(year, last_month, calendar.monthrange(year, last_month)[1])


class WorkPlanFilterSet(SearchFilterSet):
    search_fields = ("title", "summary")
    plain_search_fields = ("slug",)

    status = ChoicesFilter(choices=WorkPlanStatus.choices, label=_("Status"))
    ordering = StableOrderingFilter(fields=("start_date", "end_date", "slug", "title"))

    class Meta:
        model = WorkPlan
        fields = ["status"]


class PriorityFilterSet(SearchFilterSet):
    search_fields = ("title", "issue", "consequences", "outcome", "results")
    plain_search_fields = ("slug", "slug_fr")

    work_plan = AnyOfFilter(
        field_name="work_plan",
        to_field_name="slug",
        queryset=WorkPlan.objects.all(),
        label=_("Work plan"),
        help_text=_("A work plan's slug, e.g. 2020; repeat for several."),
    )
    jurisdiction = SeatFilter(
        priority_path="pk",
        label=_("Jurisdiction"),
        help_text=_("Has a lead or partner seat held by this jurisdiction."),
    )
    lead = SeatFilter(
        role=SeatRole.LEAD, priority_path="pk", label=_("Lead"), help_text=_("Led by this jurisdiction (its code).")
    )
    partner = SeatFilter(
        role=SeatRole.PARTNER,
        priority_path="pk",
        label=_("Partner"),
        help_text=_("Has this jurisdiction (its code) as a partner."),
    )
    ordering = StableOrderingFilter(fields=("number", "title"))

    class Meta:
        model = Priority
        fields = ["work_plan", "jurisdiction", "lead", "partner"]


class MilestoneFilterSet(SearchFilterSet):
    search_fields = ("description",)

    work_plan = AnyOfFilter(
        field_name="priority__work_plan",
        to_field_name="slug",
        queryset=WorkPlan.objects.all(),
        label=_("Work plan"),
        help_text=_("A work plan's slug, e.g. 2020; repeat for several."),
    )
    priority = AnyOfFilter(
        field_name="priority",
        queryset=Priority.objects.all(),
        label=_("Priority"),
        help_text=_("A priority's id; repeat for several."),
    )
    status = ChoicesFilter(choices=MilestoneStatus.choices, label=_("Status"), help_text=_("Repeat for several."))
    status__n = ExcludeChoicesFilter(
        field_name="status",
        choices=MilestoneStatus.choices,
        label=_("Status is not"),
        help_text=_("Leave out milestones in these statuses; repeat for several."),
    )
    kind = ChoicesFilter(choices=MilestoneKind.choices, label=_("Kind"))
    due_after, due_before = date_filters("due_date", _("Due"))
    quarter = QuarterFilter(
        field_name="due_date", label=_("Quarter"), help_text=_("A calendar quarter, YYYY-Qn, e.g. 2020-Q2.")
    )
    lead = SeatFilter(role=SeatRole.LEAD, label=_("Lead"), help_text=_("Its priority is led by this jurisdiction."))
    partner = SeatFilter(
        role=SeatRole.PARTNER, label=_("Partner"), help_text=_("Its priority has this jurisdiction as a partner.")
    )
    jurisdiction = SeatFilter(
        label=_("Jurisdiction"), help_text=_("Its priority has a seat held by this jurisdiction.")
    )
    overdue = StrictBooleanFilter(
        method="filter_overdue",
        label=_("Overdue"),
        help_text=_("true: past due and neither completed nor cancelled; false: the others."),
    )
    # Statuses worst first, as a priority takes the worst of its milestones' (cancelled last).
    ordering = KeyedOrderingFilter(
        fields=("due_date", "status", "progress", "kind", "order"), keys={"status": STATUS_ORDER}
    )

    class Meta:
        model = Milestone
        fields = ["work_plan", "priority", "status", "kind", "lead", "partner", "overdue"]

    def filter_overdue(self, queryset, name, value: bool):
        if value is None:
            return queryset
        # As of the day the plan's status is (its overdue milestones are these).
        overdue = Milestone.objects.overdue(on=status_today()).values("pk")
        return queryset.filter(pk__in=overdue) if value else queryset.exclude(pk__in=overdue)


class ProgressUpdateFilterSet(SearchFilterSet):
    search_fields = ("note",)

    milestone = AnyOfFilter(
        field_name="milestone",
        queryset=Milestone.objects.all(),
        label=_("Milestone"),
        help_text=_("A milestone's id; repeat for several."),
    )
    jurisdiction = jurisdiction_filter("jurisdiction", _("Reporting jurisdiction"))
    status = ChoicesFilter(choices=MilestoneStatus.choices, label=_("Status"))
    reported_after, reported_before = date_filters("reported_on", _("Reported"))
    ordering = KeyedOrderingFilter(fields=("reported_on", "status", "progress"), keys={"status": STATUS_ORDER})

    class Meta:
        model = ProgressUpdate
        fields = ["milestone", "jurisdiction", "status"]
