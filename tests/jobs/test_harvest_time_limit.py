"""The weekly harvest stops at its soft time limit: Celery's SoftTimeLimitExceeded is not
one dataset's failure, recorded as such while the loop goes on until the hard limit kills
the worker; it ends the run, the dataset being harvested left as it was."""

import pytest
from celery.exceptions import SoftTimeLimitExceeded

from stories import tasks
from stories.services import datasets as service
from tests.factories import DatasetFactory

pytestmark = pytest.mark.django_db


def test_the_soft_time_limit_ends_the_harvest(monkeypatch):
    first, second = DatasetFactory(), DatasetFactory()
    asked = []

    def package_show(self, ckan_id):
        asked.append(ckan_id)
        raise SoftTimeLimitExceeded()  # what Celery raises in the task at its soft time limit

    monkeypatch.setattr(service.CkanClient, "package_show", package_show)

    with pytest.raises(SoftTimeLimitExceeded):
        tasks.harvest_datasets.run()

    assert asked == [first.ckan_id]
    for dataset in (first, second):
        dataset.refresh_from_db()
        assert (dataset.harvest_error_code, dataset.harvest_error, dataset.last_harvest_attempt) == ("", "", None)


def test_any_other_error_of_one_dataset_is_recorded_and_the_harvest_goes_on(monkeypatch):
    first, second = DatasetFactory(), DatasetFactory()
    asked = []

    def package_show(self, ckan_id):
        asked.append(ckan_id)
        raise RuntimeError("unexpected")

    monkeypatch.setattr(service.CkanClient, "package_show", package_show)

    assert tasks.harvest_datasets.run() == {"harvested": 0, "failed": 2}

    assert asked == [first.ckan_id, second.ckan_id]
    first.refresh_from_db()
    assert first.harvest_error == "RuntimeError: unexpected"
