"""The review's actions for records that go through it (cogwg/services.py):
``submit`` (a contributor's draft or returned record), then ``publish`` or ``return``
(with a comment) by the secretariat, and ``withdraw`` (back to draft). A write of such a
record that would change its publication state is refused, naming the actions
(``MovedByActionsMixin``)."""

from collections.abc import Mapping

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import router, transaction
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.decorators import action

from cogwg.choices import PublicationState
from cogwg.services import record_return, record_submit, records_publish, records_unpublish

from .base import api_validation_error
from .caching import RECORD_ETAG_HEADER
from .viewsets import ApiViewSetMixin

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

    def sent_errors(self, data: Mapping) -> dict:
        """The refusals of what ``data`` sends that its writer may not set, by field: a
        moved field sent with another value than the kept one."""
        errors = {}
        for name, message in self.moved_fields.items():
            if name not in data:
                continue
            kept = self._kept(name, data)
            if self.instance is None and name == self.moved_field and kept is None:
                continue  # unknown: the data is refused for another reason
            if not self._same(name, data[name], kept):
                errors[name] = [message]
        return errors

    def to_internal_value(self, data):
        # The fields' own errors and ``sent_errors`` together, in one 400.
        errors = {}
        try:
            values = super().to_internal_value(data)
        except serializers.ValidationError as error:
            if not isinstance(error.detail, Mapping):
                raise
            values, errors = None, dict(error.detail)
        if isinstance(data, Mapping):
            errors |= self.sent_errors(data)
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


ONLY_PUBLISHED_WITHDRAWN = _(
    "Only a published record can be withdrawn (back to draft): a record under review is published or returned "
    "for changes."
)
# The actions' answer is the record as it now is, sent with its Record-ETag.
PUBLICATION_ACTIONS = ("submit", "publish", "return_for_changes", "withdraw")
# What the actions' descriptions say, in the schema.
WRONG_STATE_HELP = (
    "A record in another state is a 400 saying why (under `non_field_errors`, in the reader's language), and "
    "nothing changes."
)
RECORD_ETAG_HELP = (
    f"Send the record's `{RECORD_ETAG_HEADER}` in `If-Match` to act only on the record as you read it (412 "
    f"otherwise); the answer is the record as it now is, with its new `{RECORD_ETAG_HEADER}`."
)


class PublicationActionsMixin:
    """``POST …/{id}/submit/``, ``…/publish/``, ``…/return/`` and ``…/withdraw/``, through
    the services; each answers with the record as it now is (a 400 when the record is
    not in a state for it)."""

    record_actions = (*ApiViewSetMixin.record_actions, *PUBLICATION_ACTIONS)

    def publish_record(self, record, by):
        records_publish(queryset=type(record).objects.filter(pk=record.pk), by=by)

    def withdraw_record(self, record, by):
        records_unpublish(queryset=type(record).objects.filter(pk=record.pk), by=by)

    def submit_record(self, record, by):
        record_submit(record=record, by=by)

    def _after(self, change):
        """``change(record, by)`` on the record, read locked in the action's transaction
        (``ApiViewSetMixin.get_object``: its rights and ``If-Match`` are weighed against it
        as stored), answered with the record as it now is; a 400 with the service's
        reasons when it refuses."""
        with transaction.atomic(using=router.db_for_write(self.queryset.model)):
            record = self.get_object()
            try:
                change(record, self.request.user)
            except DjangoValidationError as error:
                raise api_validation_error(error) from error
            return self.record_response(record)

    @extend_schema(
        request=None,
        summary="Submit the record for review",
        description=(
            "A draft, or a record returned for changes, goes to the secretariat's review. "
            f"{WRONG_STATE_HELP} {RECORD_ETAG_HELP}"
        ),
    )
    @action(detail=True, methods=["post"], filterset_class=None)
    def submit(self, request, *args, **kwargs):
        return self._after(self.submit_record)

    @extend_schema(
        request=None,
        summary="Publish the record",
        description=(
            "From any state; a published record is left as it is. A record that may not be published (one of its "
            "texts missing in a language; a progress update of a closed reporting period or plan) is a 400 saying "
            f"why, and nothing changes. {RECORD_ETAG_HELP}"
        ),
    )
    @action(detail=True, methods=["post"], filterset_class=None)
    def publish(self, request, *args, **kwargs):
        return self._after(self.publish_record)

    @extend_schema(
        request=ReturnCommentSerializer,
        summary="Return the record for changes, with a comment",
        description=(
            "A record submitted for review goes back to its contributors, with the comment. "
            f"{WRONG_STATE_HELP} {RECORD_ETAG_HELP}"
        ),
    )
    @action(detail=True, methods=["post"], url_path="return", url_name="return", filterset_class=None)
    def return_for_changes(self, request, *args, **kwargs):
        def return_record(record, by):
            # Read once the record is: a missing one is a 404, whatever the body says.
            comment = ReturnCommentSerializer(data=request.data)
            comment.is_valid(raise_exception=True)
            record_return(record=record, comment=comment.validated_data["comment"], by=by)

        return self._after(return_record)

    @extend_schema(
        request=None,
        summary="Withdraw the record (back to draft)",
        description=(
            f"A published record is taken back to draft, off the public site. {WRONG_STATE_HELP} {RECORD_ETAG_HELP}"
        ),
    )
    @action(detail=True, methods=["post"], filterset_class=None)
    def withdraw(self, request, *args, **kwargs):
        def withdraw_record(record, by):
            # The services take back what is published and leave the rest: here the
            # record named is refused, as submitting a submitted record is.
            if record.publication_state != PublicationState.PUBLISHED:
                raise DjangoValidationError(ONLY_PUBLISHED_WITHDRAWN, code="not_published")
            self.withdraw_record(record, by)

        return self._after(withdraw_record)
