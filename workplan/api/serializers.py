"""Representations of the work plan. Progress and status come from ``workplan.selectors``:
nothing here computes them."""

import datetime
import re
from functools import cached_property

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from cogwg import permissions
from cogwg.api.base import (
    ApiModelSerializer,
    HyperlinkedIdentityField,
    HyperlinkedRelatedField,
    ReadOffMixin,
    SummaryRelatedField,
)
from cogwg.api.language import in_active_language
from cogwg.api.publication import MovedByActionsMixin, ReviewCommentField
from cogwg.api.summaries import (
    JurisdictionSummarySerializer,
    MilestoneSummarySerializer,
    PrioritySummarySerializer,
    SeatSerializer,
    WorkPlanSummarySerializer,
    iso_date,
)
from cogwg.choices import PublicationState
from jurisdictions.models import Jurisdiction

from ..choices import MilestoneKind, MilestoneStatus, SeatRole
from ..models import Milestone, Priority, ProgressUpdate, WorkPlan
from ..selectors import DUE_SOON_DAYS, is_overdue, priority_rollup, tenth_percent
from ..services import work_plan_save

STATUS_FIELD = serializers.ChoiceField(choices=MilestoneStatus.choices)
KIND_FIELD = serializers.ChoiceField(choices=MilestoneKind.choices)
# The statuses in the order of the choices (MilestoneStatus.values builds the list at every read).
STATUSES = tuple(MilestoneStatus.values)


class WorkPlanSerializer(ApiModelSerializer):
    url = HyperlinkedIdentityField(view_name="api:work-plan-detail", lookup_field="slug")
    status_url = HyperlinkedIdentityField(
        view_name="api:work-plan-status", lookup_field="slug", help_text="The plan's progress and status as of a date."
    )
    priorities = PrioritySummarySerializer(many=True, read_only=True)

    class Meta:
        model = WorkPlan
        fields = (
            "url",
            "status_url",
            "id",
            "slug",
            "title",
            "title_en",
            "title_fr",
            "summary",
            "summary_en",
            "summary_fr",
            "status",
            "start_date",
            "end_date",
            "source_url",
            "priorities",
            "created_at",
            "modified_at",
        )
        # Not the database's one-active rule as a uniqueness of the status (DRF's reading of
        # it): making a plan active closes the one before it; the service refuses the rest.
        extra_kwargs = {"status": {"validators": []}}

    def create(self, validated_data):
        return self.update(WorkPlan(), validated_data)

    def update(self, instance, validated_data):
        # Stored by the service, as the admin stores a plan: an active plan closes the one before.
        for name, value in validated_data.items():
            setattr(instance, name, value)
        request = self.context.get("request")
        work_plan_save(work_plan=instance, by=getattr(request, "user", None))
        return instance


class PrioritySerializer(ApiModelSerializer):
    """A priority with its seats, its milestones in short, and its current progress and
    status (the selectors' rollup of its milestones)."""

    url = HyperlinkedIdentityField(view_name="api:priority-detail")
    work_plan = SummaryRelatedField(WorkPlanSummarySerializer, slug_field="slug", queryset=WorkPlan.objects.all())
    consequences = serializers.ListField(child=serializers.CharField(), source="consequence_list", read_only=True)
    results = serializers.ListField(child=serializers.CharField(), source="result_list", read_only=True)
    seats = SeatSerializer(many=True, read_only=True)
    milestones = MilestoneSummarySerializer(many=True, read_only=True)
    progress = serializers.SerializerMethodField(
        help_text="Mean progress of its non-cancelled milestones (%), to one decimal, half up, from the exact mean."
    )
    status = serializers.SerializerMethodField(help_text="The worst status among its milestones.")

    class Meta:
        model = Priority
        fields = (
            "url",
            "id",
            "work_plan",
            "number",
            "slug",
            "slug_fr",
            "title",
            "title_en",
            "title_fr",
            "issue",
            "issue_en",
            "issue_fr",
            "consequences",
            "consequences_en",
            "consequences_fr",
            "outcome",
            "outcome_en",
            "outcome_fr",
            "results",
            "results_en",
            "results_fr",
            "seats",
            "progress",
            "status",
            "milestones",
            "created_at",
            "modified_at",
        )

    def get_unique_together_validators(self):
        # A slug another priority has is refused by the model (Priority.validate_constraints),
        # under the field it concerns and across languages, rather than over the record.
        validators = super().get_unique_together_validators()
        return [validator for validator in validators if not {"slug", "slug_fr"} & set(validator.fields)]

    def _rollup(self, priority):
        # Progress and status come from the same rollup: made once per priority.
        if getattr(self, "_rolled_up", (None, None))[0] is not priority:
            self._rolled_up = (priority, priority_rollup(priority=priority))
        return self._rolled_up[1]

    def get_progress(self, priority) -> float | None:
        return tenth_percent(self._rollup(priority).progress)

    @extend_schema_field(STATUS_FIELD)
    def get_status(self, priority):
        return self._rollup(priority).status


