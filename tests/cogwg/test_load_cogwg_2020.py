import datetime
import io
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import translation
from modeltranslation.translator import translator

from cogwg.choices import MeetingKind, PublicationState
from cogwg.demo.loader import load_cogwg_2020
from cogwg.models import InfoSection, Meeting, NextStep
from jurisdictions.choices import AccomplishmentCategory, ChallengeCategory, ChallengeStatus, JurisdictionKind
from jurisdictions.models import Accomplishment, AccomplishmentLink, Challenge, Jurisdiction
from tests.factories import AccomplishmentFactory, JurisdictionFactory, WorkPlanFactory
from workplan.choices import MilestoneKind, MilestoneStatus, SeatRole, WorkPlanStatus
from workplan.models import Assignment, Milestone, Priority, WorkPlan

pytestmark = pytest.mark.django_db

LOADED_MODELS = [
    WorkPlan,
    Priority,
    Assignment,
    Milestone,
    Jurisdiction,
    Accomplishment,
    AccomplishmentLink,
    Challenge,
    Meeting,
    NextStep,
    InfoSection,
]

MEETING_DATE = datetime.date(2020, 2, 27)


def row_counts():
    return {model.__name__: model.objects.count() for model in LOADED_MODELS}


def history_counts():
    return {model.__name__: model.history.count() for model in LOADED_MODELS}


def seats(number):
    return [
        (seat.role, seat.jurisdiction.code if seat.jurisdiction else None, seat.confirmed, str(seat.holder))
        for seat in Assignment.objects.filter(priority__number=number).select_related("jurisdiction")
    ]


def test_load_creates_everything_in_the_deck():
    load_cogwg_2020()

    assert row_counts() == {
        "WorkPlan": 1,
        "Priority": 5,
        "Assignment": 12,
        "Milestone": 21,
        "Jurisdiction": 14,
        "Accomplishment": 6,
        "AccomplishmentLink": 5,
        "Challenge": 4,
        "Meeting": 1,
        "NextStep": 8,
        "InfoSection": 2,
    }


def test_first_run_reports_what_it_created():
    counts = load_cogwg_2020()

    assert counts["milestones"] == {"created": 21, "updated": 0, "unchanged": 0}
    assert counts["seats"] == {"created": 12, "updated": 0, "unchanged": 0}
    assert counts["jurisdictions"] == {"created": 14, "updated": 0, "unchanged": 0}


def test_second_run_changes_nothing_and_records_no_history():
    load_cogwg_2020()
    rows, history = row_counts(), history_counts()

    counts = load_cogwg_2020()

    assert row_counts() == rows
    assert history_counts() == history
    assert Milestone.history.count() == 21
    assert all(tally["created"] == 0 and tally["updated"] == 0 for tally in counts.values())
    assert counts["milestones"] == {"created": 0, "updated": 0, "unchanged": 21}


def test_work_plan():
    load_cogwg_2020()

    plan = WorkPlan.objects.get(slug="2020")
    assert plan.title_en == "COGWG 2020 Work Plan"
    assert plan.title_fr == "Plan de travail 2020 du GTGO"
    assert (plan.start_date, plan.end_date) == (datetime.date(2020, 1, 1), datetime.date(2020, 12, 31))
    assert plan.status == WorkPlanStatus.ACTIVE
    assert plan.source_url == "https://gccollab.ca/file/group/304959/all"
    assert list(plan.priorities.values_list("number", "slug")) == [
        (1, "open-data-user-stories"),
        (2, "ckan-common-extensions"),
        (3, "publish-with-a-purpose"),
        (4, "open-government-literacy"),
        (5, "inclusion-public-engagement-dialogue"),
    ]


