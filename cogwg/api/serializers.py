"""Representations of meetings and status reports."""

from django.utils.text import capfirst
from rest_framework import serializers

from ..models import Meeting, NextStep, StatusReport, StatusReportFile
from ..reports.content import content_as_api_gives_it
from ..selectors import next_steps_by_parent
from .base import ApiModelSerializer, HyperlinkedIdentityField
from .summaries import JurisdictionSummarySerializer, MeetingSummarySerializer, WorkPlanSummarySerializer


class NextStepListSerializer(serializers.ListSerializer):
    """A meeting's steps as the meeting lists them: each step followed by its sub-points
    (and theirs), each level in its own order, as the pages and the reports show them."""

    def to_representation(self, data):
        # Already in (order, pk) order (MeetingViewSet's prefetch).
        children = next_steps_by_parent(list(data.all() if hasattr(data, "all") else data))

        def walk(parent):
            for step in children.get(parent, []):
                yield step
                yield from walk(step.pk)

        return super().to_representation(list(walk(None)))


class NextStepSerializer(serializers.ModelSerializer):
    """An action agreed at the meeting; ``parent`` is the step it is a sub-point of."""

    owner = JurisdictionSummarySerializer(read_only=True, allow_null=True)

    class Meta:
        model = NextStep
        fields = ("id", "parent", "text", "owner", "due", "done", "order")
        read_only_fields = fields
        list_serializer_class = NextStepListSerializer


class MeetingSerializer(ApiModelSerializer):
    url = HyperlinkedIdentityField(view_name="api:meeting-detail")
    purpose = serializers.ListField(child=serializers.CharField(), source="purpose_list", read_only=True)
    next_steps = NextStepSerializer(many=True, read_only=True)

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
