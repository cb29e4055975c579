"""Writes on stories and datasets.

Datasets come from CKAN portals (stories/ckan.py). The portal is asked before any
transaction opens, so that no database transaction waits on the network; each dataset is
then written in its own transaction. A harvest that fails is recorded on the dataset
(``harvest_error_code``, ``harvest_error``, ``last_harvest_attempt``) and never stops the
others.

Stories sent through the public form are stored as submitted (``story_submit``) and
announced once the transaction commits: to the secretariat (cogwg/notifications.py) and,
with a receipt, to their submitter (stories/notifications.py). The secretariat moves them
between states only through the services, in the admin (its actions and its change form)
as through the API: in bulk (``stories_moderate``: publish, reject) or one at a time
(``story_move``, and ``story_publish``, ``story_reject``), under one set of rules
(``STORY_MOVES``, ``story_move_check``). A story is published only once it has its title
and summary in both languages (``story_publication_gaps``), and its submitter is told of
the decision.

Deleting a theme or a dataset (``themes_delete``, ``datasets_delete``) takes it off the
stories that used it first, each with a history row saying so.

A submitter's name and e-mail address are erased, in the story and in every row of its
history, on request (``story_erase_submitter``), when the story is deleted
(``stories_delete``), and some time after it is rejected (cogwg/retention.py, through
``stories_erase_submitters``).
"""

import datetime
import hashlib
import logging
import operator
import secrets
from dataclasses import dataclass, field
from functools import reduce

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.text import format_lazy, slugify
from django.utils.translation import gettext, gettext_lazy, gettext_noop

from cogwg import notifications
from cogwg.versioning import data_changed

from . import notifications as submitter_notifications
from .choices import StoryState
from .ckan import (
    PORTAL_URL_MAX_LENGTH,
    CkanClient,
    CkanErrorCode,
    CkanProblem,
    NotADatasetUrl,
    Package,
    dataset_page_urls,
    parse_dataset_url,
)
from .models import Dataset, UserStory, reserved_story_slugs

logger = logging.getLogger(__name__)
# History reasons of the portal's writes, stored in English and shown in the reader's language.
ADDED_FROM_PORTAL = gettext_noop("Added from the portal")
HARVESTED_FROM_PORTAL = gettext_noop("Harvested from the portal")

# Dataset fields that come from the portal, named as on stories.ckan.Package.
HARVESTED_FIELDS = (
    "title_en",
    "title_fr",
    "description_en",
    "description_fr",
    "publisher_en",
    "publisher_fr",
    "formats",
    "license_title_en",
    "license_title_fr",
    "metadata_modified",
    "metadata",
)


@dataclass
class HarvestSummary:
    """How many datasets were harvested; the failed ones' errors (in the active language) by pk."""

    harvested: int = 0
    failed: dict[int, str] = field(default_factory=dict)

    def as_dict(self):
        return {"harvested": self.harvested, "failed": len(self.failed)}


def dataset_add_from_url(*, url: str, ckan_id: str = "", by=None) -> tuple[Dataset, bool]:
    """Add (or refresh) the dataset a page URL names, or the dataset ``ckan_id`` on the
    portal whose base URL is ``url``. Returns the dataset and whether it was created.

    Raises ``stories.ckan.NotADatasetUrl`` for a URL that names no dataset and
    ``stories.ckan.CkanError`` when the portal does not give the dataset: nothing is
    stored then."""
    ref = parse_dataset_url(url, ckan_id)
    if len(ref.portal_url) > PORTAL_URL_MAX_LENGTH:
        raise NotADatasetUrl(ref.portal_url, code=CkanErrorCode.ADDRESS_TOO_LONG)
    package = CkanClient(ref.portal_url).package_show(ref.ckan_id)
    page_url = ref.page_url or f"{ref.portal_url}/dataset/{package.name}"
    return _dataset_store(portal_url=ref.portal_url, asked_id=ref.ckan_id, page_url=page_url, package=package, by=by)


