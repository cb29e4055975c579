"""Load the COGWG 2020 demo data (``cogwg.demo.data_2020``) idempotently.

Each row is found by its natural key, or, when that key (an English title, a link's
address) was edited since, by its history's. A missing row is created; an existing one gets back
the deck's values for the fields the deck gives, and is saved only when one of them
differs, so a second run writes nothing and adds no history. Fields that live on after
the deck (a milestone's status and progress, publication state, a plan's status, dates
and links the secretariat adds) are set when the row is created and never touched again,
save the publication times of accomplishments loaded before they kept the deck's order.
Nothing is ever deleted.
"""

import calendar
import datetime

from django.db import transaction
from django.utils import timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext_noop
from modeltranslation.settings import AVAILABLE_LANGUAGES, DEFAULT_LANGUAGE
from modeltranslation.translator import NotRegistered, translator

from cogwg.choices import PublicationState
from cogwg.models import InfoSection, Meeting, NextStep, StatusReport
from cogwg.reports.demo import AS_OF as DEMO_REPORT_DATE
from cogwg.reports.demo import freeze_demo_report
from jurisdictions.choices import ChallengeStatus
from jurisdictions.models import Accomplishment, AccomplishmentLink, Challenge, Jurisdiction
from workplan.choices import MilestoneStatus, WorkPlanStatus
from workplan.models import Assignment, Milestone, Priority, WorkPlan
from workplan.services import work_plan_save

from . import data_2020 as data

# Kept in English in the history; the admin shows it in the reader's language.
CHANGE_REASON = gettext_noop("Loaded from the Joint Councils deck of 2020-02-27 (load_cogwg_2020)")

CREATED, UPDATED, UNCHANGED = "created", "updated", "unchanged"


def _text(name, pair):
    """``("title", (en, fr))`` → ``{"title_en": en, "title_fr": fr}``."""
    english, french = pair
    return {f"{name}_en": english, f"{name}_fr": french}


def _lines(name, pairs):
    """A list of (en, fr) items kept one per line in a translated text field."""
    return _text(name, ("\n".join(en for en, _ in pairs), "\n".join(fr for _, fr in pairs)))


def _optional(item, *names):
    """The deck's values for the optional fields it gives; absent means left alone."""
    values = {}
    for name in names:
        if name in item:
            value = item[name]
            values.update(_text(name, value) if isinstance(value, tuple) else {name: value})
    return values


def french_slug(item):
    """The slug of a priority's French page: chosen, short, as its English slug is (the
    2020 plan's), else its French title's (accents folded, as workplan's migration 0005
    made it for the priorities stored before)."""
    return item.get("slug_fr") or slugify(item["title"][1])


def _month_end(year, month):
    return datetime.date(year, month, calendar.monthrange(year, month)[1])


def _differs(obj, name, value):
    field = obj._meta.get_field(name)
    if field.is_relation:
        return getattr(obj, field.attname) != (value.pk if value is not None else None)
    return getattr(obj, name) != value


def _update_fields(model, names):
    """The changed fields, plus the original column modeltranslation keeps for each
    translated one and the auto_now timestamp, which Django only writes when listed."""
    try:
        translated = set(translator.get_options_for_model(model).all_fields)
    except NotRegistered:
        translated = set()
    fields = set(names)
    for name in names:
        base, _, language = name.rpartition("_")
        if language in AVAILABLE_LANGUAGES and base in translated:
            fields.add(base)
    fields.update(f.name for f in model._meta.concrete_fields if getattr(f, "auto_now", False))
    return sorted(fields)


def _edited_since(model, key):
    """The row that had ``key`` once and has it no longer: a title or address the
    secretariat edited since it was loaded. Its history keeps the values it was loaded
    with, so a later run finds it (and restores the deck's values) rather than loading
    the deck's row a second time beside it."""
    if not hasattr(model, "history"):
        return None
    once = model.history.filter(**key).values("id")
    return model._default_manager.filter(pk__in=once).order_by("pk").first()


