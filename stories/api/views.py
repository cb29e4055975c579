"""API viewsets of user stories and datasets."""

from drf_spectacular.utils import extend_schema
from rest_framework.decorators import action
from rest_framework.response import Response

from cogwg.api.schema import ILLUSTRATIVE, read_examples
from cogwg.api.viewsets import ModelViewSet

from ..choices import StoryState
from ..filtersets import DatasetFilterSet, UserStoryFilterSet
from ..models import Dataset, UserStory
from ..services import stories_moderate
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
        story = self.get_object()
        stories_moderate(queryset=UserStory.objects.filter(pk=story.pk), state=StoryState.PUBLISHED, by=request.user)
        return Response(self.get_serializer(self.get_object()).data)


@read_examples(examples.DATASET, examples.DATASETS, summary=ILLUSTRATIVE)
class DatasetViewSet(ModelViewSet):
    """Datasets on CKAN portals that stories used, with the metadata harvested from them."""

    queryset = Dataset.objects.all()
    serializer_class = DatasetSerializer
    filterset_class = DatasetFilterSet
