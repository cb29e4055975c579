"""A submitter's personal information.

A submitter's name and e-mail address are erased, in the story and in every row of its
history, on request (``story_erase_submitter``), when the story is deleted
(``stories_delete``, stories/services/deletions.py), and some time after it is rejected
(cogwg/retention.py, through ``stories_erase_submitters``).
"""

import operator
from dataclasses import dataclass
from functools import reduce

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext_noop

from ..models import UserStory

# What a submitter gives of themselves on the public form. The language of their form
# stays: English or French tells no one who they are, and it marks the story as one the
# public sent, which contributors never see (cogwg.permissions.FILED_STORY). So does
# their consent (when, to which notice): it says what the story was sent under.
SUBMITTER_FIELDS = ("submitter_name", "submitter_email")
# The reason of the history row that records an erasure on request: stored in English, as
# every reason is, shown in the reader's language (the History and audit pages translate it).
SUBMITTER_ERASED = gettext_noop("Submitter's personal information erased")


def _holds_submitter() -> Q:
    """A story, or a row of its history, that still holds some of ``SUBMITTER_FIELDS``."""
    return reduce(operator.or_, (~Q(**{name: ""}) for name in SUBMITTER_FIELDS))


def _submitter_history_erase(*, story_ids) -> int:
    """Blank ``SUBMITTER_FIELDS`` in every history row of the stories ``story_ids``
    (deleted ones included); returns how many rows held some. The rows themselves stay:
    who changed what and when is the audit's."""
    rows = UserStory.history.model.objects.filter(id__in=story_ids).filter(_holds_submitter())
    return rows.update(**dict.fromkeys(SUBMITTER_FIELDS, ""))


@dataclass
class Erasure:
    """What ``stories_erase_submitters`` erased: from how many stories (in the story or
    its history), and from how many of their history rows."""

    stories: int = 0
    history_rows: int = 0


@transaction.atomic
def stories_erase_submitters(*, queryset, by=None) -> Erasure:
    """Blank the name and e-mail address of whoever sent the stories of ``queryset``, in
    each story and in every row of its history, so that neither a version's page nor a
    revert brings them back. The stories stay, with their history rows.

    ``by`` is who erased them on request: each story that held some gets a history row
    saying who did and when (its reason ``SUBMITTER_ERASED``; it holds no personal
    information), and a new ``modified_at``, so that a change form opened before cannot
    save them back (cogwg/admin_concurrency.py). Without it (the nightly disposal,
    cogwg/retention.py), the stories keep their ``modified_at`` and get no history row.
    Returns what was erased; a story that held nothing is left as it was."""
    History = UserStory.history.model
    pks = list(queryset.order_by().values_list("pk", flat=True))
    held = Q(pk__in=History.objects.filter(id__in=pks).filter(_holds_submitter()).values("id"))
    stories = list(
        UserStory.objects.filter(pk__in=pks).filter(_holds_submitter() | held).select_for_update().order_by("pk")
    )
    erased = [story.pk for story in stories]
    history_rows = _submitter_history_erase(story_ids=erased)
    UserStory.objects.filter(pk__in=erased).update(**dict.fromkeys(SUBMITTER_FIELDS, ""))
    if by is not None:
        for story in stories:
            for name in SUBMITTER_FIELDS:
                setattr(story, name, "")
            story._history_user = by
            story._change_reason = SUBMITTER_ERASED
            story.save(update_fields=["modified_at"])
    return Erasure(stories=len(erased), history_rows=history_rows)


@transaction.atomic
def story_erase_submitter(*, story: UserStory, by) -> Erasure:
    """Erase, at their request, the name and e-mail address of whoever sent ``story``,
    in the story and its history (``stories_erase_submitters``); ``story`` is left
    without them too. Recorded in its history as done by ``by``."""
    erasure = stories_erase_submitters(queryset=UserStory.objects.filter(pk=story.pk), by=by)
    for name in SUBMITTER_FIELDS:
        setattr(story, name, "")
    return erasure
