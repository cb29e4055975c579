"""API viewsets of user stories and datasets."""

from cogwg.api.viewsets import ModelViewSet
from jurisdictions.models import Jurisdiction
from workplan.models import Milestone

from ..filtersets import DatasetFilterSet, UserStoryFilterSet
from ..models import Dataset, Theme, UserStory
from .serializers import DatasetSerializer, UserStorySerializer


class UserStoryViewSet(ModelViewSet):
    """How people used open data (the priority 1 inventory). Only published stories are
    public; who submitted a story is never shown."""

    queryset = UserStory.objects.for_listing()
    serializer_class = UserStorySerializer
    filterset_class = UserStoryFilterSet
    etag_dependencies = (Jurisdiction, Theme, Dataset, Milestone, UserStory.themes.through, UserStory.datasets.through)


class DatasetViewSet(ModelViewSet):
    """Datasets on CKAN portals that stories used, with the metadata harvested from them."""

    queryset = Dataset.objects.all()
    serializer_class = DatasetSerializer
    filterset_class = DatasetFilterSet
