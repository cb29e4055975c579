"""Scale data for benchmarks and load tests: N copies of the COGWG 2020 work plan.

``generate(scale=N)`` adds N work plans shaped like the 2020 one (cogwg.demo.data_2020):
its five priorities, their seats (the same shape, with other jurisdictions), their 21
milestones, each with a history of progress updates, and per plan 6 accomplishments,
4 challenges, 10 datasets and 6 user stories, on 8 shared themes. Everything is dated in
2020 (updates until January 2021), so the rule that an update is never in the future
holds on any run date, and nothing depends on the day the data is made.

Deterministic: plan ``n`` draws from ``random.Random(f"cogwg-generate-{n}")``, so the
same N always gives the same rows, and scale 2 is the first two plans of scale 100.

Rows are written with ``bulk_create`` (plus a "created" history record each, through
simple_history), under the rules ``workplan.services`` enforces one update at a time: a
milestone's status, progress and completion date are those of its latest published
update; a completed update is 100 %; a draft update moves nothing. Generated rows are
recognized by their history record's change reason, so ``remove_generated()`` deletes
them and nothing else: jurisdictions and themes, shared with real data, are kept.
"""

import calendar
import datetime
import random

from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext_noop
from modeltranslation.settings import DEFAULT_LANGUAGE
from simple_history.utils import bulk_create_with_history

from cogwg.choices import PublicationState
from cogwg.versioning import data_changed
from jurisdictions.choices import ChallengeStatus
from jurisdictions.models import Accomplishment, AccomplishmentLink, Challenge, Jurisdiction
from stories.choices import Impact, StoryState, UserType
from stories.models import Dataset, Theme, UserStory
from workplan.choices import MilestoneStatus, WorkPlanStatus
from workplan.models import Assignment, Milestone, Priority, ProgressUpdate, WorkPlan

from . import data_2020 as data
from .loader import french_slug

# Kept in English in the history; the admin shows it in the reader's language.
CHANGE_REASON = gettext_noop("Generated scale data (generate_demo)")
YEAR = 2020
FIRST_REPORT = datetime.date(YEAR, 1, 15)
LAST_REPORT = datetime.date(YEAR + 1, 1, 31)
# Not a real portal or site: generated records must never send anyone to a real page.
PORTAL_URL = "https://ckan.example.org"
SITE_URL = "https://example.org/cogwg-generated"

THEMES = [
    ("health", "Health", "Santé"),
    ("transportation", "Transportation", "Transport"),
    ("environment", "Environment", "Environnement"),
    ("economy", "Economy", "Économie"),
    ("education", "Education", "Éducation"),
    ("justice", "Justice and public safety", "Justice et sécurité publique"),
    ("housing", "Housing", "Logement"),
    ("agriculture", "Agriculture", "Agriculture"),
]

DATASET_SUBJECTS = [
    ("Hospital wait times", "Temps d'attente dans les hôpitaux"),
    ("Public transit ridership", "Achalandage du transport en commun"),
    ("Air quality readings", "Relevés de la qualité de l'air"),
    ("Business registrations", "Immatriculations d'entreprises"),
    ("School enrolment", "Inscriptions scolaires"),
    ("Collision statistics", "Statistiques sur les collisions"),
    ("Rental housing starts", "Mises en chantier de logements locatifs"),
    ("Crop yields", "Rendements des cultures"),
    ("Water levels and flows", "Niveaux et débits d'eau"),
    ("Government contracts", "Contrats gouvernementaux"),
    ("Wildfire locations", "Emplacements des feux de forêt"),
    ("Road construction projects", "Projets de construction routière"),
]

STORY_TITLES = [
    ("A start-up builds a clinic wait-time app", "Une jeune entreprise crée une application sur l'attente en clinique"),
    ("Researchers map flood risk", "Des chercheurs cartographient les risques d'inondation"),
    ("A newsroom tracks government contracts", "Une salle de rédaction suit les contrats gouvernementaux"),
    ("Farmers plan planting with open weather data", "Des agriculteurs planifient les semis grâce aux données météo"),
    ("A city redesigns its bus routes", "Une ville redessine ses circuits d'autobus"),
    ("Students compare school results", "Des élèves comparent les résultats scolaires"),
    ("A charity finds where housing is needed", "Un organisme trouve où le logement manque"),
    ("Cyclists get safer routes", "Les cyclistes obtiennent des trajets plus sûrs"),
    ("A community watches its air quality", "Une collectivité surveille la qualité de son air"),
    ("Firefighters share wildfire maps", "Des pompiers partagent les cartes des feux de forêt"),
]

