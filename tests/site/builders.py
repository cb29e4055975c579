"""A public site's worth of records, at any size, for the page, query-count and language
tests (the browser tests use it too). Every public text has an English and a French
version; a draft of each kind is added that no public page may show."""

import datetime
from dataclasses import dataclass, field

from django.core.files.base import ContentFile
from django.utils import timezone

from cogwg.choices import PublicationState, RenderStatus, ReportFormat, StatusReportState
from cogwg.models import InfoSection, StatusReportFile
from cogwg.reports.content import build_content
from jurisdictions.choices import ChallengeStatus, JurisdictionKind
from stories.choices import StoryState
from tests.factories import (
    AccomplishmentFactory,
    AccomplishmentLinkFactory,
    AssignmentFactory,
    ChallengeFactory,
    DatasetFactory,
    JurisdictionFactory,
    MeetingFactory,
    MilestoneFactory,
    NextStepFactory,
    PriorityFactory,
    StatusReportFactory,
    ThemeFactory,
    UserStoryFactory,
    WorkPlanFactory,
)
from workplan.choices import MilestoneStatus, SeatRole, WorkPlanStatus
from workplan.services import milestone_post_update

SECRET = "SECRET-DRAFT"
KINDS = [
    JurisdictionKind.FEDERAL,
    JurisdictionKind.PROVINCIAL,
    JurisdictionKind.TERRITORIAL,
    JurisdictionKind.MUNICIPAL,
]


@dataclass
class Site:
    plan: object
    priority: object
    jurisdiction: object
    story: object
    milestones: list = field(default_factory=list)


