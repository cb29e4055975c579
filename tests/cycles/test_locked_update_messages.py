"""Once a reporting period is closed, whoever meets one of its updates is told why it is
locked: its page names the period and says to post a new update instead, and the review's
actions give the period's reason once for the updates they leave alone (never as "not in
a state for this"). Admin messages about a record use the page's language's colon."""

import pytest
from django.contrib.auth.models import Group
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from cogwg import admin_publication, cycles
from cogwg.choices import PublicationState
from cogwg.permissions import CONTRIBUTOR, roles_sync
from tests.cycles.conftest import AFTER_DEADLINE, JUNE_30, submitted_row
from tests.factories import ContributorFactory, UserFactory, WorkPlanFactory
from workplan.choices import MilestoneStatus
from workplan.models import ProgressUpdate
from workplan.services import milestone_post_update

pytestmark = pytest.mark.django_db

NOTICE_FR = (
    "Cette mise à jour appartient à la période de rapport close «\u00a0Juin 2020\u00a0»\u00a0: elle ne peut plus être "
    "modifiée. Ajoutez plutôt une nouvelle mise à jour à son jalon."
)


@pytest.fixture
def contributor(cycle):
    roles_sync()
    user = UserFactory(username="bc-contributor", is_staff=True)
    user.groups.add(Group.objects.get(name=CONTRIBUTOR))
    ContributorFactory(user=user, jurisdiction=cycle.bc)
    return user


def draft(cycle, by, milestone=None):
    return milestone_post_update(
        milestone=milestone or cycle.march,
        reported_on=JUNE_30,
        status=MilestoneStatus.ON_TRACK,
        progress=50,
        jurisdiction=cycle.bc,
        by=by,
        publish=False,
    )


def close(cycle):
    cycles.period_close(period=cycle.period, by=cycle.secretariat, on=AFTER_DEADLINE)


def fr(name, *args):
    with translation.override("fr"):
        return reverse(name, args=args)


def said(response):
    return [(message.level_tag, message.message) for message in get_messages(response.wsgi_request)]


def states(*updates):
    return [ProgressUpdate.objects.get(pk=update.pk).publication_state for update in updates]


# The locked update's page


def test_a_locked_drafts_page_names_its_closed_period_to_its_contributor(cycle, contributor, client):
    update = draft(cycle, contributor)
    close(cycle)
    client.force_login(contributor)

    page = client.get(fr("admin:workplan_progressupdate_change", update.pk))

    assert page.status_code == 200
    assert page.context["has_change_permission"] is False
    assert page.context["locked_notice"] == NOTICE_FR
    assert NOTICE_FR in page.content.decode()


def test_a_locked_published_updates_page_names_its_period_to_the_secretariat(cycle, staff_client):
    (update,) = cycles.period_submit_updates(
        period=cycle.period, jurisdiction=cycle.bc, rows=[submitted_row(cycle.march)], by=cycle.secretariat
    ).updates
    close(cycle)

    page = staff_client.get(reverse("admin:workplan_progressupdate_change", args=[update.pk]))

    assert page.context["locked_notice"] == (
        "This update belongs to the closed reporting period “June 2020”: it can no longer be changed. Post a new "
        "update on its milestone instead."
    )


def test_an_update_of_an_open_period_says_nothing_of_a_lock(cycle, contributor, client):
    update = draft(cycle, contributor)
    client.force_login(contributor)

    page = client.get(reverse("admin:workplan_progressupdate_change", args=[update.pk]))

    assert page.context["has_change_permission"] is True
    assert "locked_notice" not in page.context
    assert b"closed reporting period" not in page.content


# The actions say the period's reason once


def test_submitting_locked_drafts_gives_the_periods_reason_in_french(cycle, contributor, client):
    updates = [draft(cycle, contributor), draft(cycle, contributor, cycle.june)]
    close(cycle)
    client.force_login(contributor)

    response = client.post(
        fr("admin:workplan_progressupdate_changelist"),
        {"action": "submit_selected", "_selected_action": [update.pk for update in updates]},
    )

    assert response.status_code == 302
    assert said(response)[1:] == [
        (
            "warning",
            "2 mises à jour sélectionnées appartiennent à une période de rapport close\u00a0: elles ne peuvent plus "
            "être modifiées. Ajoutez plutôt de nouvelles mises à jour.",
        )
    ]
    assert states(*updates) == [PublicationState.DRAFT] * 2


def test_publishing_gives_the_periods_reason_once_and_counts_only_the_others_as_not_in_a_state(cycle, staff_client):
    locked = draft(cycle, cycle.secretariat)
    close(cycle)
    published = milestone_post_update(
        milestone=cycle.june, reported_on=AFTER_DEADLINE, status=MilestoneStatus.ON_TRACK, progress=10
    )

    response = staff_client.post(
        reverse("admin:workplan_progressupdate_changelist"),
        {"action": "publish_selected", "_selected_action": [locked.pk, published.pk]},
    )

    assert said(response) == [
        ("info", "0 progress updates were published."),
        (
            "warning",
            "1 selected update belongs to a closed reporting period: it can no longer be changed. Post a new update "
            "instead.",
        ),
        ("warning", "1 selected record was not in a state for this and was left as it was."),
    ]
    assert states(locked, published) == [PublicationState.DRAFT, PublicationState.PUBLISHED]


def test_unpublishing_a_locked_update_gives_the_periods_reason_once(cycle, staff_client):
    (update,) = cycles.period_submit_updates(
        period=cycle.period, jurisdiction=cycle.bc, rows=[submitted_row(cycle.march)], by=cycle.secretariat
    ).updates
    close(cycle)

    response = staff_client.post(
        reverse("admin:workplan_progressupdate_changelist"),
        {"action": "unpublish_selected", "_selected_action": [update.pk]},
    )

    assert said(response) == [
        ("info", "0 progress updates were unpublished."),
        (
            "warning",
            "1 selected update belongs to a closed reporting period: it can no longer be changed. Post a new update "
            "instead.",
        ),
    ]
    assert states(update) == [PublicationState.PUBLISHED]


# A record's messages, with the page's colon


def test_a_refused_return_names_its_record_with_the_french_colon(cycle, contributor, client, monkeypatch):
    update = draft(cycle, contributor)
    ProgressUpdate.objects.filter(pk=update.pk).update(publication_state=PublicationState.SUBMITTED)

    def refuse(**kwargs):
        raise ValidationError("Refusé.")

    monkeypatch.setattr(admin_publication, "record_return", refuse)
    client.force_login(cycle.secretariat)

    response = client.post(
        fr("admin:workplan_progressupdate_changelist"),
        {"action": "return_selected", "_selected_action": [update.pk], "apply": "1", "comment": "Précisez."},
    )

    with translation.override("fr"):
        name = str(ProgressUpdate.objects.get(pk=update.pk))
    assert said(response)[0] == ("warning", f"{name}\u00a0: Refusé.")
    assert states(update) == [PublicationState.SUBMITTED]


def test_a_refused_rollover_names_its_plan_with_the_french_colon(cycle, client):
    WorkPlanFactory(slug="2021")
    client.force_login(cycle.secretariat)

    response = client.post(
        fr("admin:workplan_workplan_changelist"), {"action": "roll_over", "_selected_action": [cycle.plan.pk]}
    )

    assert said(response) == [
        (
            "error",
            "Plan de travail 2020\u00a0: Un plan de travail «\u00a02021\u00a0» existe déjà\u00a0: rien n'a été copié.",
        )
    ]
