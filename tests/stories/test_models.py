import pytest
from django.db import IntegrityError, transaction

from stories.choices import StoryState
from stories.models import Dataset, UserStory
from tests.factories import DatasetFactory, UserStoryFactory

pytestmark = pytest.mark.django_db


def test_only_published_stories_are_public():
    shown = UserStoryFactory(state=StoryState.PUBLISHED)
    for state in (StoryState.SUBMITTED, StoryState.IN_REVIEW, StoryState.APPROVED):
        UserStoryFactory(state=state, published_on=None)
    UserStoryFactory(state=StoryState.REJECTED, published_on=None, rejection_reason="Not about open data.")

    assert list(UserStory.objects.published()) == [shown]


def test_a_published_story_has_a_publication_date():
    with pytest.raises(IntegrityError), transaction.atomic():
        UserStoryFactory(state=StoryState.PUBLISHED, published_on=None)


def test_a_dataset_is_referenced_once_per_portal():
    dataset = DatasetFactory(ckan_id="abc")
    DatasetFactory(ckan_id="abc", portal_url="https://data.ontario.ca")

    with pytest.raises(IntegrityError), transaction.atomic():
        DatasetFactory(ckan_id="abc", portal_url=dataset.portal_url)

    assert Dataset.objects.count() == 2