UPDATE_NOTES = {
    MilestoneStatus.NOT_STARTED: ("Work has not started yet.", "Les travaux n'ont pas encore commencé."),
    MilestoneStatus.ON_TRACK: ("Work is progressing as planned.", "Les travaux progressent comme prévu."),
    MilestoneStatus.AT_RISK: (
        "Resources are short; the date may slip.",
        "Les ressources manquent; l'échéance pourrait être repoussée.",
    ),
    MilestoneStatus.DELAYED: ("The due date has been missed.", "L'échéance n'a pas été respectée."),
    MilestoneStatus.COMPLETED: ("Delivered.", "Livré."),
    MilestoneStatus.CANCELLED: (
        "Cancelled by the working group.",
        "Annulé par le groupe de travail.",
    ),
}

MITIGATION = (
    "Jurisdictions share resources and report progress at each meeting.",
    "Les administrations mettent leurs ressources en commun et font le point à chaque réunion.",
)


def _text(name, pair):
    english, french = pair
    return {f"{name}_en": english, f"{name}_fr": french}


def _lines(name, pairs):
    return _text(name, ("\n".join(en for en, _ in pairs), "\n".join(fr for _, fr in pairs)))


def _month_end(month):
    return datetime.date(YEAR, month, calendar.monthrange(YEAR, month)[1])


def _day_in_year(rng):
    return datetime.date(YEAR, 1, 1) + datetime.timedelta(days=rng.randrange(366))


def _noon(day):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(12)))


def _history_ids(model):
    return model.history.filter(history_type="+", history_change_reason=CHANGE_REASON).values("id")


def generated(model):
    """The rows of ``model`` that generate() made."""
    return model._default_manager.filter(pk__in=_history_ids(model))


