"""API viewsets of meetings and status reports."""

from django.db.models import Prefetch

from jurisdictions.models import Jurisdiction
from workplan.models import WorkPlan

from ..filtersets import MeetingFilterSet, StatusReportFilterSet
from ..models import Meeting, NextStep, StatusReport, StatusReportFile
from ..reports.api import StatusReportActionsMixin
from .serializers import MeetingSerializer, StatusReportSerializer
from .viewsets import ModelViewSet, ReadOnlyModelViewSet


class MeetingViewSet(ModelViewSet):
    """Meetings of the Joint Councils and of the working group, with the next steps agreed."""

    queryset = Meeting.objects.prefetch_related(
        Prefetch("next_steps", queryset=NextStep.objects.select_related("owner"))
    )
    serializer_class = MeetingSerializer
    filterset_class = MeetingFilterSet
    etag_dependencies = (NextStep, Jurisdiction)


class StatusReportViewSet(StatusReportActionsMixin, ReadOnlyModelViewSet):
    """The status the working group gave the Joint Councils as of a date: frozen content
    and rendered files. Reports are frozen by the secretariat, never edited here."""

    queryset = StatusReport.objects.select_related("work_plan", "meeting").prefetch_related("files")
    serializer_class = StatusReportSerializer
    filterset_class = StatusReportFilterSet
    etag_dependencies = (WorkPlan, Meeting, StatusReportFile)
