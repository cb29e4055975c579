"""The short objects by which one record shows another (a milestone's priority, a
priority's seats…). Each one reads only the record itself and what the listing
querysets already select, so nesting them costs no query per row."""

from rest_framework import serializers

from cogwg.models import Meeting
from jurisdictions.models import Jurisdiction
from stories.models import Dataset, Theme
from workplan.models import Assignment, Milestone, Priority, WorkPlan


class JurisdictionSummarySerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:jurisdiction-detail", lookup_field="code")

    class Meta:
        model = Jurisdiction
        fields = ("url", "code", "name")


class WorkPlanSummarySerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:work-plan-detail", lookup_field="slug")

    class Meta:
        model = WorkPlan
        fields = ("url", "slug", "title")


class PrioritySummarySerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:priority-detail")

    class Meta:
        model = Priority
        fields = ("url", "id", "number", "title")


class MilestoneSummarySerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:milestone-detail")

    class Meta:
        model = Milestone
        fields = ("url", "id", "due_date", "description", "status", "progress")


class SeatSerializer(serializers.ModelSerializer):
    """A lead or partner seat; ``jurisdiction`` is null while the seat is to be determined."""

    jurisdiction = JurisdictionSummarySerializer(read_only=True, allow_null=True)
    holder = serializers.CharField(read_only=True, help_text='As shown: the organization, "TBD", or "… (TBD)".')

    class Meta:
        model = Assignment
        fields = ("role", "jurisdiction", "organization", "confirmed", "holder")


class MeetingSummarySerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:meeting-detail")

    class Meta:
        model = Meeting
        fields = ("url", "id", "kind", "date", "title")


class DatasetSummarySerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:dataset-detail")

    class Meta:
        model = Dataset
        fields = ("url", "id", "title", "portal_url", "ckan_id")


class ThemeSerializer(serializers.ModelSerializer):
    class Meta:
        model = Theme
        fields = ("slug", "name")
