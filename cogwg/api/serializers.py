"""Representations of meetings and status reports."""

import copy

from django.conf import settings
from django.contrib.auth import get_permission_codename
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.db.models import prefetch_related_objects
from django.utils.text import capfirst
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers
from rest_framework.exceptions import PermissionDenied

from jurisdictions.models import Jurisdiction

from ..models import Meeting, NextStep, StatusReport, StatusReportFile
from ..reports.content import content_as_api_gives_it
from ..selectors import next_steps_by_parent
from .base import ApiModelSerializer, HyperlinkedIdentityField, SummaryRelatedField, api_validation_error
from .summaries import JurisdictionSummarySerializer, MeetingSummarySerializer, WorkPlanSummarySerializer

# Why a step cannot be part of a stored step that the write leaves out (and so deletes).
PARENT_NOT_KEPT = _(
    "This step would be part of a step that is not among the steps sent, which this write deletes: send that step "
    "too, or make this one part of another."
)


def rows_rights_check(by, model, *, add=False, change=False, delete=False):
    """403 unless ``by`` holds the model permissions that writing rows of ``model`` (a
    record's table, as the admin's inline table writes it) needs: the admin's table offers
    no new row without the right to add, and so on."""
    opts = model._meta
    for action, needed in (("add", add), ("change", change), ("delete", delete)):
        if needed and not by.has_perm(f"{opts.app_label}.{get_permission_codename(action, opts)}"):
            raise PermissionDenied


def duplicate_message(model, name) -> str:
    """The admin's message for a row of its table that repeats another's ``name`` (Django's
    inline formsets': "Please correct the duplicate data for URL, which must be unique.")."""
    message = gettext("Please correct the duplicate data for %(field)s, which must be unique.")
    return message % {"field": model._meta.get_field(name).verbose_name}


class NextStepListSerializer(serializers.ListSerializer):
    """A meeting's steps as the meeting lists them: each step followed by its sub-points
    (and theirs), each level in its own order, as the pages and the reports show them."""

    def to_representation(self, data):
        # Already in (order, pk) order (MeetingViewSet's prefetch, or the model's ordering
        # once a write has saved them: then their owners are read in one query).
        steps = list(data.all() if hasattr(data, "all") else data)
        prefetch_related_objects(steps, "owner")
        children = next_steps_by_parent(steps)

        def walk(parent):
            for step in children.get(parent, []):
                yield step
                yield from walk(step.pk)

        return super().to_representation(list(walk(None)))


class NextStepSerializer(ApiModelSerializer):
    """An action agreed at the meeting; ``parent`` is the step it is a sub-point of."""

    # Judged with the meeting's other steps, as the write leaves them (MeetingSerializer.validate).
    clean_model = False

    id = serializers.IntegerField(
        required=False,
        help_text="Written: the id of a step of this meeting, to change it (its fields not sent are kept); left out "
        "for a new step.",
    )
    parent = serializers.IntegerField(
        source="parent_id",
        required=False,
        allow_null=True,
        help_text="The id of the step of this meeting it is a sub-point of (one level: that step is part of no "
        "other, and a new step cannot be one); null for a step of its own.",
    )
    owner = SummaryRelatedField(
        JurisdictionSummarySerializer,
        slug_field="code",
        queryset=Jurisdiction.objects.all(),
        required=False,
        allow_null=True,
        help_text="The jurisdiction that owns the step (written as its code), if any.",
    )

    class Meta:
        model = NextStep
        fields = ("id", "parent", "text", "text_en", "text_fr", "owner", "due", "done", "order")
        list_serializer_class = NextStepListSerializer

    def validate(self, attrs):
        # A new step has its text, even in a PATCH of its meeting (where every field may be
        # left out); a step already there keeps what is not sent.
        text = f"text_{settings.MODELTRANSLATION_DEFAULT_LANGUAGE}"
        if attrs.get("id") is None and text not in attrs:
            raise serializers.ValidationError({text: [self.fields[text].error_messages["required"]]})
        return super().validate(attrs)


