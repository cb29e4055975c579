"""The short objects by which one record shows another (a milestone's priority, a
priority's seats…). Each one reads only the record itself and what the listing
querysets already select, so nesting them costs no query per row.

A response shows many of them (each milestone's priority, each seat's jurisdiction), so
they are read straight off the record as plain dicts rather than field by field: the
fields, in ``Meta.fields`` order, still describe them in the OpenAPI schema and give the
same values."""

import copy
from functools import cached_property

from rest_framework import serializers

from cogwg.models import Meeting
from jurisdictions.models import Jurisdiction
from stories.models import Dataset, Theme
from workplan.models import Assignment, Milestone, Priority, WorkPlan

from .base import HyperlinkedIdentityField


def iso_date(value):
    """A date as DRF's ``DateField`` gives it."""
    return value.isoformat() if value else None


# Base of the summaries, each of which writes its to_representation. (No docstring: the
# schema would take it as every summary's description.)
class SummarySerializer(serializers.ModelSerializer):
    @cached_property
    def declared(self):
        """The fields declared on the class (links, nested summaries), bound to this
        serializer, without building the model's others from its metadata as ``fields``
        does: the representation reads those straight off the record."""
        fields = copy.deepcopy(self._declared_fields)
        for name, field in fields.items():
            field.bind(name, self)
        return fields


class JurisdictionSummarySerializer(SummarySerializer):
    url = HyperlinkedIdentityField(view_name="api:jurisdiction-detail", lookup_field="code")

    class Meta:
        model = Jurisdiction
        fields = ("url", "code", "name")

    def to_representation(self, jurisdiction):
        return {
            "url": self.declared["url"].to_representation(jurisdiction),
            "code": jurisdiction.code,
            "name": jurisdiction.name,
        }


class WorkPlanSummarySerializer(SummarySerializer):
    url = HyperlinkedIdentityField(view_name="api:work-plan-detail", lookup_field="slug")

    class Meta:
        model = WorkPlan
        fields = ("url", "slug", "title")

    def to_representation(self, work_plan):
        return {
            "url": self.declared["url"].to_representation(work_plan),
            "slug": work_plan.slug,
            "title": work_plan.title,
        }


class PrioritySummarySerializer(SummarySerializer):
    url = HyperlinkedIdentityField(view_name="api:priority-detail")

    class Meta:
        model = Priority
        fields = ("url", "id", "number", "title")

    def to_representation(self, priority):
        return {
            "url": self.declared["url"].to_representation(priority),
            "id": priority.pk,
            "number": priority.number,
            "title": priority.title,
        }


class MilestoneSummarySerializer(SummarySerializer):
    url = HyperlinkedIdentityField(view_name="api:milestone-detail")

    class Meta:
        model = Milestone
        fields = ("url", "id", "due_date", "description", "status", "progress")

    def to_representation(self, milestone):
        return {
            "url": self.declared["url"].to_representation(milestone),
            "id": milestone.pk,
            "due_date": iso_date(milestone.due_date),
            "description": milestone.description,
            "status": milestone.status,
            "progress": milestone.progress,
        }


class SeatSerializer(SummarySerializer):
    """A lead or partner seat; ``jurisdiction`` is null while the seat is to be determined."""

    jurisdiction = JurisdictionSummarySerializer(read_only=True, allow_null=True)
    holder = serializers.CharField(read_only=True, help_text='As shown: the organization, "TBD", or "… (TBD)".')

    class Meta:
        model = Assignment
        fields = ("role", "jurisdiction", "organization", "confirmed", "holder")

    def to_representation(self, seat):
        summary = self.declared["jurisdiction"]
        return {
            "role": seat.role,
            "jurisdiction": None if seat.jurisdiction is None else summary.to_representation(seat.jurisdiction),
            "organization": seat.organization,
            "confirmed": seat.confirmed,
            "holder": str(seat.holder),
        }


class MeetingSummarySerializer(SummarySerializer):
    url = HyperlinkedIdentityField(view_name="api:meeting-detail")

    class Meta:
        model = Meeting
        fields = ("url", "id", "kind", "date", "title")

    def to_representation(self, meeting):
        return {
            "url": self.declared["url"].to_representation(meeting),
            "id": meeting.pk,
            "kind": meeting.kind,
            "date": iso_date(meeting.date),
            "title": meeting.title,
        }


class DatasetSummarySerializer(SummarySerializer):
    url = HyperlinkedIdentityField(view_name="api:dataset-detail")

    class Meta:
        model = Dataset
        fields = ("url", "id", "title", "portal_url", "ckan_id")

    def to_representation(self, dataset):
        return {
            "url": self.declared["url"].to_representation(dataset),
            "id": dataset.pk,
            "title": dataset.title,
            "portal_url": dataset.portal_url,
            "ckan_id": dataset.ckan_id,
        }


class ThemeSerializer(SummarySerializer):
    class Meta:
        model = Theme
        fields = ("slug", "name")

    def to_representation(self, theme):
        return {"slug": theme.slug, "name": theme.name}