def test_priority_texts_in_both_languages():
    load_cogwg_2020()

    priority = Priority.objects.get(number=3)
    assert priority.title_en == "Publish with a purpose"
    assert priority.title_fr == "Publier dans un but précis"
    assert priority.issue_en == (
        "Disconnect between what is published and what would be most beneficial to businesses, researchers "
        "and civil society."
    )
    assert priority.issue_fr == (
        "Décalage entre ce qui est publié et ce qui serait le plus utile aux entreprises, aux chercheurs et à "
        "la société civile."
    )
    assert priority.consequences_en == "The social and economic impact of open data is not maximized"
    assert priority.outcome_en == "Shift to a user-led approach to data releases"
    assert len(priority.result_list) == 2


def test_priority_lists_keep_one_item_per_line():
    load_cogwg_2020()

    priority = Priority.objects.get(number=2)
    assert priority.consequences_en == "Duplication of work across Canada\nSlower pace of advancement"
    assert priority.consequences_fr == "Dédoublement du travail partout au Canada\nRythme de progression plus lent"
    assert priority.results_en.splitlines() == [
        "Common extensions used across jurisdictions",
        "Better awareness of new resources, faster development",
    ]
    assert Priority.objects.get(number=5).results_en == ""
    assert Priority.objects.get(number=5).results_fr == ""


def test_seats_of_priority_1_are_tbs_and_an_open_seat():
    load_cogwg_2020()

    assert seats(1) == [
        (SeatRole.LEAD, "CA", True, "Treasury Board of Canada Secretariat"),
        (SeatRole.LEAD, None, True, "TBD"),
    ]
    federal = Assignment.objects.get(priority__number=1, jurisdiction__code="CA")
    assert federal.organization_fr == "Secrétariat du Conseil du Trésor du Canada"


def test_seats_of_priority_3_are_ontario_and_an_open_seat():
    load_cogwg_2020()

    assert seats(3) == [(SeatRole.LEAD, "ON", True, "Ontario"), (SeatRole.LEAD, None, True, "TBD")]


def test_seats_of_priority_4_are_three_unconfirmed_leads():
    load_cogwg_2020()

    assert seats(4) == [
        (SeatRole.LEAD, "ON", False, "Ontario (TBD)"),
        (SeatRole.LEAD, "BC", False, "BC (TBD)"),
        (SeatRole.LEAD, "NS", False, "NS (TBD)"),
    ]


def test_seats_of_priority_5_are_two_leads_and_a_partner():
    load_cogwg_2020()

    assert seats(5) == [
        (SeatRole.LEAD, "SK", True, "Saskatchewan"),
        (SeatRole.LEAD, "AB", True, "Alberta"),
        (SeatRole.PARTNER, "NT", True, "NWT"),
    ]


def test_milestones_are_due_at_month_ends():
    load_cogwg_2020()

    assert list(Milestone.objects.filter(priority__number=5).values_list("due_date", flat=True)) == [
        datetime.date(2020, 3, 31),
        datetime.date(2020, 6, 30),
        datetime.date(2020, 9, 30),
        datetime.date(2020, 10, 31),
        datetime.date(2020, 12, 31),
    ]
    assert list(Milestone.objects.filter(priority__number=1).values_list("due_date", flat=True)) == [
        datetime.date(2020, 3, 31),
        datetime.date(2020, 6, 30),
        datetime.date(2020, 9, 30),
        datetime.date(2020, 12, 31),
    ]


def test_milestones_start_not_started_at_zero():
    load_cogwg_2020()

    assert set(Milestone.objects.values_list("status", "progress", "completed_on")) == {
        (MilestoneStatus.NOT_STARTED, 0, None)
    }


def test_the_three_ongoing_milestones():
    load_cogwg_2020()

    ongoing = Milestone.objects.filter(kind=MilestoneKind.ONGOING).order_by("priority__number")
    assert [(m.priority.number, m.due_date, m.description_en[:30]) for m in ongoing] == [
        (1, datetime.date(2020, 12, 31), "Systematic ongoing collection "),
        (2, datetime.date(2020, 12, 31), "Ongoing community engagement a"),
        (4, datetime.date(2020, 12, 31), "Ongoing release of resources m"),
    ]
    assert Milestone.objects.filter(kind=MilestoneKind.DELIVERABLE).count() == 18


