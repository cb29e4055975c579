"""API viewsets of user stories and datasets."""

import inspect

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import router, transaction
from django.db.models import ProtectedError, RestrictedError
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.permissions import SAFE_METHODS

from cogwg import permissions
from cogwg.api.base import api_validation_error
from cogwg.api.permissions import PublicReadStaffWrite
from cogwg.api.publication import RECORD_ETAG_HELP
from cogwg.api.schema import ILLUSTRATIVE, read_examples
from cogwg.api.viewsets import Conflict, ModelViewSet

from ..choices import StoryState
from ..filtersets import DatasetFilterSet, UserStoryFilterSet
from ..models import REJECTION_REASON_LENGTH, Dataset, UserStory
from ..services import (
    REJECTION_REASON_REQUIRED,
    REVIEWABLE_STATES,
    datasets_delete,
    story_announce_submitted,
    story_delete,
    story_move,
    story_publish,
    story_reject,
)
from . import examples
from .serializers import DatasetSerializer, UserStorySerializer, UserStoryTableSerializer


class Moderates(PublicReadStaffWrite):
    """A story's moderation (publish, approve, review, reject) is the secretariat's, as
    publishing is: a contributor who may change their own submitted story may not move
    it (403)."""

    def has_object_permission(self, request, view, obj):
        return permissions.can_publish(request.user, obj)


class StoryPublishSerializer(serializers.Serializer):
    published_on = serializers.DateField(
        required=False, allow_null=True, help_text="The publication date; today when not given."
    )


class StoryRejectSerializer(serializers.Serializer):
    reason = serializers.CharField(
        max_length=REJECTION_REASON_LENGTH,
        error_messages={"required": REJECTION_REASON_REQUIRED, "blank": REJECTION_REASON_REQUIRED},
        help_text=f"Why the story is rejected (required, {REJECTION_REASON_LENGTH} characters at most): e-mailed to "
        "whoever sent it through the public form, so written in the language they used; kept on the story "
        "(`rejection_reason`) while it is rejected, and in its history.",
    )


# A story's moderation: what the secretariat's actions do, in the admin as here.
MODERATION = {"detail": True, "methods": ["post"], "filterset_class": None, "permission_classes": [Moderates]}
MODERATION_ACTIONS = ("publish", "approve", "review", "reject")


def moderation(*, request, summary):
    """A moderation action (``MODERATION``), described by its docstring and by what the
    answer of every action on a record is: with ``If-Match``, and its new Record-ETag."""

    def decorate(method):
        description = f"{inspect.cleandoc(method.__doc__)} {RECORD_ETAG_HELP}"
        return extend_schema(request=request, summary=summary, description=description)(action(**MODERATION)(method))

    return decorate


