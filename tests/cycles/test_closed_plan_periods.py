"""A reporting period of a plan closed while the period was open (the next year's plan made
active): a closed plan is kept as it was closed, so the period takes no more updates,
sends no more reminders, and closing it publishes none of its submitted updates into the
closed plan: each is left submitted, with why. No period is opened on a closed plan.

And the updates a closing leaves, whatever the reason (its note in one language, its
milestone cancelled before its date, its plan closed), are named to the secretariat with
that reason (``workplan.services.progress_update_refusals``), on the closing's messages and
on the period's dashboard, and a refusal to return one for changes says why too."""

import datetime

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import escape

from cogwg import cycles
from cogwg.choices import PublicationState
from cogwg.models import ReportingPeriod
from cogwg.services import record_return
from tests.cycles.conftest import AFTER_DEADLINE, submitted_row
from tests.test_admin import action_messages
from workplan.choices import MilestoneStatus, WorkPlanStatus
from workplan.models import ProgressUpdate, WorkPlan
from workplan.selectors import work_plan_status
from workplan.services import milestone_post_update, work_plan_rollover, work_plan_save

pytestmark = pytest.mark.django_db

NBSP = "\u00a0"
CLOSED = {
    "en": (
        "The work plan “2020 work plan” is closed: its milestones take no new progress update, and their updates "
        "can no longer be published or withdrawn."
    ),
    "fr": (
        f"Le plan de travail «{NBSP}Plan de travail 2020{NBSP}» est fermé{NBSP}: ses jalons ne reçoivent plus de "
        "nouvelle mise à jour des progrès, et leurs mises à jour ne peuvent plus être publiées ni retirées de la "
        "publication."
    ),
}
LEFT_ONE = (
    "1 submitted update was left unpublished, for the reason given below. It stays submitted for review: settle "
    "what keeps it from being published on its page (enter its note in the other language, say), then publish it; "
    "or delete it."
)


def submit(cycle, jurisdiction, milestone, progress=40, note_en="n", note_fr="n"):
    (update,) = cycles.period_submit_updates(
        period=cycle.period,
        jurisdiction=jurisdiction,
        rows=[submitted_row(milestone, progress=progress, note_en=note_en, note_fr=note_fr)],
        by=cycle.secretariat,
    ).updates
    return update


def close_the_plan(cycle):
    """The next year's plan is written and made active: the 2020 plan is closed."""
    new_plan = work_plan_rollover(work_plan=cycle.plan, by=cycle.secretariat)
    new_plan.summary_en, new_plan.summary_fr = "The 2021 plan.", "Le plan 2021."
    new_plan.status = WorkPlanStatus.ACTIVE
    assert work_plan_save(work_plan=new_plan, by=cycle.secretariat) == [cycle.plan]
    cycle.plan.refresh_from_db()
    assert cycle.plan.status == WorkPlanStatus.CLOSED


def past_deadline(cycle):
    ReportingPeriod.objects.filter(pk=cycle.period.pk).update(deadline=timezone.localdate() - datetime.timedelta(1))


def state(update):
    update.refresh_from_db()
    return update.publication_state


def test_closing_the_period_of_a_closed_plan_publishes_nothing_into_it(cycle):
    update = submit(cycle, cycle.bc, cycle.march)
    close_the_plan(cycle)
    before = work_plan_status(work_plan=cycle.plan)

    published = cycles.period_close(period=cycle.period, by=cycle.secretariat, on=AFTER_DEADLINE)

    assert published == []
    assert state(update) == PublicationState.SUBMITTED
    assert list(cycles.period_updates_left(cycle.period)) == [update]
    cycle.march.refresh_from_db()
    assert (cycle.march.status, cycle.march.progress) == (MilestoneStatus.NOT_STARTED, 0)
    assert work_plan_status(work_plan=cycle.plan) == before


@pytest.mark.parametrize("language", ["en", "fr"])
def test_the_closing_names_each_update_left_in_a_closed_plan_with_why(cycle, staff_client, language):
    update = submit(cycle, cycle.bc, cycle.march)
    close_the_plan(cycle)
    past_deadline(cycle)
    with translation.override(language):
        address = reverse("admin:cogwg_reportingperiod_dashboard", args=[cycle.period.pk])
        page = reverse("admin:workplan_progressupdate_change", args=[update.pk])
        name = str(update)

    response = staff_client.post(address, {"_close": "1"}, follow=True)

    messages = action_messages(response)
    refusal = {
        "en": f"“{name}” cannot be published: {CLOSED['en']}",
        "fr": f"«{NBSP}{name}{NBSP}» ne peut pas être publiée{NBSP}: {CLOSED['fr']}",
    }[language]
    assert messages[2:] == [refusal]
    if language == "en":
        assert messages[:2] == ["June 2020 is closed; 0 updates were published.", LEFT_ONE]
    # The dashboard says the same, on a link to the update's page.
    assert f'<a href="{page}">{escape(refusal)}</a>' in response.content.decode()
    assert state(update) == PublicationState.SUBMITTED


def test_a_period_of_a_closed_plan_takes_no_sheet_and_says_why(cycle, staff_client):
    close_the_plan(cycle)
    address = reverse("admin:cogwg_reportingperiod_dashboard", args=[cycle.period.pk])

    with pytest.raises(ValidationError) as error:
        submit(cycle, cycle.bc, cycle.march)
    page = staff_client.get(address)

    assert error.value.messages == [CLOSED["en"]]
    assert not ProgressUpdate.objects.filter(milestone__priority__work_plan=cycle.plan, jurisdiction=cycle.bc).exists()
    html = page.content.decode()
    assert escape(CLOSED["en"]) in html
    assert page.context["sheets"] == []
    assert "sheet-upload" not in html


