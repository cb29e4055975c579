"""The status of a work plan as of a date (``GET /api/v1/work-plans/{slug}/status/``):
read-only representations of what ``workplan.selectors.work_plan_status`` computes, and
the endpoint's query parameters. Nothing here computes a status."""

import datetime
import re

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from cogwg.api.base import HyperlinkedRelatedField, ReadOffMixin
from cogwg.api.language import in_active_language
from cogwg.api.summaries import (
    SeatSerializer,
    WorkPlanSummarySerializer,
    iso_date,
)

from ..choices import MilestoneKind, MilestoneStatus
from ..selectors import DUE_SOON_DAYS, status_today, tenth_percent
from .serializers import STATUSES

StatusCountsSerializer = type(
    "StatusCountsSerializer",
    (serializers.Serializer,),
    {
        "__doc__": "How many milestones are in each status.",
        **{status: serializers.IntegerField(read_only=True) for status in MilestoneStatus.values},
    },
)


def status_counts(counts):
    """``counts`` as ``StatusCountsSerializer`` gives them: every status, in its order."""
    return {status: int(counts[status]) for status in STATUSES}


class MilestoneStateSerializer(ReadOffMixin, serializers.Serializer):
    """A milestone as of the date: the status, progress and note of its latest published
    update on or before it."""

    url = HyperlinkedRelatedField(source="milestone", view_name="api:milestone-detail", read_only=True)
    id = serializers.IntegerField(source="milestone.pk", read_only=True)
    due_date = serializers.DateField(source="milestone.due_date", read_only=True)
    description = serializers.CharField(source="milestone.description", read_only=True)
    kind = serializers.ChoiceField(source="milestone.kind", choices=MilestoneKind.choices, read_only=True)
    status = serializers.ChoiceField(choices=MilestoneStatus.choices, read_only=True)
    progress = serializers.IntegerField(read_only=True)
    overdue = serializers.BooleanField(read_only=True)
    note = serializers.SerializerMethodField()
    reported_on = serializers.DateField(read_only=True, allow_null=True)

    def get_note(self, state) -> str:
        return in_active_language({"en": state.note_en, "fr": state.note_fr})

    def to_representation(self, state):
        # A plan's status shows every milestone, the overdue ones twice: read straight off
        # the state, with the values the fields above give.
        milestone = state.milestone
        return {
            "url": self.bound_field("url").to_representation(milestone),
            "id": milestone.pk,
            "due_date": iso_date(milestone.due_date),
            "description": milestone.description,
            "kind": milestone.kind,
            "status": state.status,
            "progress": state.progress,
            "overdue": state.overdue,
            "note": self.get_note(state),
            "reported_on": iso_date(state.reported_on),
        }


class PriorityStatusSerializer(ReadOffMixin, serializers.Serializer):
    url = HyperlinkedRelatedField(source="priority", view_name="api:priority-detail", read_only=True)
    id = serializers.IntegerField(source="priority.pk", read_only=True)
    number = serializers.IntegerField(source="priority.number", read_only=True)
    title = serializers.CharField(source="priority.title", read_only=True)
    progress = serializers.FloatField(
        read_only=True,
        allow_null=True,
        help_text="Mean progress of its non-cancelled milestones as of the date (%), to one decimal, half up.",
    )
    status = serializers.ChoiceField(choices=MilestoneStatus.choices, read_only=True)
    counts = StatusCountsSerializer(read_only=True)
    seats = SeatSerializer(source="priority.seats", many=True, read_only=True)
    milestones = MilestoneStateSerializer(many=True, read_only=True)

    def to_representation(self, status):
        # Read straight off the selector's PriorityStatus, with the values the fields above give.
        priority = status.priority
        return {
            "url": self.bound_field("url").to_representation(priority),
            "id": priority.pk,
            "number": priority.number,
            "title": priority.title,
            "progress": tenth_percent(status.progress),
            "status": status.status,
            "counts": status_counts(status.counts),
            "seats": self.bound_field("seats").to_representation(priority.seats.all()),
            "milestones": self.bound_field("milestones").to_representation(status.milestones),
        }


class StoryCountsSerializer(serializers.Serializer):
    received = serializers.IntegerField(
        read_only=True, help_text="Stories received (submitted), whatever became of them since."
    )
    published = serializers.IntegerField(read_only=True, help_text="Stories published, that are still public.")


class StoryInventorySerializer(serializers.Serializer):
    """The open data user stories inventory as of the date (``stories.selectors.story_inventory``):
    a story counts as received on the day it was submitted, whatever became of it since (under review,
    published or rejected), and as published on the day it was published, if it is still public."""

    plan = StoryCountsSerializer(read_only=True, help_text="From the plan's start date to `as_of`, that day included.")
    to_date = StoryCountsSerializer(read_only=True, help_text="In all, up to `as_of`, that day included.")