MILESTONE_MOVED = _(
    "A milestone's status, progress and completion date are not written: they move only by posting a progress "
    "update (POST /api/v1/progress-updates/)."
)


class MilestoneSerializer(MovedByActionsMixin, ReadOffMixin, ApiModelSerializer):
    """A milestone with its priority and lead jurisdictions. Its status and progress change
    only by posting a progress update."""

    url = HyperlinkedIdentityField(view_name="api:milestone-detail")
    priority = SummaryRelatedField(PrioritySummarySerializer, queryset=Priority.objects.all())
    lead_jurisdictions = serializers.SerializerMethodField(
        help_text="The jurisdictions holding its priority's lead seats."
    )
    due_label = serializers.CharField(read_only=True, help_text='The due month as shown, e.g. "June 2020".')
    quarter = serializers.SerializerMethodField(help_text="The calendar quarter it is due in, YYYY-Qn.")
    overdue = serializers.SerializerMethodField(help_text="Past due and neither completed nor cancelled.")

    class Meta:
        model = Milestone
        fields = (
            "url",
            "id",
            "priority",
            "lead_jurisdictions",
            "due_date",
            "due_label",
            "quarter",
            "description",
            "description_en",
            "description_fr",
            "kind",
            "status",
            "progress",
            "completed_on",
            "overdue",
            "order",
            "created_at",
            "modified_at",
        )
        read_only_fields = ("status", "progress", "completed_on")
        extra_kwargs = {
            name: {
                "help_text": "Moved only by posting a progress update: a write that sends another value than the "
                "milestone's (on creation, than the default) is refused (400), and changes nothing."
            }
            for name in read_only_fields
        }

    # Moved by the milestone's progress updates (workplan.services.milestone_post_update).
    moved_fields = dict.fromkeys(("status", "progress", "completed_on"), MILESTONE_MOVED)

    def to_representation(self, milestone):
        # A page shows up to 200 of them: read straight off the record, with the values the
        # fields above give, rather than field by field, and without making the model's
        # fields for every response (docs/performance.md).
        timestamp = self.timestamp_field
        return {
            "url": self.bound_field("url").to_representation(milestone),
            "id": milestone.pk,
            "priority": self.bound_field("priority").to_representation(milestone.priority),
            "lead_jurisdictions": self.get_lead_jurisdictions(milestone),
            "due_date": iso_date(milestone.due_date),
            "due_label": self.label_due_month(milestone),
            "quarter": self.get_quarter(milestone),
            "description": milestone.description,
            "kind": KIND_FIELD.to_representation(milestone.kind),
            "status": STATUS_FIELD.to_representation(milestone.status),
            "progress": milestone.progress,
            "completed_on": iso_date(milestone.completed_on),
            "overdue": self.get_overdue(milestone),
            "order": milestone.order,
            "created_at": timestamp.to_representation(milestone.created_at),
            "modified_at": timestamp.to_representation(milestone.modified_at),
        }

    @cached_property
    def timestamp_field(self):
        # The field ModelSerializer makes of a DateTimeField (serializer_field_mapping).
        return self.serializer_field_mapping[models.DateTimeField](read_only=True)

    def label_due_month(self, milestone):
        # Formatted once per due date in a response (a page has a few dozen): Django's date
        # formatting of every row was a tenth of the page's time.
        labels = self.due_labels
        if milestone.due_date not in labels:
            labels[milestone.due_date] = milestone.due_label
        return labels[milestone.due_date]

    @cached_property
    def due_labels(self):
        return {}

    @extend_schema_field(JurisdictionSummarySerializer(many=True))
    def get_lead_jurisdictions(self, milestone):
        summary = self.jurisdiction_summary
        # Prefetched by Milestone.objects.for_listing(); read for a milestone just saved.
        seats = getattr(milestone.priority, "lead_seats", None)
        if seats is None:
            seats = milestone.priority.seats.all()
        return [
            summary.to_representation(seat.jurisdiction)
            for seat in seats
            if seat.role == SeatRole.LEAD and seat.jurisdiction_id is not None
        ]

    @cached_property
    def jurisdiction_summary(self):
        # One summary serializer for the whole page: building a serializer's fields per
        # row was most of the milestones list's time (docs/performance.md).
        return JurisdictionSummarySerializer(context=self.context)

    def get_quarter(self, milestone) -> str:
        return f"{milestone.due_date.year}-Q{milestone.quarter}"

    def get_overdue(self, milestone) -> bool:
        # The plan's status and the pages answer with the same predicate.
        return is_overdue(due_date=milestone.due_date, status=milestone.status, on=self.today)

    @cached_property
    def today(self):
        # The date the response is made on, read once rather than for every milestone.
        return timezone.localdate()


