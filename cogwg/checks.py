"""System checks of the tracker's own settings.

``manage.py check --deploy`` (which every container runs before it starts:
deploy/entrypoint.sh) refuses an e-mail set-up that delivers nothing: Django's console
backend, the development default, writes every message to the log (with the addresses
and what the public wrote in it), and the in-memory, dummy and file backends keep or drop
them. It also refuses the placeholders of ``.env.example`` and sender or contact
addresses nobody can write to. The retention periods (cogwg/retention.py) are checked
always: a period of zero or less would dispose of everything at once.
"""

from email.utils import parseaddr

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register

# Backends that deliver nothing: what they do with a message instead.
UNDELIVERING_BACKENDS = {
    "django.core.mail.backends.console.EmailBackend": "writes every message, addresses and all, to the log",
    "django.core.mail.backends.locmem.EmailBackend": "keeps every message in the process's memory",
    "django.core.mail.backends.dummy.EmailBackend": "drops every message",
    "django.core.mail.backends.filebased.EmailBackend": "writes every message to a file on the server",
}
# Domains reserved for examples and tests (RFC 2606, RFC 6761): no mail is ever
# delivered to or from them.
RESERVED_DOMAINS = ("example.com", "example.net", "example.org")
RESERVED_TOP_LEVEL = ("example", "invalid", "test", "localhost")
SMTP_HINT = (
    "Set EMAIL_URL to the mail server, e.g. smtp+tls://user:password@smtp.example.gc.ca:587 (docs/operations.md)."
)
RETENTION_SETTINGS = (
    "COGWG_RETENTION_ACCESS_LOG_DAYS",
    "COGWG_RETENTION_REMINDER_DAYS",
    "COGWG_RETENTION_REJECTED_STORY_DAYS",
)


def placeholder_domain(domain: str, *, local_is_placeholder: bool = True) -> bool:
    """Is ``domain`` one that no mail reaches: reserved for examples or tests, or (when
    ``local_is_placeholder``) ``localhost``?"""
    domain = (domain or "").strip().lower().rstrip(".")
    if domain in RESERVED_DOMAINS or domain.endswith(tuple(f".{name}" for name in RESERVED_DOMAINS)):
        return True
    top_level = domain.rsplit(".", 1)[-1]
    if top_level == "localhost":
        return local_is_placeholder
    return top_level in RESERVED_TOP_LEVEL


def _unusable_address(address: str) -> bool:
    _name, email = parseaddr(address or "")
    if "@" not in email:
        return True
    return placeholder_domain(email.rsplit("@", 1)[1])


@register(Tags.security, deploy=True)
def check_email_delivery(app_configs=None, **kwargs):
    errors = []
    backend = settings.EMAIL_BACKEND
    if backend in UNDELIVERING_BACKENDS:
        errors.append(
            Error(
                f"E-mail is not delivered: EMAIL_URL selects {backend}, which {UNDELIVERING_BACKENDS[backend]}. "
                "The story form's receipts, the review's messages and the reminders would never reach anyone.",
                hint=SMTP_HINT,
                id="cogwg.E001",
            )
        )
    elif backend == "django.core.mail.backends.smtp.EmailBackend" and placeholder_domain(
        settings.EMAIL_HOST or "", local_is_placeholder=False
    ):
        errors.append(
            Error(
                f"EMAIL_URL names the mail server {settings.EMAIL_HOST!r}, a placeholder (.env.example's) that "
                "no mail reaches.",
                hint=SMTP_HINT,
                id="cogwg.E002",
            )
        )
    if _unusable_address(settings.DEFAULT_FROM_EMAIL):
        errors.append(
            Warning(
                f"DEFAULT_FROM_EMAIL is {settings.DEFAULT_FROM_EMAIL!r}: mail servers refuse or bury messages from "
                "such an address, and replies to it reach nobody.",
                hint="Set DEFAULT_FROM_EMAIL to an address of your organization, e.g. "
                "COGWG Tracker <cogwg@example.gc.ca>.",
                id="cogwg.W003",
            )
        )
    if _unusable_address(settings.COGWG_PRIVACY_CONTACT):
        errors.append(
            Warning(
                f"The privacy notice asks the public to write to {settings.COGWG_PRIVACY_CONTACT!r}, an address "
                "nobody can write to.",
                hint="Set COGWG_PRIVACY_CONTACT (by default, the address of DEFAULT_FROM_EMAIL) to the "
                "secretariat's address.",
                id="cogwg.W004",
            )
        )
    return errors


@register()
def check_retention_periods(app_configs=None, **kwargs):
    return [
        Error(
            f"{name} is {getattr(settings, name)!r}: a retention period is a whole number of days, 1 or more.",
            hint="Leave it unset for its default (docs/operations.md, Personal information and retention).",
            id="cogwg.E005",
        )
        for name in RETENTION_SETTINGS
        if not isinstance(getattr(settings, name, None), int) or getattr(settings, name) < 1
    ]
