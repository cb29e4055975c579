"""Read queries on user stories that pages and the API share."""

from django.db.models import Prefetch

from cogwg import permissions
from workplan.models import Milestone


def shown_release(user=None) -> Prefetch:
    """Each story's release (the milestone it was released under) as ``shown_release``:
    None when ``user`` may not see it (``permissions.visible``; no user is the public, who
    see a milestone once its plan is published). A published story may be released
    under a milestone of a plan still in draft: that plan stays private until it is
    published."""
    return Prefetch("release", queryset=permissions.visible(user, Milestone.objects.all()), to_attr="shown_release")
