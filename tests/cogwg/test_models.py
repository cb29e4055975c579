import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from cogwg.choices import MeetingKind, StatusReportState
from cogwg.models import StatusReport, lines
from tests.factories import MeetingFactory, StatusReportFactory

pytestmark = pytest.mark.django_db


def test_a_frozen_report_must_hold_its_content():
    with pytest.raises(IntegrityError), transaction.atomic():
        StatusReportFactory(state=StatusReportState.FINAL)

    report = StatusReportFactory(state=StatusReportState.FINAL, content={"x": 1}, frozen_at=timezone.now())
    assert list(StatusReport.objects.all()) == [report]


def test_only_published_reports_are_public():
    StatusReportFactory()
    shown = StatusReportFactory(state=StatusReportState.PUBLISHED, content={}, frozen_at=timezone.now())

    assert list(StatusReport.objects.published()) == [shown]


def test_one_meeting_of_a_kind_per_day():
    meeting = MeetingFactory(kind=MeetingKind.JOINT_COUNCILS)

    with pytest.raises(IntegrityError), transaction.atomic():
        MeetingFactory(kind=MeetingKind.JOINT_COUNCILS, date=meeting.date)


def test_lines_skips_blank_lines_and_trims():
    assert lines(" one \n\n two\n") == ["one", "two"]
    assert lines(None) == []
