"""The Atom feed of what is new (published progress updates, accomplishments and user
stories) and the iCalendar feed of the milestones (RFC 5545, written by hand: a handful
of properties, escaped and folded as the RFC says)."""

import datetime
from dataclasses import dataclass

from django.contrib.syndication.views import Feed
from django.db.models.functions import Coalesce
from django.http import HttpResponse
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.feedgenerator import Atom1Feed
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.views.decorators.http import condition

from jurisdictions.models import Accomplishment
from stories.models import UserStory
from workplan.choices import MilestoneStatus
from workplan.models import Milestone, ProgressUpdate
from workplan.selectors import milestones_as_of

from .http import public_etag


@dataclass(frozen=True)
class Entry:
    title: str
    description: str
    link: str
    updated: datetime.datetime
    uid: str
    category: str


def _moment(value, fallback=None):
    if isinstance(value, datetime.datetime):
        return value
    day = value or fallback or datetime.date(2000, 1, 1)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(12)))


def _progress_entries(limit):
    # What is new is what was published last, whatever day it reports on: an update dated
    # last month and published today is new. An update published with no recorded time (a
    # loader's) was published when it was created, as ``ProgressUpdate.objects.latest_first`` has it.
    published_at = Coalesce("published_at", "created_at")
    updates = (
        ProgressUpdate.objects.published()
        .select_related("milestone__priority__work_plan")
        .order_by(published_at.desc(), "-created_at", "-pk")[:limit]
    )
    for update in updates:
        milestone = update.milestone
        priority = milestone.priority
        yield Entry(
            title=_("Progress on priority %(number)s: %(milestone)s — %(status)s, %(progress)s%%")
            % {
                "number": priority.number,
                "milestone": Truncator(milestone.description).words(12),
                "status": update.get_status_display(),
                "progress": update.progress,
            },
            description=update.note,
            link=reverse("workplan:priority", args=[priority.work_plan.slug, priority.page_slug])
            + f"#milestone-{milestone.pk}",
            updated=update.published_at or update.created_at,
            uid=f"progress-update-{update.pk}",
            category=_("Progress update"),
        )


def _accomplishment_entries(limit):
    accomplishments = (
        Accomplishment.objects.published().select_related("jurisdiction").order_by("-published_at", "-pk")[:limit]
    )
    for accomplishment in accomplishments:
        yield Entry(
            title=_("%(jurisdiction)s: %(title)s")
            % {"jurisdiction": accomplishment.jurisdiction.display_name, "title": accomplishment.title},
            description=accomplishment.description,
            link=reverse("jurisdictions:accomplishments") + f"#accomplishment-{accomplishment.pk}",
            updated=_moment(accomplishment.published_at, accomplishment.date),
            uid=f"accomplishment-{accomplishment.pk}",
            category=_("Accomplishment"),
        )


def _story_entries(limit):
    for story in UserStory.objects.published()[:limit]:
        yield Entry(
            title=story.title,
            description=story.summary,
            link=reverse("stories:detail", args=[story.page_slug]),
            updated=_moment(story.published_on),
            uid=f"user-story-{story.pk}",
            category=_("User story"),
        )


class LatestFeed(Feed):
    feed_type = Atom1Feed
    limit = 30

    def __call__(self, request, *args, **kwargs):
        return condition(etag_func=public_etag)(super().__call__)(request, *args, **kwargs)

    def title(self):
        return _("Canada Open Government Working Group: what is new")

    def subtitle(self):
        return _("Published progress on the work plan, jurisdictions' accomplishments and open data user stories.")

    def link(self):
        return reverse("home")

    def feed_url(self):
        return reverse("feed")

    def items(self):
        entries = [
            *_progress_entries(self.limit),
            *_accomplishment_entries(self.limit),
            *_story_entries(self.limit),
        ]
        return sorted(entries, key=lambda entry: entry.updated, reverse=True)[: self.limit]

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        return item.description

    def item_link(self, item):
        return item.link

    def item_guid(self, item):
        return f"tag:cogwg,2020:{translation.get_language()}:{item.uid}"

    def item_guid_is_permalink(self, item):
        return False

    def item_updateddate(self, item):
        return item.updated

    def item_pubdate(self, item):
        return item.updated

    def item_categories(self, item):
        return [item.category]


