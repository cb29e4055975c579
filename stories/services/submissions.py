"""Public submissions (the "Submit a user story" form).

Stories sent through the public form are stored as submitted (``story_submit``) and
announced once the transaction commits: to the secretariat (cogwg/notifications.py) and,
with a receipt, to their submitter (stories/notifications.py).
"""

import datetime
import hashlib
import secrets

from django.db import IntegrityError, connection, transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext

from cogwg import notifications
from cogwg.slugs import FRENCH

from .. import notifications as submitter_notifications
from ..choices import StoryState
from ..models import UserStory, reserved_story_slugs

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


def _with_slug(slug: str) -> Q:
    """The stories that have ``slug``, in English or in French: a slug names one story in
    either language (UserStory.validate_constraints)."""
    return Q(slug=slug) | Q(slug_fr=slug)


def _slug_taken(slug: str) -> bool:
    return UserStory.objects.filter(_with_slug(slug)).exists()


def story_slug_free(*, title: str, story: UserStory | None = None) -> str:
    """A slug made from ``title`` that no other story than ``story`` has, in English or in
    French, as a story sent through the public form gets one (the title's, else with a
    random suffix): for a story the secretariat or a contributor files without one (the
    admin's form), which may be written in French only, the English slug from its title in
    English, else in French; its French slug from its French title. The last one tried
    when none is free (the form's checks then say so)."""
    others = UserStory.objects.exclude(pk=story.pk) if story is not None and story.pk else UserStory.objects.all()
    slug = ""
    for slug in _slug_candidates(title):
        if not others.filter(_with_slug(slug)).exists():
            break
    return slug


def _save_with_free_slug(story: UserStory, *, title: str, language: str) -> None:
    """Save the new ``story`` under the first slug of ``title`` that is free, its French
    slug too when ``title`` is in French. Another submission may take a slug between the
    check and the save (the database's unique constraints then refuse the insert): the
    save is retried under the next slug, inside a savepoint so that the transaction goes
    on."""
    for slug in _slug_candidates(title):
        if _slug_taken(slug):
            continue
        story.slug = slug
        story.slug_fr = slug if language == FRENCH else ""
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
    _save_with_free_slug(submission, title=title, language=language)
    submission.themes.set(themes)
    story_announce_submitted(story=submission)
    submitter_notifications.enqueue(kind=submitter_notifications.RECEIVED, story=submission)
    return submission
