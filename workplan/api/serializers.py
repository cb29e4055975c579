"""Representations of the work plan. Progress and status come from ``workplan.selectors``:
nothing here computes them."""

import copy
from functools import cached_property

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import models, transaction
from django.db.models import prefetch_related_objects
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from cogwg import permissions
from cogwg.api.base import (
    ApiModelSerializer,
    HyperlinkedIdentityField,
    ReadOffMixin,
    SummaryRelatedField,
    api_validation_error,
)
from cogwg.api.publication import MovedByActionsMixin, ReviewCommentField
from cogwg.api.serializers import rows_rights_check
from cogwg.api.summaries import (
    JurisdictionSummarySerializer,
    MilestoneSummarySerializer,
    PrioritySummarySerializer,
    SeatSerializer,
    WorkPlanSummarySerializer,
    iso_date,
)
from cogwg.choices import PublicationState
from cogwg.services import rows_lock
from jurisdictions.models import Jurisdiction

from ..choices import MilestoneKind, MilestoneStatus, SeatRole
from ..models import Assignment, Milestone, Priority, ProgressUpdate, WorkPlan
from ..selectors import is_overdue, priority_rollup, tenth_percent
from ..services import seats_vacate, work_plan_save

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


class PrioritySeatListSerializer(serializers.ListSerializer):
    def to_representation(self, data):
        # Their jurisdictions already read with them (PriorityQuerySet.with_seats), or, once
        # a write has saved them, read all at once rather than seat by seat.
        seats = list(data.all() if hasattr(data, "all") else data)
        prefetch_related_objects(seats, "jurisdiction")
        return super().to_representation(seats)


# The admin's message for a seat its table gives twice (SeatFormSet.clean).
SEAT_TWICE = _("Two “%(role)s” seats go to %(jurisdiction)s: a jurisdiction holds one seat of each role.")
# What a seat is written with besides its role and jurisdiction (the admin's table's columns).
SEAT_VALUES = ("organization_en", "organization_fr", "confirmed")


class PrioritySeatSerializer(ApiModelSerializer):
    """A lead or partner seat; ``jurisdiction`` is null while the seat is to be determined."""

    # Judged with the priority's other seats (PrioritySerializer.validate_seats).
    clean_model = False

    jurisdiction = SummaryRelatedField(
        JurisdictionSummarySerializer,
        slug_field="code",
        queryset=Jurisdiction.objects.all(),
        required=False,
        allow_null=True,
        help_text="The jurisdiction holding the seat (written as its code); null while the seat is to be determined "
        "(as is a new seat written without one).",
    )
    holder = serializers.CharField(read_only=True, help_text='As shown: the organization, "TBD", or "… (TBD)".')

    class Meta:
        model = Assignment
        fields = ("role", "jurisdiction", "organization", "organization_en", "organization_fr", "confirmed", "holder")
        list_serializer_class = PrioritySeatListSerializer

    def validate(self, attrs):
        # A seat is known by its role, which a PATCH of its priority (where every field may
        # be left out) must send too.
        if "role" not in attrs:
            raise serializers.ValidationError({"role": [self.fields["role"].error_messages["required"]]})
        return super().validate(attrs)

    def to_representation(self, seat):
        # Read as everywhere else a seat is shown (the plan's status, the reports).
        return self.shown.to_representation(seat)

    @cached_property
    def shown(self):
        return SeatSerializer(context=self.context)