def test_milestone_description_in_both_languages():
    load_cogwg_2020()

    milestone = Milestone.objects.get(priority__number=5, due_date=datetime.date(2020, 10, 31))
    assert milestone.description_en == "Establish a method to engage COGWG members on public consultations."
    assert (
        milestone.description_fr
        == "Établir une méthode pour mobiliser les membres du GTGO au sujet des consultations publiques."
    )
    assert Milestone.objects.get(priority__number=3, order=3).description_en == (
        "Design approach to sharing data catalogue analytics publically"
    )


def test_jurisdictions_in_order_with_their_kinds():
    load_cogwg_2020()

    assert list(Jurisdiction.objects.values_list("code", flat=True)) == [
        "CA", "BC", "AB", "SK", "MB", "ON", "QC", "NB", "NS", "PE", "NL", "YT", "NT", "NU",
    ]  # fmt: skip
    assert Jurisdiction.objects.filter(kind=JurisdictionKind.TERRITORIAL).count() == 3
    assert Jurisdiction.objects.filter(kind=JurisdictionKind.PROVINCIAL).count() == 10
    assert Jurisdiction.objects.filter(is_member=False).count() == 0
    northwest = Jurisdiction.objects.get(code="NT")
    assert (northwest.name_en, northwest.name_fr) == ("Northwest Territories", "Territoires du Nord-Ouest")
    assert (northwest.short_name_en, northwest.short_name_fr) == ("NWT", "T.N.-O.")
    assert northwest.open_government_url == "https://www.eia.gov.nt.ca/en/priorities/open-government"
    assert Jurisdiction.objects.get(code="YT").open_data_url == "https://open.yukon.ca/data/"
    assert Jurisdiction.objects.exclude(code="YT").filter(open_data_url="").count() == 13


def test_accomplishments_and_their_links():
    load_cogwg_2020()

    assert list(
        Accomplishment.objects.order_by("jurisdiction__order").values_list("jurisdiction__code", "category")
    ) == [
        ("SK", AccomplishmentCategory.ENGAGEMENT),
        ("MB", AccomplishmentCategory.ENGAGEMENT),
        ("ON", AccomplishmentCategory.STRATEGY),
        ("QC", AccomplishmentCategory.STRATEGY),
        ("YT", AccomplishmentCategory.PORTAL),
        ("NT", AccomplishmentCategory.POLICY),
    ]
    northwest = Accomplishment.objects.get(jurisdiction__code="NT")
    assert northwest.title_en == "NWT has released its open government policy and website"
    assert list(northwest.links.values_list("url", flat=True)) == [
        "http://www.gov.nt.ca/newsroom/news/"
        "policy-shows-commitment-making-government-more-open-transparent-and-accountable",
        "https://www.eia.gov.nt.ca/en/priorities/open-government",
    ]
    assert list(Accomplishment.objects.get(jurisdiction__code="YT").links.values_list("url", flat=True)) == [
        "https://open.yukon.ca/data/"
    ]
    assert Accomplishment.objects.get(jurisdiction__code="SK").links.count() == 0
    assert Accomplishment.objects.get(jurisdiction__code="MB").links.count() == 0


def test_accomplishments_are_published_at_the_meeting_without_a_date():
    load_cogwg_2020()

    meeting = Meeting.objects.get()
    assert set(Accomplishment.objects.values_list("meeting", "date", "publication_state")) == {
        (meeting.pk, None, PublicationState.PUBLISHED)
    }
    # On the meeting's day, a minute apart, the deck's first published last.
    midnight = datetime.datetime(2020, 2, 27, tzinfo=ZoneInfo("America/Toronto"))
    assert list(Accomplishment.objects.order_by("pk").values_list("published_at", flat=True)) == [
        midnight + datetime.timedelta(minutes=minutes) for minutes in (5, 4, 3, 2, 1, 0)
    ]
    assert Accomplishment.objects.published().count() == 6


