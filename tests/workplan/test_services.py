import datetime
from unittest import mock

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from cogwg.choices import PublicationState
from tests.factories import JurisdictionFactory, MilestoneFactory, ProgressUpdateFactory, StaffFactory
from workplan import services
from workplan.choices import MilestoneStatus
from workplan.models import Milestone, ProgressUpdate

pytestmark = pytest.mark.django_db


def post(milestone, **kwargs):
    values = {"reported_on": datetime.date(2020, 4, 15), "status": MilestoneStatus.ON_TRACK, "progress": 40}
    return services.milestone_post_update(milestone=milestone, **(values | kwargs))


def test_posting_an_update_moves_the_milestone():
    milestone = MilestoneFactory()
    author = StaffFactory()
    ontario = JurisdictionFactory(code="ON")

    update = post(milestone, note_en="Inventory drafted", note_fr="Inventaire rédigé", by=author, jurisdiction=ontario)

    milestone.refresh_from_db()
    assert (milestone.status, milestone.progress, milestone.completed_on) == (MilestoneStatus.ON_TRACK, 40, None)
    assert update.author == author
    assert update.jurisdiction == ontario
    assert update.publication_state == PublicationState.PUBLISHED
    assert (update.note_en, update.note_fr) == ("Inventory drafted", "Inventaire rédigé")


def test_completing_sets_completed_on_to_the_report_date():
    milestone = MilestoneFactory()

    post(milestone, status=MilestoneStatus.COMPLETED, progress=100, reported_on=datetime.date(2020, 3, 20))

    milestone.refresh_from_db()
    assert milestone.status == MilestoneStatus.COMPLETED
    assert milestone.completed_on == datetime.date(2020, 3, 20)


def test_a_backdated_update_does_not_override_a_later_one():
    milestone = MilestoneFactory()
    post(milestone, reported_on=datetime.date(2020, 5, 1), status=MilestoneStatus.AT_RISK, progress=30)

    post(milestone, reported_on=datetime.date(2020, 4, 1), status=MilestoneStatus.ON_TRACK, progress=20)

    milestone.refresh_from_db()
    assert (milestone.status, milestone.progress) == (MilestoneStatus.AT_RISK, 30)
    assert milestone.updates.count() == 2


def test_a_draft_update_does_not_move_the_milestone_until_published():
    milestone = MilestoneFactory()

    update = post(milestone, publish=False)

    milestone.refresh_from_db()
    assert milestone.status == MilestoneStatus.NOT_STARTED
    assert update.publication_state == PublicationState.DRAFT

    services.progress_update_publish(update=update)

    milestone.refresh_from_db()
    assert (milestone.status, milestone.progress) == (MilestoneStatus.ON_TRACK, 40)


def test_unpublishing_the_latest_update_falls_back_to_the_previous_one():
    milestone = MilestoneFactory()
    post(milestone, reported_on=datetime.date(2020, 4, 1), progress=20)
    latest = post(milestone, reported_on=datetime.date(2020, 5, 1), status=MilestoneStatus.DELAYED, progress=25)

    services.progress_update_unpublish(update=latest)

    milestone.refresh_from_db()
    assert (milestone.status, milestone.progress) == (MilestoneStatus.ON_TRACK, 20)


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"progress": 101}, "progress"),
        ({"progress": -1}, "progress"),
        ({"status": "finished"}, "status"),
        ({"status": MilestoneStatus.COMPLETED, "progress": 80}, "progress"),
        ({"reported_on": datetime.date(2999, 1, 1)}, "reported_on"),
    ],
)
def test_bad_updates_are_rejected_with_a_field_error_and_nothing_changes(changes, field):
    milestone = MilestoneFactory()

    with pytest.raises(ValidationError) as error:
        post(milestone, **changes)

    assert field in error.value.message_dict
    milestone.refresh_from_db()
    assert (milestone.status, milestone.progress) == (MilestoneStatus.NOT_STARTED, 0)
    assert ProgressUpdate.objects.count() == 0


def test_a_cancelled_milestone_takes_no_update_from_its_cancellation_on():
    milestone = MilestoneFactory()
    cancelling = post(milestone, reported_on=datetime.date(2020, 6, 1), status=MilestoneStatus.CANCELLED, progress=40)

    for day in (datetime.date(2020, 6, 1), datetime.date(2020, 9, 1)):
        with pytest.raises(ValidationError) as error:
            post(milestone, reported_on=day)
        assert error.value.message_dict["reported_on"] == [
            "This milestone was cancelled on June 1, 2020: an update must be dated before then. "
            "To reopen it, the secretariat withdraws the update that cancelled it."
        ]
    # A report of earlier days completes the log, and leaves the milestone cancelled.
    post(milestone, reported_on=datetime.date(2020, 5, 1))
    milestone.refresh_from_db()
    assert (milestone.status, milestone.updates.count()) == (MilestoneStatus.CANCELLED, 2)
    # Withdrawing the update that cancelled it reopens it: then anything may follow.
    services.progress_update_unpublish(update=cancelling)
    post(milestone, reported_on=datetime.date(2020, 9, 1), progress=60)
    milestone.refresh_from_db()
    assert (milestone.status, milestone.progress) == (MilestoneStatus.ON_TRACK, 60)


def test_posting_is_atomic_when_moving_the_milestone_fails():
    milestone = MilestoneFactory()

    with (
        mock.patch.object(services, "milestone_refresh_status", side_effect=RuntimeError("disk full")),
        pytest.raises(RuntimeError),
    ):
        post(milestone)

    assert ProgressUpdate.objects.count() == 0
    assert Milestone.objects.get().status == MilestoneStatus.NOT_STARTED


def test_refresh_without_published_updates_resets_to_not_started():
    milestone = MilestoneFactory(status=MilestoneStatus.ON_TRACK, progress=50)
    ProgressUpdateFactory(milestone=milestone, publication_state=PublicationState.DRAFT)

    services.milestone_refresh_status(milestone=milestone)

    milestone.refresh_from_db()
    assert (milestone.status, milestone.progress) == (MilestoneStatus.NOT_STARTED, 0)


def test_posting_records_history_with_the_author():
    milestone = MilestoneFactory()
    author = StaffFactory()

    post(milestone, by=author)

    latest = milestone.history.first()
    assert latest.status == MilestoneStatus.ON_TRACK
    assert latest.history_user == author
    assert timezone.now() - latest.history_date < datetime.timedelta(minutes=1)
