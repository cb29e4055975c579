"""E-mails of the review before publishing (cogwg/services.py): the secretariat is told
when a record is submitted (a user story too, sent through the public form or filed by a
contributor: stories/services/submissions.py); the contributor who submitted it (or the author of a
progress update) when it is published, with where the public site shows it, or returned for
changes, with the comment.

The services call ``enqueue``: a Celery task (cogwg/notification_tasks.py) sends the
message once the transaction commits, so that nothing is announced that did not happen.
The job is written in the same transaction (cogwg/outbox.py): with the broker down, the
change is kept and the message is sent once the broker is back. Sent late, a message
goes out only while what it says still holds (``still_holds``): the secretariat is not
asked to review a record already published, nor a contributor to change one published
since; nor twice to review a record returned and submitted again while the first message
waited (the later job is sent: ``outbox.superseded``); the job is then done without
sending, saying why. An address the mail server refuses for good ends the job the same
way ("refused"), as a story's e-mail to its sender does, not as a failure.
A message is written in English and French: its recipients' language is not known.
"""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage
from django.urls import reverse
from django.utils import translation
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from jurisdictions.models import Accomplishment, Challenge
from workplan.models import ProgressUpdate

from . import outbox
from .choices import EmailSkipReason, PublicationState
from .dates import date_format
from .permissions import SECRETARIAT

SUBMITTED = "submitted"
PUBLISHED = "published"
RETURNED = "returned"
EVENTS = (SUBMITTED, PUBLISHED, RETURNED)
LANGUAGES = ("en", "fr")
# The state each event leaves a record in: its e-mail is sent only while the record is in it.
EVENT_STATES = {
    SUBMITTED: PublicationState.SUBMITTED,
    PUBLISHED: PublicationState.PUBLISHED,
    RETURNED: PublicationState.RETURNED,
}
TITLE_LENGTH = 120  # characters of a title in a message, the ellipsis included


def enqueue(*, event: str, record) -> None:
    """Send ``event``'s e-mail about ``record`` once the current transaction commits."""
    from .notification_tasks import send_review_email

    if event not in EVENTS:
        raise ValueError(f"Unknown review event: {event}")
    outbox.enqueue(send_review_email, event, record._meta.label_lower, record.pk)


def secretariat_addresses() -> list[str]:
    """The active members of the Secretariat group who have an address, and
    ``settings.COGWG_SECRETARIAT_EMAILS``."""
    members = (
        get_user_model()
        .objects.filter(is_active=True, groups__name=SECRETARIAT)
        .exclude(email="")
        .values_list("email", flat=True)
    )
    return sorted({address.lower() for address in (*members, *settings.COGWG_SECRETARIAT_EMAILS)})


def contributor_addresses(record) -> list[str]:
    """Who submitted ``record``, else (a progress update) who posted it."""
    user = getattr(record, "submitted_by", None) or getattr(record, "author", None)
    if user is None or not user.is_active or not user.email:
        return []
    return [user.email.lower()]


def site_url(path: str) -> str:
    """``path`` (from ``reverse``) under the site's public address, for an e-mail."""
    return settings.COGWG_SITE_URL.rstrip("/") + path


def shortened(text: str, length: int = TITLE_LENGTH) -> str:
    """``text`` in at most ``length`` characters: when it is longer, cut after its last
    whole word and ended with "…"."""
    short = Truncator(text).chars(length)
    if short == text:
        return text
    head = short.removesuffix("…")
    if not text.startswith(head + " "):  # the cut falls in a word: leave the word out
        head = head.rpartition(" ")[0] or head
    return head.rstrip(" ,;:") + "…"


def _title(record, language) -> str:
    milestone = getattr(record, "milestone", None)
    if milestone is not None:  # a progress update: its milestone, and the day it reports on
        return f"{_title(milestone, language)} — {date_format(record.reported_on)}"
    for name in ("title", "note", "description"):
        value = getattr(record, f"{name}_{language}", None) or getattr(record, f"{name}_en", None)
        if value:
            return shortened(value.splitlines()[0])
    return str(record)


def _admin_url(record) -> str:
    """The record's page in the admin, in the active language."""
    return site_url(reverse(f"admin:{record._meta.app_label}_{record._meta.model_name}_change", args=[record.pk]))


