"""Rules of a reporting period found wanting in review: no period on a draft plan; a
re-uploaded sheet replaces only the uploader's own pending updates, and says so; reminders
stop being "due" once the deadline has passed, and link to the period's page; closing
sends one summary per submitter."""

import datetime

import pytest
from django.contrib.auth.models import Group
from django.contrib.messages import get_messages
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone, translation

from cogwg import cycles
from cogwg.choices import PublicationState
from cogwg.models import PeriodReminder
from cogwg.permissions import CONTRIBUTOR, roles_sync
from cogwg.services import record_return, record_submit
from tests.cycles.conftest import AFTER_DEADLINE, DEADLINE, JUNE_30, submitted_row
from tests.cycles.test_sheets import download, fill, upload
from tests.factories import ContributorFactory, MilestoneFactory, PriorityFactory, UserFactory, WorkPlanFactory
from workplan.choices import MilestoneStatus, WorkPlanStatus
from workplan.models import ProgressUpdate
from workplan.services import milestone_post_update

pytestmark = pytest.mark.django_db

WEEK = datetime.timedelta(days=7)
BEFORE_DEADLINE = timezone.make_aware(datetime.datetime(2020, 7, 6, 9))
AFTER = timezone.make_aware(datetime.datetime(2020, 7, 20, 9))


def contributor(username, jurisdiction, **names):
    roles_sync()
    user = UserFactory(username=username, is_staff=True, **names)
    user.groups.add(Group.objects.get(name=CONTRIBUTOR))
    ContributorFactory(user=user, jurisdiction=jurisdiction)
    return user


def submit(cycle, jurisdiction, by, *milestones, progress=40):
    return cycles.period_submit_updates(
        period=cycle.period,
        jurisdiction=jurisdiction,
        rows=[submitted_row(milestone, progress=progress) for milestone in milestones],
        by=by,
    )


# A draft plan


def test_a_period_cannot_be_opened_on_a_draft_plan(cycle):
    draft = WorkPlanFactory(slug="2021", status=WorkPlanStatus.DRAFT)
    MilestoneFactory(priority=PriorityFactory(work_plan=draft, number=1), due_date=datetime.date(2021, 3, 31))

    with pytest.raises(ValidationError, match="This work plan is a draft: publish it before calling for updates"):
        cycles.period_open_validate(work_plan=draft, period_end=datetime.date(2021, 3, 31))

    assert not draft.reporting_periods.exists()


def test_the_admin_refuses_a_period_on_a_draft_plan_with_a_form_error(cycle, staff_client):
    draft = WorkPlanFactory(slug="2021", status=WorkPlanStatus.DRAFT)
    MilestoneFactory(priority=PriorityFactory(work_plan=draft, number=1), due_date=datetime.date(2021, 3, 31))

    response = staff_client.post(
        reverse("admin:cogwg_reportingperiod_add"),
        {
            "work_plan": draft.pk,
            "title_en": "March 2021",
            "title_fr": "Mars 2021",
            "period_end": "2021-03-31",
            "deadline": "2021-04-15",
        },
    )

    assert response.status_code == 200
    assert "This work plan is a draft" in str(response.context["adminform"].form.non_field_errors())
    assert not draft.reporting_periods.exists()


def test_a_contributor_cannot_post_on_the_milestones_of_a_plan_back_in_draft(cycle):
    alice = contributor("alice", cycle.bc)
    cycle.plan.status = WorkPlanStatus.DRAFT
    cycle.plan.save(update_fields=["status"])

    with pytest.raises(ValidationError, match="Only this period's milestones"):
        submit(cycle, cycle.bc, alice, cycle.march)

    assert not cycle.march.updates.exists()
    assert cycles.period_remind(period=cycle.period, now=BEFORE_DEADLINE) == 0
    assert mail.outbox == []


# Re-uploading


