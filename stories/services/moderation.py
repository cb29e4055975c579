"""Moderation: the secretariat moves stories between states only through these
services, in the admin (its actions and its change form) as through the API: in bulk
(``stories_moderate``: publish, reject) or one at a time (``story_move``, and
``story_publish``, ``story_reject``), under one set of rules (``STORY_MOVES``,
``story_move_check``). A story is published only once it has its title and summary in both
languages (``story_publication_gaps``), rejected only with a reason (``rejection_reason_clean``:
the secretariat's words, e-mailed to its sender), and its submitter is told of the decision.
A story that leaves the rejected state loses its reason; its history keeps it.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy, gettext_noop

from .. import notifications as submitter_notifications
from ..choices import StoryState
from ..models import REJECTION_REASON_LENGTH, UserStory
from .submissions import _datasets_heading

# Where the moderation actions apply; a published or rejected story is left alone.
REVIEWABLE_STATES = (StoryState.SUBMITTED, StoryState.IN_REVIEW, StoryState.APPROVED)

# What a published story must have, in each language, with what to say when it lacks it.
REQUIRED_TO_PUBLISH = {
    "title_en": gettext_lazy("A published story needs its title in English."),
    "title_fr": gettext_lazy("A published story needs its title in French."),
    "summary_en": gettext_lazy("A published story needs its summary in English."),
    "summary_fr": gettext_lazy("A published story needs its summary in French."),
}
DATASET_LIST_LEFT = {
    "story_en": gettext_lazy(
        "Its English text still lists the datasets the submitter named: link them under "
        "“Datasets”, then take the list out of the text."
    ),
    "story_fr": gettext_lazy(
        "Its French text still lists the datasets the submitter named: link them under "
        "“Datasets”, then take the list out of the text."
    ),
}

# A story's text is optional, but a published story gives it in both languages or in
# neither: the French page would show the English text.
STORY_IN_ONE_LANGUAGE = {
    "story_en": gettext_lazy("A published story gives its text in both languages: enter it in English too."),
    "story_fr": gettext_lazy("A published story gives its text in both languages: enter it in French too."),
}


# Why a story is rejected: required, and no longer than the column holds.
REJECTION_REASON_REQUIRED = gettext_lazy("Give the reason for rejecting the story: it is e-mailed to whoever sent it.")
REJECTION_REASON_TOO_LONG = gettext_lazy(
    "Keep the reason for the rejection to %(limit_value)d characters at most (it has %(show_value)d)."
)


def rejection_reason_clean(reason: str | None) -> str:
    """``reason`` as stored (its line breaks as newlines, without blanks around it), or a
    ValidationError on ``rejection_reason`` when it is empty or longer than
    ``REJECTION_REASON_LENGTH``, in the active language."""
    reason = (reason or "").replace("\r\n", "\n").replace("\r", "\n").strip()
    if not reason:
        raise ValidationError({"rejection_reason": ValidationError(REJECTION_REASON_REQUIRED, code="required")})
    if len(reason) > REJECTION_REASON_LENGTH:
        params = {"limit_value": REJECTION_REASON_LENGTH, "show_value": len(reason)}
        raise ValidationError(
            {"rejection_reason": ValidationError(REJECTION_REASON_TOO_LONG, code="max_length", params=params)}
        )
    return reason


def _rejection_reason_set(story: UserStory, *, state: str, reason: str, update_fields: list[str]) -> None:
    """Give ``story``, moving to ``state``, its reason for a rejection (``reason``, as
    cleaned), or none in any other state."""
    kept = reason if state == StoryState.REJECTED else ""
    if story.rejection_reason != kept:
        story.rejection_reason = kept
        update_fields.append("rejection_reason")


# The fields story_publication_gaps reads.
PUBLICATION_TEXT_FIELDS = (*REQUIRED_TO_PUBLISH, *DATASET_LIST_LEFT)


def story_publication_gaps(texts) -> dict[str, str]:
    """What keeps a story whose text fields are ``texts`` (a mapping, or the story
    itself) from being published, by field, in the active language: a title or summary
    missing in either language, a text given in one language only, or the unchecked list of datasets a submission ends
    with (``story_submit``) still in its text. Empty when it may be published."""

    def value(name):
        found = texts.get(name) if isinstance(texts, dict) else getattr(texts, name, "")
        return (found or "").strip()

    gaps = {name: str(message) for name, message in REQUIRED_TO_PUBLISH.items() if not value(name)}
    if any(value(name) for name in STORY_IN_ONE_LANGUAGE):
        gaps |= {name: str(message) for name, message in STORY_IN_ONE_LANGUAGE.items() if not value(name)}
    for name, message in DATASET_LIST_LEFT.items():
        heading = _datasets_heading(name.rsplit("_", 1)[1])
        if any(line.strip() == heading for line in value(name).splitlines()):
            gaps[name] = str(message)
    return gaps


# Where the secretariat may move a story from each state. A story a contributor files
# stays submitted until the secretariat takes it up (cogwg/permissions.py). A published or
# rejected story goes back under review first (withdrawn from the public, or reconsidered):
# a rejected story is never published at once.
STORY_MOVES = {
    StoryState.SUBMITTED: (StoryState.IN_REVIEW, StoryState.APPROVED, StoryState.PUBLISHED, StoryState.REJECTED),
    StoryState.IN_REVIEW: (StoryState.APPROVED, StoryState.PUBLISHED, StoryState.REJECTED),
    StoryState.APPROVED: (StoryState.IN_REVIEW, StoryState.PUBLISHED, StoryState.REJECTED),
    StoryState.PUBLISHED: (StoryState.IN_REVIEW,),
    StoryState.REJECTED: (StoryState.IN_REVIEW,),
}
REJECTED_NOT_PUBLISHED = gettext_lazy("A rejected story cannot be published: only a story under review can.")
MOVE_REFUSED = gettext_lazy(
    "A story in the state “%(current)s” cannot move to “%(wanted)s”. From “%(current)s”, it can move to: %(allowed)s."
)


# The reasons of the history rows of a story's moves: stored in English, shown in the
# reader's language (as ``SUBMITTER_ERASED``).
STORY_MOVE_REASONS = {
    StoryState.IN_REVIEW: gettext_noop("Story put under review"),
    StoryState.APPROVED: gettext_noop("Story approved"),
    StoryState.PUBLISHED: gettext_noop("Story published"),
    StoryState.REJECTED: gettext_noop("Story rejected"),
}


def story_move_check(*, current: str, wanted: str, texts) -> None:
    """Raise ValidationError unless a story in the state ``current``, whose text fields
    are ``texts`` (a mapping, or the story itself), may be in the state ``wanted``: for a
    move ``STORY_MOVES`` does not allow, an error of the story as a whole; for a published
    story without what a published story has (``story_publication_gaps``), one error per
    field. Staying in ``current`` is no move, but a story that stays published must still
    have what a published story has. The messages are in the active language."""
    if wanted != current and wanted not in STORY_MOVES[current]:
        if (current, wanted) == (StoryState.REJECTED, StoryState.PUBLISHED):
            raise ValidationError(REJECTED_NOT_PUBLISHED, code="rejected")
        allowed = [StoryState(state).label for state in STORY_MOVES[current]]
        params = {
            "current": StoryState(current).label,
            "wanted": StoryState(wanted).label,
            # Lazy as the labels are: worded in the language of whoever reads it.
            "allowed": format_lazy(", ".join(["{}"] * len(allowed)), *allowed),
        }
        raise ValidationError(MOVE_REFUSED, code="not_allowed", params=params)
    if wanted == StoryState.PUBLISHED and (gaps := story_publication_gaps(texts)):
        raise ValidationError({name: ValidationError(message, code="incomplete") for name, message in gaps.items()})


@dataclass
class Moderation:
    """What ``stories_moderate`` did: how many stories it moved, and the stories it would
    not publish, each with what it lacks (``story_publication_gaps``)."""

    changed: int = 0
    incomplete: list[tuple[UserStory, dict[str, str]]] = field(default_factory=list)


def story_decision_announce(*, story: UserStory, previous_state: str) -> None:
    """Tell whoever sent ``story`` through the public form, once the transaction commits,
    that it has just been published or not accepted (from a state under review)."""
    if previous_state not in REVIEWABLE_STATES:
        return
    kinds = {
        StoryState.PUBLISHED: submitter_notifications.PUBLISHED,
        StoryState.REJECTED: submitter_notifications.REJECTED,
    }
    if story.state in kinds:
        submitter_notifications.enqueue(kind=kinds[story.state], story=story)


@transaction.atomic
def stories_moderate(*, queryset, state, rejection_reason: str = "", by=None) -> Moderation:
    """Move the stories of ``queryset`` that may move to ``state`` (``STORY_MOVES``: for
    published or rejected, the reviewable ones), one save each so that the history shows
    who did it; the others are left as they were. A story is published only when it has
    its title and summary in both languages and no unchecked list of datasets in its text
    (``story_publication_gaps``): the others are left as they were and listed. Stories are
    rejected only with ``rejection_reason``, the same for each (``rejection_reason_clean``:
    a ValidationError on it, and nothing changed, when it is empty or too long). Whoever
    sent a story through the public form is told of the decision (with the reason)."""
    if state == StoryState.REJECTED:
        rejection_reason = rejection_reason_clean(rejection_reason)
    pks = list(queryset.values_list("pk", flat=True))
    movable = [current for current, moves in STORY_MOVES.items() if state in moves]
    stories = UserStory.objects.filter(pk__in=pks, state__in=movable).select_for_update()
    today = timezone.localdate()
    moderation = Moderation()
    for story in stories:
        previous_state = story.state
        update_fields = ["state", "modified_at"]
        if state == StoryState.PUBLISHED:
            if gaps := story_publication_gaps(story):
                moderation.incomplete.append((story, gaps))
                continue
            story.published_on = today
            update_fields.append("published_on")
        _rejection_reason_set(story, state=state, reason=rejection_reason, update_fields=update_fields)
        story.state = state
        story._history_user = by
        story._change_reason = STORY_MOVE_REASONS[state]
        story.save(update_fields=update_fields)
        story_decision_announce(story=story, previous_state=previous_state)
        moderation.changed += 1
    return moderation


@transaction.atomic
def story_move(
    *,
    story: UserStory,
    state: str,
    published_on: datetime.date | None = None,
    rejection_reason: str = "",
    by=None,
    save: Callable[[], None] | None = None,
) -> UserStory:
    """Move one story to ``state``, as the secretariat does from the admin's change form
    and the API's actions: only as ``STORY_MOVES`` allows, and into the published state
    only with what a published story has (``story_move_check``). A story published gets
    ``published_on``, today unless given; one withdrawn keeps the date it was published
    on. A story is rejected only with ``rejection_reason`` (``rejection_reason_clean``),
    which its sender's e-mail quotes; one moved out of the rejected state loses its reason
    (its history keeps it). Its history records who moved it (``by``) and the move
    (``STORY_MOVE_REASONS``), and whoever sent it through the public form is told of a
    decision. A story already in ``state`` is left as it is.

    Without ``save``, the story is read again and only its state (and publication date)
    is saved. With ``save``, a function that saves ``story`` as its caller changed it (the
    admin's form saves it as forms do), the move is made on ``story`` itself, a new one
    (filed as submitted) too, with its texts as changed, and saved by ``save``: the edit
    and the move are one save, one row of the story's history. (A story already in
    ``state`` is then saved as it is.)

    Raises ValidationError, and changes nothing, when the move is refused. Returns the
    story as saved."""
    if state == StoryState.REJECTED:
        rejection_reason = rejection_reason_clean(rejection_reason)
    stored = None
    if story.pk is not None or save is None:
        stored = UserStory.objects.select_for_update().get(pk=story.pk)
    current = stored.state if stored is not None else StoryState.SUBMITTED
    record = stored if save is None else story
    if current == state:
        if save is not None:
            save()
        return record
    story_move_check(current=current, wanted=state, texts=record)
    record.state = state
    update_fields = ["state", "modified_at"]
    if state == StoryState.PUBLISHED:
        record.published_on = published_on or timezone.localdate()
        update_fields.append("published_on")
    _rejection_reason_set(record, state=state, reason=rejection_reason, update_fields=update_fields)
    record._history_user = by
    record._change_reason = STORY_MOVE_REASONS[state]
    if save is None:
        record.save(update_fields=update_fields)
    else:
        save()
    story_decision_announce(story=record, previous_state=current)
    return record


def story_publish(*, story: UserStory, published_on: datetime.date | None = None, by=None) -> UserStory:
    """Publish one story (``story_move``), on ``published_on`` (today unless given); a
    published story is left as it is. Raises ValidationError, and changes nothing, for a
    rejected story or one that lacks what a published story has
    (``story_publication_gaps``). Returns it as saved."""
    return story_move(story=story, state=StoryState.PUBLISHED, published_on=published_on, by=by)


def story_reject(*, story: UserStory, rejection_reason: str, by=None) -> UserStory:
    """Reject one story under review (``story_move``), saying why: ``rejection_reason``,
    e-mailed to its sender, written in their language. A rejected story is left as it is
    (its reason too). Raises ValidationError, and changes nothing, without a reason (on
    ``rejection_reason``), or for a published story (withdraw it first). Returns it as
    saved."""
    return story_move(story=story, state=StoryState.REJECTED, rejection_reason=rejection_reason, by=by)
