"""``publish`` and ``withdraw`` actions for records that go through review."""

from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import extend_schema
from rest_framework.decorators import action
from rest_framework.response import Response

from cogwg.services import records_publish, records_unpublish

from .base import api_validation_error


class PublicationActionsMixin:
    """``POST …/{id}/publish/`` and ``POST …/{id}/withdraw/`` (back to draft), through the
    services; each answers with the record as it now is."""

    def publish_record(self, record, by):
        records_publish(queryset=type(record).objects.filter(pk=record.pk), by=by)

    def withdraw_record(self, record, by):
        records_unpublish(queryset=type(record).objects.filter(pk=record.pk), by=by)

    def _after(self, change):
        record = self.get_object()
        try:
            change(record, self.request.user)
        except DjangoValidationError as error:
            raise api_validation_error(error) from error
        return Response(self.get_serializer(self.get_object()).data)

    @extend_schema(request=None, summary="Publish the record")
    @action(detail=True, methods=["post"], filterset_class=None)
    def publish(self, request, *args, **kwargs):
        return self._after(self.publish_record)

    @extend_schema(request=None, summary="Withdraw the record (back to draft)")
    @action(detail=True, methods=["post"], filterset_class=None)
    def withdraw(self, request, *args, **kwargs):
        return self._after(self.withdraw_record)
