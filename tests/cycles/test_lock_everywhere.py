"""The updates of a closed reporting period are locked on every path, not only on the
admin's edit and delete pages: the services refuse to submit, publish, withdraw or return
one, with the reason, so the API answers 400 and the admin warns."""

import pytest
from django.contrib.auth.models import Group
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError
from django.urls import reverse
from rest_framework.test import APIClient

from cogwg import cycles
from cogwg.choices import PublicationState
from cogwg.permissions import CONTRIBUTOR, roles_sync
from cogwg.services import record_return, record_submit
from tests.cycles.conftest import AFTER_DEADLINE, JUNE_30, submitted_row
from tests.factories import ContributorFactory, UserFactory
from workplan.choices import MilestoneStatus
from workplan.models import ProgressUpdate
from workplan.services import milestone_post_update, progress_update_publish, progress_update_unpublish

pytestmark = pytest.mark.django_db

LOCKED = "This update belongs to a closed reporting period: it can no longer be changed."
# How the admin's actions say it of the updates they leave alone.
LOCKED_REST = "it can no longer be changed. Post a new update instead."


@pytest.fixture
def contributor(cycle):
    roles_sync()
    user = UserFactory(username="bc-contributor", is_staff=True)
    user.groups.add(Group.objects.get(name=CONTRIBUTOR))
    ContributorFactory(user=user, jurisdiction=cycle.bc)
    return user


def api_as(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def draft(cycle, by, milestone=None, progress=50):
    return milestone_post_update(
        milestone=milestone or cycle.march,
        reported_on=JUNE_30,
        status=MilestoneStatus.ON_TRACK,
        progress=progress,
        jurisdiction=cycle.bc,
        by=by,
        publish=False,
    )


def close(cycle):
    cycles.period_close(period=cycle.period, by=cycle.secretariat, on=AFTER_DEADLINE)


def action(client, update, name, data=None):
    return client.post(f"/api/v1/progress-updates/{update.pk}/{name}/", data or {}, format="json")


def state(update):
    update.refresh_from_db()
    return update.publication_state


def test_a_contributor_cannot_submit_a_draft_of_a_closed_period_through_the_api(cycle, contributor):
    update = draft(cycle, contributor)
    close(cycle)

    response = action(api_as(contributor), update, "submit")

    assert response.status_code == 400
    assert response.json()["non_field_errors"] == [LOCKED]
    assert state(update) == PublicationState.DRAFT


def test_the_secretariat_cannot_publish_an_update_of_a_closed_period_through_the_api(cycle, contributor):
    update = draft(cycle, contributor, progress=70)
    close(cycle)

    response = action(api_as(cycle.secretariat), update, "publish")

    assert response.status_code == 400
    assert response.json()["non_field_errors"] == [LOCKED]
    assert state(update) == PublicationState.DRAFT
    cycle.march.refresh_from_db()
    assert (cycle.march.status, cycle.march.progress) == (MilestoneStatus.NOT_STARTED, 0)


def test_the_secretariat_cannot_withdraw_an_update_of_a_closed_period_through_the_api(cycle):
    (update,) = cycles.period_submit_updates(
        period=cycle.period, jurisdiction=cycle.bc, rows=[submitted_row(cycle.march, progress=60)], by=cycle.secretariat
    ).updates
    close(cycle)

    response = action(api_as(cycle.secretariat), update, "withdraw")

    assert response.status_code == 400
    assert response.json()["non_field_errors"] == [LOCKED]
    assert state(update) == PublicationState.PUBLISHED
    cycle.march.refresh_from_db()
    assert (cycle.march.status, cycle.march.progress) == (MilestoneStatus.ON_TRACK, 60)


def test_the_secretariat_cannot_return_an_update_of_a_closed_period_through_the_api(cycle, contributor):
    update = draft(cycle, contributor)
    close(cycle)
    # Submitted after the closing, before the lock reached the services.
    ProgressUpdate.objects.filter(pk=update.pk).update(publication_state=PublicationState.SUBMITTED)

    response = action(api_as(cycle.secretariat), update, "return", {"comment": "Say more."})

    assert response.status_code == 400
    assert response.json()["non_field_errors"] == [LOCKED]
    update.refresh_from_db()
    assert (update.publication_state, update.review_comment) == (PublicationState.SUBMITTED, "")


def test_the_services_refuse_every_transition_of_a_locked_update(cycle, contributor):
    update = draft(cycle, contributor)
    close(cycle)

    for change in (
        lambda: record_submit(record=update, by=contributor),
        lambda: record_return(record=update, comment="Say more.", by=cycle.secretariat),
        lambda: progress_update_publish(update=update, by=cycle.secretariat),
        lambda: progress_update_unpublish(update=update, by=cycle.secretariat),
    ):
        with pytest.raises(ValidationError, match="closed reporting period"):
            change()

    assert state(update) == PublicationState.DRAFT


def test_the_admin_submit_action_leaves_a_locked_update_alone_with_a_warning(cycle, contributor, client):
    update = draft(cycle, contributor)
    close(cycle)
    client.force_login(contributor)

    response = client.post(
        reverse("admin:workplan_progressupdate_changelist"),
        {"action": "submit_selected", "_selected_action": [update.pk]},
    )

    assert response.status_code == 302
    assert [(message.level_tag, message.message) for message in get_messages(response.wsgi_request)] == [
        ("info", "0 progress updates were submitted for review."),
        ("warning", f"1 selected update belongs to a closed reporting period: {LOCKED_REST}"),
    ]
    assert state(update) == PublicationState.DRAFT


def test_an_update_of_an_open_period_still_goes_through_the_review(cycle, contributor):
    update = draft(cycle, contributor)

    response = action(api_as(contributor), update, "submit")

    assert response.status_code == 200
    assert state(update) == PublicationState.SUBMITTED
    assert action(api_as(cycle.secretariat), update, "publish").status_code == 200
    assert state(update) == PublicationState.PUBLISHED


def test_the_admin_return_action_warns_with_the_reason_for_a_locked_update(cycle, contributor, client):
    update = draft(cycle, contributor)
    close(cycle)
    # Submitted after the closing, before the lock reached the services.
    ProgressUpdate.objects.filter(pk=update.pk).update(publication_state=PublicationState.SUBMITTED)
    client.force_login(cycle.secretariat)

    response = client.post(
        reverse("admin:workplan_progressupdate_changelist"),
        {"action": "return_selected", "_selected_action": [update.pk], "apply": "1", "comment": "Say more."},
    )

    assert response.status_code == 302
    assert [(message.level_tag, message.message) for message in get_messages(response.wsgi_request)] == [
        ("info", "0 progress updates were returned for changes."),
        ("warning", f"1 selected update belongs to a closed reporting period: {LOCKED_REST}"),
    ]
    update.refresh_from_db()
    assert (update.publication_state, update.review_comment) == (PublicationState.SUBMITTED, "")
