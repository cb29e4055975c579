"""factory_boy factories for every model, shared by the whole suite."""

import datetime

import factory
from django.contrib.auth import get_user_model

from cogwg.choices import MeetingKind, PublicationState
from cogwg.models import Meeting, NextStep, ReportingPeriod, StatusReport
from jurisdictions.choices import AccomplishmentCategory, ChallengeCategory, ChallengeStatus, JurisdictionKind
from jurisdictions.models import Accomplishment, AccomplishmentLink, Challenge, Contributor, Jurisdiction
from stories.choices import Impact, StoryState, UserType
from stories.models import Dataset, Theme, UserStory
from workplan.choices import SeatRole, WorkPlanStatus
from workplan.models import Assignment, Milestone, Priority, ProgressUpdate, WorkPlan


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.org")
    password = factory.django.Password("correct-horse-battery-staple")


class StaffFactory(UserFactory):
    is_staff = True
    is_superuser = True


class JurisdictionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Jurisdiction
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"J{n}")
    name_en = factory.Sequence(lambda n: f"Jurisdiction {n}")
    name_fr = factory.Sequence(lambda n: f"Administration {n}")
    kind = JurisdictionKind.PROVINCIAL
    order = factory.Sequence(lambda n: n)


class ContributorFactory(factory.django.DjangoModelFactory):
    """A user bound to a jurisdiction; put them in the contributor group (and make them
    staff) to give them the role's model permissions."""

    class Meta:
        model = Contributor

    user = factory.SubFactory(UserFactory)
    jurisdiction = factory.SubFactory(JurisdictionFactory)


class MeetingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Meeting

    kind = MeetingKind.COGWG
    date = factory.Sequence(lambda n: datetime.date(2020, 1, 1) + datetime.timedelta(days=n))
    title_en = "Working group meeting"
    title_fr = "Réunion du groupe de travail"


class NextStepFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = NextStep

    meeting = factory.SubFactory(MeetingFactory)
    text_en = factory.Sequence(lambda n: f"Next step {n}")
    text_fr = factory.Sequence(lambda n: f"Prochaine étape {n}")


class WorkPlanFactory(factory.django.DjangoModelFactory):
    """A plan, active when no other plan is (at most one is: the database holds to it),
    else closed, as the years before the current one are: public, but taking no progress
    update (``workplan.services.plan_closed_message``). Ask for ``status`` to have
    another: a draft takes updates from the secretariat, hidden from the public; a
    second active plan is refused by the database (IntegrityError)."""

    class Meta:
        model = WorkPlan
        django_get_or_create = ("slug",)

    slug = factory.Sequence(lambda n: str(2030 + n))
    title_en = factory.LazyAttribute(lambda o: f"Work plan {o.slug}")
    title_fr = factory.LazyAttribute(lambda o: f"Plan de travail {o.slug}")
    start_date = datetime.date(2020, 1, 1)
    end_date = datetime.date(2020, 12, 31)
    status = None  # chosen as the plan is stored (_create), or active for one built

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        if kwargs.get("status") is None:
            kwargs["status"] = WorkPlanStatus.CLOSED if WorkPlan.objects.active().exists() else WorkPlanStatus.ACTIVE
        return super()._create(model_class, *args, **kwargs)

    @classmethod
    def _build(cls, model_class, *args, **kwargs):
        if kwargs.get("status") is None:
            kwargs["status"] = WorkPlanStatus.ACTIVE
        return super()._build(model_class, *args, **kwargs)


class PriorityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Priority

    work_plan = factory.SubFactory(WorkPlanFactory)
    number = factory.Sequence(lambda n: n + 1)
    slug = factory.LazyAttribute(lambda o: f"priority-{o.number}")
    title_en = factory.LazyAttribute(lambda o: f"Priority {o.number}")
    title_fr = factory.LazyAttribute(lambda o: f"Priorité {o.number}")
    issue_en = "An issue"
    issue_fr = "Un enjeu"
    outcome_en = "An outcome"
    outcome_fr = "Un résultat"


class AssignmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Assignment

    priority = factory.SubFactory(PriorityFactory)
    role = SeatRole.LEAD
    jurisdiction = factory.SubFactory(JurisdictionFactory)


class MilestoneFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Milestone

    priority = factory.SubFactory(PriorityFactory)
    due_date = datetime.date(2020, 6, 30)
    description_en = factory.Sequence(lambda n: f"Milestone {n}")
    description_fr = factory.Sequence(lambda n: f"Jalon {n}")


class ProgressUpdateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProgressUpdate

    milestone = factory.SubFactory(MilestoneFactory)
    reported_on = datetime.date(2020, 4, 1)
    status = "on_track"
    progress = 50
    note_en = "Going well"
    note_fr = "Tout va bien"
    publication_state = PublicationState.PUBLISHED


class AccomplishmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Accomplishment

    jurisdiction = factory.SubFactory(JurisdictionFactory)
    title_en = factory.Sequence(lambda n: f"Accomplishment {n}")
    title_fr = factory.Sequence(lambda n: f"Réalisation {n}")
    category = AccomplishmentCategory.PORTAL
    publication_state = PublicationState.PUBLISHED


class AccomplishmentLinkFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AccomplishmentLink

    accomplishment = factory.SubFactory(AccomplishmentFactory)
    url = factory.Sequence(lambda n: f"https://example.org/news/{n}")


def _challenge_resolved_on(challenge):
    """A resolved challenge has its date (Challenge.clean): by default the day it was first
    reported (on a date or at a meeting), else the deck's 30 June 2020."""
    if challenge.status != ChallengeStatus.RESOLVED:
        return None
    meeting_day = challenge.first_reported_at.date if challenge.first_reported_at else None
    return max(filter(None, [challenge.first_reported_on, meeting_day]), default=datetime.date(2020, 6, 30))


class ChallengeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Challenge

    title_en = factory.Sequence(lambda n: f"Challenge {n}")
    title_fr = factory.Sequence(lambda n: f"Défi {n}")
    category = ChallengeCategory.RESOURCES
    status = ChallengeStatus.OPEN
    first_reported_at = None
    first_reported_on = None
    resolved_on = factory.LazyAttribute(_challenge_resolved_on)
    publication_state = PublicationState.PUBLISHED


class ThemeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Theme
        django_get_or_create = ("slug",)

    slug = factory.Sequence(lambda n: f"theme-{n}")
    name_en = factory.Sequence(lambda n: f"Theme {n}")
    name_fr = factory.Sequence(lambda n: f"Thème {n}")


class DatasetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Dataset

    portal_url = "https://open.canada.ca/data"
    ckan_id = factory.Sequence(lambda n: f"dataset-{n}")
    title_en = factory.Sequence(lambda n: f"Dataset {n}")
    title_fr = factory.Sequence(lambda n: f"Jeu de données {n}")


class UserStoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = UserStory

    slug = factory.Sequence(lambda n: f"story-{n}")
    # Its French page at its slug too (as stories/0012 leaves a story without a French
    # title): a test that edits it in the admin does not see a French slug made meanwhile.
    slug_fr = factory.SelfAttribute("slug")
    title_en = factory.Sequence(lambda n: f"Story {n}")
    title_fr = factory.Sequence(lambda n: f"Récit {n}")
    summary_en = "How open data helped"
    summary_fr = "Comment les données ouvertes ont aidé"
    user_type = UserType.RESEARCHER
    impact = Impact.SOCIAL
    state = StoryState.PUBLISHED
    published_on = datetime.date(2020, 6, 15)
    # A rejected story says why (the database holds to it).
    rejection_reason = factory.LazyAttribute(
        lambda story: "Not about open data." if story.state == StoryState.REJECTED else ""
    )


class StatusReportFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StatusReport

    work_plan = factory.SubFactory(WorkPlanFactory)
    title_en = "Status report"
    title_fr = "Rapport d'étape"
    as_of = datetime.date(2020, 2, 27)


class ReportingPeriodFactory(factory.django.DjangoModelFactory):
    """An open period, as ``cogwg.cycles.period_open`` leaves it (without its milestones:
    open one with the service to cover them)."""

    class Meta:
        model = ReportingPeriod

    work_plan = factory.SubFactory(WorkPlanFactory)
    title_en = "June 2020"
    title_fr = "Juin 2020"
    period_end = datetime.date(2020, 6, 30)
    deadline = datetime.date(2020, 7, 15)
