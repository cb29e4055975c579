"""API viewsets of user stories and datasets."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import ProtectedError, RestrictedError
from drf_spectacular.utils import extend_schema
from rest_framework.decorators import action
from rest_framework.permissions import SAFE_METHODS
from rest_framework.response import Response

from cogwg import permissions
from cogwg.api.base import api_validation_error
from cogwg.api.schema import ILLUSTRATIVE, read_examples
from cogwg.api.viewsets import Conflict, ModelViewSet

from ..filtersets import DatasetFilterSet, UserStoryFilterSet
from ..models import Dataset, UserStory
from ..services import (
    REVIEWABLE_STATES,
    story_announce_submitted,
    story_decision_announce,
    story_delete,
    story_publish,
)
from . import examples
from .serializers import DatasetSerializer, UserStorySerializer, UserStoryTableSerializer


@read_examples(examples.STORY, examples.STORIES, summary=ILLUSTRATIVE)
class UserStoryViewSet(ModelViewSet):
    """How people used open data (the priority 1 inventory). Only published stories are
    public; who submitted a story is never shown.

    In CSV (`format=csv`), a story's themes and datasets take a column for each key of
    their objects here, each cell listing the values of all of them in the same order,
    separated by `; `: `themes.slug` and `themes.name`; `datasets.url`, `datasets.id`
    (the `id` of `/api/v1/datasets/`), `datasets.title`, `datasets.portal_url` and
    `datasets.ckan_id`."""

    queryset = UserStory.objects.for_listing()
    serializer_class = UserStorySerializer
    filterset_class = UserStoryFilterSet

    def get_serializer_class(self):
        # (A write answered in CSV reads its body as JSON's serializer does.)
        renderer = getattr(self.request, "accepted_renderer", None)
        if self.request.method in SAFE_METHODS and getattr(renderer, "format", "") == "csv":
            return UserStoryTableSerializer
        return super().get_serializer_class()

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

    def perform_destroy(self, instance):
        # Its submitter's name and e-mail address leave its history with it.
        try:
            story_delete(story=instance, by=self.request.user)
        except (ProtectedError, RestrictedError) as error:
            raise Conflict from error


@read_examples(examples.DATASET, examples.DATASETS, summary=ILLUSTRATIVE)
class DatasetViewSet(ModelViewSet):
    """Datasets on CKAN portals that stories used, with the metadata harvested from them."""

    queryset = Dataset.objects.all()
    serializer_class = DatasetSerializer
    filterset_class = DatasetFilterSet
