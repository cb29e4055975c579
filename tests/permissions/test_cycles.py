"""The contributor binding as the reporting cycles use it (cogwg/cycles.py): a contributor
follows their jurisdictions on a period's dashboard, fills in their own sheet only, and
is reminded while their jurisdiction has not submitted."""

import datetime
from types import SimpleNamespace

import pytest
from django.core import mail
from django.urls import reverse

from cogwg import cycles
from cogwg.choices import PublicationState
from tests.cycles.test_sheets import download, fill, upload
from tests.permissions.conftest import admin_client
from workplan.models import ProgressUpdate, WorkPlan


@pytest.fixture
def period(world):
    # Running until next year: a sheet's updates are dated today, within their plan.
    WorkPlan.objects.filter(pk=world.plan.pk).update(end_date=datetime.date(datetime.date.today().year + 1, 12, 31))
    return cycles.period_open(
        work_plan=world.plan,
        title_en="June 2020",
        title_fr="Juin 2020",
        period_end=datetime.date(2020, 6, 30),
        deadline=datetime.date(2020, 7, 15),
        by=world.users.secretariat,
    )


def test_a_contributor_reports_for_their_jurisdiction_only(world, period, client):
    admin_client(client, world.users.contributor_on)
    cycle = SimpleNamespace(period=period)

    dashboard = client.get(reverse("admin:cogwg_reportingperiod_dashboard", args=[period.pk]))
    other_sheet = client.get(reverse("admin:cogwg_reportingperiod_sheet", args=[period.pk, "NS"]))
    workbook = download(client, cycle, "ON")
    fill(workbook, 2, "at_risk", 30, "Late")
    uploaded = upload(client, cycle, workbook, world.on)

    assert dashboard.status_code == 200
    assert [row.jurisdiction for row in dashboard.context["status"].jurisdictions] == [world.on]
    assert other_sheet.status_code == 404
    assert uploaded.status_code == 302
    posted = ProgressUpdate.objects.exclude(pk=world.update.pk).get()
    assert (posted.jurisdiction, posted.author, posted.publication_state) == (
        world.on,
        world.users.contributor_on,
        PublicationState.SUBMITTED,
    )


def test_a_contributor_is_reminded_while_their_jurisdiction_has_not_submitted(world, period):
    sent = cycles.period_remind(period=period)

    assert sent == 1
    (reminder,) = mail.outbox
    assert reminder.to == ["alice@example.org"]
