"""A frozen content seen in one language: what every renderer starts from.

``report_view(content, language)`` picks the language's text out of every ``{"en", "fr"}``
pair (falling back to English where the French was never written), labels the choices and
formats dates and numbers in that language, and resolves the ids the content refers to.
It only reads the content: the same content gives the same view, whatever the data
became since the report was frozen.

Call it inside ``translation.override(language)``: labels come from gettext.
"""

import datetime

from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from cogwg import dates
from jurisdictions.choices import AccomplishmentCategory, ChallengeCategory, ChallengeStatus
from workplan.choices import MilestoneKind, MilestoneStatus, SeatRole
from workplan.selectors import whole_percent

TEXT_KEYS = {"en", "fr"}


def localize(value, language):
    """``value`` with each ``{"en": …, "fr": …}`` pair replaced by its text in ``language``."""
    if isinstance(value, dict):
        if set(value) == TEXT_KEYS:
            return value[language] or value["en"]
        return {key: localize(item, language) for key, item in value.items()}
    if isinstance(value, list):
        return [localize(item, language) for item in value]
    return value


def choice_label(choices, code):
    """The label of a choice in the active language; an unknown code shows as itself."""
    if code is None:
        return ""
    try:
        return str(choices(code).label)
    except ValueError:
        return code


# A report writes its dates with the month in full, as its titles and its months do
# ("February 27, 2020", "March 2020"): Django's English DATE_FORMAT abbreviates it ("Feb. 27,
# 2020"), its French one does not ("27 février 2020").
FULL_DATE_FORMATS = {"en": "F j, Y"}


def date_label(iso):
    """An ISO date ("2020-02-27") as the report writes it in the active language; empty for none."""
    if not iso:
        return ""
    return dates.date_format(
        datetime.date.fromisoformat(iso), FULL_DATE_FORMATS.get(translation.get_language(), "DATE_FORMAT")
    )


def percent(value):
    """A progress figure as the site and the reports show it: "42%", "42 %" in French
    (rounded half up: ``whole_percent``); a dash when none."""
    if value is None:
        return "—"
    number = whole_percent(value)
    return f"{number}\u00a0%" if translation.get_language() == "fr" else f"{number}%"


def _status(entry):
    entry["status_label"] = choice_label(MilestoneStatus, entry["status"])
    entry["progress_label"] = percent(entry["progress"])
    return entry


def _jurisdiction_name(jurisdiction):
    if not jurisdiction:
        return ""
    return jurisdiction["short_name"] or jurisdiction["name"]


def _seats_label(seats):
    """The deck's "Leads (L) & Partners (P)" cell, e.g. "TBS, TBD (L) · NWT (P)"."""
    parts = []
    for role, mark in ((SeatRole.LEAD, _("(L)")), (SeatRole.PARTNER, _("(P)"))):
        holders = [seat["holder"] for seat in seats if seat["role"] == role]
        if holders:
            parts.append(f"{', '.join(holders)} {mark}")
    return " · ".join(parts) or _("TBD")


def _priority(priority):
    _status(priority)
    activities = {activity["id"]: activity for activity in priority["activities"]}
    for activity in priority["activities"]:
        _status(activity)
        activity["kind_label"] = choice_label(MilestoneKind, activity["kind"])
        activity["due_date_label"] = date_label(activity["due_date"])
        activity["reported_on_label"] = date_label(activity["reported_on"])
    for key in ("completed", "due", "overdue"):
        priority[key] = [activities[pk] for pk in priority[key] if pk in activities]
    priority["latest_notes"] = [
        {
            "activity": activities[note["milestone_id"]],
            "note": activities[note["milestone_id"]]["note"],
            "reported_on": note["reported_on"],
            "reported_on_label": date_label(note["reported_on"]),
        }
        for note in priority["latest_notes"]
        if note["milestone_id"] in activities
    ]
    for seat in priority["seats"]:
        seat["role_label"] = choice_label(SeatRole, seat["role"])
    priority["seats_label"] = _seats_label(priority["seats"])
    priority["heading"] = f"{priority['number']}. {priority['title']}"
    return priority


# The user stories inventory's columns, in order, as the content keeps them.
STORY_SCOPES = ("period", "plan", "to_date")


def _story_scope_labels(view):
    """Each column's header, with the days it counts (each up to the report's date)."""
    report = view["report"]
    return [
        _("This report's period (%(start)s to %(end)s)")
        % {"start": report["period_start_label"], "end": report["as_of_label"]},
        _("Since the work plan began (%(start)s)") % {"start": date_label(view["work_plan"]["start_date"])},
        pgettext("user stories", "In all"),
    ]


