"""The daily marking of overdue milestones says why in the history it writes: the
milestone's record and its update's carry a reason, stored in English and shown on the
History pages in the reader's language; nobody (no user) made the change."""

import datetime
import html

import pytest
from django.urls import reverse
from django.utils import translation

from cogwg.reports.services import MARKED_OVERDUE, milestones_mark_overdue
from workplan.choices import MilestoneStatus

pytestmark = pytest.mark.django_db

APRIL_15 = datetime.date(2020, 4, 15)
FRENCH = "Marqué «\u00a0Retardé\u00a0» automatiquement\u00a0: échéance passée, non terminé"


def history_page(client, language, name, pk):
    with translation.override(language):
        url = reverse(name, args=[pk])
    return html.unescape(client.get(url).content.decode())


def test_the_milestone_and_its_update_are_marked_with_a_reason_and_no_user(plan):
    assert milestones_mark_overdue(on=APRIL_15) == 1  # the group, due on March 31

    plan.group.refresh_from_db()
    update = plan.group.updates.get()
    assert (plan.group.status, update.status) == (MilestoneStatus.DELAYED, MilestoneStatus.DELAYED)
    latest = plan.group.history.first()
    assert (latest.status, latest.history_change_reason, latest.history_user) == (
        MilestoneStatus.DELAYED,
        MARKED_OVERDUE,
        None,
    )
    assert list(update.history.values_list("history_type", "history_change_reason", "history_user")) == [
        ("+", MARKED_OVERDUE, None)
    ]
    # The milestone's earlier records keep theirs.
    assert MARKED_OVERDUE not in plan.group.history.exclude(pk=latest.pk).values_list(
        "history_change_reason", flat=True
    )


def test_the_reason_is_stored_in_english_and_translated():
    assert MARKED_OVERDUE == "Marked “Delayed” automatically: past due and not completed"
    with translation.override("fr"):
        assert translation.gettext(MARKED_OVERDUE) == FRENCH


@pytest.mark.parametrize(
    ("language", "shown", "not_shown"), [("en", MARKED_OVERDUE, FRENCH), ("fr", FRENCH, MARKED_OVERDUE)]
)
def test_the_history_page_gives_the_reason_in_the_readers_language(plan, staff_client, language, shown, not_shown):
    milestones_mark_overdue(on=APRIL_15)

    page = history_page(staff_client, language, "admin:workplan_milestone_history", plan.group.pk)

    assert shown in page
    assert not_shown not in page
