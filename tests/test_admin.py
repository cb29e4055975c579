"""The secretariat's admin: every page answers, search reaches both languages, business
writes go through the services, and every edit is kept, shown and revertible."""

import datetime
import itertools

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django import forms
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from django_celery_beat.models import (
    ClockedSchedule,
    CrontabSchedule,
    IntervalSchedule,
    PeriodicTask,
    SolarSchedule,
)
from django_otp.plugins.otp_totp.models import TOTPDevice
from modeltranslation.admin import TranslationAdmin
from rest_framework.authtoken.models import Token, TokenProxy
from simple_history.admin import SimpleHistoryAdmin

from cogwg.choices import LinkStatus, PublicationState, StatusReportState
from cogwg.models import EmailJob, InfoSection, LinkCheck, Meeting, NextStep, ReportingPeriod, StatusReport
from jurisdictions.models import Accomplishment, Challenge, Contributor, Jurisdiction
from stories.choices import StoryState
from stories.models import Dataset, Theme, UserStory
from tests.factories import (
    AccomplishmentFactory,
    AccomplishmentLinkFactory,
    AssignmentFactory,
    ChallengeFactory,
    ContributorFactory,
    DatasetFactory,
    JurisdictionFactory,
    MeetingFactory,
    MilestoneFactory,
    NextStepFactory,
    PriorityFactory,
    ProgressUpdateFactory,
    ReportingPeriodFactory,
    StatusReportFactory,
    ThemeFactory,
    UserFactory,
    UserStoryFactory,
    WorkPlanFactory,
)
from workplan.admin_forms import ProgressUpdatePostForm
from workplan.choices import MilestoneStatus
from workplan.models import Assignment, Milestone, Priority, ProgressUpdate, WorkPlan

_serial = itertools.count(1)


def make_info_section():
    n = next(_serial)
    return InfoSection.objects.create(slug=f"section-{n}", title_en=f"Section {n}", title_fr=f"Section {n} (fr)")


def make_link_check():
    return LinkCheck.objects.create(
        url=f"https://example.org/page/{next(_serial)}", status=LinkStatus.OK, checked_at=timezone.now()
    )


def make_email_job():
    return EmailJob.objects.create(task="cogwg.notification_tasks.send_review_email", args=["submitted", "x.y", 1])


def make_group():
    return Group.objects.create(name=f"group {next(_serial)}")


def make_api_token():
    token = Token.objects.create(user=UserFactory())
    return TokenProxy.objects.get(pk=token.pk)


def make_access_record(model, **fields):
    n = next(_serial)
    common = {"user_agent": "pytest", "ip_address": "127.0.0.1", "http_accept": "*/*", "path_info": "/en/admin/login/"}
    return model.objects.create(username=f"user{n}", **common, **fields)


def make_interval():
    return IntervalSchedule.objects.create(every=next(_serial), period=IntervalSchedule.MINUTES)


def make_periodic_task():
    n = next(_serial)
    return PeriodicTask.objects.create(name=f"task {n}", task="cogwg.tasks.example", interval=make_interval())


# One record-maker per registered model: a model registered without one fails loudly.
MAKERS = {
    get_user_model(): UserFactory,
    Group: make_group,
    TokenProxy: make_api_token,
    PeriodicTask: make_periodic_task,
    IntervalSchedule: make_interval,
    CrontabSchedule: lambda: CrontabSchedule.objects.create(minute=str(next(_serial) % 60)),
    SolarSchedule: lambda: SolarSchedule.objects.create(event="sunrise", latitude=next(_serial) % 90, longitude=0),
    ClockedSchedule: lambda: ClockedSchedule.objects.create(clocked_time=timezone.now()),
    AccessAttempt: lambda: make_access_record(AccessAttempt, get_data="", post_data="", failures_since_start=1),
    AccessLog: lambda: make_access_record(AccessLog),
    AccessFailureLog: lambda: make_access_record(AccessFailureLog),
    TOTPDevice: lambda: TOTPDevice.objects.create(user=UserFactory(), name="authenticator"),
    Meeting: MeetingFactory,
    NextStep: NextStepFactory,
    InfoSection: make_info_section,
    StatusReport: StatusReportFactory,
    ReportingPeriod: ReportingPeriodFactory,
    LinkCheck: make_link_check,
    EmailJob: make_email_job,
    Jurisdiction: JurisdictionFactory,
    Contributor: ContributorFactory,
    Accomplishment: AccomplishmentFactory,
    Challenge: ChallengeFactory,
    WorkPlan: WorkPlanFactory,
    Priority: PriorityFactory,
    Assignment: AssignmentFactory,
    Milestone: MilestoneFactory,
    ProgressUpdate: ProgressUpdateFactory,
    Theme: ThemeFactory,
    Dataset: DatasetFactory,
    UserStory: UserStoryFactory,
}