def build_site(size: int = 1) -> Site:
    """``size`` jurisdictions, priorities (two milestones each, updated), accomplishments,
    challenges, stories and published status reports, plus one draft of each kind; the
    records of the detail pages grow with ``size`` too (``grow_measured_records``)."""
    plan = WorkPlanFactory(
        slug="2020",
        title_en="COGWG 2020 Work Plan",
        title_fr="Plan de travail 2020 du GTGO",
        summary_en="The plan for the year.",
        summary_fr="Le plan de l'année.",
        start_date=datetime.date(2020, 1, 1),
        end_date=datetime.date(2020, 12, 31),
        status=WorkPlanStatus.ACTIVE,
    )
    meeting = MeetingFactory(
        title_en="Joint Councils meeting", title_fr="Réunion des Conseils mixtes", date=datetime.date(2020, 2, 27)
    )
    jurisdictions = [
        JurisdictionFactory(
            code=f"J{index}",
            name_en=f"Province {index}",
            name_fr=f"Province no {index}",
            kind=KINDS[index % len(KINDS)],
            website=f"https://gov{index}.example.org/",
            open_data_url=f"https://data{index}.example.org/",
            open_government_url=f"https://open{index}.example.org/",
        )
        for index in range(size)
    ]
    themes = [ThemeFactory(slug="health", name_en="Health", name_fr="Santé"), ThemeFactory(slug="transport")]
    milestones, priorities = [], []
    for index in range(size):
        priority = PriorityFactory(
            work_plan=plan,
            number=index + 1,
            slug=f"priority-{index + 1}",
            title_en=f"Open data stories {index + 1}",
            title_fr=f"Récits de données ouvertes {index + 1}",
            consequences_en="Impact is not maximized\nDuplication of work",
            consequences_fr="Les retombées ne sont pas maximisées\nDédoublement du travail",
            results_en="Governments showcase their efforts",
            results_fr="Les gouvernements font valoir leurs efforts",
        )
        priorities.append(priority)
        AssignmentFactory(priority=priority, role=SeatRole.LEAD, jurisdiction=jurisdictions[index], organization_en="")
        AssignmentFactory(priority=priority, role=SeatRole.LEAD, jurisdiction=None)
        AssignmentFactory(priority=priority, role=SeatRole.PARTNER, jurisdiction=jurisdictions[0], confirmed=False)
        for month in (3, 9):
            milestone = MilestoneFactory(
                priority=priority,
                due_date=datetime.date(2020, month, 28),
                description_en=f"Release stories, round {month}",
                description_fr=f"Diffuser des récits, ronde {month}",
            )
            milestones.append(milestone)
            milestone_post_update(
                milestone=milestone,
                reported_on=datetime.date(2020, 2, 1),
                status=MilestoneStatus.ON_TRACK,
                progress=40,
                note_en="Going well",
                note_fr="Tout va bien",
            )
        milestone_post_update(
            milestone=milestone,
            reported_on=datetime.date(2020, 2, 2),
            status=MilestoneStatus.DELAYED,
            progress=90,
            note_en=SECRET,
            note_fr=SECRET,
            publish=False,
        )
    for index in range(size):
        accomplishment = AccomplishmentFactory(
            jurisdiction=jurisdictions[index],
            title_en=f"Launched a portal {index}",
            title_fr=f"Lancement d'un portail {index}",
            description_en="A new portal.",
            description_fr="Un nouveau portail.",
            date=datetime.date(2020, 1, 15),
            priority=priorities[index],
            meeting=meeting,
            published_at=timezone.now(),
        )
        AccomplishmentLinkFactory(accomplishment=accomplishment, label_en="News", label_fr="Nouvelles")
        AccomplishmentLinkFactory(accomplishment=accomplishment, label_en="Portal", label_fr="Portail")
        challenge = ChallengeFactory(
            title_en=f"Lack of resources {index}",
            title_fr=f"Manque de ressources {index}",
            mitigation_en="Share tools",
            mitigation_fr="Partager des outils",
            status=ChallengeStatus.OPEN,
            first_reported_at=meeting,
            first_reported_on=datetime.date(2020, 2, 27),
        )
        challenge.jurisdictions.set([jurisdictions[index], jurisdictions[0]])
    stories = []
    for index in range(size):
        story = UserStoryFactory(
            slug=f"story-{index}",
            title_en=f"Finding clinics {index}",
            title_fr=f"Trouver des cliniques {index}",
            story_en="The whole story.",
            story_fr="Le récit complet.",
            # Half the stories are the first jurisdiction's, so that its page lists more as the data grows.
            jurisdiction=jurisdictions[0 if index % 2 == 0 else index],
            release=milestones[0],
            published_on=datetime.date(2020, 6, 1 + index % 28),
        )
        story.themes.set(themes)
        story.datasets.set(
            [
                DatasetFactory(url=f"https://open.canada.ca/data/dataset/{index}-a", publisher_en="TBS"),
                DatasetFactory(url=f"https://open.canada.ca/data/dataset/{index}-b"),
            ]
        )
        stories.append(story)
    for index in range(size):
        step = NextStepFactory(meeting=meeting, text_en=f"Meet in person {index}", text_fr=f"Se réunir {index}")
        NextStepFactory(meeting=meeting, parent=step, text_en="Share lessons", text_fr="Mettre en commun les leçons")
    InfoSection.objects.create(
        slug="open-government",
        order=1,
        title_en="Open government and why it matters",
        title_fr="Le gouvernement ouvert et son importance",
        intro_en="Open government is about transparency.",
        intro_fr="Le gouvernement ouvert, c'est la transparence.",
        body_en="A key priority\nAn international undertaking",
        body_fr="Une priorité clé\nUn engagement international",
    )
    InfoSection.objects.create(
        slug="cogwg",
        order=2,
        title_en="Canada Open Government Working Group",
        title_fr="Groupe de travail sur le gouvernement ouvert du Canada",
        body_en="Currently co-chaired by the Government of Canada",
        body_fr="Actuellement coprésidé par le gouvernement du Canada",
    )
    report = StatusReportFactory(
        work_plan=plan,
        title_en="Status report, February 2020",
        title_fr="Rapport d'étape, février 2020",
        meeting=meeting,
    )
    # Frozen by hand (the content the reports app builds, without rendering its files).
    report.content = build_content(report=report)
    report.state, report.frozen_at = StatusReportState.PUBLISHED, timezone.now()
    report.save()
    for language in ("en", "fr"):
        ready_file(report, ReportFormat.PDF, language)
    grow_measured_records(
        size,
        priority=priorities[0],
        jurisdictions=jurisdictions,
        story=stories[0],
        report=report,
        milestones=milestones,
    )
    add_drafts(jurisdictions[0])
    return Site(
        plan=plan, priority=priorities[0], jurisdiction=jurisdictions[0], story=stories[0], milestones=milestones
    )