# iCalendar (RFC 5545)


def ics_escape(text):
    """TEXT value escaping (RFC 5545 §3.3.11)."""
    text = str(text).replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    return text.replace("\r\n", "\\n").replace("\n", "\\n").replace("\r", "\\n")


def ics_fold(line):
    """Lines longer than 75 octets go on continuation lines that start with a space
    (RFC 5545 §3.1), never splitting a UTF-8 character."""
    pieces, current, size, limit = [], "", 0, 75
    for char in line:
        width = len(char.encode())
        if size + width > limit:
            pieces.append(current)
            current, size, limit = "", 0, 74  # the leading space counts
        current += char
        size += width
    pieces.append(current)
    return "\r\n ".join(pieces)


def _utc(moment):
    """A date-time in UTC as RFC 5545 writes it (20200630T143000Z). From the ISO format,
    whose year always has four digits (strftime's %Y gives "99" for the year 99)."""
    text = moment.astimezone(datetime.UTC).replace(tzinfo=None, microsecond=0).isoformat()
    return text.replace("-", "").replace(":", "") + "Z"


def _ics_date(day):
    """A date as RFC 5545 writes it (20200630), its year always four digits."""
    return day.isoformat().replace("-", "")


def _all_day(day):
    """An all-day event's DTSTART and DTEND (the day after, not included). The calendar's
    last day has no day after: its event has no DTEND, which RFC 5545 (3.6.1) reads as
    the one day."""
    lines = [f"DTSTART;VALUE=DATE:{_ics_date(day)}"]
    if day < datetime.date.max:
        lines.append(f"DTEND;VALUE=DATE:{_ics_date(day + datetime.timedelta(days=1))}")
    return lines


def milestones_ics(request):
    """The published plans' milestones as all-day events on their due dates."""
    milestones = milestones_as_of(
        queryset=Milestone.objects.published().select_related("priority__work_plan").order_by("due_date", "pk"),
        notes=False,
    )
    host = request.get_host().split(":")[0] or "cogwg"
    language = translation.get_language()
    stamp = _utc(timezone.now())
    # Outside the f-string below, where xgettext would not find it.
    name = _("COGWG work plan milestones")
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:-//COGWG//Work-plan tracker//{language.upper()}",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{ics_escape(name)}",
    ]
    for milestone in milestones:
        priority = milestone.priority
        link = request.build_absolute_uri(
            reverse("workplan:priority", args=[priority.work_plan.slug, priority.page_slug])
            + f"#milestone-{milestone.pk}"
        )
        status = MilestoneStatus(milestone.status_as_of).label
        summary = _("Priority %(number)s: %(milestone)s") % {
            "number": priority.number,
            "milestone": Truncator(milestone.description).words(16),
        }
        description = "\n".join(
            [
                f"{priority.number}. {priority.title}",
                milestone.description,
                _("Status: %(status)s, %(progress)s%% done") % {"status": status, "progress": milestone.progress_as_of},
                link,
            ]
        )
        lines += [
            "BEGIN:VEVENT",
            f"UID:milestone-{milestone.pk}-{language}@{host}",
            f"DTSTAMP:{stamp}",
            f"LAST-MODIFIED:{_utc(milestone.modified_at)}",
            *_all_day(milestone.due_date),
            f"SUMMARY:{ics_escape(summary)}",
            f"DESCRIPTION:{ics_escape(description)}",
            f"CATEGORIES:{ics_escape(status)}",
            f"URL:{link}",
            "TRANSP:TRANSPARENT",
            "END:VEVENT",
        ]
    lines.append("END:VCALENDAR")
    response = HttpResponse(
        "".join(f"{ics_fold(line)}\r\n" for line in lines), content_type="text/calendar; charset=utf-8"
    )
    response["Content-Disposition"] = f'inline; filename="cogwg-milestones-{language}.ics"'
    return response


milestones_calendar = condition(etag_func=public_etag)(milestones_ics)
