"""The History and audit pages say which time zone their times are in: the hour repeated
when the clocks go back shows two different moments."""

import datetime

import pytest
from django.urls import reverse

from jurisdictions.models import Jurisdiction
from tests.factories import JurisdictionFactory

pytestmark = pytest.mark.django_db

# 01:30 on 3 November 2024 in Toronto, in daylight time, then an hour later in standard time.
DAYLIGHT = datetime.datetime(2024, 11, 3, 5, 30, tzinfo=datetime.UTC)
STANDARD = datetime.datetime(2024, 11, 3, 6, 30, tzinfo=datetime.UTC)


@pytest.fixture
def twice_at_half_past_one(settings):
    settings.TIME_ZONE = "America/Toronto"
    record = JurisdictionFactory(code="BC", name_en="British Columbia")
    record.name_en = "British Columbia (BC)"
    record.save()
    first, second = Jurisdiction.history.filter(id=record.pk).order_by("history_id")
    Jurisdiction.history.filter(history_id=first.history_id).update(history_date=DAYLIGHT)
    Jurisdiction.history.filter(history_id=second.history_id).update(history_date=STANDARD)
    return record


@pytest.mark.parametrize("page", ["history", "audit"])
def test_each_time_carries_its_offset(staff_client, twice_at_half_past_one, page):
    if page == "history":
        url = reverse("admin:jurisdictions_jurisdiction_history", args=[twice_at_half_past_one.pk])
    else:
        url = reverse("admin:audit")

    html = staff_client.get(url).content.decode()

    assert '<time datetime="2024-11-03T01:30:00-04:00">' in html
    assert '<time datetime="2024-11-03T01:30:00-05:00">' in html
    assert "1:30 a.m. (UTC-04:00)" in html and "1:30 a.m. (UTC-05:00)" in html
