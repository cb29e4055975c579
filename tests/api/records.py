"""Builders of ``count`` published records of each API resource, every record with its own
related rows, so that a query per row would show in the query counts. The record whose
detail is read (the first) has more of them as ``count`` grows (its priorities, seats,
milestones, links, jurisdictions, themes, datasets, steps, files), so that a query per
related row of a detail shows too."""

import datetime
import itertools

from django.utils import timezone

from cogwg.choices import MeetingKind, ReportFormat, StatusReportState
from cogwg.models import StatusReportFile
from tests import factories
from workplan.choices import SeatRole


def _work_plans(count):
    plans = [factories.WorkPlanFactory() for _ in range(count)]
    for plan in plans:
        factories.PriorityFactory.create_batch(2, work_plan=plan)
    factories.PriorityFactory.create_batch(count - 1, work_plan=plans[0])
    return plans[0].slug


def _priority(leads=1, partners=1, **kwargs):
    priority = factories.PriorityFactory(**kwargs)
    factories.AssignmentFactory.create_batch(leads, priority=priority, role=SeatRole.LEAD)
    factories.AssignmentFactory.create_batch(partners, priority=priority, role=SeatRole.PARTNER)
    factories.AssignmentFactory(priority=priority, role=SeatRole.PARTNER, jurisdiction=None, confirmed=False)
    return priority


def _priorities(count):
    plan = factories.WorkPlanFactory()
    priorities = [_priority(work_plan=plan, partners=count if index == 0 else 1) for index in range(count)]
    for priority in priorities:
        factories.MilestoneFactory.create_batch(2, priority=priority)
    factories.MilestoneFactory.create_batch(count - 1, priority=priorities[0])
    return priorities[0].pk


def _milestones(count):
    # The first one's lead jurisdictions: as many as there are milestones.
    milestones = [
        factories.MilestoneFactory(priority=_priority(leads=count if index == 0 else 1)) for index in range(count)
    ]
    return milestones[0].pk


def _progress_updates(count):
    updates = [factories.ProgressUpdateFactory(jurisdiction=factories.JurisdictionFactory()) for _ in range(count)]
    return updates[0].pk


def _jurisdictions(count):
    return factories.JurisdictionFactory.create_batch(count)[0].code


def _accomplishments(count):
    records = [
        factories.AccomplishmentFactory(priority=factories.PriorityFactory(), meeting=factories.MeetingFactory())
        for _ in range(count)
    ]
    for record in records:
        factories.AccomplishmentLinkFactory(accomplishment=record)
    factories.AccomplishmentLinkFactory.create_batch(count - 1, accomplishment=records[0])
    return records[0].pk


def _challenges(count):
    records = [factories.ChallengeFactory(first_reported_at=factories.MeetingFactory()) for _ in range(count)]
    for index, record in enumerate(records):
        record.jurisdictions.set(factories.JurisdictionFactory.create_batch(count + 1 if index == 0 else 2))
    return records[0].pk


def _stories(count):
    records = [
        factories.UserStoryFactory(jurisdiction=factories.JurisdictionFactory(), release=factories.MilestoneFactory())
        for _ in range(count)
    ]
    for index, record in enumerate(records):
        many = count if index == 0 else 1
        record.themes.set(factories.ThemeFactory.create_batch(many))
        record.datasets.set(factories.DatasetFactory.create_batch(many))
    return records[0].pk


def _datasets(count):
    return factories.DatasetFactory.create_batch(count)[0].pk


def _meetings(count):
    meetings = factories.MeetingFactory.create_batch(count, kind=MeetingKind.JOINT_COUNCILS)
    for index, meeting in enumerate(meetings):
        for _ in range(count if index == 0 else 1):
            step = factories.NextStepFactory(meeting=meeting, owner=factories.JurisdictionFactory())
            factories.NextStepFactory(meeting=meeting, parent=step)
    return meetings[0].pk


def _status_reports(count):
    reports = [
        factories.StatusReportFactory(
            meeting=factories.MeetingFactory(),
            state=StatusReportState.PUBLISHED,
            content={"work_plan": {}},
            frozen_at=timezone.now(),
            as_of=datetime.date(2020, 2, 27) + datetime.timedelta(days=index),
        )
        for index in range(count)
    ]
    for report in reports:
        StatusReportFile.objects.create(report=report, format=ReportFormat.PDF, language="en")
    if count > 1:
        # The first one's files in every format and language (eight at most).
        for format, language in itertools.product(ReportFormat.values, ("en", "fr")):
            if (format, language) != (ReportFormat.PDF, "en"):
                StatusReportFile.objects.create(report=reports[0], format=format, language=language)
    return reports[0].pk


def _plan_status(count):
    plan = factories.WorkPlanFactory()
    for _ in range(count):
        factories.ProgressUpdateFactory(milestone=factories.MilestoneFactory(priority=_priority(work_plan=plan)))
    return plan.slug


BUILDERS = {
    "work-plans": _work_plans,
    "priorities": _priorities,
    "milestones": _milestones,
    "progress-updates": _progress_updates,
    "jurisdictions": _jurisdictions,
    "accomplishments": _accomplishments,
    "challenges": _challenges,
    "stories": _stories,
    "datasets": _datasets,
    "meetings": _meetings,
    "status-reports": _status_reports,
}
RESOURCES = list(BUILDERS)


def build(resource, count):
    """Create ``count`` records of ``resource``; returns (list path, one record's path)."""
    key = BUILDERS[resource](count)
    return f"/api/v1/{resource}/", f"/api/v1/{resource}/{key}/"


def build_plan_status(count):
    """A plan of ``count`` priorities, each with a milestone and an update; its status path."""
    return f"/api/v1/work-plans/{_plan_status(count)}/status/"
