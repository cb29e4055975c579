"""API viewsets of the work plan."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response

from cogwg import permissions
from cogwg.api.base import api_validation_error
from cogwg.api.publication import PublicationActionsMixin
from cogwg.api.renderers import CSVRenderer, XLSXRenderer
from cogwg.api.schema import ILLUSTRATIVE, read_examples
from cogwg.api.viewsets import Conflict, ModelViewSet

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
from .serializers import (
    MilestoneSerializer,
    PlanStatusSerializer,
    PrioritySerializer,
    ProgressUpdateSerializer,
    StatusQuerySerializer,
    WorkPlanSerializer,
)


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


@read_examples(examples.PROGRESS_UPDATE, examples.PROGRESS_UPDATES, summary=ILLUSTRATIVE)
class ProgressUpdateViewSet(PublicationActionsMixin, ModelViewSet):
    """The log of progress updates. Posting one (through
    ``workplan.services.milestone_post_update``) moves its milestone when published; the log
    is append-only: a mistake is corrected by a newer update, or by withdrawing one."""

    queryset = ProgressUpdate.objects.select_related("milestone", "jurisdiction")
    serializer_class = ProgressUpdateSerializer
    filterset_class = ProgressUpdateFilterSet
    http_method_names = ["get", "post", "head", "options"]

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

    def publish_record(self, record, by):
        progress_update_publish(update=record, by=by)

    def withdraw_record(self, record, by):
        progress_update_unpublish(update=record, by=by)
