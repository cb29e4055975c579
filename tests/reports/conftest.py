"""A small work plan shaped like the 2020 deck's, with a history of progress on both sides
of 27 February 2020, for the status report tests."""

import datetime
from types import SimpleNamespace

import pytest

from cogwg.choices import MeetingKind, PublicationState
from jurisdictions.choices import ChallengeStatus
from tests.factories import (
    AccomplishmentFactory,
    AccomplishmentLinkFactory,
    AssignmentFactory,
    ChallengeFactory,
    JurisdictionFactory,
    MeetingFactory,
    MilestoneFactory,
    NextStepFactory,
    PriorityFactory,
    StatusReportFactory,
    WorkPlanFactory,
)
from workplan.choices import MilestoneStatus, SeatRole
from workplan.services import milestone_post_update

FEB_27 = datetime.date(2020, 2, 27)
APRIL_1 = datetime.date(2020, 4, 1)


@pytest.fixture
def plan(db):
    work_plan = WorkPlanFactory(
        slug="2020",
        title_en="COGWG 2020 Work Plan",
        title_fr="Plan de travail 2020 du GTGO",
        source_url="https://gccollab.ca/file/group/304959/all",
    )
    canada = JurisdictionFactory(code="CA", name_en="Government of Canada", name_fr="Gouvernement du Canada")
    ontario = JurisdictionFactory(code="ON", name_en="Ontario", name_fr="Ontario")
    yukon = JurisdictionFactory(code="YT", name_en="Yukon", name_fr="Yukon")
    northwest = JurisdictionFactory(
        code="NT",
        name_en="Northwest Territories",
        name_fr="Territoires du Nord-Ouest",
        short_name_en="NWT",
        short_name_fr="T.N.-O.",
    )

    stories = PriorityFactory(
        work_plan=work_plan,
        number=1,
        slug="open-data-user-stories",
        title_en="Open Data User Stories",
        title_fr="Récits d'utilisateurs de données ouvertes",
        issue_en="Canadians don't know what can be done with open data",
        issue_fr="Les Canadiens ne savent pas ce qu'il est possible de faire avec les données ouvertes",
        consequences_en="The social and economic impact of open data is not maximized",
        consequences_fr="Les retombées sociales et économiques des données ouvertes ne sont pas maximisées",
        outcome_en="Inventories of stories are created",
        outcome_fr="Des inventaires de récits sont créés",
    )
    AssignmentFactory(
        priority=stories,
        role=SeatRole.LEAD,
        jurisdiction=canada,
        organization_en="Treasury Board of Canada Secretariat",
        organization_fr="Secrétariat du Conseil du Trésor du Canada",
        contact_email="tbs@example.org",
        order=1,
    )
    AssignmentFactory(priority=stories, role=SeatRole.LEAD, jurisdiction=None, order=2)
    literacy = PriorityFactory(
        work_plan=work_plan,
        number=2,
        slug="open-government-literacy",
        title_en="Open Government Literacy",
        title_fr="Littératie en matière de gouvernement ouvert",
    )
    AssignmentFactory(
        priority=literacy, role=SeatRole.LEAD, jurisdiction=ontario, confirmed=False, contact_email="on@example.org"
    )
    AssignmentFactory(priority=literacy, role=SeatRole.PARTNER, jurisdiction=northwest, contact_email="nt@example.org")

    inventory = MilestoneFactory(
        priority=stories,
        due_date=datetime.date(2020, 3, 31),
        description_en="Initial inventory of user stories established.",
        description_fr="Inventaire initial des récits d'utilisateurs établi.",
    )
    release = MilestoneFactory(
        priority=stories,
        due_date=datetime.date(2020, 6, 30),
        description_en="Release of minimum 1 user story on the portal.",
        description_fr="Publication d'au moins 1 récit d'utilisateur sur le portail.",
    )
    group = MilestoneFactory(
        priority=literacy,
        due_date=datetime.date(2020, 3, 31),
        description_en="Multi-jurisdictional working group established.",
        description_fr="Groupe de travail multiadministrations établi.",
    )
    resources = MilestoneFactory(
        priority=literacy,
        due_date=datetime.date(2020, 9, 30),
        description_en="Existing resources are released.",
        description_fr="Les ressources existantes sont diffusées.",
    )
    milestone_post_update(
        milestone=inventory,
        reported_on=datetime.date(2020, 2, 10),
        status=MilestoneStatus.ON_TRACK,
        progress=40,
        note_en="Inventory started with five stories.",
        note_fr="Inventaire commencé avec cinq récits.",
    )
    milestone_post_update(
        milestone=inventory,
        reported_on=datetime.date(2020, 3, 15),
        status=MilestoneStatus.COMPLETED,
        progress=100,
        note_en="Inventory published.",
        note_fr="Inventaire publié.",
    )

    meeting = MeetingFactory(
        kind=MeetingKind.JOINT_COUNCILS,
        date=FEB_27,
        title_en="Joint Councils – February 27, 2020",  # noqa: RUF001
        title_fr="Conseils mixtes – 27 février 2020",  # noqa: RUF001
        purpose_en="Update on key accomplishments.\nOutline a few immediate next steps.",
        purpose_fr="Faire le point sur les principales réalisations.\nPrésenter quelques prochaines étapes immédiates.",
    )
    step = NextStepFactory(
        meeting=meeting, text_en="In-person meeting to:", text_fr="Réunion en personne pour :", order=1
    )
    NextStepFactory(
        meeting=meeting,
        parent=step,
        text_en="Identify ongoing projects for 2020",
        text_fr="Cerner les projets en cours pour 2020",
        order=1,
    )

    portal = AccomplishmentFactory(
        jurisdiction=yukon,
        title_en="Yukon has launched its open data portal",
        title_fr="Le Yukon a lancé son portail de données ouvertes",
        meeting=meeting,
    )
    AccomplishmentLinkFactory(accomplishment=portal, url="https://open.yukon.ca/data/")
    later = AccomplishmentFactory(
        jurisdiction=northwest,
        title_en="NWT has released its open government policy",
        title_fr="Les T.N.-O. ont publié leur politique sur le gouvernement ouvert",
        date=datetime.date(2020, 3, 10),
    )
    AccomplishmentFactory(jurisdiction=ontario, meeting=meeting, publication_state=PublicationState.DRAFT)
    # Dated before the plan, and in no report: the plan's first report takes it.
    before_plan = AccomplishmentFactory(jurisdiction=ontario, date=datetime.date(2019, 11, 1))

    resources_challenge = ChallengeFactory(
        title_en="Lack of resources (HR and funding)",
        title_fr="Manque de ressources (RH et financement)",
        first_reported_on=FEB_27,
    )
    transition = ChallengeFactory(
        title_en="Slowdown due to political transition",
        title_fr="Ralentissement dû à la transition politique",
        first_reported_on=datetime.date(2020, 1, 15),
        status=ChallengeStatus.RESOLVED,
        resolved_on=datetime.date(2020, 3, 20),
    )
    transition.jurisdictions.add(ontario)
    legal = ChallengeFactory(
        title_en="Legal considerations on the Open Data Charter",
        title_fr="Considérations juridiques sur la Charte des données ouvertes",
        first_reported_on=datetime.date(2020, 3, 25),
    )
    return SimpleNamespace(
        work_plan=work_plan,
        stories=stories,
        literacy=literacy,
        inventory=inventory,
        release=release,
        group=group,
        resources=resources,
        meeting=meeting,
        portal=portal,
        later=later,
        before_plan=before_plan,
        resources_challenge=resources_challenge,
        transition=transition,
        legal=legal,
        ontario=ontario,
    )


@pytest.fixture
def draft_report(plan):
    return StatusReportFactory(
        work_plan=plan.work_plan,
        meeting=plan.meeting,
        as_of=FEB_27,
        title_en="Status report – Joint Councils, February 27, 2020",  # noqa: RUF001
        title_fr="Rapport d'étape – Conseils mixtes, 27 février 2020",  # noqa: RUF001
    )
