"""API viewsets of the work plan."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiExample, extend_schema, extend_schema_view
from rest_framework.decorators import action
from rest_framework.exceptions import MethodNotAllowed, PermissionDenied
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response

from cogwg import permissions
from cogwg.api.base import api_validation_error
from cogwg.api.publication import PublicationActionsMixin
from cogwg.api.renderers import CSVRenderer, XLSXRenderer
from cogwg.api.schema import ILLUSTRATIVE, read_examples
from cogwg.api.viewsets import Conflict, ModelViewSet
from cogwg.choices import PublicationState

from ..filtersets import MilestoneFilterSet, PriorityFilterSet, ProgressUpdateFilterSet, WorkPlanFilterSet
from ..models import Milestone, Priority, ProgressUpdate, WorkPlan
from ..selectors import work_plan_status
from ..services import (
    milestone_post_update,
    progress_update_publish,
    progress_update_unpublish,
    record_ensure_deletable,
)
from . import examples
from .corrections import ProgressUpdateCorrectionSerializer
from .serializers import (
    MilestoneSerializer,
    PrioritySerializer,
    ProgressUpdateSerializer,
    WorkPlanSerializer,
)
from .status import PlanStatusSerializer, StatusQuerySerializer


class KeepsProgressLogViewSet(ModelViewSet):
    """A record whose deletion takes progress updates with it: refused (409, saying why)
    while one of them is kept, published or of a closed reporting period, as the admin
    refuses it (``record_ensure_deletable``); nothing is deleted."""

    def perform_destroy(self, instance):
        with transaction.atomic():
            try:
                record_ensure_deletable(record=instance)
            except DjangoValidationError as error:
                raise Conflict(" ".join(error.messages)) from error
            super().perform_destroy(instance)


@read_examples(examples.WORK_PLAN, examples.WORK_PLANS)
class WorkPlanViewSet(KeepsProgressLogViewSet):
    """The working group's yearly plans (looked up by slug, e.g. ``2020``), each with its
    priorities in short. Drafts are visible to the secretariat only."""

    queryset = WorkPlan.objects.for_listing()
    serializer_class = WorkPlanSerializer
    filterset_class = WorkPlanFilterSet
    lookup_field = "slug"
    revalidating_actions = ("list", "retrieve", "plan_status")

    @extend_schema(
        summary="The plan's status as of a date",
        description=(
            "Progress and status of the plan and of each priority, counts of milestones by status, overdue "
            "milestones, and each milestone's status as of `as_of`: that of its latest published progress update "
            "on or before the date (not started, 0 %, when there is none); and the open data user stories "
            "received and published, since the plan began and in all, up to `as_of`. Without `as_of`, today's "
            "status."
        ),
        parameters=[StatusQuerySerializer],
        responses=PlanStatusSerializer,
        examples=[
            OpenApiExample(
                "2020 plan in June",
                value=examples.STATUS,
                description="Shortened to the first priority and its overdue milestone.",
                response_only=True,
                status_codes=["200"],
            )
        ],
    )
    @action(
        detail=True,
        url_path="status",
        url_name="status",
        queryset=WorkPlan.objects.all(),
        filterset_class=None,
        pagination_class=None,
        renderer_classes=[JSONRenderer],
    )
    def plan_status(self, request, *args, **kwargs):
        if (response := self.revalidated()) is not None:
            return response
        query = StatusQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        work_plan = self.get_object()
        as_of = query.validated_data.get("as_of")

        def respond():
            status = work_plan_status(work_plan=work_plan, as_of=as_of, stories=True)
            return Response(PlanStatusSerializer(status, context=self.get_serializer_context()).data)

        return self.conditional(*self.validators(), respond)


@read_examples(examples.PRIORITY, examples.PRIORITIES)
class PriorityViewSet(KeepsProgressLogViewSet):
    """The plan's priorities: the problem, the expected outcome, the seats (leads and
    partners), the milestones in short, and the current progress and status."""

    queryset = Priority.objects.for_listing()
    serializer_class = PrioritySerializer
    filterset_class = PriorityFilterSet


@read_examples(examples.MILESTONE, examples.MILESTONES)
class MilestoneViewSet(KeepsProgressLogViewSet):
    """Dated milestones, with their priority and lead jurisdictions. Their status and
    progress change by posting a progress update. ``?format=xlsx`` gives a spreadsheet."""

    queryset = Milestone.objects.for_listing()
    serializer_class = MilestoneSerializer
    filterset_class = MilestoneFilterSet
    renderer_classes = [JSONRenderer, CSVRenderer, XLSXRenderer]


# What the address of a stored progress update takes, by its state: a draft, or an update
# returned for changes, is corrected and deleted (by its contributors and the secretariat,
# as in the admin); one under review is the secretariat's to correct (its note and
# jurisdiction: ``ProgressUpdateCorrectionSerializer``), publish, return or delete; a
# published one is its milestone's log, withdrawn (back to a draft) before it changes.
READ_METHODS = ("GET", "HEAD", "OPTIONS")
UPDATE_METHODS = {
    PublicationState.DRAFT: (*READ_METHODS, "PUT", "PATCH", "DELETE"),
    PublicationState.RETURNED: (*READ_METHODS, "PUT", "PATCH", "DELETE"),
    PublicationState.SUBMITTED: (*READ_METHODS, "PUT", "PATCH", "DELETE"),
    PublicationState.PUBLISHED: READ_METHODS,
}
NOT_TAKEN = {
    PublicationState.PUBLISHED: _(
        "A published progress update is part of its milestone's log: it is neither corrected nor deleted. "
        "Withdraw it (back to draft) first, or post a newer update."
    ),
}
# A contributor's correction of their update under review: its page in the admin is
# read-only to them (``permissions.can_change``).
UNDER_REVIEW_NOT_YOURS = _(
    "A progress update under review is corrected by the secretariat only, which publishes it or returns it for "
    "changes: once it is returned, you can correct it."
)
CORRECTION_HELP = (
    "While the update is a draft or returned for changes, its contributors and the secretariat correct its "
    "`reported_on`, `status`, `progress`, `note_en`, `note_fr` and `jurisdiction`, checked as posting an update "
    "checks them: a 400 naming each field, in the reader's language, and nothing changes. Under review "
    "(submitted), it is corrected by the secretariat only, as in the admin: its `note_en`, `note_fr` and "
    "`jurisdiction` (a note translated before it is published, say); its `reported_on`, `status` and `progress` "
    "stay as submitted (another value than the update's is a 400: return it for changes, `…/return/`, to have them "
    "corrected), and a contributor's correction is a 403 saying why. Its `milestone` and `publication_state` are "
    "not written (another value than the update's is a 400), nor `publish`; it does not move its milestone until "
    "it is published. A published update is a 405 saying why (`Allow` lists what its address takes): it is its "
    "milestone's log, withdrawn (`…/withdraw/`) before it is corrected, or followed by a newer update. One of a "
    "closed reporting period is a 400."
)
DELETION_HELP = (
    "A draft, or an update returned for changes, is deleted by its contributors and the secretariat; one under "
    "review by the secretariat. Its milestone does not move: only published updates move it. A published update "
    "is a 405 saying why (withdraw it first, `…/withdraw/`); one of a closed reporting period is a 409."
)


@extend_schema_view(
    update=extend_schema(
        summary="Correct a progress update that is not published",
        description=CORRECTION_HELP,
        request=ProgressUpdateCorrectionSerializer,
        responses=ProgressUpdateSerializer,
    ),
    partial_update=extend_schema(
        summary="Correct some fields of a progress update that is not published",
        description=CORRECTION_HELP,
        request=ProgressUpdateCorrectionSerializer,
        responses=ProgressUpdateSerializer,
    ),
    destroy=extend_schema(summary="Delete a progress update that is not published", description=DELETION_HELP),
)
@read_examples(examples.PROGRESS_UPDATE, examples.PROGRESS_UPDATES, summary=ILLUSTRATIVE)
class ProgressUpdateViewSet(PublicationActionsMixin, KeepsProgressLogViewSet):
    """The log of progress updates. Posting one (through
    ``workplan.services.milestone_post_update``) moves its milestone when published; the log
    of published updates is append-only: a mistake is corrected by a newer update, or by
    withdrawing one. A draft, or an update returned for changes, is corrected (``PUT``,
    ``PATCH``: ``ProgressUpdateCorrectionSerializer``, as the admin's correction form) or
    deleted; one under review, by the secretariat (``UPDATE_METHODS``)."""

    queryset = ProgressUpdate.objects.select_related("milestone", "jurisdiction")
    serializer_class = ProgressUpdateSerializer
    filterset_class = ProgressUpdateFilterSet

    def get_serializer_class(self):
        if self.action in ("update", "partial_update"):
            return ProgressUpdateCorrectionSerializer
        return super().get_serializer_class()

    def check_object_permissions(self, request, obj):
        # A method the update's state does not take is refused whoever asks, before their
        # rights (the update's address does not take it until the update moves); read
        # locked, as the write's record is (``ApiViewSetMixin.get_object``).
        if self.action in ("update", "partial_update", "destroy"):
            taken = UPDATE_METHODS.get(obj.publication_state, READ_METHODS)
            if request.method not in taken:
                self.headers["Allow"] = ", ".join(taken)
                raise MethodNotAllowed(request.method, detail=NOT_TAKEN.get(obj.publication_state))
            if (
                self.action != "destroy"
                and obj.publication_state == PublicationState.SUBMITTED
                and not permissions.can_change(request.user, obj)
            ):
                raise PermissionDenied(UNDER_REVIEW_NOT_YOURS)
        super().check_object_permissions(request, obj)

    def perform_create(self, serializer):
        self.check_save(serializer)
        data = serializer.validated_data
        # Published at once by those who may publish, unless they say otherwise; a
        # contributor's update is a draft, to submit for review.
        may_publish = permissions.can_publish(self.request.user, ProgressUpdate)
        publish = data.get("publish", may_publish)
        if publish and not may_publish:
            raise PermissionDenied
        try:
            serializer.instance = milestone_post_update(
                milestone=data["milestone"],
                reported_on=data["reported_on"],
                status=data["status"],
                progress=data["progress"],
                note_en=data.get("note_en") or "",
                note_fr=data.get("note_fr") or "",
                by=self.request.user,
                jurisdiction=data.get("jurisdiction"),
                publish=publish,
            )
        except DjangoValidationError as error:
            raise api_validation_error(error) from error
        # Answered with its Record-ETag, as any record created.
        self.record = serializer.instance

    def publish_record(self, record, by):
        progress_update_publish(update=record, by=by)

    def withdraw_record(self, record, by):
        progress_update_unpublish(update=record, by=by)
