"""API viewsets of meetings and status reports, and the token endpoint."""

from django.db.models import Prefetch
from django.utils.text import get_text_list
from django.utils.translation import gettext, ngettext
from rest_framework import serializers, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from ..dates import date_format
from ..filtersets import MeetingFilterSet, StatusReportFilterSet
from ..models import Meeting, NextStep, StatusReport, StatusReportFile
from ..reports.api import StatusReportActionsMixin
from ..security import ObtainAuthTokenView
from . import examples
from .authentication import ExpiringTokenAuthentication, revoke_token
from .language import activate_requested_language
from .schema import read_examples
from .serializers import MeetingSerializer, StatusReportSerializer
from .viewsets import ModelViewSet, ReadOnlyModelViewSet, in_reader_language


def steps_due_before(steps, date) -> str:
    """Why a meeting cannot move to ``date``: its ``steps`` are due before it."""
    named = get_text_list(
        [
            gettext("“%(text)s” (due %(due)s)") % {"text": step.text[:80], "due": date_format(step.due)}
            for step in steps
        ],
        gettext("and"),
    )
    return ngettext(
        "A next step of this meeting is due before %(date)s: %(steps)s. Change its due date first, or choose "
        "another date.",
        "%(count)d next steps of this meeting are due before %(date)s: %(steps)s. Change their due dates first, "
        "or choose another date.",
        len(steps),
    ) % {"count": len(steps), "date": date_format(date), "steps": named}


@read_examples(examples.MEETING, examples.MEETINGS)
class MeetingViewSet(ModelViewSet):
    """Meetings of the Joint Councils and of the working group, with the next steps agreed."""

    # Each meeting's steps in their own order: the model's ordering sorts by meeting first,
    # which joins the meetings again.
    queryset = Meeting.objects.prefetch_related(
        Prefetch("next_steps", queryset=NextStep.objects.select_related("owner").order_by("order", "pk"))
    )
    serializer_class = MeetingSerializer
    filterset_class = MeetingFilterSet

    def perform_update(self, serializer):
        # A next step is due on or after its meeting's day (NextStep.clean). A write that
        # sends ``next_steps`` moves the meeting and its steps' dates at once, as the admin's
        # change form does (the serializer checked each step against the new day); one that
        # does not is refused when the move passes a stored step's due date, naming the steps.
        date = serializer.validated_data.get("date")
        if serializer.steps_sent is None and date is not None and date != serializer.instance.date:
            steps = list(serializer.instance.next_steps.filter(due__lt=date).order_by("due", "order", "pk"))
            if steps:
                raise serializers.ValidationError({"date": [steps_due_before(steps, date)]})
        super().perform_update(serializer)


@read_examples(
    examples.STATUS_REPORT,
    examples.STATUS_REPORTS,
    description="`content` is shortened to the first item of each of its lists.",
)
class StatusReportViewSet(StatusReportActionsMixin, ReadOnlyModelViewSet):
    """The status the working group gave the Joint Councils as of a date: frozen content
    and rendered files. Reports are frozen by the secretariat, never edited here."""

    # Each report's files in their own order, without joining the reports again to sort.
    queryset = StatusReport.objects.select_related("work_plan", "meeting").prefetch_related(
        Prefetch("files", queryset=StatusReportFile.objects.order_by("format", "language"))
    )
    serializer_class = StatusReportSerializer
    filterset_class = StatusReportFilterSet


class TokenView(ObtainAuthTokenView):
    """``/api/v1/auth/token/``. POST: a new token (``ObtainAuthTokenView``). DELETE, with
    the token itself (``Authorization: Token …``; a session is not enough): ends it at once,
    a sign-out (``revoke_token``), and answers 204. The token is then unknown: any request
    with it, a second DELETE included, is refused with 401 like any unknown token's. Every
    answer is in the reader's language (``?lang=``, else Accept-Language) and never stored
    (``Cache-Control: no-store``), and none leaves a session behind."""

    def get_authenticators(self):
        if self.request.method == "DELETE":
            return [ExpiringTokenAuthentication()]
        return super().get_authenticators()

    def get_permissions(self):
        if self.request.method == "DELETE":
            return [IsAuthenticated()]
        return super().get_permissions()

    def initial(self, request, *args, **kwargs):
        # Before the token is read: its refusal is worded in the language asked for.
        activate_requested_language(request)
        super().initial(request, *args, **kwargs)

    def finalize_response(self, request, response, *args, **kwargs):
        return super().finalize_response(request, in_reader_language(response), *args, **kwargs)

    def delete(self, request, *args, **kwargs):
        if not revoke_token(token=request.auth, request=request):
            # Ended by another request since it was read: refused as the unknown token it now
            # is, in DRF's words ("Invalid token.").
            ExpiringTokenAuthentication().authenticate_credentials(request.auth.key)
        return Response(status=status.HTTP_204_NO_CONTENT)