class PrioritySerializer(ApiModelSerializer):
    """A priority with its seats, its milestones in short, and its current progress and
    status (the selectors' rollup of its milestones)."""

    url = HyperlinkedIdentityField(view_name="api:priority-detail")
    work_plan = SummaryRelatedField(WorkPlanSummarySerializer, slug_field="slug", queryset=WorkPlan.objects.all())
    consequences = serializers.ListField(child=serializers.CharField(), source="consequence_list", read_only=True)
    results = serializers.ListField(child=serializers.CharField(), source="result_list", read_only=True)
    seats = PrioritySeatSerializer(
        many=True,
        required=False,
        help_text="The leads and partners, leads first, each role in its order. Written by the secretariat: a write "
        "that sends `seats` makes them the priority's seats, in the order sent, as the admin's table of seats does "
        "(a PATCH without `seats` leaves them). A seat is known by its jurisdiction: that jurisdiction's seat of the "
        "role sent, else its seat of the other role, whose role then changes (a lead and a partner trading roles "
        "each keep their seat); a seat to be determined (`jurisdiction` null) is one of the priority's open seats "
        "of its role, in order. A seat so known keeps what is not sent (`organization_fr`, say, and its contact "
        "person); the others are added, and a seat not sent is deleted. A jurisdiction holds one seat of each "
        "role: a seat given twice is refused (400). Errors are given by the seat's index in the list.",
    )
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

    # The seats as the write leaves them (``validate_seats``), saved with the priority; None: not sent.
    seats_sent = None

    def validate_seats(self, sent):
        """``(saved, removed, moved)``: the seats ``sent`` as the write leaves them, those to
        save (new, or changed) in their order, the stored seats not sent, and the ids of
        the stored seats that change role. Judged as the admin's table judges them
        (``SeatFormSet``, the model's fields): a 400 with each seat's errors under its
        index in the list. The stored seats are read locked, after the priority's plan and
        the priority (the viewset's ``lock_record``), in the lock order of writes
        (``rows_lock``): a seat's own admin page, or a deletion, waits for the write, or is
        waited for and seen."""
        stored = []
        if self.instance is not None:
            seats = Assignment.objects.filter(priority=self.instance)
            rows_lock(seats)
            stored = list(seats.order_by("role", "order", "pk"))
        errors, given = {}, set()
        for index, values in enumerate(sent):
            if (jurisdiction := values.get("jurisdiction")) is None:
                continue
            if (values["role"], jurisdiction.pk) in given:
                message = SEAT_TWICE % {"role": SeatRole(values["role"]).label, "jurisdiction": jurisdiction}
                errors[index] = {"jurisdiction": [message]}
            given.add((values["role"], jurisdiction.pk))
        known = seats_known(sent, stored, skip=errors)
        seats = []
        for index, values in enumerate(sent):
            if index in errors:
                continue
            was = known.get(index)
            seat = copy.copy(was) if was is not None else Assignment()
            seat.role, seat.jurisdiction, seat.order = values["role"], values.get("jurisdiction"), index
            for name in SEAT_VALUES:
                if name in values:
                    setattr(seat, name, values[name])
            try:
                seat.full_clean(exclude=["priority", "jurisdiction"], validate_unique=False, validate_constraints=False)
            except DjangoValidationError as invalid:
                errors[index] = api_validation_error(invalid).detail
            seats.append((seat, was))
        if errors:
            raise serializers.ValidationError({index: errors[index] for index in sorted(errors)})
        names = ("role", "jurisdiction_id", "order", *SEAT_VALUES)
        saved = [seat for seat, was in seats if was is None or any(getattr(seat, n) != getattr(was, n) for n in names)]
        moved = [was.pk for seat, was in seats if was is not None and seat.role != was.role]
        kept = {seat.pk for seat in known.values()}
        return saved, [seat for seat in stored if seat.pk not in kept], moved

    def validate(self, attrs):
        # Saved with the priority (``save``), not set on it: the priority's own validation
        # (and the viewset's check of its rights) set every value sent on a copy of it.
        self.seats_sent = attrs.pop("seats", None)
        return super().validate(attrs)

    def save(self, **kwargs):
        # All or nothing: the priority and its seats in one transaction (the viewset's, if any).
        with transaction.atomic():
            priority = super().save(**kwargs)
            if self.seats_sent is not None:
                priority_seats_save(priority=priority, seats=self.seats_sent, by=self.context["request"].user)
        return priority

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


def seats_known(sent, stored, *, skip=()):
    """The stored seat (of ``stored``) that each seat of ``sent`` is, by its index in
    ``sent`` (those of ``skip`` aside): the seat its jurisdiction holds in the role sent;
    else the one it holds in the other role, whose role changes; for a seat to be
    determined, the first open seat of its role not taken yet. A seat given no stored one
    is new."""
    held = {(seat.role, seat.jurisdiction_id): seat for seat in stored if seat.jurisdiction_id is not None}
    open_seats = [seat for seat in stored if seat.jurisdiction_id is None]
    items = [
        (index, values["role"], getattr(values.get("jurisdiction"), "pk", None))
        for index, values in enumerate(sent)
        if index not in skip
    ]
    known = {}
    # Every seat sent in its role first: only then may a jurisdiction's other seat change role.
    for index, role, jurisdiction in items:
        if jurisdiction is not None and (seat := held.pop((role, jurisdiction), None)) is not None:
            known[index] = seat
    for index, role, jurisdiction in items:
        if index in known:
            continue
        if jurisdiction is not None:
            other = SeatRole.PARTNER if role == SeatRole.LEAD else SeatRole.LEAD
            seat = held.pop((other, jurisdiction), None)
        elif (seat := next((seat for seat in open_seats if seat.role == role), None)) is not None:
            open_seats.remove(seat)
        if seat is not None:
            known[index] = seat
    return known


def priority_seats_save(*, priority, seats, by):
    """Save ``seats`` (``PrioritySerializer.validate_seats``'s ``(saved, removed, moved)``)
    as the priority's, as the admin's table of seats saves them, each row kept in its
    history by ``by``: the seats not sent deleted, the seats that change role freed
    (``seats_vacate``, as ``SeatFormSet.save`` frees those that trade jurisdictions or
    roles), then the new and changed seats saved. A 403 when ``by`` lacks the model
    permission a change needs (``rows_rights_check``). The stored seats were locked as
    they were read (``validate_seats``), after the priority and its plan."""
    saved, removed, moved = seats
    rows_rights_check(
        by,
        Assignment,
        add=any(seat.pk is None for seat in saved),
        change=any(seat.pk is not None for seat in saved),
        delete=bool(removed),
    )
    for seat in removed:
        seat._history_user = by
        seat.delete()
    if moved:
        seats_vacate(priority=priority, seat_ids=moved)
    for seat in saved:
        seat.priority = priority
        seat._history_user = by
        seat.save()


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
