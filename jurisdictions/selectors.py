"""Read queries on jurisdictions' records that pages and the API share."""

import datetime
from dataclasses import dataclass

from django.db.models import Prefetch

from cogwg import permissions
from workplan.models import Priority

from .choices import ChallengeStatus
from .models import Challenge


def shown_priority(user=None) -> Prefetch:
    """Each accomplishment's priority, with its plan, as ``shown_priority``: None when
    ``user`` may not see it (``permissions.visible``; no user is the public, who see a
    priority once its plan is published). A published accomplishment may advance a
    priority of a plan still in draft, next year's being prepared: that plan stays
    private until it is published."""
    priorities = permissions.visible(user, Priority.objects.select_related("work_plan"))
    return Prefetch("priority", queryset=priorities, to_attr="shown_priority")


@dataclass(frozen=True)
class ChallengeState:
    """A challenge's status and resolution date as of a date."""

    status: str
    resolved_on: datetime.date | None


def challenge_state_as_of(challenge: Challenge, *, as_of: datetime.date) -> ChallengeState:
    """``challenge``'s status as of ``as_of`` (a status report's date). Resolved if its
    "resolved on" date is that day or before; otherwise the status its history shows at the
    end of that day (``Challenge.objects.with_recorded_status(as_of)``, which the reports'
    ``challenges_reported`` reads with: a challenge read otherwise costs a query). Without
    history by then (a challenge loaded without it), its status now, unless it is resolved
    since: it was still open then."""
    if challenge.resolved_on is not None and challenge.resolved_on <= as_of:
        return ChallengeState(ChallengeStatus.RESOLVED, challenge.resolved_on)
    if getattr(challenge, "recorded_as_of", None) == as_of:
        recorded = challenge.recorded_status
    else:
        recorded = (
            Challenge.objects.with_recorded_status(as_of)
            .filter(pk=challenge.pk)
            .values_list("recorded_status", flat=True)
            .first()
        )
    status = recorded or challenge.status
    return ChallengeState(ChallengeStatus.OPEN if status == ChallengeStatus.RESOLVED else status, None)