def _story_cell_name(row, scope):
    """A number's name standing alone (a CSV column's header)."""
    return {
        ("received", "period"): _("Stories received this period"),
        ("published", "period"): _("Stories published this period"),
        ("received", "plan"): _("Stories received since the work plan began"),
        ("published", "plan"): _("Stories published since the work plan began"),
        ("received", "to_date"): _("Stories received in all"),
        ("published", "to_date"): _("Stories published in all"),
    }[row, scope]


def _stories(stories, view):
    """The inventory as a table: a row for the stories received and one for those
    published, a column per stretch of days (``STORY_SCOPES``); None for a content frozen
    before reports counted stories (schema 1), which shows no such section."""
    if not stories:
        return None
    rows = []
    for key, label in (
        ("received", pgettext("user stories", "Received")),
        ("published", pgettext("user stories", "Published")),
    ):
        rows.append(
            {
                "key": key,
                "label": label,
                "values": [stories[scope][key] for scope in STORY_SCOPES],
                "names": [_story_cell_name(key, scope) for scope in STORY_SCOPES],
            }
        )
    return {
        "caption": _("User stories as of %(date)s") % {"date": view["report"]["as_of_label"]},
        "columns": _story_scope_labels(view),
        "rows": rows,
        "note": _(
            "A story counts as received on the day it was submitted, whatever became of it since (under review, "
            "published or rejected), and as published on the day it was published, if it is still public."
        ),
    }


def report_view(content: dict, language: str) -> dict:
    view = localize(content, language)
    view["language"] = language
    report = view["report"]
    report["as_of_label"] = date_label(report["as_of"])
    report["period_start_label"] = date_label(report["period_start"])
    report["period_label"] = _("Reported from %(start)s to %(end)s.") % {
        "start": report["period_start_label"],
        "end": report["as_of_label"],
    }
    if view["meeting"]:
        view["meeting"]["date_label"] = date_label(view["meeting"]["date"])
    _status(view["work_plan"])
    for priority in view["priorities"]:
        _priority(priority)
    view["stories"] = _stories(view.get("stories"), view)
    for item in view["accomplishments"]:
        item["category_label"] = choice_label(AccomplishmentCategory, item["category"])
        item["jurisdiction_name"] = _jurisdiction_name(item["jurisdiction"])
        item["date_label"] = date_label(item["date"])
    for item in view["challenges"]:
        item["category_label"] = choice_label(ChallengeCategory, item["category"])
        item["status_label"] = choice_label(ChallengeStatus, item["status"])
        item["jurisdiction_names"] = ", ".join(_jurisdiction_name(j) for j in item["jurisdictions"]) or _(
            "Several jurisdictions (not named)"
        )
        item["resolved"] = item["status"] == ChallengeStatus.RESOLVED
    for step in _walk(view["next_steps"]):
        step["due_label"] = date_label(step["due"])
    return view


def _walk(steps):
    for step in steps:
        yield step
        yield from _walk(step["children"])


def diff_view(changes: dict, language: str) -> dict:
    """The result of ``diff.compare`` seen in one language, labelled."""
    view = localize(changes, language)
    for change in [view["work_plan"], *view["priorities"]]:
        if change:
            change["status_before_label"] = choice_label(MilestoneStatus, change["status_before"])
            change["status_after_label"] = choice_label(MilestoneStatus, change["status_after"])
            change["progress_before_label"] = percent(change["progress_before"])
            change["progress_after_label"] = percent(change["progress_after"])
    for change in view["milestones"]:
        change["status_before_label"] = choice_label(MilestoneStatus, change["status_before"])
        change["status_after_label"] = choice_label(MilestoneStatus, change["status_after"])
    if stories := view.get("stories"):
        for key in ("received_before", "published_before"):
            value = stories[key]
            stories[f"{key}_label"] = _("not counted") if value is None else str(value)
    for item in view["accomplishments"]:
        item["jurisdiction_name"] = _jurisdiction_name(item["jurisdiction"])
    for item in view["challenges_opened"] + view["challenges_resolved"]:
        item["status_label"] = choice_label(ChallengeStatus, item["status"])
    for key in ("report", "previous_report"):
        if view[key]:
            view[key]["as_of_label"] = date_label(view[key]["as_of"])
    return view