class _Plan:
    """The rows of one generated plan, linked in memory, saved level by level."""

    def __init__(self, number, jurisdictions, themes):
        self.number = number
        self.rng = random.Random(f"cogwg-generate-{number}")
        self.jurisdictions = jurisdictions
        self.themes = themes
        self.rows = {model: [] for model in MODELS}
        self.links = {"story_themes": [], "story_datasets": [], "challenge_jurisdictions": []}

    def add(self, obj):
        self.rows[type(obj)].append(obj)
        return obj

    def build(self):
        plan = self.add(
            WorkPlan(
                slug=f"gen-{self.number:03d}",
                title_en=f"Generated work plan {self.number:03d} (2020 pattern)",
                title_fr=f"Plan de travail généré {self.number:03d} (modèle 2020)",
                start_date=datetime.date(YEAR, 1, 1),
                end_date=datetime.date(YEAR, 12, 31),
                status=WorkPlanStatus.CLOSED,
                **_text("summary", data.WORK_PLAN["summary"]),
                source_url=data.WORK_PLAN["source_url"],
            )
        )
        priorities = [self.priority(plan, item) for item in data.PRIORITIES]
        for index, item in enumerate(data.ACCOMPLISHMENTS, 1):
            self.accomplishment(index, item, priorities)
        for index, item in enumerate(data.CHALLENGES, 1):
            self.challenge(index, item)
        datasets = [self.dataset(index) for index in range(1, 11)]
        releases = [m for m in self.rows[Milestone] if m.priority is priorities[0] and m.due_date.month in (6, 9)]
        for index in range(1, 7):
            self.story(index, datasets, releases)
        return self

    def priority(self, plan, item):
        priority = self.add(
            Priority(
                work_plan=plan,
                number=item["number"],
                slug=item["slug"],
                slug_fr=french_slug(item),
                **_text("title", item["title"]),
                **_text("issue", item["issue"]),
                **_lines("consequences", item["consequences"]),
                **_text("outcome", item["outcome"]),
                **_lines("results", item["results"]),
            )
        )
        # The seed's shape (who is federal, how many seats, confirmed or not), held by
        # other provinces and territories from one plan to the next.
        others = [code for code in self.jurisdictions if code != "CA"]
        named = [seat for seat in item["seats"] if seat["jurisdiction"] not in (None, "CA")]
        substitutes = iter(self.rng.sample(others, len(named)))
        holders = []
        for order, seat in enumerate(item["seats"], 1):
            code = seat["jurisdiction"]
            if code not in (None, "CA"):
                code = next(substitutes)
            if code:
                holders.append(self.jurisdictions[code])
            self.add(
                Assignment(
                    priority=priority,
                    role=seat["role"],
                    jurisdiction=self.jurisdictions[code] if code else None,
                    **(_text("organization", seat["organization"]) if "organization" in seat else {}),
                    confirmed=seat["confirmed"],
                    order=order,
                )
            )
        for order, item_milestone in enumerate(item["milestones"], 1):
            self.milestone(priority, order, item_milestone, holders)
        return priority

    def milestone(self, priority, order, item, reporters):
        rng = self.rng
        due = _month_end(item["month"])
        milestone = self.add(
            Milestone(
                priority=priority,
                due_date=due,
                **_text("description", item["description"]),
                kind=item["kind"],
                order=order,
            )
        )
        first = max(FIRST_REPORT, due - datetime.timedelta(days=75))
        last = min(LAST_REPORT, due + datetime.timedelta(days=20))
        count = rng.choice((1, 2, 2, 3, 3, 4))
        days = sorted(rng.sample(range((last - first).days + 1), count))
        final_status = rng.choices(
            (
                MilestoneStatus.COMPLETED,
                MilestoneStatus.ON_TRACK,
                MilestoneStatus.AT_RISK,
                MilestoneStatus.DELAYED,
                MilestoneStatus.CANCELLED,
            ),
            weights=(45, 25, 15, 12, 3),
        )[0]
        final_progress = {
            MilestoneStatus.COMPLETED: 100,
            MilestoneStatus.ON_TRACK: rng.randint(40, 90),
            MilestoneStatus.AT_RISK: rng.randint(20, 70),
            MilestoneStatus.DELAYED: rng.randint(10, 50),
            MilestoneStatus.CANCELLED: rng.randint(0, 40),
        }[final_status]
        progresses = [*sorted(rng.randint(0, min(final_progress, 90)) for _ in days[:-1]), final_progress]
        # A draft (submitted, not yet reviewed) last update now and then: it moves nothing.
        draft_last = count > 1 and rng.random() < 0.1
        latest_published = None
        for index, (offset, progress) in enumerate(zip(days, progresses, strict=True)):
            is_last = index == count - 1
            if is_last:
                status = final_status
            else:
                status = (
                    MilestoneStatus.NOT_STARTED
                    if progress == 0
                    else rng.choice((MilestoneStatus.ON_TRACK, MilestoneStatus.ON_TRACK, MilestoneStatus.AT_RISK))
                )
            published = not (is_last and draft_last)
            reported_on = first + datetime.timedelta(days=offset)
            update = self.add(
                ProgressUpdate(
                    milestone=milestone,
                    reported_on=reported_on,
                    status=status,
                    progress=progress,
                    **_text("note", UPDATE_NOTES[status]),
                    jurisdiction=rng.choice(reporters) if reporters and rng.random() < 0.5 else None,
                    publication_state=PublicationState.PUBLISHED if published else PublicationState.SUBMITTED,
                    published_at=_noon(reported_on) if published else None,
                )
            )
            if published:
                latest_published = update
        if latest_published is not None:
            milestone.status, milestone.progress = latest_published.status, latest_published.progress
            if latest_published.status == MilestoneStatus.COMPLETED:
                milestone.completed_on = latest_published.reported_on
        return milestone

    def accomplishment(self, index, item, priorities):
        rng = self.rng
        english, french = item["title"]
        published = rng.random() < 0.85
        accomplishment = self.add(
            Accomplishment(
                jurisdiction=self.jurisdictions[item["jurisdiction"]],
                title_en=f"{english} (set {self.number:03d})",
                title_fr=f"{french} (lot {self.number:03d})",
                date=_day_in_year(rng),
                category=item["category"],
                priority=rng.choice(priorities),
                publication_state=PublicationState.PUBLISHED if published else PublicationState.SUBMITTED,
                published_at=_noon(datetime.date(YEAR, 12, 31)) if published else None,
            )
        )
        self.add(
            AccomplishmentLink(
                accomplishment=accomplishment,
                url=f"{SITE_URL}/{self.number:03d}/accomplishments/{index}",
                label_en="News release",
                label_fr="Communiqué",
            )
        )

    def challenge(self, index, item):
        rng = self.rng
        english, french = item["title"]
        status = rng.choice(ChallengeStatus.values)
        reported = _day_in_year(rng)
        challenge = self.add(
            Challenge(
                title_en=f"{english} (set {self.number:03d})",
                title_fr=f"{french} (lot {self.number:03d})",
                category=item["category"],
                status=status,
                **_text("mitigation", MITIGATION),
                first_reported_on=reported,
                resolved_on=min(LAST_REPORT, reported + datetime.timedelta(days=rng.randint(30, 200)))
                if status == ChallengeStatus.RESOLVED
                else None,
                publication_state=PublicationState.PUBLISHED,
                published_at=_noon(reported),
            )
        )
        # None: across jurisdictions, as in the deck; else one to three of them.
        codes = [code for code in self.jurisdictions if code != "CA"]
        for code in rng.sample(codes, rng.randint(0, 3)):
            self.links["challenge_jurisdictions"].append((challenge, self.jurisdictions[code]))

    def dataset(self, index):
        rng = self.rng
        jurisdiction = self.jurisdictions[rng.choice(list(self.jurisdictions))]
        subject_en, subject_fr = rng.choice(DATASET_SUBJECTS)
        ckan_id = f"gen-{self.number:03d}-{index:02d}"
        return self.add(
            Dataset(
                portal_url=PORTAL_URL,
                ckan_id=ckan_id,
                title_en=f"{subject_en}, {jurisdiction.name_en}",
                title_fr=f"{subject_fr}, {jurisdiction.name_fr}",
                url=f"{PORTAL_URL}/dataset/{ckan_id}",
                publisher_en=jurisdiction.name_en,
                publisher_fr=jurisdiction.name_fr,
                formats=sorted(rng.sample(["CSV", "JSON", "XLSX", "GeoJSON", "PDF"], rng.randint(1, 3))),
                license_title="Open Government Licence",
            )
        )

    def story(self, index, datasets, releases):
        rng = self.rng
        title_en, title_fr = rng.choice(STORY_TITLES)
        code = rng.choice(list(self.jurisdictions))
        jurisdiction = self.jurisdictions[code]
        state = rng.choices(StoryState.values, weights=(1, 1, 1, 6, 1))[0]
        published = state == StoryState.PUBLISHED
        slug = f"gen-{self.number:03d}-{index:02d}"
        story = self.add(
            UserStory(
                slug=slug,
                # Its French page at a slug of its own, as a story filed in the admin gets.
                slug_fr=f"recit-{slug}",
                title_en=f"{title_en} ({jurisdiction.name_en})",
                title_fr=f"{title_fr} ({jurisdiction.name_fr})",
                summary_en="How open data made a difference.",
                summary_fr="Comment les données ouvertes ont changé les choses.",
                story_en="A generated story, for load tests.",
                story_fr="Un récit généré, pour les essais de charge.",
                jurisdiction=jurisdiction,
                user_type=rng.choice(UserType.values),
                impact=rng.choice(Impact.values),
                state=state,
                release=rng.choice(releases) if published else None,
                published_on=_day_in_year(rng) if published else None,
                portal_url=f"{SITE_URL}/stories/{slug}" if published else "",
                submitter_name=f"Submitter {self.number}-{index}",
                submitter_email=f"submitter-{self.number:03d}-{index:02d}@example.org",
                # A rejection says why (the database holds to it).
                rejection_reason="A generated story, not about open data." if state == StoryState.REJECTED else "",
            )
        )
        for theme in rng.sample(self.themes, rng.randint(1, 2)):
            self.links["story_themes"].append((story, theme))
        for dataset in rng.sample(datasets, rng.randint(1, 3)):
            self.links["story_datasets"].append((story, dataset))