@transaction.atomic
def _dataset_store(*, portal_url, asked_id, page_url, package: Package, by) -> tuple[Dataset, bool]:
    # The stable id is stored; a dataset added earlier by its name (or by its id) is the same one.
    dataset = (
        Dataset.objects.select_for_update()
        .filter(portal_url=portal_url, ckan_id__in={asked_id, package.id, package.name})
        .order_by("pk")
        .first()
    )
    created = dataset is None
    if created:
        dataset = Dataset(portal_url=portal_url, ckan_id=package.id)
    # Its page in each language: a dataset added again from its French page gets the
    # address it lacked, and keeps those it had.
    for code, url in dataset_page_urls(page_url).items():
        if url and not getattr(dataset, f"url_{code}"):
            setattr(dataset, f"url_{code}", url[:500])
    now = timezone.now()
    for name in HARVESTED_FIELDS:
        setattr(dataset, name, getattr(package, name))
    dataset.last_harvested = now
    dataset.last_harvest_attempt = now
    dataset.harvest_error_code = ""
    dataset.harvest_error = ""
    dataset._history_user = by
    dataset._change_reason = ADDED_FROM_PORTAL
    dataset.save()
    return dataset, created


def dataset_harvest(*, dataset: Dataset, client: CkanClient | None = None) -> bool:
    """Refresh ``dataset`` from its portal; True when it was harvested. A failure is
    recorded on the dataset and the last good metadata is kept."""
    try:
        client = client or CkanClient(dataset.portal_url)
        package = client.package_show(dataset.ckan_id)
    except CkanProblem as exc:
        _dataset_record_failure(dataset=dataset, code=exc.code, detail=exc.detail)
        return False
    _dataset_apply(dataset=dataset, package=package)
    return True


@transaction.atomic
def _dataset_apply(*, dataset: Dataset, package: Package) -> None:
    now = timezone.now()
    changed = [name for name in HARVESTED_FIELDS if getattr(dataset, name) != getattr(package, name)]
    for name in changed:
        setattr(dataset, name, getattr(package, name))
    dataset.last_harvested = now
    dataset.last_harvest_attempt = now
    dataset.harvest_error_code = ""
    dataset.harvest_error = ""
    if changed:
        dataset._change_reason = HARVESTED_FROM_PORTAL
        dataset.save(
            update_fields=[
                *changed,
                "last_harvested",
                "last_harvest_attempt",
                "harvest_error_code",
                "harvest_error",
                "modified_at",
            ]
        )
    else:
        # Nothing the portal says has changed: no new history record for a weekly check.
        Dataset.objects.filter(pk=dataset.pk).update(
            last_harvested=now, last_harvest_attempt=now, harvest_error_code="", harvest_error=""
        )
        data_changed()


@transaction.atomic
def _dataset_record_failure(*, dataset: Dataset, code: str, detail: str) -> None:
    """Keep why the last harvest failed: ``code`` (a ``CkanErrorCode``) says it in any
    language, ``detail`` holds the technical facts."""
    now = timezone.now()
    dataset.harvest_error_code = code
    dataset.harvest_error = detail
    dataset.last_harvest_attempt = now
    Dataset.objects.filter(pk=dataset.pk).update(
        harvest_error_code=code, harvest_error=detail, last_harvest_attempt=now
    )
    data_changed()


def datasets_harvest_all(*, queryset=None) -> HarvestSummary:
    """Refresh every dataset (or those of ``queryset``) from its portal, one at a time,
    one HTTP session per portal. Nothing a dataset does stops the others."""
    summary = HarvestSummary()
    clients: dict[str, CkanClient] = {}
    datasets = (queryset if queryset is not None else Dataset.objects.all()).order_by("pk")
    for dataset in datasets.iterator():
        try:
            if dataset.portal_url not in clients:
                clients[dataset.portal_url] = CkanClient(dataset.portal_url)
            harvested = dataset_harvest(dataset=dataset, client=clients[dataset.portal_url])
        except Exception as exc:  # one bad dataset must not stop the harvest
            logger.exception("Harvest of dataset %s failed", dataset.pk)
            failure = CkanProblem(f"{type(exc).__name__}: {exc}", code=CkanErrorCode.FAILED)
            _dataset_record_failure(dataset=dataset, code=failure.code, detail=failure.detail)
            harvested = False
        if harvested:
            summary.harvested += 1
        else:
            summary.failed[dataset.pk] = dataset.harvest_error_message()
    return summary


