"""API viewsets of jurisdictions, accomplishments and challenges."""

from django.db.models import ProtectedError
from rest_framework.renderers import JSONRenderer

from cogwg.api.publication import PublicationActionsMixin
from cogwg.api.renderers import CSVRenderer, XLSXRenderer
from cogwg.api.schema import read_examples
from cogwg.api.viewsets import Conflict, ModelViewSet

from ..filtersets import AccomplishmentFilterSet, ChallengeFilterSet, JurisdictionFilterSet
from ..models import Accomplishment, Challenge, Jurisdiction
from ..services import jurisdictions_delete
from . import examples
from .serializers import AccomplishmentSerializer, ChallengeSerializer, JurisdictionSerializer


@read_examples(examples.JURISDICTION, examples.JURISDICTIONS)
class JurisdictionViewSet(ModelViewSet):
    """Member governments and organizations, looked up by code (CA, BC, ON…)."""

    queryset = Jurisdiction.objects.all()
    serializer_class = JurisdictionSerializer
    filterset_class = JurisdictionFilterSet
    lookup_field = "code"

    def get_object(self):
        # Codes are upper case; the site's addresses write them in lower case (/en/jurisdictions/on/).
        self.kwargs[self.lookup_field] = self.kwargs[self.lookup_field].upper()
        return super().get_object()

    def perform_destroy(self, instance):
        # As in the admin: refused while a challenge lists it (its history would not say so).
        try:
            jurisdictions_delete(queryset=Jurisdiction.objects.filter(pk=instance.pk), by=self.request.user)
        except ProtectedError as error:
            raise Conflict from error


@read_examples(examples.ACCOMPLISHMENT, examples.ACCOMPLISHMENTS)
class AccomplishmentViewSet(PublicationActionsMixin, ModelViewSet):
    """What jurisdictions accomplished. ``?format=xlsx`` gives a spreadsheet."""

    queryset = Accomplishment.objects.for_listing()
    serializer_class = AccomplishmentSerializer
    filterset_class = AccomplishmentFilterSet
    renderer_classes = [JSONRenderer, CSVRenderer, XLSXRenderer]


@read_examples(examples.CHALLENGE, examples.CHALLENGES)
class ChallengeViewSet(PublicationActionsMixin, ModelViewSet):
    """What holds jurisdictions back, and what is done about it."""

    queryset = Challenge.objects.for_listing()
    serializer_class = ChallengeSerializer
    filterset_class = ChallengeFilterSet