# In the order they are saved: each row's foreign keys point at rows saved before it.
MODELS = [
    WorkPlan,
    Priority,
    Assignment,
    Milestone,
    ProgressUpdate,
    Accomplishment,
    AccomplishmentLink,
    Challenge,
    Dataset,
    UserStory,
]


def _ensure_jurisdictions():
    """The 14 jurisdictions of the deck, created when missing (the 2020 loader updates
    them later if it runs); existing ones are used as they are."""
    existing = {j.code: j for j in Jurisdiction.objects.filter(code__in=[i["code"] for i in data.JURISDICTIONS])}
    missing = []
    for order, item in enumerate(data.JURISDICTIONS, 1):
        if item["code"] not in existing:
            short = _text("short_name", item["short_name"]) if "short_name" in item else {}
            missing.append(
                Jurisdiction(
                    code=item["code"], **_text("name", item["name"]), **short, kind=item["kind"], order=order * 10
                )
            )
    for jurisdiction in bulk_create_with_history(missing, Jurisdiction, default_change_reason=CHANGE_REASON):
        existing[jurisdiction.code] = jurisdiction
    return {item["code"]: existing[item["code"]] for item in data.JURISDICTIONS}


def _ensure_themes():
    existing = {t.slug: t for t in Theme.objects.filter(slug__in=[slug for slug, _, _ in THEMES])}
    missing = [Theme(slug=slug, name_en=en, name_fr=fr) for slug, en, fr in THEMES if slug not in existing]
    for theme in bulk_create_with_history(missing, Theme, default_change_reason=CHANGE_REASON):
        existing[theme.slug] = theme
    return [existing[slug] for slug, _, _ in THEMES]


