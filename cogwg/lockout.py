"""What a client locked out by django-axes (AXES_FAILURE_LIMIT failed sign-ins for a
username from an address) is told, in the page's language: for how long
(AXES_COOLOFF_TIME), and that the secretariat can lift the lockout sooner (it deletes the
lockout in the admin: cogwg/admin_accounts.py). django-axes' own message says neither.

``lockout_response`` is django-axes' AXES_LOCKOUT_CALLABLE: the admin's login page then
answers with a page of the admin's look; the API's token endpoint can give
``lockout_message`` as its detail."""

import math

from axes.helpers import get_cool_off
from django.contrib import admin
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

STATUS = 429  # django-axes' AXES_HTTP_RESPONSE_CODE, which the project keeps


def lockout_message(request=None) -> str:
    """Why the sign-in is refused, for how long, and whom to ask."""
    cool_off = get_cool_off(request)
    if not cool_off:  # locked until lifted
        return _(
            "Account locked: too many failed sign-ins. Ask the working group's secretariat to unlock your account."
        )
    minutes = max(1, math.ceil(cool_off.total_seconds() / 60))
    return ngettext(
        "Account locked: too many failed sign-ins. Try again in %(minutes)s minute, or ask the working "
        "group's secretariat to unlock your account sooner.",
        "Account locked: too many failed sign-ins. Try again in %(minutes)s minutes, or ask the working "
        "group's secretariat to unlock your account sooner.",
        minutes,
    ) % {"minutes": minutes}


def lockout_response(request, original_response=None, credentials=None) -> HttpResponse:
    """The admin's page of a lockout (AXES_LOCKOUT_CALLABLE). The API's token endpoint
    answers a lockout itself, in JSON (``lockout_message`` as its detail): its answer stays."""
    if getattr(original_response, "data", None) is not None:  # a DRF answer
        return original_response
    context = {
        **admin.site.each_context(request),
        "title": _("Account locked"),
        "message": lockout_message(request),
    }
    return render(request, "registration/locked_out.html", context, status=STATUS)