# Public submissions (the "Submit a user story" form).

# An identical story (same e-mail address, title and summary) sent again within this
# time is the same one: a double click, or "Back" and "Submit" once more.
RESUBMISSION_WINDOW = datetime.timedelta(minutes=10)
# Tries at a free slug: the title's, then with a random suffix.
SLUG_ATTEMPTS = 5
# The first key of the PostgreSQL advisory locks on which identical submissions take
# turns ("stor"); the second is the submission's own (``_submission_key``). Locks taken
# with two keys never conflict with those taken with one (migrate_exclusive's).
SUBMISSION_LOCK_SPACE = 0x73746F72


def _datasets_heading(language: str) -> str:
    """The line that introduces the datasets a submitter named, in ``language``."""
    with translation.override(language):
        return gettext("Datasets used:")


def _slug_candidates(title: str):
    base = slugify(title)[:100].strip("-") or "story"
    if base in reserved_story_slugs():
        base = f"story-{base}"
    yield base
    for _attempt in range(SLUG_ATTEMPTS - 1):
        yield f"{base}-{secrets.token_hex(3)}"


def _slug_taken(slug: str) -> bool:
    return UserStory.objects.filter(slug=slug).exists()


def _save_with_free_slug(story: UserStory, *, title: str) -> None:
    """Save the new ``story`` under the first slug of ``title`` that is free. Another
    submission may take a slug between the check and the save (the database's unique
    constraint then refuses the insert): the save is retried under the next slug, inside
    a savepoint so that the transaction goes on."""
    for slug in _slug_candidates(title):
        if _slug_taken(slug):
            continue
        story.slug = slug
        try:
            with transaction.atomic():
                story.save()
        except IntegrityError:
            if _slug_taken(slug):
                continue  # taken meanwhile
            raise
        return
    raise IntegrityError(f"No free slug for the story {title!r} after {SLUG_ATTEMPTS} tries")


def _submission_key(*, email: str, title: str, summary: str) -> int:
    """A stable 32-bit key of what makes two submissions the same story, as
    ``_earlier_submission`` compares them (the e-mail address in any case). Two different
    stories may share a key: they then merely take turns."""
    text = "\n".join([email.strip().lower(), title, summary])
    return int.from_bytes(hashlib.sha256(text.encode()).digest()[:4], "big", signed=True)


def _take_turns_with_identical_submissions(*, email: str, title: str, summary: str) -> None:
    """Make identical submissions that arrive together (a double click reaching two web
    processes) take turns until the end of the transaction. Two PostgreSQL transactions
    would otherwise both find no earlier story and both store theirs: with this advisory
    lock the second waits for the first to commit, then finds its story (each statement
    sees what was committed before it). Held until the transaction ends, so it is taken
    inside ``story_submit``'s, before the look-up. SQLite, the embedded single-process
    set-up, lets one transaction write at a time: it needs none."""
    if connection.vendor != "postgresql":
        return
    key = _submission_key(email=email, title=title, summary=summary)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [SUBMISSION_LOCK_SPACE, key])


def _earlier_submission(*, email: str, texts: dict) -> UserStory | None:
    """The same story (e-mail address in any case, title and summary), stored within
    ``RESUBMISSION_WINDOW``."""
    return (
        UserStory.objects.filter(
            submitter_email__iexact=email, created_at__gte=timezone.now() - RESUBMISSION_WINDOW, **texts
        )
        .order_by("pk")
        .first()
    )


def story_announce_submitted(*, story: UserStory) -> None:
    """Tell the secretariat, once the transaction commits, that ``story`` awaits review
    (a public submission, or a story a contributor filed)."""
    notifications.enqueue(event=notifications.SUBMITTED, record=story)


