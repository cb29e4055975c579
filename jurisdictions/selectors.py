"""Read queries on jurisdictions' records that pages and the API share."""

from django.db.models import Prefetch

from cogwg import permissions
from workplan.models import Priority


def shown_priority(user=None) -> Prefetch:
    """Each accomplishment's priority, with its plan, as ``shown_priority``: None when
    ``user`` may not see it (``permissions.visible``; no user is the public, who see a
    priority once its plan is published). A published accomplishment may advance a
    priority of a plan still in draft, next year's being prepared: that plan stays
    private until it is published."""
    priorities = permissions.visible(user, Priority.objects.select_related("work_plan"))
    return Prefetch("priority", queryset=priorities, to_attr="shown_priority")
