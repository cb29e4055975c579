"""The data version (cogwg/versioning.py): read from the cache without a query, and changed
by every write of a record the site shows."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

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
