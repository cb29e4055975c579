"""How the API knows who calls: a session (the browsable API, the admin's user) or a
token from POST /api/v1/auth/token/ (cogwg.security), which lasts COGWG_API_TOKEN_HOURS,
or until its client ends it with DELETE /api/v1/auth/token/ (``revoke_token``). A staff
session counts only while its second factor does (``VerifiedSessionAuthentication``), as
in the admin."""

import datetime
import logging

from axes.models import AccessLog
from django.conf import settings
from django.db import transaction
from django.db.models import Subquery
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions
from rest_framework.authentication import SessionAuthentication, TokenAuthentication
from rest_framework.authtoken.models import Token

# (A module, not a name: cogwg.security imports DRF's views, whose settings import this module.)
from cogwg import security

security_log = logging.getLogger("cogwg.security")


class ExpiringTokenAuthentication(TokenAuthentication):
    """DRF's token authentication, for COGWG_API_TOKEN_HOURS after the token was issued:
    a leaked token does not outlive a working day, as a session does not."""

    def authenticate_credentials(self, key):
        user, token = super().authenticate_credentials(key)
        if token.created < timezone.now() - datetime.timedelta(hours=settings.COGWG_API_TOKEN_HOURS):
            raise exceptions.AuthenticationFailed(_("This token has expired: ask for a new one."))
        return user, token


class VerifiedSessionAuthentication(SessionAuthentication):
    """DRF's session authentication, for a staff member only while the session's second
    factor still stands (django-otp's ``is_verified``), as the admin requires: a session
    whose authenticator was replaced or removed (``manage.py add_totp_device --replace``,
    after a loss or a compromise) is no one's to the API, which then answers as to the
    public, as the admin sends it to its sign-in page."""

    def authenticate(self, request):
        found = super().authenticate(request)
        if found is None:
            return None
        user = found[0]
        if security.staff_otp_required(user) and not _verified(request._request):
            return None
        return found


def _verified(request) -> bool:
    """Whether django-otp's middleware found the session's device (the user's, still there)."""
    is_verified = getattr(request.user, "is_verified", None)
    return bool(is_verified and is_verified())


def revoke_token(*, token: Token, request) -> bool:
    """End ``token`` now, at its client's request: a sign-out, the other side of the
    sign-in its issue was. Logged to "cogwg.security" as the sign-in is, and its access
    log entry (django-axes', the admin's "Access logs", written when the token was issued)
    gets its logout time, as an admin's session does at logout. False when the token was
    no longer there (another request ended it first): nothing is written or logged."""
    user = token.user
    with transaction.atomic():
        deleted, _rows = Token.objects.filter(pk=token.pk).delete()
        if not deleted:
            return False
        # Its issue's entry: the user's first sign-in at this address (the token endpoint)
        # since the token was made (the sign-in is announced once it is). A later one would
        # be another token's, issued meanwhile; earlier ones ended when this one was issued.
        issued = (
            AccessLog.objects.filter(
                username=user.get_username(),
                path_info=request.path_info,
                attempt_time__gte=token.created,
                logout_time__isnull=True,
            )
            .order_by("attempt_time")
            .values("pk")[:1]
        )
        AccessLog.objects.filter(pk__in=Subquery(issued)).update(logout_time=timezone.now())
    where = {"ip_address": security.client_ip(request), "method": request.method, "path": request.path}
    security_log.info(
        "logout: %s from %s (API token ended)",
        user.get_username(),
        where["ip_address"],
        extra={"event": "logout", "username": user.get_username(), **where},
    )
    return True
