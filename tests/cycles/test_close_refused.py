"""Closing a reporting period publishes its submitted updates as the review would, each
checked again as posting checks it: one dated on or after the cancellation of its
milestone (cancelled while it waited) would reopen the milestone. Closing leaves it
submitted, publishes the others, lists it among the updates left
(``period_updates_left``), and its submitter's summary says why, in both languages."""

import datetime

import pytest
from django.core import mail

from cogwg import cycles
from cogwg.choices import PublicationState
from tests.cycles.conftest import AFTER_DEADLINE, submitted_row
from workplan.choices import MilestoneStatus
from workplan.services import milestone_post_update

pytestmark = pytest.mark.django_db

NBSP = "\u00a0"
CANCELLED_ON = datetime.date(2020, 6, 1)


def submit(cycle, jurisdiction, milestone, progress):
    (update,) = cycles.period_submit_updates(
        period=cycle.period,
        jurisdiction=jurisdiction,
        rows=[submitted_row(milestone, progress=progress, note_en="n", note_fr="n")],
        by=cycle.secretariat,
    ).updates
    return update


@pytest.fixture
def reports(cycle):
    """BC's March and June updates, submitted (dated today); then the June milestone is
    cancelled, from 1 June 2020."""
    march = submit(cycle, cycle.bc, cycle.march, 60)
    june = submit(cycle, cycle.bc, cycle.june, 30)
    milestone_post_update(
        milestone=cycle.june,
        reported_on=CANCELLED_ON,
        status=MilestoneStatus.CANCELLED,
        progress=0,
        by=cycle.secretariat,
    )
    return march, june


def state(update):
    update.refresh_from_db()
    return update.publication_state


def test_closing_leaves_an_update_that_would_reopen_a_cancelled_milestone_submitted(cycle, reports):
    march, june = reports

    published = cycles.period_close(period=cycle.period, by=cycle.secretariat, on=AFTER_DEADLINE)

    assert published == [march]
    assert (state(march), state(june)) == (PublicationState.PUBLISHED, PublicationState.SUBMITTED)
    cycle.june.refresh_from_db()
    assert (cycle.june.status, cycle.june.progress) == (MilestoneStatus.CANCELLED, 0)
    assert list(cycles.period_updates_left(cycle.period)) == [june]
    assert not cycles.progress_update_is_locked(june)
    assert cycles.progress_update_is_locked(march)


def test_the_summary_tells_its_submitter_why_it_was_not_published(cycle, reports, django_capture_on_commit_callbacks):
    _march, june = reports
    with django_capture_on_commit_callbacks(execute=True):
        cycles.period_close(period=cycle.period, by=cycle.secretariat, on=AFTER_DEADLINE)

    (message,) = [message for message in mail.outbox if "secretariat@example.org" in message.to]
    assert message.subject == (
        "COGWG: June 2020 is closed; some of your updates were not published / "
        f"GTGO{NBSP}: Juin 2020 est close{NBSP}; certaines de vos mises à jour n'ont pas été publiées"
    )
    english, french = message.body.split("\n\n---\n\n")
    assert (
        "These updates you submitted were not published, for the reason given with each: ask the secretariat what "
        "to do with them:\n"
        f"- “{june}” cannot be published: This milestone was cancelled on June 1, 2020: an update must be dated "
        "before then. To reopen it, the secretariat withdraws the update that cancelled it.\n"
    ) in english
    # The update published is listed as published, not as refused.
    assert "- 1. March 31, 2020: Inventory (On track, 60%)" in english.split("not published")[0]
    assert f"n'ont pas été publiées, pour la raison donnée avec chacune{NBSP}:" in french
    assert f"Ce jalon a été annulé le 1er juin 2020{NBSP}: une mise à jour doit être datée d'avant." in french
