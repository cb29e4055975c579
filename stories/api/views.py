"""API viewsets of user stories and datasets."""

from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import extend_schema
from rest_framework.decorators import action
from rest_framework.response import Response

from cogwg import permissions
from cogwg.api.base import api_validation_error
from cogwg.api.schema import ILLUSTRATIVE, read_examples
from cogwg.api.viewsets import ModelViewSet

from ..filtersets import DatasetFilterSet, UserStoryFilterSet
from ..models import Dataset, UserStory
from ..services import REVIEWABLE_STATES, story_announce_submitted, story_decision_announce, story_publish
from . import examples
from .serializers import DatasetSerializer, UserStorySerializer


@read_examples(examples.STORY, examples.STORIES, summary=ILLUSTRATIVE)
class UserStoryViewSet(ModelViewSet):
    """How people used open data (the priority 1 inventory). Only published stories are
    public; who submitted a story is never shown."""

    queryset = UserStory.objects.for_listing()
    serializer_class = UserStorySerializer
    filterset_class = UserStoryFilterSet

    @extend_schema(request=None, summary="Publish the story (the secretariat's moderation)")
    @action(detail=True, methods=["post"], filterset_class=None)
    def publish(self, request, *args, **kwargs):
        """A 400, naming what is missing, for a rejected story or one that lacks what a
        published story has (``stories.services.story_publish``)."""
        story = self.get_object()
        try:
            story_publish(story=story, by=request.user)
        except DjangoValidationError as error:
            raise api_validation_error(error) from error
        return Response(self.get_serializer(self.get_object()).data)

    def perform_create(self, serializer):
        super().perform_create(serializer)
        story = serializer.instance
        if story.state in REVIEWABLE_STATES and not permissions.can_publish(self.request.user, UserStory):
            # A contributor filed it: the secretariat reviews it.
            story_announce_submitted(story=story)

    def perform_update(self, serializer):
        previous_state = serializer.instance.state
        super().perform_update(serializer)
        story_decision_announce(story=serializer.instance, previous_state=previous_state)


@read_examples(examples.DATASET, examples.DATASETS, summary=ILLUSTRATIVE)
class DatasetViewSet(ModelViewSet):
    """Datasets on CKAN portals that stories used, with the metadata harvested from them."""

    queryset = Dataset.objects.all()
    serializer_class = DatasetSerializer
    filterset_class = DatasetFilterSet
