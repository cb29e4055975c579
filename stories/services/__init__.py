"""Writes on stories and datasets, one module per job:

- ``datasets``: datasets added from and harvested on CKAN portals;
- ``submissions``: stories sent through the public form;
- ``moderation``: the secretariat moving stories between states, under one set of rules;
- ``privacy``: a submitter's name and e-mail address, erased in the story and its history;
- ``deletions``: deleting stories, themes and datasets, each with its history rows.

Their public names are imported from here (``from stories.services import story_submit``).
"""

from .datasets import (
    ADDED_FROM_PORTAL,
    HARVEST_ONLY_FIELDS,
    HARVESTED_FIELDS,
    HARVESTED_FROM_PORTAL,
    HarvestSummary,
    dataset_add_from_url,
    dataset_harvest,
    datasets_harvest_all,
)
from .deletions import (
    DATASET_DELETED,
    THEME_DELETED,
    datasets_delete,
    stories_delete,
    story_delete,
    themes_delete,
)
from .moderation import (
    DATASET_LIST_LEFT,
    MOVE_REFUSED,
    PUBLICATION_TEXT_FIELDS,
    REJECTED_NOT_PUBLISHED,
    REJECTION_REASON_REQUIRED,
    REJECTION_REASON_TOO_LONG,
    REQUIRED_TO_PUBLISH,
    REVIEWABLE_STATES,
    STORY_MOVE_REASONS,
    STORY_MOVES,
    Moderation,
    rejection_reason_clean,
    stories_moderate,
    story_decision_announce,
    story_move,
    story_move_check,
    story_publication_gaps,
    story_publish,
    story_reject,
)
from .privacy import (
    SUBMITTER_ERASED,
    SUBMITTER_FIELDS,
    Erasure,
    stories_erase_submitters,
    story_erase_submitter,
)
from .submissions import (
    RESUBMISSION_WINDOW,
    SLUG_ATTEMPTS,
    SUBMISSION_LOCK_SPACE,
    story_announce_submitted,
    story_slug_free,
    story_submit,
)

__all__ = [
    "ADDED_FROM_PORTAL",
    "DATASET_DELETED",
    "DATASET_LIST_LEFT",
    "HARVESTED_FIELDS",
    "HARVESTED_FROM_PORTAL",
    "HARVEST_ONLY_FIELDS",
    "MOVE_REFUSED",
    "PUBLICATION_TEXT_FIELDS",
    "REJECTED_NOT_PUBLISHED",
    "REJECTION_REASON_REQUIRED",
    "REJECTION_REASON_TOO_LONG",
    "REQUIRED_TO_PUBLISH",
    "RESUBMISSION_WINDOW",
    "REVIEWABLE_STATES",
    "SLUG_ATTEMPTS",
    "STORY_MOVES",
    "STORY_MOVE_REASONS",
    "SUBMISSION_LOCK_SPACE",
    "SUBMITTER_ERASED",
    "SUBMITTER_FIELDS",
    "THEME_DELETED",
    "Erasure",
    "HarvestSummary",
    "Moderation",
    "dataset_add_from_url",
    "dataset_harvest",
    "datasets_delete",
    "datasets_harvest_all",
    "rejection_reason_clean",
    "stories_delete",
    "stories_erase_submitters",
    "stories_moderate",
    "story_announce_submitted",
    "story_decision_announce",
    "story_delete",
    "story_erase_submitter",
    "story_move",
    "story_move_check",
    "story_publication_gaps",
    "story_publish",
    "story_reject",
    "story_slug_free",
    "story_submit",
    "themes_delete",
]