REGISTERED = sorted(admin.site._registry, key=lambda model: model._meta.label)
PROJECT_APPS = ("cogwg", "jurisdictions", "workplan", "stories")
OURS = [model for model in REGISTERED if model._meta.app_label in PROJECT_APPS]
TRACKED = [model for model in REGISTERED if hasattr(model, "history")]


def admin_url(model, view, *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def form_data(response):
    """What a browser posts for the admin form in ``response`` when nothing is touched:
    the main form, then every inline's management form and rows."""
    every_form = [response.context["adminform"].form]
    for inline in response.context.get("inline_admin_formsets", []):
        every_form += [inline.formset.management_form, *inline.formset.forms]
    data = {"_save": "Save"}
    for form in every_form:
        for field in form:
            value = field.value()
            if isinstance(field.field, forms.BooleanField):
                if value:
                    data[field.html_name] = "on"
            elif isinstance(value, list | tuple):
                data[field.html_name] = [str(item) for item in value]
            elif value is not None:
                data[field.html_name] = str(value)
    return data


def post_inline(response):
    """The formset of the milestone form's "post a progress update" inline."""
    (formset,) = [
        inline.formset
        for inline in response.context["inline_admin_formsets"]
        if issubclass(inline.formset.form, ProgressUpdatePostForm)
    ]
    return formset


def action_messages(response):
    return [str(message) for message in response.context["messages"]]


def test_every_registered_model_has_a_record_maker():
    assert set(REGISTERED) == set(MAKERS)


def test_every_domain_model_keeps_history_in_the_admin():
    assert [model._meta.label for model in TRACKED] == [
        "cogwg.InfoSection",
        "cogwg.Meeting",
        "cogwg.NextStep",
        "cogwg.ReportingPeriod",
        "cogwg.StatusReport",
        "jurisdictions.Accomplishment",
        "jurisdictions.Challenge",
        "jurisdictions.Contributor",
        "jurisdictions.Jurisdiction",
        "stories.Dataset",
        "stories.Theme",
        "stories.UserStory",
        "workplan.Assignment",
        "workplan.Milestone",
        "workplan.Priority",
        "workplan.ProgressUpdate",
        "workplan.WorkPlan",
    ]


@pytest.mark.parametrize("model", REGISTERED, ids=lambda model: model._meta.label)
def test_changelist_answers(staff_client, model):
    MAKERS[model]()

    response = staff_client.get(admin_url(model, "changelist"))

    assert response.status_code == 200
    assert response.context["cl"].result_count >= 1


@pytest.mark.parametrize("model", REGISTERED, ids=lambda model: model._meta.label)
def test_add_page_answers(staff_client, model):
    response = staff_client.get(admin_url(model, "add"))

    # The link checker's, the login guard's and the e-mail jobs' records are written by them only.
    written_by_them = (LinkCheck, EmailJob, AccessAttempt, AccessLog, AccessFailureLog)
    assert response.status_code == (403 if model in written_by_them else 200)


@pytest.mark.parametrize("model", REGISTERED, ids=lambda model: model._meta.label)
def test_change_page_answers(staff_client, model):
    record = MAKERS[model]()

    response = staff_client.get(admin_url(model, "change", record.pk))

    assert response.status_code == 200


@pytest.mark.parametrize("model", OURS, ids=lambda model: model._meta.label)
def test_changelist_runs_the_same_queries_whatever_the_number_of_rows(staff_client, model):
    MAKERS[model]()
    url = admin_url(model, "changelist")
    staff_client.get(url)  # warm the session and content-type caches
    with CaptureQueriesContext(connection) as one_row:
        staff_client.get(url)
    MAKERS[model]()
    MAKERS[model]()

    with CaptureQueriesContext(connection) as three_rows:
        response = staff_client.get(url)

    assert response.context["cl"].result_count >= 3
    assert len(three_rows) == len(one_row)


@pytest.mark.parametrize("model", TRACKED, ids=lambda model: model._meta.label)
def test_history_page_answers_with_history_and_translation_combined(staff_client, model):
    model_admin = admin.site._registry[model]
    record = MAKERS[model]()

    response = staff_client.get(admin_url(model, "history", record.pk))

    assert isinstance(model_admin, SimpleHistoryAdmin)
    assert isinstance(model_admin, TranslationAdmin)
    assert response.status_code == 200
    assert list(response.context["page_obj"]) == list(record.history.all())


@pytest.mark.parametrize(
    ("factory", "field"),
    [
        (AccomplishmentFactory, "title_fr"),
        (ChallengeFactory, "title_fr"),
        (UserStoryFactory, "title_fr"),
        (PriorityFactory, "title_fr"),
        (MilestoneFactory, "description_fr"),
        (MeetingFactory, "title_fr"),
        (JurisdictionFactory, "name_fr"),
    ],
)
def test_search_finds_a_french_text(staff_client, factory, field):
    wanted = factory(**{field: "Portail des données ouvertes de la Saskatchewan"})
    factory()

    response = staff_client.get(admin_url(factory._meta.model, "changelist"), {"q": "Saskatchewan"})

    assert list(response.context["cl"].result_list) == [wanted]


def test_search_finds_an_english_title(staff_client):
    wanted = AccomplishmentFactory(title_en="Open data portal launched")
    AccomplishmentFactory()

    response = staff_client.get(admin_url(Accomplishment, "changelist"), {"q": "portal launched"})

    assert list(response.context["cl"].result_list) == [wanted]


def test_site_header_names_the_tracker(staff_client):
    response = staff_client.get(reverse("admin:index"))

    assert response.status_code == 200
    assert response.context["site_header"] == "COGWG Work-Plan Tracker"


@pytest.mark.django_db
def test_a_non_staff_user_is_sent_to_the_login_page(client):
    client.force_login(UserFactory(is_staff=False))
    url = admin_url(Accomplishment, "changelist")

    response = client.get(url)

    assert response.status_code == 302
    assert response["Location"] == f"{reverse('admin:login')}?next={url}"


@pytest.mark.django_db
def test_an_anonymous_visitor_is_sent_to_the_login_page(client):
    url = admin_url(Milestone, "changelist")

    response = client.get(url)

    assert response.status_code == 302
    assert response["Location"] == f"{reverse('admin:login')}?next={url}"


# Milestones and progress updates: writes through workplan.services


def test_milestone_status_and_progress_are_read_only(staff_client):
    milestone = MilestoneFactory()

    response = staff_client.get(admin_url(Milestone, "change", milestone.pk))

    form_fields = set(response.context["adminform"].form.fields)
    assert {"status", "progress", "completed_on"} & form_fields == set()
    assert {"description_en", "description_fr", "due_date"} <= form_fields


def test_posting_an_update_in_the_milestone_form_moves_the_milestone(staff, staff_client):
    milestone = MilestoneFactory()
    earlier = ProgressUpdateFactory(milestone=milestone, reported_on=datetime.date(2020, 3, 1), progress=20)
    url = admin_url(Milestone, "change", milestone.pk)
    page = staff_client.get(url)
    prefix = post_inline(page).prefix
    data = form_data(page) | {
        f"{prefix}-0-reported_on": "2020-04-01",
        f"{prefix}-0-status": MilestoneStatus.AT_RISK,
        f"{prefix}-0-progress": "40",
        f"{prefix}-0-note_en": "Translation delayed",
        f"{prefix}-0-note_fr": "Retard de la traduction",
    }

    response = staff_client.post(url, data)

    assert response.status_code == 302
    milestone.refresh_from_db()
    assert (milestone.status, milestone.progress) == (MilestoneStatus.AT_RISK, 40)
    posted = ProgressUpdate.objects.exclude(pk=earlier.pk).get()
    assert (posted.reported_on, posted.status, posted.progress, posted.note_fr) == (
        datetime.date(2020, 4, 1),
        MilestoneStatus.AT_RISK,
        40,
        "Retard de la traduction",
    )
    assert (posted.author, posted.publication_state) == (staff, PublicationState.PUBLISHED)
    assert posted.history.get().history_user == staff
    assert ProgressUpdate.objects.count() == 2


def test_an_untouched_update_row_posts_nothing(staff_client):
    milestone = MilestoneFactory()
    url = admin_url(Milestone, "change", milestone.pk)
    data = form_data(staff_client.get(url)) | {"description_fr": "Jalon renommé"}

    response = staff_client.post(url, data)

    assert response.status_code == 302
    milestone.refresh_from_db()
    assert milestone.description_fr == "Jalon renommé"
    assert ProgressUpdate.objects.count() == 0


def test_a_draft_update_posted_in_the_milestone_form_does_not_move_it(staff_client):
    milestone = MilestoneFactory()
    url = admin_url(Milestone, "change", milestone.pk)
    page = staff_client.get(url)
    prefix = post_inline(page).prefix
    # Dated within the milestone's 2020 plan (the form offers today).
    data = form_data(page) | {
        f"{prefix}-0-status": MilestoneStatus.ON_TRACK,
        f"{prefix}-0-progress": "30",
        f"{prefix}-0-reported_on": "2020-06-01",
    }
    del data[f"{prefix}-0-publish"]

    response = staff_client.post(url, data)

    assert response.status_code == 302
    milestone.refresh_from_db()
    assert (milestone.status, milestone.progress) == (MilestoneStatus.NOT_STARTED, 0)
    assert ProgressUpdate.objects.get().publication_state == PublicationState.DRAFT


@pytest.mark.parametrize(
    ("changes", "errors"),
    [
        ({"progress": "150"}, {"progress": ["Progress must be a whole number between 0 and 100."]}),
        (
            {"status": MilestoneStatus.COMPLETED, "progress": "90"},
            {"progress": ["A completed milestone is 100% done."]},
        ),
        (
            {"reported_on": "2999-01-01", "progress": "10"},
            {"reported_on": ["An update cannot be dated in the future."]},
        ),
    ],
)
def test_a_bad_update_in_the_milestone_form_saves_nothing(staff_client, changes, errors):
    milestone = MilestoneFactory(description_fr="Jalon")
    url = admin_url(Milestone, "change", milestone.pk)
    page = staff_client.get(url)
    prefix = post_inline(page).prefix
    # Dated within the milestone's 2020 plan (the form offers today), unless the case says otherwise.
    data = form_data(page) | {
        "description_fr": "Jalon renommé",
        f"{prefix}-0-status": MilestoneStatus.ON_TRACK,
        f"{prefix}-0-reported_on": "2020-06-01",
    }
    data |= {f"{prefix}-0-{name}": value for name, value in changes.items()}
    history_before = milestone.history.count()

    response = staff_client.post(url, data)

    assert response.status_code == 200
    assert post_inline(response).errors == [errors]
    milestone.refresh_from_db()
    assert (milestone.status, milestone.progress, milestone.description_fr) == (MilestoneStatus.NOT_STARTED, 0, "Jalon")
    assert milestone.history.count() == history_before
    assert ProgressUpdate.objects.count() == 0


def test_adding_an_update_on_its_own_page_goes_through_the_service(staff, staff_client):
    milestone = MilestoneFactory()
    data = {
        "milestone": str(milestone.pk),
        "reported_on": "2020-05-01",
        "status": MilestoneStatus.ON_TRACK,
        "progress": "60",
        "note_en": "Halfway there",
        "note_fr": "À mi-chemin",
        "publish": "on",
        "_save": "Save",
    }

    response = staff_client.post(admin_url(ProgressUpdate, "add"), data)

    assert response.status_code == 302
    update = ProgressUpdate.objects.get()
    assert (update.author, update.progress, update.publication_state) == (staff, 60, PublicationState.PUBLISHED)
    milestone.refresh_from_db()
    assert (milestone.status, milestone.progress) == (MilestoneStatus.ON_TRACK, 60)


def test_a_bad_update_on_its_own_page_saves_nothing(staff_client):
    milestone = MilestoneFactory()
    data = {
        "milestone": str(milestone.pk),
        "reported_on": "2020-05-01",
        "status": MilestoneStatus.ON_TRACK,
        "progress": "150",
        "_save": "Save",
    }

    response = staff_client.post(admin_url(ProgressUpdate, "add"), data)

    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {
        "progress": ["Progress must be a whole number between 0 and 100."]
    }
    assert ProgressUpdate.objects.count() == 0


def test_publishing_an_update_from_its_change_form_moves_the_milestone(staff, staff_client):
    update = ProgressUpdateFactory(publication_state=PublicationState.DRAFT, status=MilestoneStatus.ON_TRACK)
    url = admin_url(ProgressUpdate, "change", update.pk)
    data = form_data(staff_client.get(url)) | {"publication_state": PublicationState.PUBLISHED}

    response = staff_client.post(url, data)

    assert response.status_code == 302
    update.refresh_from_db()
    assert update.publication_state == PublicationState.PUBLISHED
    assert update.published_at is not None
    update.milestone.refresh_from_db()
    assert (update.milestone.status, update.milestone.progress) == (MilestoneStatus.ON_TRACK, 50)
    assert update.history.first().history_user == staff


def test_withdrawing_an_update_from_its_change_form_moves_the_milestone_back(staff_client):
    milestone = MilestoneFactory()
    update = ProgressUpdateFactory(milestone=milestone, publication_state=PublicationState.DRAFT)
    staff_client.post(
        admin_url(ProgressUpdate, "changelist"), {"action": "publish_selected", "_selected_action": [update.pk]}
    )
    url = admin_url(ProgressUpdate, "change", update.pk)
    # (Returned is for a submitted record, with a comment: tests/permissions/test_revert_rules.py.)
    data = form_data(staff_client.get(url)) | {"publication_state": PublicationState.DRAFT}

    response = staff_client.post(url, data)

    assert response.status_code == 302
    update.refresh_from_db()
    assert (update.publication_state, update.published_at) == (PublicationState.DRAFT, None)
    milestone.refresh_from_db()
    assert (milestone.status, milestone.progress) == (MilestoneStatus.NOT_STARTED, 0)


def test_an_update_keeps_its_logged_values(staff_client):
    update = ProgressUpdateFactory()

    response = staff_client.get(admin_url(ProgressUpdate, "change", update.pk))

    form_fields = set(response.context["adminform"].form.fields)
    assert {"milestone", "reported_on", "status", "progress", "author"} & form_fields == set()
    assert {"note_en", "note_fr", "jurisdiction", "publication_state"} <= form_fields
    assert response.context["has_delete_permission"] is False


def test_progress_update_actions_move_the_milestone(staff, staff_client):
    milestone = MilestoneFactory()
    update = ProgressUpdateFactory(milestone=milestone, publication_state=PublicationState.DRAFT, progress=70)
    url = admin_url(ProgressUpdate, "changelist")

    published = staff_client.post(url, {"action": "publish_selected", "_selected_action": [update.pk]}, follow=True)

    milestone.refresh_from_db()
    assert (milestone.status, milestone.progress) == (MilestoneStatus.ON_TRACK, 70)
    assert action_messages(published) == ["1 progress update was published."]
    assert list(ProgressUpdate.objects.published()) == [update]

    unpublished = staff_client.post(url, {"action": "unpublish_selected", "_selected_action": [update.pk]}, follow=True)

    milestone.refresh_from_db()
    assert (milestone.status, milestone.progress) == (MilestoneStatus.NOT_STARTED, 0)
    assert action_messages(unpublished) == ["1 progress update was unpublished."]
    assert list(ProgressUpdate.objects.published()) == []
    assert milestone.history.first().history_user == staff


# Publication of accomplishments and challenges: cogwg.services


@pytest.mark.parametrize(
    ("factory", "plural"), [(AccomplishmentFactory, "accomplishments"), (ChallengeFactory, "challenges")]
)
def test_publish_action_publishes_drafts_and_unpublish_reverts_them(staff, staff_client, factory, plural):
    model = factory._meta.model
    drafts = factory.create_batch(2, publication_state=PublicationState.DRAFT)
    already = factory(publication_state=PublicationState.PUBLISHED)
    selected = [record.pk for record in (*drafts, already)]
    url = admin_url(model, "changelist")

    published = staff_client.post(url, {"action": "publish_selected", "_selected_action": selected}, follow=True)

    assert action_messages(published) == [
        f"2 {plural} were published.",
        "1 selected record was not in a state for this and was left as it was.",
    ]
    assert set(model.objects.published()) == {*drafts, already}
    assert drafts[0].history.first().history_user == staff

    unpublished = staff_client.post(
        url, {"action": "unpublish_selected", "_selected_action": [record.pk for record in drafts]}, follow=True
    )

    assert action_messages(unpublished) == [f"2 {plural} were unpublished."]
    assert list(model.objects.published()) == [already]
    assert {record.published_at for record in model.objects.filter(pk__in=selected[:2])} == {None}


def test_publish_action_works_on_a_filtered_changelist(staff_client):
    jurisdiction = JurisdictionFactory()
    draft = ChallengeFactory(publication_state=PublicationState.DRAFT)
    draft.jurisdictions.add(jurisdiction)
    url = f"{admin_url(Challenge, 'changelist')}?jurisdictions__id__exact={jurisdiction.pk}"

    response = staff_client.post(url, {"action": "publish_selected", "_selected_action": [draft.pk]}, follow=True)

    assert action_messages(response) == ["1 challenge was published."]
    assert list(Challenge.objects.published()) == [draft]


def test_publishing_from_the_change_form_goes_through_the_service(staff_client):
    accomplishment = AccomplishmentFactory(publication_state=PublicationState.DRAFT)
    url = admin_url(Accomplishment, "change", accomplishment.pk)
    data = form_data(staff_client.get(url)) | {"publication_state": PublicationState.PUBLISHED}

    response = staff_client.post(url, data)

    assert response.status_code == 302
    accomplishment.refresh_from_db()
    assert accomplishment.publication_state == PublicationState.PUBLISHED
    assert accomplishment.published_at is not None


def test_a_new_record_published_from_the_add_form_gets_its_date(staff_client):
    jurisdiction = JurisdictionFactory()
    data = {
        "jurisdiction": str(jurisdiction.pk),
        "title_en": "Portal launched",
        "title_fr": "Portail lancé",
        "category": "portal",
        "publication_state": PublicationState.PUBLISHED,
        "links-TOTAL_FORMS": "0",
        "links-INITIAL_FORMS": "0",
        "_save": "Save",
    }

    response = staff_client.post(admin_url(Accomplishment, "add"), data)

    assert response.status_code == 302
    accomplishment = Accomplishment.objects.get()
    assert accomplishment.publication_state == PublicationState.PUBLISHED
    assert accomplishment.published_at is not None


# User stories: moderation and the submitter's privacy


def test_story_publish_action_publishes_reviewable_stories_only(staff, staff_client):
    reviewable = [
        UserStoryFactory(state=state, published_on=None)
        for state in (StoryState.SUBMITTED, StoryState.IN_REVIEW, StoryState.APPROVED)
    ]
    published = UserStoryFactory(state=StoryState.PUBLISHED, published_on=datetime.date(2020, 6, 15))
    rejected = UserStoryFactory(state=StoryState.REJECTED, published_on=None, rejection_reason="Not about open data.")
    selected = [story.pk for story in (*reviewable, published, rejected)]

    response = staff_client.post(
        admin_url(UserStory, "changelist"), {"action": "publish_selected", "_selected_action": selected}, follow=True
    )

    assert action_messages(response) == [
        "3 user stories were published.",
        "2 stories were already published or rejected and were left as they were.",
    ]
    today = timezone.localdate()
    for story in reviewable:
        story.refresh_from_db()
        assert (story.state, story.published_on) == (StoryState.PUBLISHED, today)
        assert story.history.first().history_user == staff
    published.refresh_from_db()
    rejected.refresh_from_db()
    assert published.published_on == datetime.date(2020, 6, 15)
    assert rejected.state == StoryState.REJECTED
    assert set(UserStory.objects.published()) == {*reviewable, published}


def test_story_reject_action_leaves_published_stories_alone(staff_client):
    submitted = UserStoryFactory(state=StoryState.SUBMITTED, published_on=None)
    published = UserStoryFactory(state=StoryState.PUBLISHED)

    response = staff_client.post(
        admin_url(UserStory, "changelist"),
        {
            "action": "reject_selected",
            "_selected_action": [submitted.pk, published.pk],
            "apply": "yes",
            "rejection_reason": "Not about open data.",
        },
        follow=True,
    )

    assert action_messages(response) == [
        "1 user story was rejected.",
        "1 story was already published or rejected and was left as it was.",
    ]
    submitted.refresh_from_db()
    published.refresh_from_db()
    assert (submitted.state, published.state) == (StoryState.REJECTED, StoryState.PUBLISHED)


def test_a_submitter_is_shown_in_the_change_form_only(staff_client):
    story = UserStoryFactory(submitter_name="Ada Lovelace", submitter_email="ada@example.org")
    change_url = admin_url(UserStory, "change", story.pk)
    data = form_data(staff_client.get(change_url)) | {"submitter_email": "ada.lovelace@example.org"}
    assert staff_client.post(change_url, data).status_code == 302

    changelist = staff_client.get(admin_url(UserStory, "changelist"))
    searched = staff_client.get(admin_url(UserStory, "changelist"), {"q": "Lovelace"})
    history = staff_client.get(admin_url(UserStory, "history", story.pk))
    change_form = staff_client.get(change_url)

    for page in (changelist, history):
        assert page.status_code == 200
        assert b"Lovelace" not in page.content
    # The secretariat finds a person's stories by their name (tests/stories/test_submitter_privacy.py).
    assert list(searched.context["cl"].result_list) == [story]
    assert history.context["page_obj"][0].history_delta_changes == []
    assert b"ada.lovelace@example.org" in change_form.content
    assert b"Ada Lovelace" in change_form.content


# Status reports: frozen ones are read-only


def test_a_frozen_report_is_read_only(staff_client):
    report = StatusReportFactory(
        state=StatusReportState.FINAL, content={"priorities": []}, frozen_at=timezone.now(), title_fr="Rapport"
    )
    url = admin_url(StatusReport, "change", report.pk)

    page = staff_client.get(url)
    response = staff_client.post(url, form_data(page) | {"title_fr": "Rapport modifié"})

    assert page.context["has_change_permission"] is False
    assert page.context["has_delete_permission"] is False
    assert response.status_code == 403
    report.refresh_from_db()
    assert report.title_fr == "Rapport"


def test_a_draft_report_is_editable_but_not_its_state(staff_client):
    report = StatusReportFactory()
    url = admin_url(StatusReport, "change", report.pk)
    page = staff_client.get(url)

    response = staff_client.post(url, form_data(page) | {"title_fr": "Rapport modifié", "state": "final"})

    assert "state" not in page.context["adminform"].form.fields
    assert response.status_code == 302
    report.refresh_from_db()
    assert (report.title_fr, report.state) == ("Rapport modifié", StatusReportState.DRAFT)


def test_a_frozen_report_cannot_be_reverted_to_a_draft_version(staff_client):
    report = StatusReportFactory(title_fr="Brouillon")
    draft_version = report.history.get()
    StatusReport.objects.filter(pk=report.pk).update(
        state=StatusReportState.FINAL, content={"priorities": []}, frozen_at=timezone.now()
    )
    url = admin_url(StatusReport, "simple_history", report.pk, draft_version.history_id)

    page = staff_client.get(url)
    response = staff_client.post(url, form_data(page) | {"title_fr": "Autre"})

    assert page.context["revert_disabled"] is True
    assert response.status_code == 403
    report.refresh_from_db()
    assert (report.state, report.title_fr) == (StatusReportState.FINAL, "Brouillon")


# History: who changed what, shown and revertible


def test_an_edit_is_kept_shown_and_revertible(staff, staff_client):
    accomplishment = AccomplishmentFactory(title_fr="Portail lancé")
    change_url = admin_url(Accomplishment, "change", accomplishment.pk)
    data = form_data(staff_client.get(change_url)) | {"title_fr": "Portail ouvert"}

    edited = staff_client.post(change_url, data)

    assert edited.status_code == 302
    edit, creation = accomplishment.history.all()
    assert (edit.history_type, edit.history_user, edit.title_fr) == ("~", staff, "Portail ouvert")
    assert (creation.history_type, creation.title_fr) == ("+", "Portail lancé")

    history = staff_client.get(admin_url(Accomplishment, "history", accomplishment.pk))

    assert history.status_code == 200
    assert list(history.context["page_obj"]) == [edit, creation]
    assert history.context["page_obj"][0].history_delta_changes == [
        {"field": "Title [fr]", "old": "Portail lancé", "new": "Portail ouvert"}
    ]
    user_link = f'<a href="{admin_url(get_user_model(), "change", staff.pk)}">secretariat</a>'
    assert user_link in history.content.decode()

    revert_url = admin_url(Accomplishment, "simple_history", accomplishment.pk, creation.history_id)
    reverted = staff_client.post(revert_url, form_data(staff_client.get(revert_url)))

    assert reverted.status_code == 302
    accomplishment.refresh_from_db()
    assert accomplishment.title_fr == "Portail lancé"
    latest = accomplishment.history.first()
    assert (latest.history_user, latest.title_fr) == (staff, "Portail lancé")
    assert accomplishment.history.count() == 3


def test_an_accomplishments_link_edits_are_on_its_history_page(staff, staff_client):
    """Links are edited only in the accomplishment's table: who added, changed or removed
    one, and what changed, is on the accomplishment's History page (and the audit page
    leads there)."""
    accomplishment = AccomplishmentFactory()
    kept = AccomplishmentLinkFactory(accomplishment=accomplishment, url="https://example.ca/kept")
    gone = AccomplishmentLinkFactory(accomplishment=accomplishment, url="https://example.ca/gone")
    other = AccomplishmentLinkFactory(url="https://example.ca/another-accomplishment")
    url = admin_url(Accomplishment, "change", accomplishment.pk)
    data = form_data(staff_client.get(url))
    rows = {data[f"links-{n}-id"]: n for n in range(2)}
    data[f"links-{rows[str(kept.pk)]}-url"] = "https://example.ca/moved"
    data[f"links-{rows[str(gone.pk)]}-DELETE"] = "on"

    assert staff_client.post(url, data).status_code == 302
    history = staff_client.get(admin_url(Accomplishment, "history", accomplishment.pk))

    (related,) = history.context["related_histories"]
    changes = [(change.kind, change.label, change.user, change.values) for change in related["changes"]]
    assert sorted(changes[:2], key=lambda change: change[0]) == [
        ("-", "https://example.ca/gone", staff, []),
        ("~", "https://example.ca/moved", staff, [("URL", "https://example.ca/kept", "https://example.ca/moved")]),
    ]
    assert sorted(changes[2:]) == [
        ("+", "https://example.ca/gone", None, []),
        ("+", "https://example.ca/kept", None, []),
    ]
    assert other.url not in history.content.decode()
    page = history.content.decode()
    assert "Changes to its links" in page
    assert "URL: https://example.ca/kept → https://example.ca/moved" in page

    with translation.override("fr"):
        french = staff_client.get(admin_url(Accomplishment, "history", accomplishment.pk)).content.decode()
    assert "Modifications de ses liens" in french
    assert "URL\u00a0: https://example.ca/kept → https://example.ca/moved" in french
    audit_page = staff_client.get(reverse("admin:audit"))
    history_url = admin_url(Accomplishment, "history", accomplishment.pk)
    assert [row["history_url"] for row in audit_page.context["rows"][:2]] == [history_url, history_url]


def test_a_change_of_jurisdictions_is_shown_on_the_history_page(staff_client):
    challenge = ChallengeFactory()
    jurisdiction = JurisdictionFactory(name_en="Nova Scotia")
    url = admin_url(Challenge, "change", challenge.pk)
    data = form_data(staff_client.get(url)) | {"jurisdictions": [str(jurisdiction.pk)]}
    assert staff_client.post(url, data).status_code == 302

    history = staff_client.get(admin_url(Challenge, "history", challenge.pk))

    assert history.status_code == 200
    assert history.context["page_obj"][0].history_delta_changes == [
        {"field": "Jurisdictions", "old": "—", "new": "Nova Scotia"}
    ]


@pytest.mark.parametrize(
    ("model", "factory", "fields"),
    [
        (Challenge, ChallengeFactory, {"jurisdictions": JurisdictionFactory}),
        (UserStory, UserStoryFactory, {"themes": ThemeFactory, "datasets": DatasetFactory}),
    ],
    ids=["challenge", "story"],
)
def test_reverting_brings_back_the_versions_related_records(staff_client, model, factory, fields):
    """A version's own row holds no many-to-many values: the revert form shows, and
    saves, those the record had then (a challenge's jurisdictions, a story's themes and
    datasets), not today's."""
    record = factory(title_en="Before")
    before = {name: make() for name, make in fields.items()}
    for name, related in before.items():
        getattr(record, name).set([related])
    url = admin_url(model, "change", record.pk)
    version = record.history.first()
    data = form_data(staff_client.get(url)) | {"title_en": "After"}
    data |= {name: [str(before[name].pk), str(make().pk)] for name, make in fields.items()}
    assert staff_client.post(url, data).status_code == 302
    revert_url = admin_url(model, "simple_history", record.pk, version.history_id)

    page = staff_client.get(revert_url)
    reverted = staff_client.post(revert_url, form_data(page))

    form = page.context["adminform"].form
    assert {name: list(form[name].value()) for name in fields} == {name: [before[name].pk] for name in fields}
    assert reverted.status_code == 302
    record.refresh_from_db()
    assert record.title_en == "Before"
    assert {name: list(getattr(record, name).all()) for name in fields} == {name: [before[name]] for name in fields}


def test_reverting_a_milestone_leaves_its_status_to_the_updates(staff_client):
    milestone = MilestoneFactory(description_fr="Avant")
    first_version = milestone.history.get()
    url = admin_url(Milestone, "change", milestone.pk)
    page = staff_client.get(url)
    prefix = post_inline(page).prefix
    data = form_data(page) | {
        "description_fr": "Après",
        f"{prefix}-0-reported_on": "2020-04-01",
        f"{prefix}-0-status": MilestoneStatus.ON_TRACK,
        f"{prefix}-0-progress": "45",
    }
    assert staff_client.post(url, data).status_code == 302
    revert_url = admin_url(Milestone, "simple_history", milestone.pk, first_version.history_id)

    reverted = staff_client.post(revert_url, form_data(staff_client.get(revert_url)))

    assert reverted.status_code == 302
    milestone.refresh_from_db()
    assert (milestone.description_fr, milestone.status, milestone.progress) == (
        "Avant",
        MilestoneStatus.ON_TRACK,
        45,
    )


@pytest.mark.django_db
def test_a_user_who_may_only_view_cannot_revert(client):
    viewer = UserFactory(is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_accomplishment"))
    accomplishment = AccomplishmentFactory(title_fr="Portail lancé")
    version = accomplishment.history.get()
    client.force_login(viewer)
    url = admin_url(Accomplishment, "simple_history", accomplishment.pk, version.history_id)

    page = client.get(url)
    response = client.post(url, {"title_en": "Changed", "title_fr": "Changé", "_save": "Save"})

    assert page.status_code == 200
    assert page.context["revert_disabled"] is True
    assert response.status_code == 403
    accomplishment.refresh_from_db()
    assert accomplishment.title_fr == "Portail lancé"


def test_a_duplicate_link_is_named_by_its_label_in_the_pages_language(staff_client):
    accomplishment = AccomplishmentFactory()
    url = admin_url(Accomplishment, "change", accomplishment.pk)
    data = form_data(staff_client.get(url)) | {
        "links-TOTAL_FORMS": "2",
        "links-0-url": "https://example.ca/same",
        "links-0-order": "0",
        "links-1-url": "https://example.ca/same",
        "links-1-order": "1",
    }

    with translation.override("fr"):
        french = staff_client.post(admin_url(Accomplishment, "change", accomplishment.pk), data)

    assert french.status_code == 200
    assert "Corrigez les données en double dans URL." in french.content.decode()
    assert not accomplishment.links.exists()


def test_an_accomplishment_and_a_story_offer_priorities_and_milestones_by_plan(staff_client):
    plan = WorkPlanFactory(slug="2021")
    priority = PriorityFactory(work_plan=plan, number=3, title_en="Publish with a purpose")
    milestone = MilestoneFactory(priority=priority, description_en="Guide", due_date=datetime.date(2021, 6, 30))

    accomplishment = staff_client.get(admin_url(Accomplishment, "add"))
    story = staff_client.get(admin_url(UserStory, "add"))

    priorities = dict(accomplishment.context["adminform"].form.fields["priority"].choices)
    releases = dict(story.context["adminform"].form.fields["release"].choices)
    assert "2021 · 3. Publish with a purpose" in [str(label) for label in priorities.values()]
    assert f"Priority 3 · {milestone.due_label}: Guide" in [str(label) for label in releases.values()]


def test_the_search_box_of_a_priority_or_milestone_names_them_as_the_lists_do(staff_client):
    plan = WorkPlanFactory(slug="2021")
    priority = PriorityFactory(work_plan=plan, number=3, title_en="Publish with a purpose")
    milestone = MilestoneFactory(priority=priority, description_en="Guide", due_date=datetime.date(2021, 6, 30))

    def found(app_label, model_name, field_name, term):
        response = staff_client.get(
            reverse("admin:autocomplete"),
            {"app_label": app_label, "model_name": model_name, "field_name": field_name, "term": term},
        )
        assert response.status_code == 200
        return [result["text"] for result in response.json()["results"]]

    assert found("jurisdictions", "accomplishment", "priority", "Publish") == ["2021 · 3. Publish with a purpose"]
    assert found("workplan", "progressupdate", "milestone", "Guide") == [f"Priority 3 · {milestone.due_label}: Guide"]