def story_inventory_data(inventory) -> dict:
    """``inventory`` as ``StoryInventorySerializer`` gives it."""

    def counts(scope):
        return {"received": scope.received, "published": scope.published}

    return {"plan": counts(inventory.plan), "to_date": counts(inventory.to_date)}


class PlanStatusSerializer(ReadOffMixin, serializers.Serializer):
    """The plan as of a date, from ``workplan.selectors.work_plan_status``."""

    work_plan = WorkPlanSummarySerializer(read_only=True)
    as_of = serializers.DateField(read_only=True)
    progress = serializers.FloatField(
        read_only=True,
        allow_null=True,
        help_text=(
            "Mean of its priorities' exact progress (%), to one decimal, half up: rounded once, not a mean of "
            "their rounded figures."
        ),
    )
    status = serializers.ChoiceField(choices=MilestoneStatus.choices, read_only=True)
    counts = StatusCountsSerializer(read_only=True)
    due_soon = serializers.IntegerField(
        read_only=True,
        help_text=(
            f"How many milestones, neither completed nor cancelled, are due within {DUE_SOON_DAYS} days from "
            '`as_of` (that day included): the status reports\' "due".'
        ),
    )
    overdue = MilestoneStateSerializer(many=True, read_only=True)
    priorities = PriorityStatusSerializer(many=True, read_only=True)
    stories = StoryInventorySerializer(
        read_only=True,
        help_text=(
            "The open data user stories inventory as of `as_of`: stories received and published since the plan "
            "began, and in all; the status reports show the same numbers."
        ),
    )

    def to_representation(self, status):
        # Read straight off the selector's PlanStatus, with the values the fields above give.
        priorities = self.bound_field("priorities").to_representation(status.priorities)
        # The overdue milestones are some of the priorities' milestones, the same states:
        # their rows are taken from there rather than serialized twice.
        rows = {
            id(state): row
            for priority, shown in zip(status.priorities, priorities, strict=True)
            for state, row in zip(priority.milestones, shown["milestones"], strict=True)
        }
        return {
            "work_plan": self.bound_field("work_plan").to_representation(status.work_plan),
            "as_of": iso_date(status.as_of),
            "progress": tenth_percent(status.progress),
            "status": status.status,
            "counts": status_counts(status.counts),
            "due_soon": len(status.due_soon),
            "overdue": [rows[id(state)] for state in status.overdue],
            "priorities": priorities,
            "stories": story_inventory_data(status.stories),
        }


ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


class CalendarDateField(serializers.DateField):
    """A date written YYYY-MM-DD; one so written that the calendar does not have
    (2020-13-01, 2021-02-29) is said to be no such day, not to be in the wrong format."""

    default_error_messages = {"no_such_day": _("There is no such day: {value}.")}

    def to_internal_value(self, value):
        if isinstance(value, str) and ISO_DATE.fullmatch(value):
            try:
                return datetime.date.fromisoformat(value)
            except ValueError:
                self.fail("no_such_day", value=value)
        return super().to_internal_value(value)


class StatusDateField(CalendarDateField):
    """``as_of``: a calendar date (``CalendarDateField``) that is today at the latest, the
    latest date that is today somewhere in Canada (``cogwg.dates.latest_today``, the day
    the status with no date is as of): the status of a later day is not known yet, as a
    status report's is not (cogwg.models.StatusReport)."""

    default_error_messages = {
        "in_future": _("The status is known up to today, {today}: {value} is later."),
    }

    def to_internal_value(self, value):
        day = super().to_internal_value(value)
        today = status_today()
        if day > today:
            self.fail("in_future", today=today.isoformat(), value=day.isoformat())
        return day


class StatusQuerySerializer(serializers.Serializer):
    as_of = StatusDateField(
        required=False,
        help_text=(
            "The date (YYYY-MM-DD) the status is taken at, today at the latest; today when omitted. Today is the "
            "latest date that is today somewhere in Canada (St. John's), the latest date a progress update may "
            "bear: with no `as_of` the answer is the one `as_of` set to that day gives, and `as_of` in the "
            "answer says which day it is. The status as of a date is the status of that date as now known: each "
            "milestone's latest published update reported on or before it, an update published since and dated "
            "back to it included. A status report frozen as of the same date keeps what was known when it was "
            "frozen, and may differ."
        ),
    )

    def validate(self, attrs):
        # A query string can repeat a parameter; two dates are one too many, not the last one.
        if hasattr(self.initial_data, "getlist") and len(self.initial_data.getlist("as_of")) > 1:
            raise serializers.ValidationError({"as_of": [_("Give one date.")]})
        return attrs