def test_a_colleagues_submitted_update_is_not_replaced_silently(cycle):
    alice, bob = contributor("alice", cycle.bc), contributor("bob", cycle.bc, first_name="Bob", last_name="Lee")
    (bobs,) = submit(cycle, cycle.bc, bob, cycle.march, progress=70).updates

    with pytest.raises(ValidationError) as error:
        cycles.period_submit_updates(
            period=cycle.period,
            jurisdiction=cycle.bc,
            rows=[submitted_row(cycle.june), cycles_row(cycle.march, 3)],
            by=alice,
        )

    assert error.value.messages == [
        "Row 3 (March 2020: Inventory): Bob Lee has already submitted an update for review. "
        "Leave this row empty, or ask the secretariat to return that update first."
    ]
    assert list(cycle.march.updates.values_list("pk", "progress", "publication_state")) == [
        (bobs.pk, 70, PublicationState.SUBMITTED)
    ]
    assert not cycle.june.updates.exists()


def cycles_row(milestone, row):
    from cogwg.cycle_sheets import SheetRow

    return SheetRow(row, milestone, MilestoneStatus.ON_TRACK, 50, "", "")


def test_the_uploaders_own_pending_updates_are_replaced_and_a_colleagues_draft_is_kept(cycle):
    alice, bob = contributor("alice", cycle.bc), contributor("bob", cycle.bc)
    (submitted,) = submit(cycle, cycle.bc, alice, cycle.march).updates
    (returned,) = submit(cycle, cycle.bc, alice, cycle.june).updates
    record_return(record=returned, comment="Which release?", by=cycle.secretariat)
    bobs_draft = milestone_post_update(
        milestone=cycle.june,
        reported_on=JUNE_30,
        status="on_track",
        progress=5,
        jurisdiction=cycle.bc,
        by=bob,
        publish=False,
    )

    submission = submit(cycle, cycle.bc, alice, cycle.march, cycle.june, progress=90)

    assert [(update.milestone, update.review_comment) for update in submission.replaced] == [
        (cycle.march, ""),
        (cycle.june, "Which release?"),
    ]
    assert not ProgressUpdate.objects.filter(pk__in=[submitted.pk, returned.pk]).exists()
    assert set(
        ProgressUpdate.objects.filter(jurisdiction=cycle.bc).values_list(
            "author__username", "progress", "publication_state"
        )
    ) == {
        ("alice", 90, PublicationState.SUBMITTED),
        ("bob", 5, PublicationState.DRAFT),
    }
    assert ProgressUpdate.objects.filter(pk=bobs_draft.pk).exists()


def test_the_dashboard_says_what_the_sheet_replaced(cycle, staff_client):
    workbook = download(staff_client, cycle, "ON")
    fill(workbook, 2, "on_track", 30)
    upload(staff_client, cycle, workbook, cycle.on)
    fill(workbook, 3, "on_track", 20)

    response = upload(staff_client, cycle, workbook, cycle.on)

    assert response.status_code == 302
    assert [message.message for message in get_messages(response.wsgi_request)] == [
        "1 update was submitted for review.",
        "2 updates were submitted for review. Your earlier unpublished update on March 2020: Inventory was replaced.",
    ]


# Reminders


def test_reminders_before_the_deadline_say_what_is_due_and_link_to_the_period(cycle):
    assert cycles.period_remind(period=cycle.period, now=BEFORE_DEADLINE) == 2

    body = mail.outbox[0].body
    assert (
        mail.outbox[0].subject == "COGWG: updates due for June 2020 / GTGO\u00a0: mises à jour attendues pour Juin 2020"
    )
    assert "(deadline: July 15, 2020)" in body
    assert f"http://127.0.0.1:8000/en/admin/cogwg/reportingperiod/{cycle.period.pk}/dashboard/" in body
    assert f"http://127.0.0.1:8000/fr/admin/cogwg/reportingperiod/{cycle.period.pk}/dashboard/" in body
    assert "last reminder" not in body


def test_the_link_uses_the_configured_site_url(cycle, settings):
    settings.COGWG_SITE_URL = "https://tracker.example/"

    cycles.period_remind(period=cycle.period, now=BEFORE_DEADLINE)

    assert f"\nhttps://tracker.example/en/admin/cogwg/reportingperiod/{cycle.period.pk}/dashboard/\n" in (
        mail.outbox[0].body
    )


