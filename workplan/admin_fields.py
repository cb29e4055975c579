"""How the admin offers and shows the work plan's records, in this app's admin and in the
others' (stories, jurisdictions): priorities and milestones chosen under labels that tell
them apart (``CHOICE_LABELS``, ``ChoiceLabelsMixin``, ``PriorityListFilter``; the search
boxes too, cogwg/admin_site.py), the plans a filter offers (``WorkPlanListFilter``), an
update's author shown only to those who may read it (``with_shown_author``), and private
fields that a change list will not filter on for others (``PrivateFieldsMixin``)."""

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.db.models import Case, F, Q, Subquery, Value, When
from django.db.models.constants import LOOKUP_SEP
from django.utils.translation import gettext_lazy as _

from cogwg import permissions
from cogwg.admin_base import VisibleRelatedFieldListFilter

from .choices import WorkPlanStatus
from .models import Milestone, Priority, WorkPlan

# Choices of priorities and milestones


def priority_choice_label(priority):
    """A priority as the admin offers it, after its plan's slug ("2021 · 3. …"): after a
    roll-over two plans have a priority of each number and title. (``str(priority)``, which
    the pages, sheets and messages print, stays "3. …".)"""
    return f"{priority.work_plan.slug} · {priority}"


def milestone_choice_label(milestone):
    """A milestone as the admin offers it, with its priority's number: each priority has
    milestones due the same months."""
    return _("Priority %(number)s · %(due)s: %(description)s") % {
        "number": milestone.priority.number,
        "due": milestone.due_label,
        "description": milestone.description[:60],
    }


# What each label reads, selected with the choices (one query, whatever their number).
CHOICE_LABELS = {Priority: (priority_choice_label, "work_plan"), Milestone: (milestone_choice_label, "priority")}


def labelled_choices(formfield):
    """``formfield``, a choice of priority or milestone, with the labels above."""
    model = getattr(getattr(formfield, "queryset", None), "model", None)
    if model in CHOICE_LABELS:
        label, related = CHOICE_LABELS[model]
        formfield.queryset = formfield.queryset.select_related(related)
        formfield.label_from_instance = label
    return formfield


class ChoiceLabelsMixin:
    """Priorities and milestones offered under the labels above. Put it before the
    admin's base class."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        formfield = super().formfield_for_foreignkey(db_field, request, **kwargs)
        return None if formfield is None else labelled_choices(formfield)


def is_key(value: str) -> bool:
    """Whether ``value``, from the address, reads as a record's id: ASCII digits ("²" is a
    digit to ``str.isdigit``), short enough for the database's integers."""
    return value.isascii() and value.isdigit() and len(value) <= 18


class PriorityListFilter(VisibleRelatedFieldListFilter):
    """Filter by priority, named as in the choices (by plan, then number). Plans pile up
    year after year: it offers the priorities of the plan chosen in the work plan filter,
    or else those of the plans under way (active and drafts), and the one chosen."""

    plan_parameter = "priority__work_plan__id__exact"

    def field_choices(self, field, request, model_admin):
        priorities = Priority.objects.select_related("work_plan").order_by("-work_plan__start_date", "number")
        priorities = permissions.visible(request.user, priorities)
        plan = request.GET.get(self.plan_parameter, "")
        if is_key(plan):
            priorities = priorities.filter(work_plan_id=plan)
        else:
            chosen = self.lookup_val[0] if self.lookup_val else ""
            under_way = ~Q(work_plan__status=WorkPlanStatus.CLOSED)
            priorities = priorities.filter(under_way | Q(pk=chosen) if is_key(chosen) else under_way)
        return [(priority.pk, priority_choice_label(priority)) for priority in priorities]


class WorkPlanListFilter(VisibleRelatedFieldListFilter):
    """Filter by work plan, newest first. Plans pile up year after year (one closed a
    year): it offers those under way (active and drafts, as ``PriorityListFilter``), the
    last one closed (its final updates and report are still being worked on after the
    roll-over), and the one chosen, an older plan chosen through the address
    (``?priority__work_plan__id__exact=…``), which filters and shows as chosen."""

    def field_choices(self, field, request, model_admin):
        plans = permissions.visible(request.user, WorkPlan.objects.order_by("-start_date", "-pk"))
        closed = WorkPlan.objects.filter(status=WorkPlanStatus.CLOSED)
        last_closed = closed.order_by("-end_date", "-start_date", "-pk").values("pk")[:1]
        offered = ~Q(status=WorkPlanStatus.CLOSED) | Q(pk=Subquery(last_closed))
        chosen = self.lookup_val[0] if self.lookup_val else ""
        if is_key(chosen):
            offered |= Q(pk=chosen)
        return [(plan.pk, str(plan)) for plan in plans.filter(offered)]


# The author of an update


def with_shown_author(queryset, user):
    """``queryset``'s updates, each with ``shown_author``: its author's user name, for the
    secretariat and for the contributors of the update's jurisdiction, None for others.
    It is ``permissions.can_view_review``'s rule (the review, author included, is between
    a record's jurisdictions and the secretariat), read with the rows instead of a query
    per row."""
    author = F(f"author__{get_user_model().USERNAME_FIELD}")
    if not permissions.is_secretariat(user):
        author = Case(When(jurisdiction__in=permissions.jurisdiction_ids(user), then=author), default=Value(None))
    return queryset.annotate(shown_author=author)


@admin.display(description=_("author"), ordering="shown_author")
def shown_author(obj):
    return getattr(obj, "shown_author", None) or "—"


class PrivateFieldsMixin:
    """``private_fields`` are for the secretariat (and, where the admin says so, the
    record's own jurisdiction) to read: for others, a change list, and so its export,
    refuses a filter on them typed into its address. Django takes a filter on any of a
    model's own fields, and ``?contact_email__startswith=a`` would tell, row by row, what
    the pages hide. Put it before the admin's base class."""

    private_fields = ()

    def lookup_allowed(self, lookup, value, request):
        if self.private_fields and not permissions.is_secretariat(request.user):
            fields = [self.opts.get_field(name) for name in self.private_fields]
            if lookup.split(LOOKUP_SEP, 1)[0] in {name for field in fields for name in (field.name, field.attname)}:
                return False
        return super().lookup_allowed(lookup, value, request)