@read_examples(examples.STORY, examples.STORIES, summary=ILLUSTRATIVE)
class UserStoryViewSet(ModelViewSet):
    """How people used open data (the priority 1 inventory). Only published stories are
    public; who submitted a story is never shown.

    A story's `state` moves only through the secretariat's actions `approve`, `review`,
    `reject` (with the reason, e-mailed to whoever sent the story) and `publish`: a write
    (`POST`, `PUT`, `PATCH`) that sends another state than the story's (on creation, than
    `submitted`) is a 400 on `state`, and changes nothing; the same state is accepted.

    In CSV (`format=csv`), a story's themes and datasets take a column for each key of
    their objects here, each cell listing the values of all of them in the same order,
    separated by `; `: `themes.slug` and `themes.name`; `datasets.url`, `datasets.id`
    (the `id` of `/api/v1/datasets/`), `datasets.title`, `datasets.portal_url` and
    `datasets.ckan_id`."""

    queryset = UserStory.objects.for_listing()
    serializer_class = UserStorySerializer
    filterset_class = UserStoryFilterSet
    # The moderation's answer is the story as it now is, sent with its Record-ETag.
    record_actions = (*ModelViewSet.record_actions, *MODERATION_ACTIONS)

    def get_serializer_class(self):
        # (A write answered in CSV reads its body as JSON's serializer does.)
        renderer = getattr(self.request, "accepted_renderer", None)
        if self.request.method in SAFE_METHODS and getattr(renderer, "format", "") == "csv":
            return UserStoryTableSerializer
        return super().get_serializer_class()

    def _moderate(self, move, body=None):
        """``move(story, by)`` (a service) on the story, read locked in the action's
        transaction (``ApiViewSetMixin.get_object``: the right to moderate it and
        ``If-Match`` are weighed against it as stored), answered with the story as it now
        is and its new Record-ETag, or a 400 with the service's reasons (by field, or
        ``non_field_errors`` for the move itself) when it refuses. With ``body``, a
        serializer of the request's body, read once the user may moderate the story (a 400
        by field when it is not valid), ``move`` is also given its values:
        ``move(story, by, **values)``."""
        with transaction.atomic(using=router.db_for_write(self.queryset.model)):
            story = self.get_object()
            values = {}
            if body is not None:
                sent = body(data=self.request.data)
                sent.is_valid(raise_exception=True)
                values = sent.validated_data
            try:
                move(story, self.request.user, **values)
            except DjangoValidationError as error:
                raise api_validation_error(error) from error
            return self.record_response(story)

    @moderation(request=StoryPublishSerializer, summary="Publish the story (the secretariat's moderation)")
    def publish(self, request, *args, **kwargs):
        """On `published_on`, today unless given; a published story is left as it is. A
        400, naming what is missing, for a rejected story or one that lacks what a
        published story has (its title and summary in both languages)."""
        return self._moderate(
            lambda story, by, published_on=None: story_publish(story=story, published_on=published_on, by=by),
            body=StoryPublishSerializer,
        )

    @moderation(request=None, summary="Approve the story for publication (the secretariat's moderation)")
    def approve(self, request, *args, **kwargs):
        """A story submitted or under review; a 400 for a published or rejected one (put it
        back under review first)."""
        return self._moderate(lambda story, by: story_move(story=story, state=StoryState.APPROVED, by=by))

    @moderation(request=None, summary="Put the story under review (the secretariat's moderation)")
    def review(self, request, *args, **kwargs):
        """Take up a submitted story, send an approved one back, withdraw a published one
        from the public (it keeps its publication date), or reconsider a rejected one."""
        return self._moderate(lambda story, by: story_move(story=story, state=StoryState.IN_REVIEW, by=by))

    @moderation(request=StoryRejectSerializer, summary="Reject the story, saying why (the secretariat's moderation)")
    def reject(self, request, *args, **kwargs):
        """A story submitted, under review or approved, with the `reason` for rejecting it:
        its sender, if any, is told, with the reason. A 400 on `reason` without one (or with
        one too long), and for a published story (put it back under review first); a
        rejected story is left as it is."""
        return self._moderate(
            lambda story, by, reason: story_reject(story=story, rejection_reason=reason, by=by),
            body=StoryRejectSerializer,
        )

    def perform_create(self, serializer):
        super().perform_create(serializer)
        story = serializer.instance
        if story.state in REVIEWABLE_STATES and not permissions.can_publish(self.request.user, UserStory):
            # A contributor filed it: the secretariat reviews it.
            story_announce_submitted(story=story)

    def perform_destroy(self, instance):
        # Its submitter's name and e-mail address leave its history with it.
        try:
            story_delete(story=instance, by=self.request.user)
        except (ProtectedError, RestrictedError) as error:
            raise Conflict from error


@read_examples(examples.DATASET, examples.DATASETS, summary=ILLUSTRATIVE)
class DatasetViewSet(ModelViewSet):
    """Datasets on CKAN portals that stories used, with the metadata harvested from them.

    What the harvest writes, read-only as in the admin (`description` and `publisher`,
    written `description_en`, `publisher_fr` and the like in no write, `formats`,
    `license_title`, `metadata_modified`, `metadata`, `last_harvested`,
    `last_harvest_attempt` and `harvest_error_code`), is not written through the API: a
    write that sends another value than the dataset's (on creation, than the default) is a
    400 on that field, and changes nothing; the same value is accepted."""

    queryset = Dataset.objects.all()
    serializer_class = DatasetSerializer
    filterset_class = DatasetFilterSet

    def perform_destroy(self, instance):
        # The stories that used it lose it with a row in their history.
        try:
            datasets_delete(queryset=Dataset.objects.filter(pk=instance.pk), by=self.request.user)
        except (ProtectedError, RestrictedError) as error:
            raise Conflict from error