class MeetingSerializer(ApiModelSerializer):
    url = HyperlinkedIdentityField(view_name="api:meeting-detail")
    purpose = serializers.ListField(child=serializers.CharField(), source="purpose_list", read_only=True)
    next_steps = NextStepSerializer(
        many=True,
        required=False,
        help_text="The actions agreed, each step followed by its sub-points. A write that sends `next_steps` "
        "makes them the meeting's steps, as the admin's table of steps does: a step sent with its `id` is changed "
        "(keeping the fields not sent), one without is added, and a step not sent is deleted with its sub-points; "
        "a PATCH without `next_steps` leaves them. A step is due on or after the meeting's day. Errors are given "
        "by the step's index in the list.",
    )
    # The steps as the write leaves them (``validate``), saved with the meeting; None: not sent.
    steps_sent = None

    class Meta:
        model = Meeting
        fields = (
            "url",
            "id",
            "kind",
            "date",
            "title",
            "title_en",
            "title_fr",
            "purpose",
            "purpose_en",
            "purpose_fr",
            "next_steps",
            "created_at",
            "modified_at",
        )

    def validate(self, attrs):
        # Saved with the meeting (``save``), not set on it: the meeting's own validation
        # (and the viewset's check of its rights) set every value sent on a copy of it.
        sent = attrs.pop("next_steps", None)
        attrs = super().validate(attrs)
        if sent is not None:
            date = attrs["date"] if "date" in attrs else getattr(self.instance, "date", None)
            self.steps_sent = self._steps_as_saved(sent, date)
        return attrs

    def _steps_as_saved(self, sent, date):
        """``(saved, removed)``: the steps ``sent`` as the write leaves them, those to save
        (new, or changed) in their order, and the stored steps not sent. Judged as the
        admin's table judges them (cogwg.admin.NextStepFormSet, ``NextStep.clean``), on the
        table as it will be saved and the meeting on ``date``; a 400 on ``next_steps`` with
        each step's errors under its index in the list."""
        stored = {}
        if self.instance is not None:
            stored = {step.pk: step for step in NextStep.objects.filter(meeting=self.instance)}
        meeting = copy.copy(self.instance) if self.instance is not None else Meeting()
        meeting.date = date
        errors, steps, listed = {}, [], {}
        for index, values in enumerate(sent):
            pk = values.get("id")
            if pk is not None and pk not in stored:
                message = SummaryRelatedField.default_error_messages["does_not_exist"]
                errors[index] = {"id": [str(message).format(lookup="id", value=pk)]}
                continue
            if pk is not None and pk in listed:
                errors[index] = {"id": [duplicate_message(NextStep, "id")]}
                continue
            step = copy.copy(stored[pk]) if pk is not None else NextStep()
            step.meeting = meeting
            for name, value in values.items():
                if name != "id":
                    setattr(step, name, value)
            if pk is not None:
                listed[pk] = step
            steps.append((index, step))
        parents = {pk: step.parent_id for pk, step in listed.items()}
        for index, step in steps:
            error = {}
            if message := self._parent_error(step, parents, stored):
                error["parent"] = [message]
            probe = copy.copy(step)
            probe.parent_id = None  # judged above, on the table as it will be saved
            try:
                probe.full_clean(
                    exclude=["meeting", "parent", "owner"], validate_unique=False, validate_constraints=False
                )
            except DjangoValidationError as invalid:
                for name, messages in api_validation_error(invalid).detail.items():
                    error.setdefault(name, []).extend(messages)
            if error:
                errors[index] = error
        if errors:
            raise serializers.ValidationError({"next_steps": {index: errors[index] for index in sorted(errors)}})
        names = [field.attname for field in NextStep._meta.concrete_fields]
        saved = [
            step
            for _index, step in steps
            if step.pk is None or any(getattr(step, name) != getattr(stored[step.pk], name) for name in names)
        ]
        return saved, [step for pk, step in stored.items() if pk not in listed]

    @staticmethod
    def _parent_error(step, parents, stored):
        """Why ``step`` cannot be part of its parent once the steps are saved (``parents``:
        the parent of each step kept, by id; ``stored``: the meeting's steps by id), if it
        cannot (``NextStep._parent_error``)."""
        parent = step.parent_id
        if parent is None:
            return None
        if step.pk is not None and parent == step.pk:
            return _("A step cannot be part of itself.")
        if parent not in parents:
            if parent in stored:
                return PARENT_NOT_KEPT
            return _("A step can be part only of another step of the same meeting.")
        if parents[parent] is not None:
            return _("This step is itself part of another step: sub-points have no sub-points of their own.")
        if step.pk is not None and step.pk in parents.values():
            return _("This step has sub-points of its own: it cannot be part of another step.")
        return None

    def save(self, **kwargs):
        # All or nothing: the meeting and its steps in one transaction (the viewset's, if any).
        with transaction.atomic():
            meeting = super().save(**kwargs)
            if self.steps_sent is not None:
                next_steps_save(meeting=meeting, steps=self.steps_sent, by=self.context["request"].user)
        return meeting


