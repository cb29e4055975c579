"""A closed plan's milestones are offered to no contributor for posting progress
(``permissions.reportable_milestones``): the admin's choices and search leave them out, the
API refuses a post on one (403, as on a milestone where the jurisdiction holds no seat),
and a contributor's draft on one can no longer be changed, submitted or deleted by them.
The secretariat is still offered them, and told why a post is refused
(tests/workplan/test_closed_plan_log.py)."""

import pytest
from django.urls import reverse

from cogwg import permissions
from cogwg.choices import PublicationState
from tests.permissions.conftest import admin_client, api_client
from tests.test_admin import admin_url
from workplan.choices import WorkPlanStatus
from workplan.models import ProgressUpdate, WorkPlan

pytestmark = pytest.mark.django_db

PAYLOAD = {"reported_on": "2020-05-01", "status": "on_track", "progress": 30, "jurisdiction": "ON"}


def close(world):
    WorkPlan.objects.filter(pk=world.plan.pk).update(status=WorkPlanStatus.CLOSED)
    return world


@pytest.fixture
def closed(world):
    return close(world)


def test_a_closed_plans_milestones_are_reportable_by_no_contributor(world):
    alice = world.users.contributor_on
    assert list(permissions.reportable_milestones(alice)) == [world.m1]

    closed = close(world)

    assert list(permissions.reportable_milestones(alice)) == []
    secretariat = permissions.reportable_milestones(closed.users.secretariat)
    assert closed.m1.pk in set(secretariat.values_list("pk", flat=True))


def test_the_api_refuses_a_contributors_post_on_a_closed_plan(closed):
    response = api_client(closed.users.contributor_on).post(
        "/api/v1/progress-updates/", PAYLOAD | {"milestone": closed.m1.pk}, format="json"
    )

    assert response.status_code == 403
    assert list(ProgressUpdate.objects.all()) == [closed.update]


def test_the_admin_offers_a_contributor_no_closed_plans_milestone(closed, client):
    admin_client(client, closed.users.contributor_on)

    form = client.get(admin_url(ProgressUpdate, "add")).context["adminform"].form
    found = client.get(
        reverse("admin:autocomplete"),
        {"app_label": "workplan", "model_name": "progressupdate", "field_name": "milestone", "term": ""},
    )
    posted = client.post(
        admin_url(ProgressUpdate, "add"),
        {
            "milestone": closed.m1.pk,
            "jurisdiction": closed.on.pk,
            "reported_on": "2020-05-01",
            "status": "on_track",
            "progress": "30",
        },
    )

    assert list(form.fields["milestone"].queryset) == []
    assert found.json()["results"] == []
    assert posted.status_code == 200
    assert "milestone" in posted.context["adminform"].form.errors
    assert list(ProgressUpdate.objects.all()) == [closed.update]


def test_a_contributors_draft_on_a_closed_plan_is_no_longer_theirs_to_change(closed):
    alice = closed.users.contributor_on
    draft = ProgressUpdate.objects.get(pk=closed.update.pk)

    assert draft.publication_state == PublicationState.DRAFT
    assert (permissions.can_change(alice, draft), permissions.can_submit(alice, draft)) == (False, False)
    assert permissions.can_delete(alice, draft) is False
    response = api_client(alice).post(f"/api/v1/progress-updates/{draft.pk}/submit/")
    assert response.status_code == 403
    assert ProgressUpdate.objects.get(pk=draft.pk).publication_state == PublicationState.DRAFT