def test_challenges():
    load_cogwg_2020()

    assert list(Challenge.objects.order_by("pk").values_list("category", flat=True)) == [
        ChallengeCategory.RESOURCES,
        ChallengeCategory.POLITICAL_TRANSITION,
        ChallengeCategory.METADATA_IT,
        ChallengeCategory.LEGAL,
    ]
    legal = Challenge.objects.get(category=ChallengeCategory.LEGAL)
    assert legal.title_en == "Concerns over legal considerations regarding the Open Data Charter"
    assert (
        legal.title_fr
        == "Préoccupations quant aux considérations juridiques liées à la Charte sur les données ouvertes"
    )
    meeting = Meeting.objects.get()
    assert set(Challenge.objects.values_list("status", "first_reported_at", "first_reported_on")) == {
        (ChallengeStatus.OPEN, meeting.pk, MEETING_DATE)
    }
    assert Challenge.objects.published().count() == 4
    assert Challenge.jurisdictions.through.objects.count() == 0


def test_meeting():
    load_cogwg_2020()

    meeting = Meeting.objects.get()
    assert (meeting.kind, meeting.date) == (MeetingKind.JOINT_COUNCILS, MEETING_DATE)
    assert meeting.title_en == "Joint Councils – February 27, 2020"  # noqa: RUF001
    assert meeting.title_fr == "Conseils mixtes – 27 février 2020"  # noqa: RUF001
    assert len(meeting.purpose_en.splitlines()) == 4
    assert len(meeting.purpose_fr.splitlines()) == 4
    assert meeting.purpose_en.splitlines()[2] == "Outline a few immediate next steps."


def test_next_steps_with_their_sub_points_in_order():
    load_cogwg_2020()

    top = NextStep.objects.filter(parent=None).order_by("order")
    assert [step.text_en for step in top] == [
        "Build on ongoing progress and collaboratively implement the 2020 work plan.",
        "In-person meeting to:",
        "Support the development of the new Open Government Partnership Local Strategy.",
        "Create partnerships to host federal and local government engagement sessions on the 5th National "
        "Action Plan on Open Government.",
    ]
    assert top[3].text_fr == (
        "Établir des partenariats pour tenir des séances de mobilisation du gouvernement fédéral et des "
        "administrations locales sur le 5e Plan d'action national pour un gouvernement ouvert."
    )
    meeting_step = top[1]
    assert meeting_step.text_fr == "Réunion en personne pour\u00a0:"
    assert [child.text_en for child in meeting_step.children.order_by("order")] == [
        "Discuss lessons learned on the implementation of the 2018-19 work plan",
        "Identify ongoing projects for 2020",
        "Determine collaboration opportunities for the 2020 work plan",
        "Identify additional opportunities to foster holistic pan-Canadian efforts overall.",
    ]
    assert NextStep.objects.filter(done=True).count() == 0


def test_about_page_sections():
    load_cogwg_2020()

    assert list(InfoSection.objects.values_list("slug", flat=True)) == ["open-government", "cogwg"]
    why = InfoSection.objects.get(slug="open-government")
    assert why.title_en == "Open Government and why it matters"
    assert why.intro_en.endswith("economic opportunities for all Canadians. It is:")
    assert len(why.body_en.splitlines()) == 4
    assert len(why.body_fr.splitlines()) == 4
    cogwg = InfoSection.objects.get(slug="cogwg")
    assert cogwg.title_fr == "Groupe de travail sur le gouvernement ouvert du Canada (GTGO)"
    assert "Currently co-chaired by the Government of Canada and TBC." in cogwg.points
    assert len(cogwg.body_fr.splitlines()) == 5


def test_every_text_has_both_languages():
    load_cogwg_2020()

    missing = []
    for model in LOADED_MODELS:
        for name in translator.get_options_for_model(model).all_fields:
            for row in model.objects.values("pk", f"{name}_en", f"{name}_fr"):
                english, french = row[f"{name}_en"] or "", row[f"{name}_fr"] or ""
                if bool(english) != bool(french) or (english.count("\n") != french.count("\n")):
                    missing.append((model.__name__, row["pk"], name))
    assert missing == []


