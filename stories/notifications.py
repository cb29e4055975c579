"""E-mails to whoever sent a story through the public form: a receipt with the story's
reference once it is stored, then word of the secretariat's decision (published, with its
address, or not accepted). Each is written in the language of the form they used
(``UserStory.submitter_language``), and says nothing of the submitter but to them.

The address is the sender's word, unverified: anyone may type someone else's. So that the
government's mail cannot carry a stranger's text to anyone, only the published story's
e-mail quotes what the sender wrote (its title, reviewed and accepted by the secretariat);
the receipt and the refusal give the story's reference alone. The refusal quotes the
secretariat's reason (``UserStory.rejection_reason``, written in the sender's language):
the secretariat's words, not the sender's.

The services call ``enqueue``: a Celery task (stories/tasks.py) sends the message once
the transaction commits, so that nothing is announced that did not happen. The job is
written in the same transaction (cogwg/outbox.py): with the broker down, the story is kept
and the message is sent once the broker is back. The secretariat is told of a submission
by cogwg/notifications.py, as for other records.
"""

from django.conf import settings
from django.core.mail import EmailMessage
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from cogwg import outbox
from cogwg.choices import EmailSkipReason
from cogwg.notifications import site_url

from .choices import StoryState

RECEIVED = "received"
PUBLISHED = "published"
REJECTED = "rejected"
KINDS = (RECEIVED, PUBLISHED, REJECTED)


def enqueue(*, kind: str, story) -> None:
    """E-mail ``kind`` to ``story``'s submitter once the current transaction commits; a
    story with no submitter's address (filed in the admin) sends nothing."""
    from .tasks import send_submitter_email

    if kind not in KINDS:
        raise ValueError(f"Unknown e-mail to a story's submitter: {kind}")
    if not story.submitter_email:
        return
    outbox.enqueue(send_submitter_email, kind, story.pk)


def reference(story) -> str:
    """What the submitter quotes when they write about their story (its id: the slug may
    change in review)."""
    return f"#{story.pk}"


def _title(story) -> str:
    # In the active language, else the other one (modeltranslation's fallback).
    return story.title or reference(story)


def _text(kind, story) -> tuple[str, str]:
    names = {"reference": reference(story)}
    if kind == RECEIVED:
        subject = _("COGWG: we have received your user story")
        body = "\n\n".join(
            [
                _("Thank you for sending us your user story."),
                _("Its reference is %(reference)s: please quote it if you write to us about it.") % names,
                _(
                    "The working group's secretariat reviews every story before publishing it. We will write "
                    "to you again when yours is published, or if it is not accepted."
                ),
            ]
        )
    elif kind == PUBLISHED:
        names["title"] = _title(story)
        # At the slug of the submitter's language (the active one here).
        url = site_url(reverse("stories:detail", args=[story.page_slug]))
        subject = _("COGWG: your user story is published")
        body = "\n\n".join(
            [
                _('Your user story "%(title)s" (reference %(reference)s) is now published:') % names + f"\n{url}",
                _("Thank you for sharing it."),
            ]
        )
    else:
        subject = _("COGWG: your user story was not accepted")
        paragraphs = [
            _("Thank you for your user story (reference %(reference)s).") % names,
            _("The working group's secretariat has reviewed it and will not publish it."),
        ]
        if reason := story.rejection_reason.strip():
            paragraphs.append(_("The secretariat's reason:") + "\n\n" + _quoted(reason))
        body = "\n\n".join(paragraphs)
    return subject, body


def _quoted(text: str) -> str:
    """``text`` quoted as plain-text e-mail quotes: each line after "> "."""
    return "\n".join(f"> {line}".rstrip() for line in text.splitlines())


def submitter_message(*, kind: str, story) -> EmailMessage | None:
    """The e-mail ``kind`` to ``story``'s submitter, in their language; None when the story
    has no submitter's address."""
    if not story.submitter_email:
        return None
    language = story.submitter_language or settings.LANGUAGE_CODE
    with translation.override(language):
        subject, body = _text(kind, story)
    return EmailMessage(subject=subject, body=body, to=[story.submitter_email])


# The state a decision's e-mail announces: sent only while the story is still in it.
DECIDED_STATES = {PUBLISHED: StoryState.PUBLISHED, REJECTED: StoryState.REJECTED}


def send(*, kind: str, story) -> bool | outbox.Skipped:
    """E-mail ``kind`` to ``story``'s submitter; ``Skipped`` (false), with the reason, when
    there is nobody to tell (the address erased since), or when the decision it announces
    no longer stands (a story published, then withdrawn, or rejected, then reconsidered,
    before the e-mail left: the sender would be told of a page that is gone, or of a
    rejection without its reason). The receipt holds whatever the story became: it was
    received."""
    if kind in DECIDED_STATES and story.state != DECIDED_STATES[kind]:
        return outbox.Skipped(EmailSkipReason.OUTDATED)
    message = submitter_message(kind=kind, story=story)
    if message is None:
        return outbox.Skipped(EmailSkipReason.NO_RECIPIENT)
    message.send()
    return True