def test_after_the_deadline_one_overdue_reminder_is_sent_then_no_more(cycle):
    cycles.period_remind(period=cycle.period, now=BEFORE_DEADLINE)
    mail.outbox.clear()

    assert cycles.period_remind(period=cycle.period, now=AFTER) == 2
    (first, *_others) = mail.outbox
    assert first.subject.startswith("COGWG: updates overdue for June 2020 / ")
    assert "These milestones have no update for June 2020, although the deadline was July 15, 2020:" in first.body
    assert "This is the last reminder for this period." in first.body
    assert "(deadline:" not in first.body

    mail.outbox.clear()
    assert cycles.period_remind(period=cycle.period, now=AFTER + WEEK) == 0
    assert cycles.period_remind(period=cycle.period, now=AFTER + 52 * WEEK) == 0
    assert mail.outbox == []
    assert PeriodReminder.objects.count() == 4


def test_a_jurisdiction_never_reminded_gets_the_overdue_reminder_once(cycle):
    assert cycles.period_remind(period=cycle.period, now=AFTER) == 2
    assert cycles.period_remind(period=cycle.period, now=AFTER + WEEK) == 0


# Closing


def test_closing_sends_one_summary_per_submitter(cycle, django_capture_on_commit_callbacks):
    alice = contributor("alice", cycle.bc)
    submit(cycle, cycle.bc, alice, cycle.march, cycle.june, progress=60)
    submit(cycle, cycle.on, cycle.secretariat, cycle.march, cycle.june, cycle.guide)
    assert mail.outbox == []

    with django_capture_on_commit_callbacks(execute=True):
        published = cycles.period_close(period=cycle.period, by=cycle.secretariat, on=AFTER_DEADLINE)

    assert len(published) == 5
    assert sorted(tuple(message.to) for message in mail.outbox) == [
        ("alice@example.org",),
        ("secretariat@example.org",),
    ]
    to_alice = next(message for message in mail.outbox if message.to == ["alice@example.org"])
    assert to_alice.subject == (
        "COGWG: your updates for June 2020 are published / GTGO\u00a0: vos mises à jour pour Juin 2020 sont publiées"
    )
    assert "June 2020 is closed. These updates you submitted are now published:" in to_alice.body
    # Dates as the reader writes them, the French colon, and the period's page.
    assert "- 1. March 31, 2020: Inventory (On track, 60%)" in to_alice.body
    assert "- 1. June 30, 2020: Release (On track, 60%)" in to_alice.body
    assert "- 1. 31 mars 2020\u00a0: " in to_alice.body
    assert "60\u00a0%)" in to_alice.body  # the French half of the message
    assert f"/fr/admin/cogwg/reportingperiod/{cycle.period.pk}/dashboard/" in to_alice.body
    assert "Guide" not in to_alice.body


def test_publishing_one_update_still_tells_its_submitter(cycle, django_capture_on_commit_callbacks):
    alice = contributor("alice", cycle.bc)
    update = milestone_post_update(
        milestone=cycle.march,
        reported_on=JUNE_30,
        status="on_track",
        progress=5,
        jurisdiction=cycle.bc,
        by=alice,
        publish=False,
    )
    record_submit(record=update, by=alice)
    from workplan.services import progress_update_publish

    with django_capture_on_commit_callbacks(execute=True):
        progress_update_publish(update=update, by=cycle.secretariat)

    assert [message.to for message in mail.outbox] == [["alice@example.org"]]
    assert DEADLINE < AFTER_DEADLINE


def test_the_new_messages_come_in_french(cycle):
    draft = WorkPlanFactory(slug="2021", status=WorkPlanStatus.DRAFT)

    with translation.override("fr"), pytest.raises(ValidationError) as error:
        cycles.period_open_validate(work_plan=draft, period_end=datetime.date(2021, 3, 31))

    assert error.value.messages == [
        "Ce plan de travail est une ébauche\u00a0: publiez-le avant de demander des mises à jour."
    ]