def test_french_is_not_english():
    load_cogwg_2020()

    same = [
        (model.__name__, name, row[f"{name}_en"])
        for model in [Priority, Milestone, Accomplishment, Challenge, NextStep, Meeting, InfoSection, WorkPlan]
        for name in translator.get_options_for_model(model).all_fields
        for row in model.objects.values(f"{name}_en", f"{name}_fr")
        if row[f"{name}_en"] and row[f"{name}_en"] == row[f"{name}_fr"]
    ]
    assert same == []


def test_a_value_changed_by_the_secretariat_is_restored():
    load_cogwg_2020()
    milestone = Milestone.objects.get(priority__number=2, order=1)
    milestone.description_fr = "Texte modifié"
    milestone.save()
    history = Milestone.history.count()

    counts = load_cogwg_2020()

    milestone.refresh_from_db()
    assert milestone.description_fr == "Groupe de travail établi."
    assert counts["milestones"] == {"created": 0, "updated": 1, "unchanged": 20}
    assert Milestone.history.count() == history + 1
    assert Milestone.objects.count() == 21


def test_restoring_keeps_the_untranslated_column_in_english():
    load_cogwg_2020()
    Priority.objects.filter(number=1).update(title_en="Edited", title_fr="Modifié")

    with translation.override("fr"):
        load_cogwg_2020()

    with connection.cursor() as cursor:
        cursor.execute("SELECT title, title_en, title_fr FROM workplan_priority WHERE number = 1")
        assert cursor.fetchone() == (
            "Open Data User Stories",
            "Open Data User Stories",
            "Récits d'utilisateurs de données ouvertes",
        )


def test_progress_posted_since_is_not_reset():
    load_cogwg_2020()
    Milestone.objects.filter(priority__number=1, order=1).update(status=MilestoneStatus.ON_TRACK, progress=50)
    WorkPlan.objects.update(status=WorkPlanStatus.CLOSED)
    Challenge.objects.filter(category=ChallengeCategory.LEGAL).update(status=ChallengeStatus.BEING_ADDRESSED)

    load_cogwg_2020()

    assert Milestone.objects.get(priority__number=1, order=1).status == MilestoneStatus.ON_TRACK
    assert Milestone.objects.get(priority__number=1, order=1).progress == 50
    assert WorkPlan.objects.get().status == WorkPlanStatus.CLOSED
    assert Challenge.objects.get(category=ChallengeCategory.LEGAL).status == ChallengeStatus.BEING_ADDRESSED


def test_the_plan_loaded_active_closes_an_older_active_plan():
    """At most one plan is active: loading the 2020 plan active closes the one before it,
    as making it active in the admin would (workplan.services.work_plan_save)."""
    older = WorkPlanFactory(slug="2019", start_date=datetime.date(2019, 1, 1), end_date=datetime.date(2019, 12, 31))
    assert older.status == WorkPlanStatus.ACTIVE

    load_cogwg_2020()

    assert dict(WorkPlan.objects.values_list("slug", "status")) == {
        "2019": WorkPlanStatus.CLOSED,
        "2020": WorkPlanStatus.ACTIVE,
    }


def test_the_plan_is_loaded_closed_while_a_later_plan_is_active():
    """A past year's plan, once a later one is active: loaded public, but not active."""
    WorkPlanFactory(
        slug="2021",
        start_date=datetime.date(2021, 1, 1),
        end_date=datetime.date(2021, 12, 31),
        status=WorkPlanStatus.ACTIVE,
    )

    load_cogwg_2020()
    load_cogwg_2020()

    assert dict(WorkPlan.objects.values_list("slug", "status")) == {
        "2020": WorkPlanStatus.CLOSED,
        "2021": WorkPlanStatus.ACTIVE,
    }


