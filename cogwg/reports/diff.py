"""What changed between two frozen reports, read from their contents alone.

``compare(previous, current)`` returns a JSON-ready dict whose texts are in both
languages, like the contents it compares: the plan's and each priority's status and
progress changes, the milestones whose status changed and those completed since, the user
stories received and published in all (before and now), the new accomplishments, and the
challenges opened or resolved. With no previous report, every completed milestone,
accomplishment and open challenge of the current one is new, and no story came before.

A content frozen before reports counted stories (schema 1, ``content.SCHEMA_VERSION``)
has none: compared with one, the stories' "before" is None (not counted then); a current
report that has none shows no stories' change at all.
"""

from jurisdictions.choices import ChallengeStatus
from workplan.choices import MilestoneStatus
from workplan.selectors import tenth_percent, whole_percent

EMPTY = {"work_plan": {}, "priorities": [], "accomplishments": [], "challenges": []}


def _activities(content):
    return {
        activity["id"]: (priority, activity)
        for priority in content["priorities"]
        for activity in priority["activities"]
    }


def _priority_ref(priority):
    return {"id": priority["id"], "number": priority["number"], "title": priority["title"]}


def _milestone_ref(priority, activity):
    return {
        "id": activity["id"],
        "priority": _priority_ref(priority),
        "month": activity["month"],
        "description": activity["description"],
    }


def _status_change(before, after):
    """A status or progress change, or None when neither moved as the reports show them
    (in whole percents: a report frozen before progress was kept exact holds 12.3 where a
    later one holds 12.25, and both show 12 %)."""
    if before is None:
        return None
    same_progress = whole_percent(before["progress"]) == whole_percent(after["progress"])
    if before["status"] == after["status"] and same_progress:
        return None
    return {
        "status_before": before["status"],
        "status_after": after["status"],
        "progress_before": before["progress"],
        "progress_after": after["progress"],
    }


def _report_ref(content):
    if content is None:
        return None
    report = content["report"]
    return {"id": report["id"], "title": report["title"], "as_of": report["as_of"]}


def _stories_change(previous, current):
    """The stories received and published in all, before and now; None when the current
    report counted none."""
    after = current.get("stories")
    if not after:
        return None
    before = {"received": 0, "published": 0} if previous is None else (previous.get("stories") or {}).get("to_date")
    return {
        "received_before": before["received"] if before else None,
        "received_after": after["to_date"]["received"],
        "published_before": before["published"] if before else None,
        "published_after": after["to_date"]["published"],
    }


def compare(previous: dict | None, current: dict) -> dict:
    before = previous or EMPTY
    priorities_before = {priority["id"]: priority for priority in before["priorities"]}
    activities_before = _activities(before)
    accomplishments_before = {item["id"] for item in before["accomplishments"]}
    challenges_before = {item["id"]: item for item in before["challenges"]}

    plan_change = _status_change(before["work_plan"] or None, current["work_plan"])
    priority_changes = []
    for priority in current["priorities"]:
        change = _status_change(priorities_before.get(priority["id"]), priority)
        if change:
            priority_changes.append({"priority": _priority_ref(priority), **change})

    milestones_completed, milestone_changes = [], []
    for priority, activity in _activities(current).values():
        earlier = activities_before.get(activity["id"])
        status_before = earlier[1]["status"] if earlier else None
        if activity["status"] == MilestoneStatus.COMPLETED and status_before != MilestoneStatus.COMPLETED:
            milestones_completed.append(_milestone_ref(priority, activity))
        elif earlier and status_before != activity["status"]:
            milestone_changes.append(
                {
                    "milestone": _milestone_ref(priority, activity),
                    "status_before": status_before,
                    "status_after": activity["status"],
                }
            )

    challenges_opened, challenges_resolved = [], []
    for challenge in current["challenges"]:
        earlier = challenges_before.get(challenge["id"])
        resolved = challenge["status"] == ChallengeStatus.RESOLVED
        if resolved and (earlier is None or earlier["status"] != ChallengeStatus.RESOLVED):
            challenges_resolved.append(challenge)
        elif not resolved and earlier is None:
            challenges_opened.append(challenge)

    return {
        "previous_report": _report_ref(previous),
        "report": _report_ref(current),
        "work_plan": plan_change,
        "priorities": priority_changes,
        "milestones": milestone_changes,
        "milestones_completed": milestones_completed,
        "stories": _stories_change(previous, current),
        "accomplishments": [item for item in current["accomplishments"] if item["id"] not in accomplishments_before],
        "challenges_opened": challenges_opened,
        "challenges_resolved": challenges_resolved,
    }


def changes_as_api_gives_them(changes: dict) -> dict:
    """The result of ``compare`` as the API gives it: each progress before and after (the
    plan's, each priority's) to one decimal, half up, as the plan's status endpoint gives
    them (``content.content_as_api_gives_it``)."""

    def rounded(change):
        if change is None:
            return None
        return {
            **change,
            "progress_before": tenth_percent(change["progress_before"]),
            "progress_after": tenth_percent(change["progress_after"]),
        }

    return {
        **changes,
        "work_plan": rounded(changes["work_plan"]),
        "priorities": [rounded(change) for change in changes["priorities"]],
    }
