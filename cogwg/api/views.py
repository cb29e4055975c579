"""API viewsets of meetings and status reports."""

from django.db.models import Prefetch

from ..filtersets import MeetingFilterSet, StatusReportFilterSet
from ..models import Meeting, NextStep, StatusReport, StatusReportFile
from ..reports.api import StatusReportActionsMixin
from . import examples
from .schema import read_examples
from .serializers import MeetingSerializer, StatusReportSerializer
from .viewsets import ModelViewSet, ReadOnlyModelViewSet


@read_examples(examples.MEETING, examples.MEETINGS)
class MeetingViewSet(ModelViewSet):
    """Meetings of the Joint Councils and of the working group, with the next steps agreed."""

    # Each meeting's steps in their own order: the model's ordering sorts by meeting first,
    # which joins the meetings again.
    queryset = Meeting.objects.prefetch_related(
        Prefetch("next_steps", queryset=NextStep.objects.select_related("owner").order_by("order", "pk"))
    )
    serializer_class = MeetingSerializer
    filterset_class = MeetingFilterSet


@read_examples(
    examples.STATUS_REPORT,
    examples.STATUS_REPORTS,
    description="`content` is shortened to the first item of each of its lists.",
)
class StatusReportViewSet(StatusReportActionsMixin, ReadOnlyModelViewSet):
    """The status the working group gave the Joint Councils as of a date: frozen content
    and rendered files. Reports are frozen by the secretariat, never edited here."""

    # Each report's files in their own order, without joining the reports again to sort.
    queryset = StatusReport.objects.select_related("work_plan", "meeting").prefetch_related(
        Prefetch("files", queryset=StatusReportFile.objects.order_by("format", "language"))
    )
    serializer_class = StatusReportSerializer
    filterset_class = StatusReportFilterSet
