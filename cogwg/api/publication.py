"""The review's actions for records that go through it (cogwg/services.py):
``submit`` (a contributor's draft or returned record), then ``publish`` or ``return``
(with a comment) by the secretariat, and ``withdraw`` (back to draft). A write of such a
record that would change its publication state is refused, naming the actions
(``MovedByActionsMixin``)."""

from collections.abc import Mapping

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.response import Response

from cogwg.choices import PublicationState
from cogwg.services import record_return, record_submit, records_publish, records_unpublish

from .base import api_validation_error

PUBLICATION_STATE_MOVED = _(
    "The publication state is not written: a new record is a draft, then moved only by the actions `submit`, "
    "`publish`, `return` and `withdraw` (POST …/{id}/submit/ and the like)."
)
# The schema's description of such a publication state.
PUBLICATION_STATE_HELP = (
    "Moved only by the actions `submit`, `publish`, `return` and `withdraw`: a new record is a `draft`. A write that "
    "sends another value than the record's (on creation, than `draft`) is refused (400), and changes nothing."
)


class MovedByActionsMixin:
    """For a model serializer whose record's state (``moved_field``, read-only) is moved
    only by its viewset's actions. DRF leaves out what a write sends for a read-only
    field, so a client that sent a new state got a 200 and believed the record had moved:
    here a write that sends the field with another value than the one the write leaves
    (the stored one; on creation, the one creation gives: ``created_state``) is a 400
    naming the actions (``moved_message``) on that field, beside the other fields' errors,
    and nothing is written. The same value passes: a client PUTs back what it read.
    ``moved_fields`` names more than one such field (a milestone's status, progress and
    completion date), each with its message."""

    moved_field = "publication_state"
    moved_message = PUBLICATION_STATE_MOVED

    @property
    def moved_fields(self):
        return {self.moved_field: self.moved_message}

    def created_state(self, data):
        """The state creation gives the record written with ``data``; None when unknown
        (``data`` is refused for another reason)."""
        return self.Meta.model._meta.get_field(self.moved_field).get_default()

    def _kept(self, name, data):
        """What the write leaves in field ``name``: the stored value, or creation's (None
        for a state creation cannot tell: ``created_state``)."""
        if self.instance is not None:
            return getattr(self.instance, name)
        if name == self.moved_field:
            return self.created_state(data)
        return self.Meta.model._meta.get_field(name).get_default()

    def _same(self, name, sent, kept) -> bool:
        """Whether ``sent`` (as a client writes it: "2020-06-30", "40") is ``kept``."""
        try:
            return self.Meta.model._meta.get_field(name).to_python(sent) == kept
        except (DjangoValidationError, TypeError, ValueError):  # not a value of the field (12 for a date)
            return False

    def to_internal_value(self, data):
        errors = {}
        try:
            values = super().to_internal_value(data)
        except serializers.ValidationError as error:
            if not isinstance(error.detail, Mapping):
                raise
            values, errors = None, dict(error.detail)
        if isinstance(data, Mapping):
            for name, message in self.moved_fields.items():
                if name not in data:
                    continue
                kept = self._kept(name, data)
                if self.instance is None and name == self.moved_field and kept is None:
                    continue  # unknown: the data is refused for another reason
                if not self._same(name, data[name], kept):
                    errors[name] = [message]
        if errors:
            raise serializers.ValidationError(errors)
        return values


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

    def _after(self, change, record=None):
        record = self.get_object() if record is None else record
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
        # The record first: a missing one is a 404, whatever the body says.
        record = self.get_object()
        comment = ReturnCommentSerializer(data=request.data)
        comment.is_valid(raise_exception=True)
        return self._after(
            lambda record, by: record_return(record=record, comment=comment.validated_data["comment"], by=by),
            record,
        )

    @extend_schema(request=None, summary="Withdraw the record (back to draft)")
    @action(detail=True, methods=["post"], filterset_class=None)
    def withdraw(self, request, *args, **kwargs):
        return self._after(self.withdraw_record)