@transaction.atomic
def story_submit(
    *,
    title: str,
    summary: str,
    story: str = "",
    language: str,
    user_type: str,
    impact: str,
    jurisdiction=None,
    themes=(),
    dataset_urls=(),
    submitter_name: str = "",
    submitter_email: str = "",
    consent_notice: str = "",
) -> UserStory:
    """Store a story sent by the public, as submitted: nothing is public until the
    secretariat approves and publishes it. The text goes into the columns of the language
    it was written in (``language``); the secretariat adds the translation in review. The
    datasets named by the submitter are listed at the end of the story for the secretariat
    to link. Once this commits, the secretariat is e-mailed, and the submitter gets a
    receipt with the story's reference, in ``language``. ``consent_notice`` is the
    version of the privacy notice the submitter agreed to (the form's
    ``PRIVACY_NOTICE_VERSION``): the story records it, and when they agreed.

    Returns the new ``UserStory``; the same story sent again within
    ``RESUBMISSION_WINDOW``, even at the same instant through another web process, stores
    and sends nothing and returns the one first stored."""
    texts = {f"title_{language}": title, f"summary_{language}": summary}
    _take_turns_with_identical_submissions(email=submitter_email, title=title, summary=summary)
    earlier = _earlier_submission(email=submitter_email, texts=texts)
    if earlier is not None:
        return earlier
    if dataset_urls:
        story = "\n".join([story.strip(), "", _datasets_heading(language), *dataset_urls]).strip()
    submission = UserStory(
        state=StoryState.SUBMITTED,
        user_type=user_type,
        impact=impact,
        jurisdiction=jurisdiction,
        submitter_name=submitter_name,
        submitter_email=submitter_email,
        submitter_language=language,
        consent_given_at=timezone.now() if consent_notice else None,
        consent_notice_version=consent_notice,
        **texts,
        **{f"story_{language}": story},
    )
    _save_with_free_slug(submission, title=title)
    submission.themes.set(themes)
    story_announce_submitted(story=submission)
    submitter_notifications.enqueue(kind=submitter_notifications.RECEIVED, story=submission)
    return submission


# Moderation

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


# The fields story_publication_gaps reads.
PUBLICATION_TEXT_FIELDS = (*REQUIRED_TO_PUBLISH, *DATASET_LIST_LEFT)


def story_publication_gaps(texts) -> dict[str, str]:
    """What keeps a story whose text fields are ``texts`` (a mapping, or the story
    itself) from being published, by field, in the active language: a title or summary
    missing in either language, or the unchecked list of datasets a submission ends
    with (``story_submit``) still in its text. Empty when it may be published."""

    def value(name):
        found = texts.get(name) if isinstance(texts, dict) else getattr(texts, name, "")
        return (found or "").strip()

    gaps = {name: str(message) for name, message in REQUIRED_TO_PUBLISH.items() if not value(name)}
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
def stories_moderate(*, queryset, state, by=None) -> Moderation:
    """Move the stories of ``queryset`` that may move to ``state`` (``STORY_MOVES``: for
    published or rejected, the reviewable ones), one save each so that the history shows
    who did it; the others are left as they were. A story is published only when it has
    its title and summary in both languages and no unchecked list of datasets in its text
    (``story_publication_gaps``): the others are left as they were and listed. Whoever
    sent a story through the public form is told of the decision."""
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
        story.state = state
        story._history_user = by
        story.save(update_fields=update_fields)
        story_decision_announce(story=story, previous_state=previous_state)
        moderation.changed += 1
    return moderation


@transaction.atomic
def story_move(*, story: UserStory, state: str, published_on: datetime.date | None = None, by=None) -> UserStory:
    """Move one story to ``state``, as the secretariat does from the admin's change form
    and the API's actions: only as ``STORY_MOVES`` allows, and into the published state
    only with what a published story has (``story_move_check``). A story published gets
    ``published_on``, today unless given; one withdrawn keeps the date it was published
    on. Its history records who moved it (``by``), and whoever sent it through the public
    form is told of a decision. A story already in ``state`` is left as it is.

    Raises ValidationError, and changes nothing, when the move is refused. Returns the
    story as saved."""
    stored = UserStory.objects.select_for_update().get(pk=story.pk)
    if stored.state == state:
        return stored
    story_move_check(current=stored.state, wanted=state, texts=stored)
    previous_state = stored.state
    stored.state = state
    update_fields = ["state", "modified_at"]
    if state == StoryState.PUBLISHED:
        stored.published_on = published_on or timezone.localdate()
        update_fields.append("published_on")
    stored._history_user = by
    stored.save(update_fields=update_fields)
    story_decision_announce(story=stored, previous_state=previous_state)
    return stored