class _Loader:
    """One run of the loader; ``counts`` tallies, per kind of row, what happened to it."""

    def __init__(self):
        self.counts = {}

    def sync(self, label, model, *, key, values, initial=None, create=None):
        """Create the row identified by ``key`` or restore the deck's ``values`` on it;
        ``initial`` only applies to a new row, stored by ``create`` (a service) if given."""
        tally = self.counts.setdefault(label, dict.fromkeys((CREATED, UPDATED, UNCHANGED), 0))
        obj = model._default_manager.filter(**key).order_by("pk").first() or _edited_since(model, key)
        if obj is None:
            obj = model(**key, **values, **(initial or {}))
            obj.full_clean()
            obj._change_reason = CHANGE_REASON
            if create is not None:
                create(obj)
            else:
                obj.save()
            tally[CREATED] += 1
            return obj
        # The key too: a row found by its history's key gets the deck's back.
        values = {**key, **values}
        changed = [name for name, value in values.items() if _differs(obj, name, value)]
        if not changed:
            tally[UNCHANGED] += 1
            return obj
        for name in changed:
            setattr(obj, name, values[name])
        obj.full_clean()
        obj._change_reason = CHANGE_REASON
        obj.save(update_fields=_update_fields(model, changed))
        tally[UPDATED] += 1
        return obj

    def run(self):
        jurisdictions = {
            item["code"]: self.jurisdiction(item, order) for order, item in enumerate(data.JURISDICTIONS, 1)
        }
        meeting = self.meeting()
        work_plan = self.work_plan()
        for item in data.PRIORITIES:
            self.priority(work_plan, item, jurisdictions)
        for rank, item in enumerate(data.ACCOMPLISHMENTS):
            self.accomplishment(item, jurisdictions, meeting, rank=rank)
        for item in data.CHALLENGES:
            self.challenge(item, meeting)
        for order, item in enumerate(data.NEXT_STEPS, 1):
            step = self.next_step(meeting, item["text"], order, parent=None)
            for child_order, text in enumerate(item["children"], 1):
                self.next_step(meeting, text, child_order, parent=step)
        for item in data.INFO_SECTIONS:
            self.info_section(item)
        return {label: dict(tally) for label, tally in self.counts.items()}

    def jurisdiction(self, item, order):
        return self.sync(
            "jurisdictions",
            Jurisdiction,
            key={"code": item["code"]},
            values={
                **_text("name", item["name"]),
                **_optional(item, "short_name", "website", "open_data_url", "open_government_url"),
                "kind": item["kind"],
                "is_member": True,
                # Spaced by ten so the secretariat can slot other members in between.
                "order": order * 10,
            },
        )

    def meeting(self):
        item = data.MEETING
        return self.sync(
            "meetings",
            Meeting,
            key={"kind": item["kind"], "date": item["date"]},
            values={**_text("title", item["title"]), **_lines("purpose", item["purpose"])},
        )

    def work_plan(self):
        item = data.WORK_PLAN
        # At most one plan is active: the 2020 plan is loaded active, closing an older
        # active plan as activating it in the admin would (``work_plan_save``), unless a
        # plan that starts on or after it is active; it is then a past year's, closed.
        newer = WorkPlan(start_date=item["start_date"]).newer_active_plan()
        return self.sync(
            "work_plans",
            WorkPlan,
            key={"slug": item["slug"]},
            values={
                **_text("title", item["title"]),
                **_text("summary", item["summary"]),
                "start_date": item["start_date"],
                "end_date": item["end_date"],
                "source_url": item["source_url"],
            },
            initial={"status": WorkPlanStatus.CLOSED if newer else WorkPlanStatus.ACTIVE},
            create=lambda plan: work_plan_save(work_plan=plan),
        )

    def priority(self, work_plan, item, jurisdictions):
        priority = self.sync(
            "priorities",
            Priority,
            key={"work_plan": work_plan, "number": item["number"]},
            values={
                "slug": item["slug"],
                "slug_fr": french_slug(item),
                **_text("title", item["title"]),
                **_text("issue", item["issue"]),
                **_lines("consequences", item["consequences"]),
                **_text("outcome", item["outcome"]),
                **_lines("results", item["results"]),
            },
        )
        for order, seat in enumerate(item["seats"], 1):
            code = seat["jurisdiction"]
            self.sync(
                "seats",
                Assignment,
                key={"priority": priority, "role": seat["role"], "order": order},
                values={
                    "jurisdiction": jurisdictions[code] if code else None,
                    **_optional(seat, "organization"),
                    "confirmed": seat["confirmed"],
                },
            )
        year = work_plan.start_date.year
        for order, milestone in enumerate(item["milestones"], 1):
            self.sync(
                "milestones",
                Milestone,
                key={"priority": priority, "order": order},
                values={
                    "due_date": _month_end(year, milestone["month"]),
                    **_text("description", milestone["description"]),
                    "kind": milestone["kind"],
                },
                # Progress is posted through workplan.services afterwards: never reset it.
                initial={"status": MilestoneStatus.NOT_STARTED, "progress": 0},
            )
        return priority

    def published(self, *, minutes_after_midnight=0):
        at = datetime.datetime.combine(data.MEETING_DATE, datetime.time()) + datetime.timedelta(
            minutes=minutes_after_midnight
        )
        return {"publication_state": PublicationState.PUBLISHED, "published_at": timezone.make_aware(at)}

    def accomplishment(self, item, jurisdictions, meeting, *, rank):
        english, french = item["title"]
        key = {"jurisdiction": jurisdictions[item["jurisdiction"]], "title_en": english}
        values = {"title_fr": french, "category": item["category"], "meeting": meeting}
        # Lists show the latest accomplishments first and the deck dates none: each is
        # published on the meeting's day a minute after the one the deck lists next, so that
        # the home page and the status reports read in the deck's order.
        published = self.published(minutes_after_midnight=len(data.ACCOMPLISHMENTS) - 1 - rank)
        # Loaded before that order was kept, all at the meeting's midnight: given their time,
        # once (one republished since by the secretariat keeps its own).
        if Accomplishment.objects.filter(**key, **self.published()).exists():
            values["published_at"] = published["published_at"]
        accomplishment = self.sync("accomplishments", Accomplishment, key=key, values=values, initial=published)
        for order, link in enumerate(item["links"], 1):
            self.sync(
                "accomplishment_links",
                AccomplishmentLink,
                key={"accomplishment": accomplishment, "url": link["url"]},
                values={**_text("label", link["label"]), "order": order},
            )
        return accomplishment

    def challenge(self, item, meeting):
        english, french = item["title"]
        return self.sync(
            "challenges",
            Challenge,
            key={"title_en": english},
            values={
                "title_fr": french,
                "category": item["category"],
                "first_reported_at": meeting,
                "first_reported_on": meeting.date,
            },
            initial={"status": ChallengeStatus.OPEN, **self.published()},
        )

    def next_step(self, meeting, text, order, *, parent):
        english, french = text
        return self.sync(
            "next_steps",
            NextStep,
            key={"meeting": meeting, "text_en": english},
            values={"text_fr": french, "parent": parent, "order": order},
        )

    def info_section(self, item):
        return self.sync(
            "info_sections",
            InfoSection,
            key={"slug": item["slug"]},
            values={
                **_text("title", item["title"]),
                **_optional(item, "intro"),
                **_lines("body", item["body"]),
                "order": item["order"],
            },
        )


@transaction.atomic
def load_cogwg_2020() -> dict:
    """Load or restore the 2020 demo data. Returns, per kind of row, how many were
    created, updated and left unchanged."""
    # modeltranslation fills each translated field's original column from the active
    # language: keep it in the default language, whatever locale the caller runs in.
    with translation.override(DEFAULT_LANGUAGE):
        counts = _Loader().run()
    # The report the working group gave that day, frozen as of the meeting: frozen once,
    # never changed by a later run.
    had_report = StatusReport.objects.filter(work_plan__slug="2020", as_of=DEMO_REPORT_DATE).exists()
    freeze_demo_report()
    counts["status_reports"] = {CREATED: 0 if had_report else 1, UPDATED: 0, UNCHANGED: 1 if had_report else 0}
    return counts
