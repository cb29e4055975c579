"""A plan made active in the admin while another user makes a later plan active: the
form's own check (``WorkPlan.clean``) did not see the other plan, the service that stores
the plan refuses it (under its lock, or the database's rule: ``work_plan_save``). The page
says so as the form's check would: on the status field, in the page's language, once, and
nothing of the post is written (the plan, its priorities renamed in the same post, their
history, a message that another plan was closed). Two real races on PostgreSQL:
tests/workplan/test_admin_active_plan_race.py."""

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import translation

from tests.factories import PriorityFactory
from tests.test_admin import form_data
from tests.workplan.test_one_active_plan import REFUSED, plan, statuses
from workplan.choices import WorkPlanStatus
from workplan.models import Priority, WorkPlan

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english_afterwards():
    yield
    translation.activate("en")


def unseen_by_the_first_check(monkeypatch, *, seen_again):
    """The form's check of the first try finds no later active plan (it was made active
    meanwhile); ``seen_again``: the form read again with the refusal finds it, as it does
    after a real race, else it still does not."""
    newer_active_plan = WorkPlan.newer_active_plan
    calls = []

    def first_time_none(self):
        calls.append(self.pk)
        return newer_active_plan(self) if seen_again and len(calls) > 1 else None

    monkeypatch.setattr(WorkPlan, "newer_active_plan", first_time_none)
    return calls


@pytest.mark.parametrize("seen_again", [True, False], ids=["seen again by the form", "only the service's"])
@pytest.mark.parametrize("language", ["en", "fr"])
def test_a_plan_made_active_meanwhile_is_said_on_the_status_field_and_nothing_is_written(
    staff_client, monkeypatch, language, seen_again
):
    old = plan(2020, WorkPlanStatus.DRAFT)
    PriorityFactory(work_plan=old, number=1, title_en="Stories", title_fr="Récits")
    plan(2021, WorkPlanStatus.ACTIVE)
    with translation.override(language):
        url = reverse("admin:workplan_workplan_change", args=[old.pk])
    data = form_data(staff_client.get(url)) | {"status": WorkPlanStatus.ACTIVE, "priorities-0-title_en": "Renamed"}
    versions = (WorkPlan.history.count(), Priority.history.count())
    calls = unseen_by_the_first_check(monkeypatch, seen_again=seen_again)

    response = staff_client.post(url, data)

    assert response.status_code == 200
    assert len(calls) == 2  # the first try, then the form read again with the refusal
    form = response.context["adminform"].form
    assert form.errors == {"status": [REFUSED[language]]}
    assert form.non_field_errors() == []
    assert response.context["inline_admin_formsets"][0].formset.forms[0]["title_en"].value() == "Renamed"
    assert statuses() == {"2020": WorkPlanStatus.DRAFT, "2021": WorkPlanStatus.ACTIVE}
    assert list(Priority.objects.values_list("title_en", flat=True)) == ["Stories"]
    assert (WorkPlan.history.count(), Priority.history.count()) == versions
    assert list(get_messages(response.wsgi_request)) == []
    page = response.content.decode()
    status_row = page[page.index('field-status"') : page.index("field-summary")]
    assert 'id="id_status_error"' in status_row
    assert page.count('id="id_status_error"') == 1
    assert 'class="errorlist nonfield"' not in page