def test_a_period_of_a_closed_plan_sends_no_reminder(cycle):
    close_the_plan(cycle)

    assert cycles.period_remind(period=cycle.period) == 0
    assert cycles.periods_remind() == 0
    assert mail.outbox == []


def test_no_period_is_opened_on_a_closed_plan(cycle):
    cycles.period_close(period=cycle.period, by=cycle.secretariat, on=AFTER_DEADLINE)
    close_the_plan(cycle)

    with pytest.raises(ValidationError) as error:
        cycles.period_open(
            work_plan=cycle.plan,
            title_en="September 2020",
            title_fr="Septembre 2020",
            period_end=datetime.date(2020, 9, 30),
            deadline=datetime.date(2020, 10, 15),
            by=cycle.secretariat,
        )

    assert error.value.messages == ["This work plan is closed: its milestones take no more progress updates."]
    assert ReportingPeriod.objects.filter(work_plan=cycle.plan).count() == 1


# Any reason an update is left, named (not only a missing translation)


@pytest.fixture
def cancelled_left(cycle):
    """BC's June update, submitted (dated today), its milestone then cancelled from 1 June
    2020: closing leaves it, as publishing it would reopen the milestone."""
    update = submit(cycle, cycle.bc, cycle.june, progress=30)
    milestone_post_update(
        milestone=cycle.june,
        reported_on=datetime.date(2020, 6, 1),
        status=MilestoneStatus.CANCELLED,
        progress=0,
        by=cycle.secretariat,
    )
    return update


CANCELLED_REASON = (
    "This milestone was cancelled on June 1, 2020: an update must be dated before then. To reopen it, the "
    "secretariat withdraws the update that cancelled it."
)


def test_the_closing_names_an_update_left_for_its_cancelled_milestone(cycle, cancelled_left, staff_client):
    past_deadline(cycle)

    response = staff_client.post(
        reverse("admin:cogwg_reportingperiod_dashboard", args=[cycle.period.pk]), {"_close": "1"}, follow=True
    )

    assert action_messages(response) == [
        "June 2020 is closed; 0 updates were published.",
        LEFT_ONE,
        f"“{cancelled_left}” cannot be published: {CANCELLED_REASON}",
    ]


def test_the_dashboard_says_why_an_update_was_left_for_its_cancelled_milestone(cycle, cancelled_left, staff_client):
    cycles.period_close(period=cycle.period, by=cycle.secretariat, on=AFTER_DEADLINE)
    page = reverse("admin:workplan_progressupdate_change", args=[cancelled_left.pk])

    html = staff_client.get(reverse("admin:cogwg_reportingperiod_dashboard", args=[cycle.period.pk])).content.decode()

    reason = escape(f"“{cancelled_left}” cannot be published: {CANCELLED_REASON}")
    assert f'<a href="{page}">{reason}</a>' in html
    assert "missing: </li>" not in html


def test_an_update_left_once_settled_is_shown_as_publishable(cycle, staff_client):
    update = submit(cycle, cycle.bc, cycle.march, note_fr="")
    cycles.period_close(period=cycle.period, by=cycle.secretariat, on=AFTER_DEADLINE)
    ProgressUpdate.objects.filter(pk=update.pk).update(note_fr="n")

    html = staff_client.get(reverse("admin:cogwg_reportingperiod_dashboard", args=[cycle.period.pk])).content.decode()

    assert escape(f"“{update}” may now be published, from its page.") in html


def test_returning_an_update_left_for_its_cancelled_milestone_is_refused_with_why(cycle, cancelled_left):
    cycles.period_close(period=cycle.period, by=cycle.secretariat, on=AFTER_DEADLINE)

    with pytest.raises(ValidationError) as error:
        record_return(record=cancelled_left, comment="Date it earlier.", by=cycle.secretariat)

    assert error.value.messages == [
        "Its reporting period is closed and left this update unpublished: it can no longer be returned for changes, "
        "as it would then be locked with its period. Settle what keeps it from being published (enter its note in "
        "the other language, say), then publish it; or delete it.",
        f"“{cancelled_left}” cannot be published: {CANCELLED_REASON}",
    ]
    assert state(cancelled_left) == PublicationState.SUBMITTED


def test_the_plan_closed_after_the_period_keeps_its_status(cycle):
    """What the reviewer saw: the closed plan's progress moved by an update published after."""
    update = submit(cycle, cycle.bc, cycle.march, progress=90)
    cycles.period_close(period=cycle.period, by=cycle.secretariat, on=AFTER_DEADLINE)
    assert state(update) == PublicationState.PUBLISHED
    close_the_plan(cycle)
    before = work_plan_status(work_plan=WorkPlan.objects.get(pk=cycle.plan.pk))

    with pytest.raises(ValidationError):
        milestone_post_update(
            milestone=cycle.june,
            reported_on=datetime.date(2020, 12, 1),
            status=MilestoneStatus.COMPLETED,
            progress=100,
            by=cycle.secretariat,
        )

    assert work_plan_status(work_plan=WorkPlan.objects.get(pk=cycle.plan.pk)) == before