def test_records_added_by_the_secretariat_are_kept():
    load_cogwg_2020()
    toronto = JurisdictionFactory(code="TOR", name_en="City of Toronto", name_fr="Ville de Toronto")
    AccomplishmentFactory(jurisdiction=Jurisdiction.objects.get(code="BC"), title_en="BC launched a catalogue")
    Jurisdiction.objects.filter(code="BC").update(open_data_url="https://catalogue.data.gov.bc.ca/")

    load_cogwg_2020()

    assert Jurisdiction.objects.filter(pk=toronto.pk).exists()
    assert Accomplishment.objects.count() == 7
    assert Jurisdiction.objects.get(code="BC").open_data_url == "https://catalogue.data.gov.bc.ca/"


def test_command_prints_a_summary():
    out = io.StringIO()

    call_command("load_cogwg_2020", stdout=out)
    call_command("load_cogwg_2020", stdout=out)

    lines = out.getvalue().splitlines()
    assert lines[0] == "COGWG 2020 demo data (Joint Councils, 2020-02-27):"
    assert "  milestones: 21 created, 0 updated, 0 unchanged" in lines
    assert "  milestones: 0 created, 0 updated, 21 unchanged" in lines
    assert "  status reports: 1 created, 0 updated, 0 unchanged" in lines
    assert "  status reports: 0 created, 0 updated, 1 unchanged" in lines
    assert lines[13] == "Done: 80 created, 0 updated, 0 unchanged."
    assert lines[-1] == "Done: 0 created, 0 updated, 80 unchanged."
    assert Milestone.objects.count() == 21


def edited(record, **values):
    """``record`` with ``values``, saved as the admin saves it (its history records it)."""
    for name, value in values.items():
        setattr(record, name, value)
    record.save()
    return record


def test_a_title_the_secretariat_edited_is_restored_not_loaded_twice():
    load_cogwg_2020()
    accomplishment = Accomplishment.objects.get(jurisdiction__code="ON")
    deck_title = accomplishment.title_en
    challenge = Challenge.objects.get(category=ChallengeCategory.METADATA_IT)
    deck_challenge = challenge.title_en
    step = NextStep.objects.filter(parent=None).order_by("order").first()
    deck_step = step.text_en
    edited(accomplishment, title_en="Ontario has released an edited title")
    edited(challenge, title_en="Inconsistent approaches, edited")
    edited(step, text_en="An edited next step")
    before = row_counts()

    counts = load_cogwg_2020()

    assert row_counts() == before
    assert counts["accomplishments"]["created"] == counts["challenges"]["created"] == 0
    assert counts["next_steps"]["created"] == 0
    assert counts["accomplishments"]["updated"] == counts["challenges"]["updated"] == 1
    accomplishment.refresh_from_db()
    challenge.refresh_from_db()
    step.refresh_from_db()
    assert (accomplishment.title_en, challenge.title_en, step.text_en) == (deck_title, deck_challenge, deck_step)


def test_a_link_address_the_secretariat_edited_is_restored_not_added_again():
    load_cogwg_2020()
    link = AccomplishmentLink.objects.order_by("pk").first()
    deck_url = link.url
    edited(link, url="https://example.gc.ca/corrected/")
    before = AccomplishmentLink.objects.filter(accomplishment=link.accomplishment).count()

    counts = load_cogwg_2020()

    assert AccomplishmentLink.objects.filter(accomplishment=link.accomplishment).count() == before
    assert counts["accomplishment_links"]["created"] == 0
    link.refresh_from_db()
    assert link.url == deck_url


def test_a_deck_row_the_secretariat_deleted_is_loaded_again():
    load_cogwg_2020()
    challenge = Challenge.objects.get(category=ChallengeCategory.METADATA_IT)
    title = challenge.title_en
    challenge.delete()

    counts = load_cogwg_2020()

    assert counts["challenges"]["created"] == 1
    assert Challenge.objects.filter(title_en=title).count() == 1
