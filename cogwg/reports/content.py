"""The frozen content of a status report: everything the report shows, as of its date,
in a JSON-ready dict.

Its structure follows the Joint Councils deck of 27 February 2020: purpose; background;
progress on each priority (status, progress, milestones completed / due / overdue, the
latest notes); the open data user stories inventory (stories received and published);
the jurisdictions' accomplishments and the challenges reported since the
previous report (or since the plan's start for the first one), and those dated before
that no report took (``selectors.in_period``); next steps; and, as an annex, the work
plan table of each priority.

Progress comes from ``workplan.selectors.work_plan_status``, the numbers the pages and the
API show: nothing here computes progress. Every text is kept in both languages
(``{"en": …, "fr": …}``, as stored: a missing French text stays empty), so that a
renderer in either language reads the JSON and nothing else. Choices are kept as their
codes and dates in ISO format; a renderer labels them in its own language.

``SCHEMA_VERSION`` says what a content holds; a content frozen under an earlier version
stays as it was (a frozen report never changes), and every renderer and ``diff.compare``
still read it:

1. the first version;
2. adds ``stories``, the user stories inventory (``stories.selectors.story_inventory``):
   how many stories were received and published in the report's period, since the plan
   began and in all, up to the report's date. A content of version 1 has no ``stories``,
   and its report shows no such section.

Progress figures (a priority's, the plan's) are kept as the selectors' exact mean, as a
JSON number (a float: 2.45, 33.333333333333336), and rounded once by the renderers, to
the whole percent the pages show (``workplan.selectors.whole_percent``); the API gives
them to a tenth, as the plan's status does (``content_as_api_gives_it``), and the content
kept is not changed for that. A content frozen before kept them to a tenth (12.3, 2.5),
and its files show what they showed then.
"""

import datetime

from django.utils import formats, translation

from cogwg.models import InfoSection, NextStep, StatusReport, StatusReportItem, lines
from cogwg.selectors import next_steps_by_parent
from jurisdictions.selectors import challenge_state_as_of
from stories.selectors import StoryInventory, story_inventory
from workplan.choices import MilestoneStatus
from workplan.selectors import DUE_SOON_DAYS, MilestoneState, PriorityStatus, tenth_percent, work_plan_status

from .selectors import accomplishments_reported, challenges_reported, last_day_reported, previous_frozen_report

SCHEMA_VERSION = 2
LANGUAGES = ("en", "fr")
# An open milestone due within this many days of the report's date is "due" (the selector's
# "due soon", which the API's status counts too).
DUE_WINDOW_DAYS = DUE_SOON_DAYS
# How many of a priority's latest progress notes the report shows.
LATEST_NOTES = 3
# The sections that list records by id, and the kind a freeze records each as
# (``StatusReportItem``): the later reports do not take them again.
ITEM_SECTIONS = {StatusReportItem.Kind.ACCOMPLISHMENT: "accomplishments", StatusReportItem.Kind.CHALLENGE: "challenges"}


def items_taken(content: dict) -> list[tuple[str, int]]:
    """The records a frozen ``content`` shows in its lists, as (kind, id): what its report
    took (``selectors.not_yet_reported``)."""
    return [(kind, item["id"]) for kind, section in ITEM_SECTIONS.items() for item in content.get(section) or []]


def progress_figure(progress) -> float | None:
    """A priority's or the plan's exact progress as the content keeps it: not rounded (a
    renderer rounds it once), to a float's precision. That cannot move it across a half
    (a half itself is kept exactly) unless the mean's denominator (the priorities times the
    least common multiple of their milestone counts) passed 10^13, far beyond any plan."""
    return None if progress is None else float(progress)


def content_as_api_gives_it(content: dict | None) -> dict | None:
    """A frozen content as the API gives it: the plan's and each priority's progress to one
    decimal, half up, as the plan's status endpoint gives them (``tenth_percent``: 33.9, not
    33.888888888888886). A copy: the content kept, and its checksum, do not change."""
    if content is None:
        return None

    def rounded(entry):
        return {**entry, "progress": tenth_percent(entry["progress"])} if "progress" in entry else entry

    given = {**content}
    if "work_plan" in given:
        given["work_plan"] = rounded(given["work_plan"])
    if "priorities" in given:
        given["priorities"] = [rounded(priority) for priority in given["priorities"]]
    return given


