"""The data version (cogwg/versioning.py): read from the cache without a query, and changed
by every write of a record the site shows."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cogwg import versioning
from cogwg.versioning import data_changed, data_version, hash_of_files
from jurisdictions.models import Accomplishment
from tests import factories

pytestmark = pytest.mark.django_db


def queries_of(function):
    with CaptureQueriesContext(connection) as queries:
        result = function()
    return result, len(queries)


def test_the_version_is_computed_once_then_read_from_the_cache():
    factories.MilestoneFactory()

    first, first_queries = queries_of(data_version)
    again, again_queries = queries_of(data_version)

    assert (first_queries, again_queries) == (1, 0)
    assert again == first


@pytest.mark.parametrize("write", ["save", "delete"])
def test_saving_or_deleting_a_record_changes_the_version(write):
    accomplishment = factories.AccomplishmentFactory()
    before = data_version()

    if write == "save":
        accomplishment.title_en = "Renamed"
        accomplishment.save()
    else:
        accomplishment.delete()

    after = data_version()
    assert after.tag != before.tag
    assert after.last_modified >= before.last_modified


def test_a_many_to_many_change_changes_the_version():
    story = factories.UserStoryFactory()
    theme = factories.ThemeFactory()
    before = data_version()

    story.themes.add(theme)

    assert data_version().tag != before.tag


def test_a_write_that_sends_no_signal_is_seen_once_the_service_says_so():
    accomplishment = factories.AccomplishmentFactory()
    before = data_version()

    Accomplishment.objects.filter(pk=accomplishment.pk).update(title_en="Renamed in bulk")
    unchanged = data_version()
    data_changed()

    assert unchanged == before
    assert data_version().tag != before.tag


def test_the_commit_starts_another_generation(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        factories.ChallengeFactory()
        during = data_version()

    for callback in callbacks:
        callback()

    # A reader who computed the version before the commit kept it under the old generation.
    assert data_version().tag != during.tag


def test_without_a_cache_the_version_comes_from_the_tables(settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
    accomplishment = factories.AccomplishmentFactory()

    first, first_queries = queries_of(data_version)
    again, again_queries = queries_of(data_version)
    accomplishment.title_en = "Renamed"
    accomplishment.save()

    assert (first_queries, again_queries) == (1, 1)
    assert again == first
    assert data_version().tag != first.tag


def test_a_new_release_changes_the_version(monkeypatch):
    factories.MilestoneFactory()
    before = data_version()

    # A process of the new release, beside those of the old one, with no record changed.
    monkeypatch.setattr(versioning, "code_version", lambda: "next-release")

    assert data_version().tag != before.tag


def test_the_release_hash_follows_templates_and_code_not_bytecode(tmp_path):
    app = tmp_path / "app"
    (app / "templates").mkdir(parents=True)
    (app / "__pycache__").mkdir()
    template = app / "templates" / "page.html"
    template.write_text("<p>Before</p>")
    (app / "views.py").write_text("VIEW = 1\n")
    first = hash_of_files([app])

    (app / "__pycache__" / "views.cpython-311.pyc").write_bytes(b"bytecode")
    unchanged = hash_of_files([app])
    template.write_text("<p>After</p>")

    assert unchanged == first
    assert hash_of_files([app]) != first


def toronto(*args):
    return datetime.datetime(*args, tzinfo=ZoneInfo("America/Toronto"))


@pytest.fixture
def clock(monkeypatch):
    """Set the time ``today()`` reads, as a Toronto wall-clock time."""

    def set_to(*args):
        monkeypatch.setattr(versioning.time, "time", toronto(*args).timestamp)

    return set_to


@pytest.mark.parametrize(
    ("moment", "day", "midnight"),
    [
        ((2020, 6, 30, 23, 59, 59), datetime.date(2020, 6, 30), toronto(2020, 6, 30)),
        ((2020, 7, 1, 0, 0, 0), datetime.date(2020, 7, 1), toronto(2020, 7, 1)),
        # The days daylight saving time starts and ends (23 and 25 hours long).
        ((2020, 3, 8, 23, 30), datetime.date(2020, 3, 8), toronto(2020, 3, 8)),
        ((2020, 11, 1, 23, 30), datetime.date(2020, 11, 1), toronto(2020, 11, 1)),
        # Past midnight in Toronto, still the day before in UTC.
        ((2020, 11, 2, 0, 30), datetime.date(2020, 11, 2), toronto(2020, 11, 2)),
    ],
)
def test_today_is_the_day_in_toronto_with_its_midnight(clock, moment, day, midnight):
    clock(*moment)

    assert versioning.today() == (day, midnight.timestamp())


def test_today_follows_the_clock_across_midnight_and_back(clock):
    clock(2020, 6, 30, 12, 0)
    noon = versioning.today()
    clock(2020, 6, 30, 23, 59, 59)
    late = versioning.today()
    clock(2020, 7, 1, 0, 0, 0)
    next_day = versioning.today()
    clock(2020, 6, 30, 8, 0)  # a clock set back

    assert noon == late == (datetime.date(2020, 6, 30), toronto(2020, 6, 30).timestamp())
    assert next_day == (datetime.date(2020, 7, 1), toronto(2020, 7, 1).timestamp())
    assert versioning.today() == noon


def test_today_is_what_django_says_now():
    assert versioning.today()[0] == timezone.localdate()


@pytest.mark.parametrize("day", [datetime.date(2020, 3, 8), datetime.date(2020, 11, 1)])
def test_the_day_turns_at_midnight_on_the_days_of_23_and_25_hours(clock, day):
    # Daylight saving time starts on 8 March 2020 and ends on 1 November in Toronto.
    clock(day.year, day.month, day.day, 0, 30)
    early = versioning.today()[0]
    clock(day.year, day.month, day.day, 23, 59, 59)
    late = versioning.today()[0]
    following = day + datetime.timedelta(days=1)
    clock(following.year, following.month, following.day, 0, 0, 0)

    assert early == late == day
    assert versioning.today()[0] == following
