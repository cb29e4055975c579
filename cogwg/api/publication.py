"""The review's actions for records that go through it (cogwg/services.py):
``submit`` (a contributor's draft or returned record), then ``publish`` or ``return``
(with a comment) by the secretariat, and ``withdraw`` (back to draft)."""

from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.response import Response

from cogwg.choices import PublicationState
from cogwg.services import record_return, record_submit, records_publish, records_unpublish

from .base import api_validation_error


class ReviewCommentField(serializers.CharField):
    """The secretariat's comment while the record is returned for changes, so that whoever
    changes it through the API reads why; empty in any other state. A comment of an
    earlier round is not repeated once the record is submitted again, and the public, who
    see only published records, never read one."""

    def __init__(self, **kwargs):
        kwargs.setdefault(
            "help_text", "Why the secretariat returned the record for changes, while it is returned; else empty."
        )
        super().__init__(source="*", read_only=True, **kwargs)

    def to_representation(self, record):
        return record.review_comment if record.publication_state == PublicationState.RETURNED else ""


class ReturnCommentSerializer(serializers.Serializer):
    comment = serializers.CharField(help_text="What should change; e-mailed to whoever submitted the record.")


class PublicationActionsMixin:
    """``POST …/{id}/submit/``, ``…/publish/``, ``…/return/`` and ``…/withdraw/``, through
    the services; each answers with the record as it now is (a 400 when the record is
    not in a state for it)."""

    def publish_record(self, record, by):
        records_publish(queryset=type(record).objects.filter(pk=record.pk), by=by)

    def withdraw_record(self, record, by):
        records_unpublish(queryset=type(record).objects.filter(pk=record.pk), by=by)

    def submit_record(self, record, by):
        record_submit(record=record, by=by)

    def _after(self, change):
        record = self.get_object()
        try:
            change(record, self.request.user)
        except DjangoValidationError as error:
            raise api_validation_error(error) from error
        # Read again without asking for the right to act a second time: a contributor
        # may no longer change what they have just submitted.
        return Response(self.get_serializer(self.get_queryset().get(pk=record.pk)).data)

    @extend_schema(request=None, summary="Submit the record for review")
    @action(detail=True, methods=["post"], filterset_class=None)
    def submit(self, request, *args, **kwargs):
        return self._after(self.submit_record)

    @extend_schema(request=None, summary="Publish the record")
    @action(detail=True, methods=["post"], filterset_class=None)
    def publish(self, request, *args, **kwargs):
        return self._after(self.publish_record)

    @extend_schema(request=ReturnCommentSerializer, summary="Return the record for changes, with a comment")
    @action(detail=True, methods=["post"], url_path="return", url_name="return", filterset_class=None)
    def return_for_changes(self, request, *args, **kwargs):
        comment = ReturnCommentSerializer(data=request.data)
        comment.is_valid(raise_exception=True)
        return self._after(
            lambda record, by: record_return(record=record, comment=comment.validated_data["comment"], by=by)
        )

    @extend_schema(request=None, summary="Withdraw the record (back to draft)")
    @action(detail=True, methods=["post"], filterset_class=None)
    def withdraw(self, request, *args, **kwargs):
        return self._after(self.withdraw_record)
