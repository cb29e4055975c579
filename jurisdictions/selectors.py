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
    """``challenge``'s status as of ``as_of`` (a status report's date): one resolved after
    that date was still open then, and not yet resolved; so is one marked resolved without
    its date (saved before Challenge.clean required it), since when is unknown; otherwise
    its status now."""
    resolved_then = challenge.resolved_on is not None and challenge.resolved_on <= as_of
    if challenge.status == ChallengeStatus.RESOLVED and not resolved_then:
        return ChallengeState(ChallengeStatus.OPEN, None)
    return ChallengeState(challenge.status, challenge.resolved_on)