def ready_file(report, format, language):
    file = StatusReportFile(report=report, format=format, language=language, status=RenderStatus.READY)
    file.file.save(f"r{report.pk}-{language}.{format}", ContentFile(b"%PDF-1.4\n"), save=True)


def grow_measured_records(size, *, priority, jurisdictions, story, report, milestones):
    """The records whose pages the query-count tests read (priority-1, j0, story-0, the
    published report) get ``size - 1`` more of what they show, so that a query per row
    of a detail page shows too: nothing more at size 1, which the other tests read."""
    for index in range(1, size):
        story.themes.add(ThemeFactory(slug=f"theme-extra-{index}", name_en=f"Topic {index}", name_fr=f"Sujet {index}"))
        story.datasets.add(DatasetFactory(url=f"https://open.canada.ca/data/dataset/0-extra-{index}"))
        AssignmentFactory(priority=priority, role=SeatRole.PARTNER, jurisdiction=jurisdictions[index])
        milestone = MilestoneFactory(
            priority=priority,
            due_date=datetime.date(2020, 1 + index % 12, 15),
            description_en=f"Extra step {index}",
            description_fr=f"Étape de plus {index}",
        )
        milestones.append(milestone)
        milestone_post_update(
            milestone=milestone,
            reported_on=datetime.date(2020, 2, 1),
            status=MilestoneStatus.ON_TRACK,
            progress=20,
            note_en=f"Started {index}",
            note_fr=f"Commencé {index}",
        )
        accomplishment = AccomplishmentFactory(
            jurisdiction=jurisdictions[0],
            priority=priority,
            title_en=f"Opened a dataset {index}",
            title_fr=f"Ouverture d'un jeu de données {index}",
            description_en="Another step.",
            description_fr="Une autre étape.",
            date=datetime.date(2020, 1, 15),
            meeting=MeetingFactory(
                title_en=f"Meeting {index}",
                title_fr=f"Réunion {index}",
                # Before the factory's dates: none of its meetings falls on the same day.
                date=datetime.date(2019, 1, 1) + datetime.timedelta(days=index),
            ),
            published_at=timezone.now(),
        )
        AccomplishmentLinkFactory(accomplishment=accomplishment, label_en="News", label_fr="Nouvelles")
        # Published reports, each with its own meeting and a file, listed before the first.
        earlier = StatusReportFactory(
            work_plan=report.work_plan,
            title_en=f"Status report {index}",
            title_fr=f"Rapport d'étape {index}",
            meeting=MeetingFactory(
                title_en=f"Council {index}",
                title_fr=f"Conseil {index}",
                date=datetime.date(2019, 6, 1) + datetime.timedelta(days=index),
            ),
            as_of=report.as_of - datetime.timedelta(days=index),
            content=report.content,
            state=StatusReportState.PUBLISHED,
            frozen_at=timezone.now(),
        )
        ready_file(earlier, ReportFormat.PDF, "en")
    if size > 1:
        # The published report: its files in every format, not only its PDFs.
        for format in (ReportFormat.XLSX, ReportFormat.PPTX, ReportFormat.CSV):
            for language in ("en", "fr"):
                ready_file(report, format, language)


def add_drafts(jurisdiction):
    """One record of each kind that the public must never see."""
    draft_plan = WorkPlanFactory(slug="2031", title_en=SECRET, title_fr=SECRET, status=WorkPlanStatus.DRAFT)
    draft_priority = PriorityFactory(work_plan=draft_plan, number=1, slug="secret", title_en=SECRET, title_fr=SECRET)
    MilestoneFactory(priority=draft_priority, description_en=SECRET, description_fr=SECRET)
    AccomplishmentFactory(
        jurisdiction=jurisdiction, title_en=SECRET, title_fr=SECRET, publication_state=PublicationState.SUBMITTED
    )
    ChallengeFactory(title_en=SECRET, title_fr=SECRET, publication_state=PublicationState.DRAFT)
    UserStoryFactory(
        slug="secret-story",
        title_en=SECRET,
        title_fr=SECRET,
        state=StoryState.APPROVED,
        published_on=None,
        submitter_email="private.person@example.org",
    )
    StatusReportFactory(work_plan=draft_plan, title_en=SECRET, title_fr=SECRET)