def text(obj, name) -> dict:
    """A translated field in both languages, as stored."""
    return {language: getattr(obj, f"{name}_{language}") or "" for language in LANGUAGES}


def text_lines(obj, name) -> dict:
    """A translated field that keeps one item per line, as a list in each language."""
    return {language: lines(getattr(obj, f"{name}_{language}")) for language in LANGUAGES}


def in_each_language(function) -> dict:
    """``function()`` evaluated in each language: for texts built from translated parts."""
    result = {}
    for language in LANGUAGES:
        with translation.override(language):
            result[language] = str(function())
    return result


def iso(date: datetime.date | None) -> str | None:
    return date.isoformat() if date else None


def _jurisdiction(jurisdiction) -> dict | None:
    if jurisdiction is None:
        return None
    return {
        "code": jurisdiction.code,
        "name": text(jurisdiction, "name"),
        "short_name": text(jurisdiction, "short_name"),
    }


def _activity(state: MilestoneState) -> dict:
    milestone = state.milestone
    return {
        "id": milestone.pk,
        "due_date": iso(milestone.due_date),
        "month": in_each_language(lambda: formats.date_format(milestone.due_date, "YEAR_MONTH_FORMAT")),
        "description": text(milestone, "description"),
        "kind": milestone.kind,
        "status": state.status,
        "progress": state.progress,
        "overdue": state.overdue,
        "note": {"en": state.note_en, "fr": state.note_fr},
        "reported_on": iso(state.reported_on),
    }


def _priority(status: PriorityStatus) -> dict:
    priority = status.priority
    states = status.milestones
    noted = sorted(
        (state for state in states if state.reported_on and (state.note_en or state.note_fr)),
        key=lambda state: (state.reported_on, state.milestone.pk),
        reverse=True,
    )
    return {
        "id": priority.pk,
        "number": priority.number,
        "slug": priority.slug,
        "title": text(priority, "title"),
        "status": status.status,
        "progress": progress_figure(status.progress),
        "counts": status.counts,
        "completed": [state.milestone.pk for state in states if state.status == MilestoneStatus.COMPLETED],
        "due": [state.milestone.pk for state in status.due_soon],
        "overdue": [state.milestone.pk for state in states if state.overdue],
        "latest_notes": [
            {"milestone_id": state.milestone.pk, "reported_on": iso(state.reported_on)}
            for state in noted[:LATEST_NOTES]
        ],
        "issue": text(priority, "issue"),
        "consequences": text_lines(priority, "consequences"),
        "outcome": text(priority, "outcome"),
        "results": text_lines(priority, "results"),
        "seats": [
            {
                "role": seat.role,
                "jurisdiction": seat.jurisdiction.code if seat.jurisdiction_id else None,
                "confirmed": seat.confirmed,
                "holder": in_each_language(lambda seat=seat: seat.holder),
            }
            for seat in priority.seats.all()
        ],
        "activities": [_activity(state) for state in states],
    }


def _accomplishment(accomplishment, *, work_plan) -> dict:
    return {
        "id": accomplishment.pk,
        "jurisdiction": _jurisdiction(accomplishment.jurisdiction),
        "title": text(accomplishment, "title"),
        "description": text(accomplishment, "description"),
        "category": accomplishment.category,
        "date": iso(accomplishment.date),
        "reported_on": iso(accomplishment.reported_on),
        # The number of the priority it advances in this report's plan; another plan's (a
        # draft next year's, maybe) would read as this plan's.
        "priority": accomplishment.priority.number
        if accomplishment.priority_id and accomplishment.priority.work_plan_id == work_plan.pk
        else None,
        "links": [{"url": link.url, "label": text(link, "label")} for link in accomplishment.links.all()],
    }


