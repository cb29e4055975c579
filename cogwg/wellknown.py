"""What the site tells robots, browsers and security researchers at the addresses they
look at first, outside the language prefixes: ``/robots.txt`` (what crawlers may index,
and where the sitemap is), ``/.well-known/security.txt`` (RFC 9116: whom to tell of a
vulnerability, when ``COGWG_SECURITY_CONTACTS`` names someone) and ``/favicon.ico`` (the
site's icon, for browsers that ask for it before reading the page). None reads the
database."""

import datetime
import re

from django.conf import settings
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_safe

# Not for crawlers: the admin, the language switch (a form's target), and the API, whose
# lists are read by programs (and downloaded whole from the open data page).
ROBOTS_DISALLOW = ("/en/admin/", "/fr/admin/", "/i18n/", "/api/")
# RFC 9116 asks for an expiry under a year away: renewed with each answer, so that the
# file stays current as long as the contacts are configured.
SECURITY_TXT_LIFETIME = datetime.timedelta(days=180)
ONE_DAY = 24 * 60 * 60


def text(lines):
    return HttpResponse("".join(f"{line}\n" for line in lines), content_type="text/plain; charset=utf-8")


@require_safe
@cache_control(public=True, max_age=ONE_DAY)
def robots_txt(request):
    return text(
        [
            "User-agent: *",
            *(f"Disallow: {path}" for path in ROBOTS_DISALLOW),
            "",
            f"Sitemap: {request.build_absolute_uri(reverse('sitemap'))}",
        ]
    )


def security_contact_uri(contact: str) -> str | None:
    """A contact of COGWG_SECURITY_CONTACTS as security.txt publishes it: RFC 9116 asks
    for a URI, so a bare e-mail address gets ``mailto:``; a ``mailto:``, ``https://`` or
    ``tel:`` URI is kept as it is; anything else is None (``check --deploy`` refuses it:
    cogwg.E007)."""
    contact = contact.strip()
    if contact.lower().startswith(("mailto:", "tel:")) and len(contact.split(":", 1)[1]) > 0:
        return contact
    if contact.lower().startswith("https://") and len(contact) > len("https://"):
        return contact
    if ":" not in contact and " " not in contact and re.fullmatch(r"[^@]+@[^@]+\.[^@]+", contact):
        return f"mailto:{contact}"
    return None


@require_safe
@cache_control(public=True, max_age=ONE_DAY)
def security_txt(request):
    contacts = [uri for uri in map(security_contact_uri, settings.COGWG_SECURITY_CONTACTS) if uri]
    if not contacts:
        raise Http404("No security contact is configured.")
    expires = timezone.now() + SECURITY_TXT_LIFETIME  # in UTC
    return text(
        [
            *(f"Contact: {contact}" for contact in contacts),
            f"Expires: {expires:%Y-%m-%dT%H:%M:%SZ}",
            "Preferred-Languages: en, fr",
            f"Canonical: {request.build_absolute_uri(reverse('security-txt'))}",
        ]
    )


@require_safe
@cache_control(public=True, max_age=ONE_DAY)
def favicon(request):
    # Not a permanent redirect: the icon's address carries its content's hash in
    # production, and changes with a release that changes the icon.
    return HttpResponseRedirect(static("cogwg/icon.svg"))
