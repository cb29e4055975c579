"""Read queries on user stories that pages, the API and the status reports share."""

import datetime
from dataclasses import dataclass

from django.db.models import Count, DateField, Prefetch, Q
from django.db.models.functions import Coalesce, Least, TruncDate

from cogwg import permissions
from workplan.models import Milestone

from .models import UserStory


def shown_release(user=None) -> Prefetch:
    """Each story's release (the milestone it was released under) as ``shown_release``:
    None when ``user`` may not see it (``permissions.visible``; no user is the public, who
    see a milestone once its plan is published). A published story may be released
    under a milestone of a plan still in draft: that plan stays private until it is
    published."""
    return Prefetch("release", queryset=permissions.visible(user, Milestone.objects.all()), to_attr="shown_release")


@dataclass(frozen=True)
class StoryCounts:
    """How many user stories were received, and how many published, over some days."""

    received: int
    published: int


@dataclass(frozen=True)
class StoryInventory:
    """The open data user stories inventory (the 2020 plan's priority 1) as of a date:
    the stories received and published in a report's period (``period``, when one is
    given), since the work plan began (``plan``) and in all (``to_date``), each up to
    ``as_of``, that day included."""

    as_of: datetime.date
    plan_start: datetime.date
    period_start: datetime.date | None
    period: StoryCounts | None
    plan: StoryCounts
    to_date: StoryCounts


# The day a story was received: the day it was stored (sent through the form, filed by a
# contributor or by the secretariat), or the day it was published when that came first
# (a story entered after it was published on the portal was received by then).
RECEIVED_ON = Least(
    TruncDate("created_at"), Coalesce("published_on", TruncDate("created_at")), output_field=DateField()
)


def story_inventory(*, work_plan, as_of: datetime.date, period_start: datetime.date | None = None) -> StoryInventory:
    """How many stories were received and published up to ``as_of``: in the period from
    ``period_start`` (a status report's), since ``work_plan`` began, and in all. One
    query, whatever the number of stories.

    A story counts as received on the day it was (``RECEIVED_ON``), whatever became of it
    since: under review, published or rejected. It counts as published on its
    publication date, if it is public now: one withdrawn since is no longer counted (a
    frozen report keeps the numbers of the day it was frozen)."""
    starts = {"plan": work_plan.start_date, "to_date": None}
    if period_start is not None:
        starts["period"] = period_start
    # Public now: what ``UserStory.objects.published()`` gives, and nothing written here.
    public = Q(pk__in=UserStory.objects.published().values("pk"))
    aggregates = {}
    for scope, start in starts.items():
        received = Q(received_on__lte=as_of)
        published = public & Q(published_on__lte=as_of)
        if start is not None:
            received &= Q(received_on__gte=start)
            published &= Q(published_on__gte=start)
        aggregates[f"{scope}_received"] = Count("pk", filter=received)
        aggregates[f"{scope}_published"] = Count("pk", filter=published)
    counts = UserStory.objects.alias(received_on=RECEIVED_ON).aggregate(**aggregates)

    def scope_counts(scope):
        return StoryCounts(received=counts[f"{scope}_received"], published=counts[f"{scope}_published"])

    return StoryInventory(
        as_of=as_of,
        plan_start=work_plan.start_date,
        period_start=period_start,
        period=scope_counts("period") if period_start is not None else None,
        plan=scope_counts("plan"),
        to_date=scope_counts("to_date"),
    )