@transaction.atomic
def generate(*, scale: int) -> dict[str, int]:
    """Add ``scale`` generated copies of the 2020 plan; returns the rows made per kind."""
    if scale < 1:
        raise ValueError("scale must be at least 1")
    # modeltranslation fills each translated field's original column from the active
    # language: keep it in the default language, as the 2020 loader does.
    with translation.override(DEFAULT_LANGUAGE):
        jurisdictions = _ensure_jurisdictions()
        themes = _ensure_themes()
        plans = [_Plan(number, jurisdictions, themes).build() for number in range(1, scale + 1)]
        counts = {}
        for model in MODELS:
            rows = [row for plan in plans for row in plan.rows[model]]
            bulk_create_with_history(rows, model, batch_size=500, default_change_reason=CHANGE_REASON)
            counts[model._meta.label] = len(rows)
        through_rows = {
            "story_themes": (UserStory.themes.through, "userstory", "theme"),
            "story_datasets": (UserStory.datasets.through, "userstory", "dataset"),
            "challenge_jurisdictions": (Challenge.jurisdictions.through, "challenge", "jurisdiction"),
        }
        for name, (through, left, right) in through_rows.items():
            rows = [through(**{f"{left}_id": a.pk, f"{right}_id": b.pk}) for plan in plans for a, b in plan.links[name]]
            through.objects.bulk_create(rows, batch_size=500)
            counts[name] = len(rows)
    data_changed()  # bulk_create sends no signal
    return counts


@transaction.atomic
def remove_generated() -> dict[str, int]:
    """Delete what generate() made (and what hangs from it); returns the rows deleted per
    kind. Real data is untouched; a real row that points at a generated one (a report
    frozen on a generated plan) makes this fail with ProtectedError, and nothing is
    deleted."""
    counts = {}
    for model in (UserStory, Dataset, Accomplishment, Challenge, WorkPlan):
        _, per_model = generated(model).delete()
        for label, count in per_model.items():
            counts[label] = counts.get(label, 0) + count
    return counts


def generated_scale() -> int:
    """How many generated plans the database holds."""
    return generated(WorkPlan).count()
