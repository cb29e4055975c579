"""Public pages of the work plan: a plan with its priorities, and a priority with its
seats and milestone timeline. Progress comes from ``workplan.selectors`` only."""

from dataclasses import dataclass, field
from itertools import groupby

from django.conf import settings
from django.db.models import Q
from django.http import Http404, HttpResponsePermanentRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext
from django.views.generic import TemplateView

from cogwg.context_processors import language_links
from cogwg.selectors import link_status_for
from cogwg.templatetags.cogwg_tags import localized
from cogwg.views import (
    Crumb,
    PublicPageMixin,
    latest_change,
    priority_links,
)
from jurisdictions.models import Accomplishment
from stories.models import UserStory

from .choices import SeatRole, WorkPlanStatus
from .models import Priority, WorkPlan
from .selectors import MilestoneState, current_work_plan, priority_status, work_plan_status


@dataclass
class Month:
    date: object
    milestones: list[MilestoneState]


@dataclass
class Quarter:
    year: int
    number: int
    months: list[Month] = field(default_factory=list)

    @property
    def anchor(self):
        return f"quarter-{self.year}-{self.number}"

    @property
    def label(self):
        return gettext("Q%(number)s %(year)s") % {"number": self.number, "year": self.year}

    @property
    def milestones(self):
        return [state for month in self.months for state in month.milestones]


def timeline(states):
    """Milestone states grouped by calendar quarter, then by month of their due date."""
    ordered = sorted(states, key=lambda s: (s.milestone.due_date, s.milestone.order, s.milestone.pk))
    quarters = []
    for (year, number), in_quarter in groupby(ordered, key=lambda s: (s.milestone.due_date.year, s.milestone.quarter)):
        quarter = Quarter(year, number)
        for _month, in_month in groupby(in_quarter, key=lambda s: s.milestone.due_date.month):
            in_month = list(in_month)
            quarter.months.append(Month(in_month[0].milestone.due_date, in_month))
        quarters.append(quarter)
    return quarters


def seats_by_role(priority):
    seats = list(priority.seats.all())
    return {
        "leads": [seat for seat in seats if seat.role == SeatRole.LEAD],
        "partners": [seat for seat in seats if seat.role == SeatRole.PARTNER],
    }


class WorkPlanView(PublicPageMixin, TemplateView):
    """A published plan (the current one at ``work-plan/``): its progress and priorities."""

    template_name = "workplan/work_plan.html"

    def get_work_plan(self):
        if "slug" in self.kwargs:
            return get_object_or_404(WorkPlan.objects.published(), slug=self.kwargs["slug"])
        plan = current_work_plan()
        if plan is None:
            raise Http404("No published work plan")
        return plan

    def get_context_data(self, **kwargs):
        plan = self.get_work_plan()
        status = work_plan_status(work_plan=plan, notes=False)
        kwargs |= {
            "plan": plan,
            "plan_status": status,
            "plan_closed": plan.status == WorkPlanStatus.CLOSED,
            "priorities": [(p, seats_by_role(p.priority)) for p in status.priorities],
            "priority_links": priority_links(p.priority for p in status.priorities),
            "status_counts": status.shares,
            "quarters": timeline(status.milestones),
            "other_plans": list(WorkPlan.objects.published().exclude(pk=plan.pk).order_by("-start_date")),
        }
        return super().get_context_data(**kwargs)

    def get_date_modified(self, context):
        status = context["plan_status"]
        return latest_change(
            [status.work_plan], [p.priority for p in status.priorities], [m.milestone for m in status.milestones]
        )


def priority_addresses(priority) -> dict[str, str]:
    """The priority's page in each official language, at that language's slug."""
    addresses = {}
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            addresses[code] = reverse("workplan:priority", args=[priority.work_plan.slug, priority.slug_in(code)])
    return addresses


class PriorityView(PublicPageMixin, TemplateView):
    """A priority: the problem and the expected outcome, who carries it, its milestones.
    Its page is at its slug in English and at its French slug in French; the other slug
    (an old link, a hand-edited address) is sent there for good (301)."""

    template_name = "workplan/priority.html"

    def get(self, request, *args, **kwargs):
        self.priority = self.get_priority()
        if self.kwargs["slug"] != self.priority.page_slug:
            address = reverse("workplan:priority", args=[self.priority.work_plan.slug, self.priority.page_slug])
            query = request.META.get("QUERY_STRING", "")
            return HttpResponsePermanentRedirect(f"{address}?{query}" if query else address)
        return super().get(request, *args, **kwargs)

    def get_priority(self):
        slug = self.kwargs["slug"]
        found = list(
            Priority.objects.published()
            .with_seats()
            .filter(Q(slug=slug) | Q(slug_fr=slug), work_plan__slug=self.kwargs["plan"])
            .order_by("number")
        )
        if not found:
            raise Http404("No such priority")
        # A slug names one priority of a plan in either language (Priority.validate_constraints);
        # should two have it anyway, the one whose page in this language is at it.
        return next((priority for priority in found if priority.page_slug == slug), found[0])

    def get_context_data(self, **kwargs):
        priority = self.priority
        status = priority_status(priority=priority)
        accomplishments = list(
            Accomplishment.objects.published().for_cards().filter(priority=priority).order_by("-date", "pk")
        )
        stories = UserStory.objects.published().select_related("jurisdiction").filter(release__priority=priority)
        kwargs |= {
            "priority": priority,
            "plan": priority.work_plan,
            "priority_status": status,
            "quarters": timeline(status.milestones),
            "accomplishments": accomplishments,
            "link_checks": link_status_for(link.url for item in accomplishments for link in item.links.all()),
            "stories": list(stories),
            **seats_by_role(priority),
            # The language switcher and the alternates: translate_url() would keep the slug.
            **language_links(self.request, addresses=priority_addresses(priority)),
        }
        return super().get_context_data(**kwargs)

    def get_breadcrumbs(self, context):
        plan = context["plan"]
        # The title as the page's other texts show it: a fallback carries its language for
        # the breadcrumb's lang attribute.
        return [Crumb(localized(plan, "title"), reverse("workplan:detail", args=[plan.slug]))]

    def get_date_modified(self, context):
        status = context["priority_status"]
        return latest_change([context["priority"]], [m.milestone for m in status.milestones])