class ProgressUpdateSerializer(MovedByActionsMixin, ApiModelSerializer):
    """A dated report on a milestone. Posting one goes through
    ``workplan.services.milestone_post_update``, which validates it and moves the milestone."""

    clean_model = False  # the service validates
    moved_message = _(
        "The publication state is not written: send `publish`, true to publish the update at once or false to keep "
        "it as a draft; it then moves only by the actions `submit`, `publish`, `return` and `withdraw`."
    )

    url = HyperlinkedIdentityField(view_name="api:progress-update-detail")
    milestone = SummaryRelatedField(MilestoneSummarySerializer, queryset=Milestone.objects.all())
    jurisdiction = SummaryRelatedField(
        JurisdictionSummarySerializer,
        slug_field="code",
        queryset=Jurisdiction.objects.all(),
        required=False,
        allow_null=True,
        help_text="The reporting jurisdiction.",
    )
    publish = serializers.BooleanField(
        write_only=True,
        required=False,
        help_text=(
            "Publish at once (moves the milestone), or keep as a draft for review. By default, published when "
            "the secretariat posts it; a jurisdiction contributor's update is always a draft, to submit."
        ),
    )
    review_comment = ReviewCommentField()

    class Meta:
        model = ProgressUpdate
        fields = (
            "url",
            "id",
            "milestone",
            "reported_on",
            "status",
            "progress",
            "note",
            "note_en",
            "note_fr",
            "jurisdiction",
            "publication_state",
            "review_comment",
            "published_at",
            "publish",
            "created_at",
            "modified_at",
        )
        read_only_fields = ("publication_state", "published_at")
        extra_kwargs = {
            "publication_state": {
                "help_text": "Set on creation by `publish` (`published`, else `draft`), then moved only by the actions "
                "`submit`, `publish`, `return` and `withdraw`. A creation that sends another value than the one "
                "`publish` gives is refused (400), and nothing is posted."
            }
        }

    def created_state(self, data):
        # Whether the update is published as posted: ProgressUpdateViewSet.perform_create's
        # rule (by default, when its author may publish).
        request = self.context.get("request")
        publish = request is not None and permissions.can_publish(request.user, ProgressUpdate)
        if "publish" in data:
            try:
                publish = self.fields["publish"].run_validation(data["publish"])
            except serializers.ValidationError:
                return None  # the field's own error says why
        return PublicationState.PUBLISHED if publish else PublicationState.DRAFT


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


class StatusQuerySerializer(serializers.Serializer):
    as_of = CalendarDateField(
        required=False, help_text="The date (YYYY-MM-DD) the status is taken at; today when omitted."
    )

    def validate(self, attrs):
        # A query string can repeat a parameter; two dates are one too many, not the last one.
        if hasattr(self.initial_data, "getlist") and len(self.initial_data.getlist("as_of")) > 1:
            raise serializers.ValidationError({"as_of": [_("Give one date.")]})
        return attrs
