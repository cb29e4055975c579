"""Which day it is: the site decides in its own time zone (America/Toronto), but an update
is "in the future" only once its date is not yet today anywhere in Canada
(``cogwg.dates.is_future``: today in St. John's, Newfoundland, the easternmost zone). A
reporter in St. John's at a quarter past midnight dates an update on their own today,
through the service, the admin's form and the API alike. The admin's form still offers
the site's today, and says so."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone, translation

from cogwg import dates
from tests.factories import MilestoneFactory, WorkPlanFactory
from workplan.admin_forms import ProgressUpdatePostForm
from workplan.choices import MilestoneStatus
from workplan.services import progress_update_validate

pytestmark = pytest.mark.django_db

UTC = datetime.UTC
SEPT_30 = datetime.date(2026, 9, 30)
OCT_1 = datetime.date(2026, 10, 1)
FUTURE = {"reported_on": ["An update cannot be dated in the future."]}


def at(*moment):
    return datetime.datetime(*moment, tzinfo=UTC)


@pytest.fixture
def clock(monkeypatch):
    def set_to(moment):
        monkeypatch.setattr(timezone, "now", lambda: moment)

    return set_to


@pytest.fixture
def milestone():
    # Of a 2026 plan: an update is dated within its plan (or shortly after it ends).
    plan = WorkPlanFactory(slug="2026", start_date=datetime.date(2026, 1, 1), end_date=datetime.date(2026, 12, 31))
    return MilestoneFactory(priority__work_plan=plan, due_date=datetime.date(2026, 12, 31))


def refusal(milestone, day):
    try:
        progress_update_validate(milestone=milestone, reported_on=day, status=MilestoneStatus.ON_TRACK, progress=10)
    except ValidationError as error:
        return error.message_dict
    return None


@pytest.mark.parametrize(
    ("moment", "site_today", "latest_today"),
    [
        # Summer: St. John's is UTC-2:30 (NDT), Toronto UTC-4 (EDT).
        (at(2026, 10, 1, 2, 29, 59), SEPT_30, SEPT_30),  # 23:59:59 in St. John's
        (at(2026, 10, 1, 2, 30), SEPT_30, OCT_1),  # midnight in St. John's, 22:30 in Toronto
        (at(2026, 10, 1, 2, 45), SEPT_30, OCT_1),  # 00:15 in St. John's
        (at(2026, 10, 1, 4, 0), OCT_1, OCT_1),  # midnight in Toronto
        # Winter: St. John's is UTC-3:30 (NST), Toronto UTC-5 (EST).
        (at(2026, 12, 1, 3, 29, 59), datetime.date(2026, 11, 30), datetime.date(2026, 11, 30)),
        (at(2026, 12, 1, 3, 30), datetime.date(2026, 11, 30), datetime.date(2026, 12, 1)),
    ],
)
def test_an_update_may_be_dated_on_the_latest_today_in_canada_and_no_later(
    clock, milestone, moment, site_today, latest_today
):
    clock(moment)

    assert (dates.today(), dates.latest_today()) == (site_today, latest_today)
    assert refusal(milestone, latest_today) is None
    assert refusal(milestone, latest_today + datetime.timedelta(days=1)) == FUTURE


def test_a_reporter_in_st_johns_after_midnight_posts_on_their_today_in_the_admin_form(clock, milestone):
    clock(at(2026, 10, 1, 2, 45))  # 00:15 in St. John's, 23:15 in Halifax, 22:45 in Toronto

    form = ProgressUpdatePostForm()
    posted = ProgressUpdatePostForm(
        data={
            "milestone": milestone.pk,
            "reported_on": "2026-10-01",
            "status": MilestoneStatus.ON_TRACK,
            "progress": "10",
            "note_en": "Started",
            "note_fr": "Commencé",
        }
    )
    tomorrow = ProgressUpdatePostForm(data=posted.data | {"reported_on": "2026-10-02"})

    # The date offered stays the site's today.
    assert form.initial["reported_on"] == SEPT_30
    assert posted.is_valid(), posted.errors
    assert not tomorrow.is_valid()
    assert tomorrow.errors == FUTURE


@pytest.mark.parametrize(
    ("language", "help_text"),
    [
        (
            "en",
            "By default, today in the America/Toronto time zone. A date that is already today somewhere in Canada "
            "(in St. John's, Newfoundland) is accepted; a later one is not.",
        ),
        (
            "fr",
            "Par défaut, la date du jour dans le fuseau horaire America/Toronto. Une date qui est déjà celle du jour "
            "quelque part au Canada (à St. John's, Terre-Neuve) est acceptée\u00a0; une date postérieure ne l'est pas.",
        ),
    ],
)
def test_the_admin_form_says_which_zone_today_is_in(language, help_text):
    with translation.override(language):
        form = ProgressUpdatePostForm()

    assert form.fields["reported_on"].help_text == help_text


def test_the_api_takes_the_st_johns_date_after_its_midnight(clock, staff_api, milestone):
    clock(at(2026, 10, 1, 2, 45))

    response = staff_api.post(
        "/api/v1/progress-updates/",
        {"milestone": milestone.pk, "reported_on": "2026-10-01", "status": "on_track", "progress": 10},
        format="json",
    )

    assert response.status_code == 201, response.content
    assert response.json()["reported_on"] == "2026-10-01"
