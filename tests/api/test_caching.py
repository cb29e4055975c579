"""ETag and Last-Modified on lists and details; 304 when the client's copy is current."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests import factories

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("path", ["/api/v1/milestones/", "milestone"])
def test_reads_carry_validators_and_answer_304(api, path):
    milestone = factories.MilestoneFactory()
    path = f"/api/v1/milestones/{milestone.pk}/" if path == "milestone" else path

    first = api.get(path)
    again = api.get(path, HTTP_IF_NONE_MATCH=first["ETag"])

    assert first.status_code == 200
    assert first["ETag"].startswith('"')
    assert first["Last-Modified"]
    assert again.status_code == 304
    assert again.content == b""
    assert again["ETag"] == first["ETag"]


def test_a_304_does_not_load_the_data(api):
    milestone = factories.MilestoneFactory()
    etag = api.get("/api/v1/milestones/")["ETag"]

    with CaptureQueriesContext(connection) as queries:
        response = api.get("/api/v1/milestones/", HTTP_IF_NONE_MATCH=etag)

    # The data version is in the cache since the first answer: not a single query.
    assert response.status_code == 304
    assert queries.captured_queries == []
    assert milestone.pk


def test_a_304_of_the_status_runs_no_query(api):
    update = factories.ProgressUpdateFactory()
    path = f"/api/v1/work-plans/{update.milestone.priority.work_plan.slug}/status/"
    etag = api.get(path)["ETag"]

    with CaptureQueriesContext(connection) as queries:
        response = api.get(path, HTTP_IF_NONE_MATCH=etag)

    assert response.status_code == 304
    assert queries.captured_queries == []


def test_an_edit_changes_the_etag(api):
    milestone = factories.MilestoneFactory(description_en="Before")
    etag = api.get("/api/v1/milestones/")["ETag"]

    milestone.description_en = "After"
    milestone.save()
    response = api.get("/api/v1/milestones/", HTTP_IF_NONE_MATCH=etag)

    assert response.status_code == 200
    assert response["ETag"] != etag


def test_an_edit_of_a_nested_record_changes_the_etag(api):
    milestone = factories.MilestoneFactory()
    etag = api.get(f"/api/v1/milestones/{milestone.pk}/")["ETag"]

    priority = milestone.priority
    priority.title_en = "Renamed"
    priority.save()

    assert api.get(f"/api/v1/milestones/{milestone.pk}/", HTTP_IF_NONE_MATCH=etag).status_code == 200


def test_a_deletion_changes_the_etag(api):
    kept, deleted = factories.DatasetFactory.create_batch(2)
    etag = api.get("/api/v1/datasets/")["ETag"]

    deleted.delete()

    assert api.get("/api/v1/datasets/", HTTP_IF_NONE_MATCH=etag).status_code == 200
    assert kept.pk


def test_the_etag_depends_on_language_filters_and_format(api):
    factories.MilestoneFactory()

    etags = {
        api.get("/api/v1/milestones/")["ETag"],
        api.get("/api/v1/milestones/", HTTP_ACCEPT_LANGUAGE="fr")["ETag"],
        api.get("/api/v1/milestones/", {"status": "delayed"})["ETag"],
        api.get("/api/v1/milestones/", {"format": "csv"})["ETag"],
    }

    assert len(etags) == 4


def test_the_etag_differs_for_readers_who_see_drafts(api, staff_api):
    factories.MilestoneFactory()

    assert api.get("/api/v1/milestones/")["ETag"] != staff_api.get("/api/v1/milestones/")["ETag"]


def test_if_modified_since_answers_304(api):
    factories.MilestoneFactory()
    last_modified = api.get("/api/v1/milestones/")["Last-Modified"]

    assert api.get("/api/v1/milestones/", HTTP_IF_MODIFIED_SINCE=last_modified).status_code == 304


def test_a_stale_etag_on_the_status_gets_the_new_status(api):
    update = factories.ProgressUpdateFactory()
    path = f"/api/v1/work-plans/{update.milestone.priority.work_plan.slug}/status/"
    etag = api.get(path)["ETag"]

    factories.ProgressUpdateFactory(milestone=update.milestone)

    assert api.get(path, HTTP_IF_NONE_MATCH=etag).status_code == 200
    assert api.get(path, HTTP_IF_NONE_MATCH=api.get(path)["ETag"]).status_code == 304