def _challenge(challenge, *, end: datetime.date) -> dict:
    """A challenge of ``selectors.challenges_reported``, as of ``end``: ``new`` to the
    reports when no report before took it, as the selector says."""
    state = challenge_state_as_of(challenge, as_of=end)
    return {
        "id": challenge.pk,
        "title": text(challenge, "title"),
        "description": text(challenge, "description"),
        "category": challenge.category,
        "status": state.status,
        "new": bool(challenge.new),
        "jurisdictions": [_jurisdiction(jurisdiction) for jurisdiction in challenge.jurisdictions.all()],
        "mitigation": text(challenge, "mitigation"),
        "reported_on": iso(challenge.reported_on),
        "resolved_on": iso(state.resolved_on),
    }


def _stories(inventory: StoryInventory) -> dict:
    def counts(scope):
        return {"received": scope.received, "published": scope.published}

    return {"period": counts(inventory.period), "plan": counts(inventory.plan), "to_date": counts(inventory.to_date)}


def _next_steps(meeting) -> list:
    if meeting is None:
        return []
    steps = list(NextStep.objects.filter(meeting=meeting).select_related("owner").order_by("order", "pk"))
    children = next_steps_by_parent(steps)

    def entry(step):
        return {
            "text": text(step, "text"),
            "owner": step.owner.code if step.owner_id else None,
            "due": iso(step.due),
            "done": step.done,
            "children": [entry(child) for child in children.get(step.pk, [])],
        }

    return [entry(step) for step in children.get(None, [])]


def build_content(*, report: StatusReport, previous: StatusReport | None = None) -> dict:
    """Everything ``report`` shows as of its date. ``previous`` is the frozen report it is
    compared with (default: the previous frozen report of the same plan, which may be one
    it re-issues, as of the same date). Its period starts the day after the latest report
    dated before it (``selectors.last_day_reported``), or when the plan starts; its
    accomplishments and challenges are those of the period and those dated back before it
    that no report before it took (``selectors.in_period``): the freeze records what it
    took (``services.report_freeze``)."""
    if previous is None:
        previous = previous_frozen_report(report)
    work_plan, meeting, as_of = report.work_plan, report.meeting, report.as_of
    reported_until = last_day_reported(report)
    start = reported_until + datetime.timedelta(days=1) if reported_until else work_plan.start_date
    plan = work_plan_status(work_plan=work_plan, as_of=as_of)
    return {
        "schema": SCHEMA_VERSION,
        "report": {
            "id": report.pk,
            "title": text(report, "title"),
            "as_of": iso(as_of),
            "period_start": iso(start),
            # The report this one follows, by id and date only: it may still be unpublished
            # when this one is published, and the frozen content is public then. Its title
            # is shown by the comparison (diff), to those who may see it.
            "previous_report": {"id": previous.pk, "as_of": iso(previous.as_of)} if previous else None,
        },
        "meeting": (
            {"id": meeting.pk, "kind": meeting.kind, "date": iso(meeting.date), "title": text(meeting, "title")}
            if meeting
            else None
        ),
        "work_plan": {
            "id": work_plan.pk,
            "slug": work_plan.slug,
            "title": text(work_plan, "title"),
            "start_date": iso(work_plan.start_date),
            "end_date": iso(work_plan.end_date),
            "source_url": work_plan.source_url,
            "status": plan.status,
            "progress": progress_figure(plan.progress),
            "counts": plan.counts,
        },
        "purpose": text_lines(meeting, "purpose") if meeting else {language: [] for language in LANGUAGES},
        "background": [
            {
                "slug": section.slug,
                "title": text(section, "title"),
                "intro": text(section, "intro"),
                "points": text_lines(section, "body"),
            }
            for section in InfoSection.objects.order_by("order", "slug")
        ],
        "priorities": [_priority(status) for status in plan.priorities],
        "stories": _stories(story_inventory(work_plan=work_plan, as_of=as_of, period_start=start)),
        "accomplishments": [
            _accomplishment(item, work_plan=work_plan)
            for item in accomplishments_reported(start=start, end=as_of, report=report)
        ],
        "challenges": [
            _challenge(item, end=as_of) for item in challenges_reported(start=start, end=as_of, report=report)
        ],
        "next_steps": _next_steps(meeting),
    }
