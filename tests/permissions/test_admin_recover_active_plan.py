"""Restoring a deleted work plan that was active brings it back active, which closes the
active plan that starts before it (as making it active on its page would): the recover
page says so beforehand, naming that plan, the message afterwards says which plan was
closed, and the closed plan's history says why (by whom: the user who restored). While a
plan that starts on or after it is active, the page says beforehand that it is refused,
and why, and offers no Restore button. Both languages."""

import pytest

from cogwg.recovery import RESTORED
from tests.factories import MilestoneFactory, PriorityFactory
from tests.permissions.conftest import admin_client, messages_of, text, url
from tests.permissions.test_admin_recover import deleted, plan_statuses, restore_url, yearly_plan
from workplan.choices import WorkPlanStatus
from workplan.models import WorkPlan
from workplan.services import work_plan_save

NBSP = "\u00a0"
WILL_CLOSE = {
    "en": "This plan was active when it was deleted and comes back active: the active plan, “Work plan 2020”, will "
    "be closed, as making this plan active on its page would close it.",
    "fr": f"Ce plan était actif lors de sa suppression et revient actif{NBSP}: le plan actif, «{NBSP}Plan de travail "
    f"2020{NBSP}», sera fermé, comme il le serait si ce plan était rendu actif sur sa page.",
}
CLOSED = {
    "en": "“Work plan 2020” was closed: “COGWG 2022 work plan” is now the active plan.",
    "fr": f"«{NBSP}Plan de travail 2020{NBSP}» a été fermé{NBSP}: «{NBSP}Plan de travail 2022 du GTGOC{NBSP}» est "
    "désormais le plan actif.",
}
WHY_CLOSED = {
    "en": "Closed when a later plan was restored as the active plan",
    "fr": "Fermé lorsqu'un plan plus récent a été rétabli comme plan actif",
}
REFUSED = {
    "en": "The work plan “COGWG 2018 work plan” cannot be restored as it was: Only one work plan is active at a "
    "time: “Work plan 2020” is active, and it starts on Jan. 1, 2020, not before this one. Close it first to "
    "make this plan active.",
    "fr": f"L'objet plan de travail «{NBSP}Plan de travail 2018 du GTGOC{NBSP}» ne peut pas être rétabli tel qu'il "
    f"était{NBSP}: Un seul plan de travail est actif à la fois{NBSP}: «{NBSP}Plan de travail 2020{NBSP}» est "
    "actif, et il commence le 1er janvier 2020, pas avant celui-ci. Fermez-le d'abord pour rendre ce plan actif.",
}
BEFORE = {"2019": WorkPlanStatus.CLOSED, "2020": WorkPlanStatus.ACTIVE, "2021": WorkPlanStatus.DRAFT}


@pytest.fixture
def gone_active(world):
    """The 2022 plan, deleted while it was active; the 2020 plan active again since."""
    secretariat = world.users.secretariat
    newer = yearly_plan(2022, WorkPlanStatus.DRAFT)
    MilestoneFactory(priority=PriorityFactory(work_plan=newer, number=1), due_date=newer.start_date)
    newer.status = WorkPlanStatus.ACTIVE
    work_plan_save(work_plan=newer, by=secretariat)
    gone = deleted(newer, secretariat)
    world.plan.status = WorkPlanStatus.ACTIVE
    work_plan_save(work_plan=world.plan, by=secretariat)
    return gone


@pytest.mark.parametrize("language", ["en", "fr"])
def test_the_page_says_beforehand_which_active_plan_the_restore_closes(world, client, gone_active, language):
    admin_client(client, world.users.secretariat)

    page = client.get(restore_url(gone_active, language=language))

    assert page.status_code == 200
    assert page.context["closing"] == [WILL_CLOSE[language]]
    assert WILL_CLOSE[language] in text(page)
    assert 'id="restore-form"' in page.content.decode()
    assert plan_statuses() == BEFORE
    if language == "fr":
        for english in ("active", "closed", "Restore", "Deleted"):
            assert english not in text(page)


@pytest.mark.parametrize("language", ["en", "fr"])
def test_the_message_says_which_plan_was_closed_and_its_history_says_why(world, client, gone_active, language):
    secretariat = world.users.secretariat
    admin_client(client, secretariat)

    restored = client.post(restore_url(gone_active, language=language))

    assert restored.status_code == 302
    ((level, message),) = messages_of(restored)
    assert level == "success"
    assert message.endswith(" " + CLOSED[language])
    assert plan_statuses() == BEFORE | {"2020": WorkPlanStatus.CLOSED, "2022": WorkPlanStatus.ACTIVE}
    closing = world.plan.history.first()
    assert (closing.status, closing.history_user, closing.history_change_reason) == (
        WorkPlanStatus.CLOSED,
        secretariat,
        WHY_CLOSED["en"],  # stored in English, shown in the reader's language
    )
    assert WorkPlan.objects.get(slug="2022").history.first().history_change_reason == RESTORED
    history = text(client.get(url(WorkPlan, "history", world.plan.pk, language=language)))
    assert WHY_CLOSED[language] in history


@pytest.mark.parametrize("language", ["en", "fr"])
def test_a_restore_the_active_plan_refuses_is_said_beforehand_with_no_button(world, client, language):
    older = yearly_plan(2018, WorkPlanStatus.DRAFT)
    older.status = WorkPlanStatus.ACTIVE  # as it was when it was deleted, before 2020 was made active
    gone = deleted(older, world.users.secretariat)
    admin_client(client, world.users.secretariat)

    page = client.get(restore_url(gone, language=language))

    assert page.status_code == 200
    assert (page.context["refusal"], page.context["blocked"], page.context["closing"]) == (
        [REFUSED[language]],
        True,
        [],
    )
    assert 'id="restore-form"' not in page.content.decode()
    assert plan_statuses() == BEFORE


def test_a_plan_that_was_not_active_closes_nothing_and_says_nothing_of_it(world, client):
    gone = deleted(yearly_plan(2017, WorkPlanStatus.CLOSED), world.users.secretariat)
    admin_client(client, world.users.secretariat)

    page = client.get(restore_url(gone))
    restored = client.post(restore_url(gone))

    assert page.context["closing"] == []
    assert restored.status_code == 302
    ((_level, message),) = messages_of(restored)
    assert "closed" not in message
    assert plan_statuses() == BEFORE | {"2017": WorkPlanStatus.CLOSED}
    assert world.plan.history.first().history_change_reason is None
