"""System checks of the tracker's own settings.

``manage.py check --deploy`` (which every container runs before it starts:
deploy/entrypoint.sh) refuses an e-mail set-up that delivers nothing: Django's console
backend, the development default, writes every message to the log (with the addresses
and what the public wrote in it), and the in-memory, dummy and file backends keep or drop
them. It also refuses the placeholders of ``.env.example`` and sender or contact
addresses nobody can write to, a site address (``COGWG_SITE_URL``) that e-mails could not
link to, and security contacts that are not addresses (``/.well-known/security.txt``).
The retention periods (cogwg/retention.py) are checked always: a period of zero or less
would dispose of everything at once.
"""

from email.utils import parseaddr
from urllib.parse import urlsplit

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


@register(Tags.security, deploy=True)
def check_site_url(app_configs=None, **kwargs):
    """E-mails link to pages under COGWG_SITE_URL: without a scheme and a host (a typo such
    as ``tracker.example.gc.ca``), every link of every e-mail is broken. Plain http is
    accepted only for a trial without HTTPS (DJANGO_SECURE_SSL_REDIRECT=false)."""
    url = settings.COGWG_SITE_URL or ""
    allowed = ("https",) if settings.SECURE_SSL_REDIRECT else ("https", "http")
    try:
        parts = urlsplit(url)
        valid = parts.scheme in allowed and bool(parts.hostname) and not (parts.query or parts.fragment)
    except ValueError:  # an unbalanced IPv6 bracket, a port out of range
        valid = False
    if valid:
        return []
    return [
        Error(
            f"COGWG_SITE_URL is {url!r}: the e-mails' links need the site's full address, "
            f"{' or '.join(f'{scheme}://' for scheme in allowed)} and the host name.",
            hint="Set COGWG_SITE_URL to e.g. https://tracker.example.gc.ca, or leave it empty for https:// and "
            "the first of DJANGO_ALLOWED_HOSTS (docs/operations.md).",
            id="cogwg.E006",
        )
    ]


@register(Tags.security, deploy=True)
def check_security_contacts(app_configs=None, **kwargs):
    """/.well-known/security.txt publishes each contact as a URI (RFC 9116): a bare e-mail
    address is published with ``mailto:`` (cogwg/wellknown.py); anything else that is not
    a ``mailto:``, ``https:`` or ``tel:`` URI cannot be written to."""
    from .wellknown import security_contact_uri

    return [
        Error(
            f"COGWG_SECURITY_CONTACTS names {contact!r}, which /.well-known/security.txt cannot publish: "
            "RFC 9116 asks for a mailto:, https:// or tel: address.",
            hint="E.g. mailto:security@example.gc.ca or https://example.gc.ca/security (comma-separated).",
            id="cogwg.E007",
        )
        for contact in settings.COGWG_SECURITY_CONTACTS
        if security_contact_uri(contact) is None
    ]


# The placeholders of .env.example's passwords.
PLACEHOLDER_PASSWORDS = ("change-me", "change-me-too", "change-me-three")


@register(Tags.security, deploy=True)
def check_database_password(app_configs=None, **kwargs):
    if (settings.DATABASES["default"].get("PASSWORD") or "") not in PLACEHOLDER_PASSWORDS:
        return []
    return [
        Error(
            "The database password is .env.example's placeholder.",
            hint='Set DB_PASSWORD in .env to a random one (docs/operations.md, "Changing a database password").',
            id="cogwg.E008",
        )
    ]