def next_steps_save(*, meeting, steps, by):
    """Save ``steps`` (``MeetingSerializer._steps_as_saved``'s ``(saved, removed)``) as
    the meeting's, each row kept in its history by ``by``: the new and changed steps, then
    the steps removed, sub-points first (a step's deletion would take its sub-points with
    it, unrecorded as ``by``'s)."""
    saved, removed = steps
    rows_rights_check(
        by,
        NextStep,
        add=any(step.pk is None for step in saved),
        change=any(step.pk is not None for step in saved),
        delete=bool(removed),
    )
    for step in saved:
        step.meeting = meeting
        step._history_user = by
        step.save()
    for step in sorted(removed, key=lambda step: step.parent_id is None):
        step._history_user = by
        step.delete()


class StatusReportFileSerializer(serializers.ModelSerializer):
    file = serializers.SerializerMethodField(
        help_text="Where the ready file is downloaded through the API (null until it is rendered), with the same "
        "token or session; the address checks that the reader may see the report."
    )

    class Meta:
        model = StatusReportFile
        fields = ("format", "language", "status", "file", "rendered_at")
        read_only_fields = fields

    def get_file(self, file) -> str | None:
        from ..reports.api import file_download_url

        return file_download_url(self.context.get("request"), file)


class ReportContentField(serializers.JSONField):
    """A report's frozen content, its progress figures given as the plan's status gives them."""

    def to_representation(self, value):
        return super().to_representation(content_as_api_gives_it(value))


class StatusReportSerializer(ApiModelSerializer):
    url = HyperlinkedIdentityField(view_name="api:status-report-detail")
    work_plan = WorkPlanSummarySerializer(read_only=True)
    meeting = MeetingSummarySerializer(read_only=True, allow_null=True)
    content = ReportContentField(
        read_only=True,
        allow_null=True,
        label=capfirst(StatusReport._meta.get_field("content").verbose_name),
        help_text=(
            "Everything the report shows, computed once when it was frozen (null for a draft). Progress figures "
            "(`work_plan.progress`, each priority's `progress`) are percents to one decimal, half up, as the plan's "
            "status gives them; the files show them as whole percents."
        ),
    )
    checksum = serializers.CharField(
        read_only=True,
        label=capfirst(StatusReport._meta.get_field("checksum").verbose_name),
        help_text=(
            "SHA-256 of the content as it was kept when frozen (its canonical JSON: sorted keys, no spaces, "
            "UTF-8), whose progress figures are the exact means, not the rounded ones given in `content`."
        ),
    )
    files = StatusReportFileSerializer(many=True, read_only=True)

    class Meta:
        model = StatusReport
        fields = (
            "url",
            "id",
            "title",
            "work_plan",
            "as_of",
            "meeting",
            "state",
            "content",
            "checksum",
            "frozen_at",
            "files",
            "created_at",
            "modified_at",
        )
        read_only_fields = fields