def public_url(record) -> str | None:
    """Where the public site shows ``record`` once published, in the active language: a
    progress update on its priority's page, at its milestone; an accomplishment on its
    jurisdiction's page; a challenge on the page of its first jurisdiction, or (across
    jurisdictions) in the list of challenges; each at the record's own card. None for a
    record the public site does not show on a page of its own."""
    if isinstance(record, ProgressUpdate):
        priority = record.milestone.priority
        path = reverse("workplan:priority", args=[priority.work_plan.slug, priority.page_slug])
        return site_url(f"{path}#milestone-{record.milestone_id}")
    if isinstance(record, Accomplishment):
        path = reverse("jurisdictions:detail", args=[record.jurisdiction.code.lower()])
        return site_url(f"{path}#accomplishment-{record.pk}")
    if isinstance(record, Challenge):
        jurisdiction = record.jurisdictions.first()
        if jurisdiction is None:
            path = reverse("jurisdictions:challenges")
        else:
            path = reverse("jurisdictions:detail", args=[jurisdiction.code.lower()])
        return site_url(f"{path}#challenge-{record.pk}")
    return None


def _submitter(record):
    """Who submitted ``record`` for review. A user story has no ``submitted_by``: it is
    who added it (a contributor, in the admin or the API), or None when it came through
    the public form."""
    if hasattr(record, "submitted_by"):
        return record.submitted_by
    first = record.history.order_by("history_date", "history_id").first()
    return first.history_user if first is not None else None


def _user_name(user) -> str:
    if user is None:
        return "—"
    return user.get_full_name() or user.get_username()


def _text(event, record, language) -> tuple[str, str]:
    with translation.override(language):
        kind = str(record._meta.verbose_name)
        names = {"kind": kind, "title": _title(record, language)}
        if event == SUBMITTED:
            submitter = _submitter(record)
            subject = _("COGWG: %(kind)s submitted for review") % names
            if submitter is None and not hasattr(record, "submitted_by"):
                # Sent by a member of the public: who they are stays in the admin.
                body = _('The %(kind)s "%(title)s" was sent through the public form for review.') % names
            else:
                who = _user_name(submitter)
                body = _('The %(kind)s "%(title)s" was submitted for review by %(who)s.') % {**names, "who": who}
            if hasattr(record, "submitted_by"):
                next_step = _("Publish it, or return it for changes, in the tracker's administration: %(url)s")
            else:  # a user story is published or rejected
                next_step = _("Review it, then publish or reject it, in the tracker's administration: %(url)s")
            body += "\n" + next_step % {"url": _admin_url(record)}
        elif event == RETURNED:
            subject = _("COGWG: %(kind)s returned for changes") % names
            body = _('The secretariat returned the %(kind)s "%(title)s" for changes:') % names
            body += f"\n\n{record.review_comment}\n\n"
            body += _("Change it, then submit it again, in the tracker's administration: %(url)s") % {
                "url": _admin_url(record)
            }
        else:
            subject = _("COGWG: %(kind)s published") % names
            body = _('The %(kind)s "%(title)s" is now published.') % names
            url = public_url(record)
            if url is not None:
                body += "\n" + _("Read it on the public site: %(url)s") % {"url": url}
    return subject, body


def review_message(*, event: str, record) -> EmailMessage | None:
    """The message of ``event`` about ``record``, or None when it has no recipient."""
    recipients = secretariat_addresses() if event == SUBMITTED else contributor_addresses(record)
    if not recipients:
        return None
    texts = [_text(event, record, language) for language in LANGUAGES]
    return EmailMessage(
        subject=" / ".join(subject for subject, _body in texts),
        body="\n\n---\n\n".join(body for _subject, body in texts),
        to=recipients,
    )


def still_holds(*, event: str, record) -> bool:
    """Whether what ``event``'s e-mail says of ``record`` (as stored now) still holds: its
    task may run long after the event (the broker down, retries, the sweeper). A record
    submitted is still waiting for review (not published, returned or withdrawn since; a
    user story neither published nor rejected), one returned is still waiting for its
    changes (not submitted again or published since), one published is still public."""
    if not hasattr(record, "publication_state"):  # a user story: only its submission is e-mailed here
        from stories.services.moderation import REVIEWABLE_STATES  # stories.services imports this module

        return event == SUBMITTED and record.state in REVIEWABLE_STATES
    return record.publication_state == EVENT_STATES[event]


def send(*, event: str, record) -> bool | outbox.Skipped:
    """E-mail ``event`` about ``record``; ``Skipped`` (false), with the reason, when it no
    longer holds (``still_holds``) or there is nobody to tell."""
    if not still_holds(event=event, record=record):
        return outbox.Skipped(EmailSkipReason.OUTDATED)
    message = review_message(event=event, record=record)
    if message is None:
        return outbox.Skipped(EmailSkipReason.NO_RECIPIENT)
    message.send()
    return True