def story_publish(*, story: UserStory, published_on: datetime.date | None = None, by=None) -> UserStory:
    """Publish one story (``story_move``), on ``published_on`` (today unless given); a
    published story is left as it is. Raises ValidationError, and changes nothing, for a
    rejected story or one that lacks what a published story has
    (``story_publication_gaps``). Returns it as saved."""
    return story_move(story=story, state=StoryState.PUBLISHED, published_on=published_on, by=by)


def story_reject(*, story: UserStory, by=None) -> UserStory:
    """Reject one story under review (``story_move``); a rejected story is left as it is.
    Raises ValidationError, and changes nothing, for a published story (withdraw it
    first). Returns it as saved."""
    return story_move(story=story, state=StoryState.REJECTED, by=by)


# A submitter's personal information

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


@transaction.atomic
def stories_delete(*, queryset, by=None) -> int:
    """Delete the stories of ``queryset``, each with its history row of the deletion (by
    ``by``), and blank their submitter's name and e-mail address in every row of their
    history: the rows stay for the audit, the personal information goes with the story.
    Returns how many were deleted. Raises ``ProtectedError`` as ``delete()`` does, and
    then deletes nothing."""
    stories = list(UserStory.objects.filter(pk__in=queryset.values("pk")).select_for_update().order_by("pk"))
    deleted = [story.pk for story in stories]  # (delete() unsets them)
    for story in stories:
        story._history_user = by
        story.delete()
    _submitter_history_erase(story_ids=deleted)
    return len(deleted)


@transaction.atomic
def story_delete(*, story: UserStory, by=None) -> None:
    """Delete one story as ``stories_delete`` does."""
    stories_delete(queryset=UserStory.objects.filter(pk=story.pk), by=by)


# Deleting a theme or a dataset

# The reasons of the history rows of the stories that lose a deleted theme or dataset:
# stored in English, shown in the reader's language (as ``SUBMITTER_ERASED``). Which one it
# was is in the row itself (the story's themes or datasets before and after).
THEME_DELETED = gettext_noop("Theme deleted")
DATASET_DELETED = gettext_noop("Dataset deleted")


def _delete_used_by_stories(*, queryset, field_name: str, reason: str, by) -> int:
    """Delete the records of ``queryset`` (themes or datasets: the stories'
    ``field_name``), each with its history row of the deletion (by ``by``). Each story
    that used some loses them first, with a history row of its own (by ``by``, for
    ``reason``) and a new ``modified_at``: deleting them would take their links away
    without a word in the stories' history (a cascade sends no ``m2m_changed``), and a
    change form opened before must not save them back. Returns how many were deleted."""
    model = queryset.model
    records = list(model.objects.filter(pk__in=queryset.values("pk")).select_for_update().order_by("pk"))
    m2m = UserStory._meta.get_field(field_name)
    links = m2m.remote_field.through.objects.filter(**{f"{m2m.m2m_reverse_field_name()}__in": records})
    stories = list(
        UserStory.objects.filter(pk__in=links.values(m2m.m2m_field_name())).select_for_update().order_by("pk")
    )
    links.delete()
    for story in stories:
        story._history_user = by
        story._change_reason = reason
        story.save(update_fields=["modified_at"])
    for record in records:
        record._history_user = by
        record.delete()
    return len(records)


@transaction.atomic
def themes_delete(*, queryset, by=None) -> int:
    """Delete the themes of ``queryset``; the stories about them lose them, each with a
    history row (``THEME_DELETED``) by ``by``. Returns how many were deleted."""
    return _delete_used_by_stories(queryset=queryset, field_name="themes", reason=THEME_DELETED, by=by)


@transaction.atomic
def datasets_delete(*, queryset, by=None) -> int:
    """Delete the datasets of ``queryset``; the stories that used them lose them, each
    with a history row (``DATASET_DELETED``) by ``by``. Returns how many were deleted.
    Raises ``ProtectedError`` as ``delete()`` does, and then deletes nothing."""
    return _delete_used_by_stories(queryset=queryset, field_name="datasets", reason=DATASET_DELETED, by=by)
