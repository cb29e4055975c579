"""Account security: every login, failed login, lockout and refused request is logged to
"cogwg.security"; the client address django-axes counts failures by; and the API's token
endpoint, behind the same lockout as the admin's login and, for staff, the same second
factor. A token is issued anew at each request (the previous one stops working), lasts
COGWG_API_TOKEN_HOURS (cogwg.api.authentication), and is revoked when its user's password
changes or their authenticator is removed.

Failed logins are counted by django-axes (settings: AXES_*) per username and address.
Its backend comes first in AUTHENTICATION_BACKENDS, so a locked-out client is refused
before any password is hashed: an attacker cannot make the server spend its CPU on
password hashes.

What someone typed as a username when a login fails may be no account's name: an e-mail
address, a name, a password typed in the wrong box. The log keeps only its digest
(``username_digest``), which is the same for every attempt on a username, so that
attempts can still be told apart and counted, and found: compute the digest of the
username in question and look for it.
"""

import datetime
import logging

from axes.signals import user_locked_out
from django.conf import settings
from django.contrib.auth import signals as auth_signals
from django.db import transaction
from django.db.models.signals import post_delete, pre_save
from django.dispatch import receiver
from django.utils.cache import add_never_cache_headers
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _
from django_otp import devices_for_user
from rest_framework import serializers
from rest_framework.authtoken.models import Token
from rest_framework.authtoken.serializers import AuthTokenSerializer
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.exceptions import ParseError
from rest_framework.response import Response

from .lockout import lockout_message

logger = logging.getLogger("cogwg.security")

REFUSED_STATUSES = (401, 403)


def client_ip(request) -> str | None:
    """The client's address (django-axes' AXES_CLIENT_IP_CALLABLE). Behind N proxies
    (DJANGO_NUM_PROXIES, as for the API's throttle) it is the N-th address from the right
    of X-Forwarded-For, the one the nearest trusted proxy saw; with none, REMOTE_ADDR, so
    a client cannot choose its address with a forged header."""
    meta = request.META
    proxies = settings.REST_FRAMEWORK.get("NUM_PROXIES") or 0
    forwarded = [address.strip() for address in meta.get("HTTP_X_FORWARDED_FOR", "").split(",") if address.strip()]
    if proxies and forwarded:
        return forwarded[-min(proxies, len(forwarded))]
    return meta.get("REMOTE_ADDR") or None


def _where(request):
    if request is None:
        return {"ip_address": None, "method": None, "path": None}
    return {"ip_address": client_ip(request), "method": request.method, "path": request.path}


def username_digest(username: str) -> str:
    """What the log says of a username typed in a failed login: a short keyed digest
    (HMAC with the secret key), the same for each attempt on it, which tells nothing of
    what was typed to whoever reads the log without the key; "-" for none. Replacing the
    secret key changes every digest."""
    if not username:
        return "-"
    return "user:" + salted_hmac("cogwg.security.username_digest", username).hexdigest()[:12]


def staff_otp_required(user) -> bool:
    """Must ``user`` prove a second factor (a TOTP device) to act as staff?"""
    return bool(settings.COGWG_REQUIRE_STAFF_OTP and user is not None and user.is_staff)


# Signals: logins, logouts, failures, lockouts


@receiver(auth_signals.user_logged_in, dispatch_uid="cogwg.security.login")
def log_login(sender, request, user, **kwargs):
    where = _where(request)
    logger.info(
        "login: %s from %s",
        user.get_username(),
        where["ip_address"],
        extra={"event": "login", "username": user.get_username(), **where},
    )


@receiver(auth_signals.user_logged_out, dispatch_uid="cogwg.security.logout")
def log_logout(sender, request, user, **kwargs):
    """A session's end at the user's request, as an API token's is (``revoke_token``). A
    logout without a signed-in user (a second click, an expired session) logs nothing."""
    if user is None:
        return
    where = _where(request)
    logger.info(
        "logout: %s from %s",
        user.get_username(),
        where["ip_address"],
        extra={"event": "logout", "username": user.get_username(), **where},
    )


@receiver(auth_signals.user_login_failed, dispatch_uid="cogwg.security.login_failed")
def log_login_failure(sender, credentials, request=None, **kwargs):
    digest = username_digest(str(credentials.get("username") or ""))
    where = _where(request)
    logger.warning(
        "login failed: %s from %s",
        digest,
        where["ip_address"],
        extra={"event": "login_failed", "username_digest": digest, **where},
    )


@receiver(user_locked_out, dispatch_uid="cogwg.security.locked_out")
def log_lockout(sender, request, username, ip_address, **kwargs):
    digest = username_digest(str(username or ""))
    logger.warning(
        "locked out: %s from %s",
        digest,
        ip_address,
        extra={"event": "locked_out", **_where(request), "username_digest": digest, "ip_address": ip_address},
    )


def log_refusal(request, status, reason=""):
    user = getattr(request, "user", None)
    username = user.get_username() if user is not None and user.is_authenticated else ""
    where = _where(request)
    logger.warning(
        "permission refused (%s): %s %s for %s from %s%s",
        status,
        where["method"],
        where["path"],
        username or "anonymous",
        where["ip_address"],
        f" — {reason}" if reason else "",
        extra={"event": "permission_refused", "status": status, "username": username, "reason": reason, **where},
    )


class PermissionRefusalLogMiddleware:
    """Log every request refused with 401 or 403: the admin's PermissionDenied, the API's
    authentication and permission refusals, CSRF failures. Put it after
    AuthenticationMiddleware; the API sets the user it authenticated on the request."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code in REFUSED_STATUSES:
            log_refusal(request, response.status_code)
        return response


# A second factor outside the login form


def otp_verify(user, token: str) -> bool:
    """Does ``token`` match one of ``user``'s confirmed devices? Each device's own
    throttling (growing delays after failures) applies."""
    if not token:
        return False
    with transaction.atomic():
        return any(device.verify_token(token) for device in devices_for_user(user, for_verify=True))


def otp_failed(*, user, request):
    """A right password with a wrong second factor counts as a failed login (and towards
    the lockout), like a wrong password."""
    auth_signals.user_login_failed.send(sender=__name__, credentials={"username": user.get_username()}, request=request)


# The API's token endpoint


# One answer to every failure, so that the endpoint does not tell a right password (with a
# missing or wrong code) from a wrong one.
CREDENTIALS_REFUSED = _(
    "Unable to log in with the credentials given. A staff account also needs the one-time password of its "
    "authenticator app (otp_token)."
)


class TokenRequestSerializer(AuthTokenSerializer):
    otp_token = serializers.CharField(
        label=_("one-time password"),
        required=False,
        allow_blank=True,
        write_only=True,
        help_text=_("Required for staff accounts: the code of their authenticator app."),
    )

    def validate(self, attrs):
        # AuthTokenSerializer authenticates with the request, so django-axes sees it.
        try:
            attrs = super().validate(attrs)
        except serializers.ValidationError:
            raise serializers.ValidationError(CREDENTIALS_REFUSED, code="authorization") from None
        user = attrs["user"]
        if staff_otp_required(user) and not otp_verify(user, attrs.get("otp_token", "")):
            otp_failed(user=user, request=self.context.get("request"))
            raise serializers.ValidationError(CREDENTIALS_REFUSED, code="authorization")
        return attrs


class ObtainAuthTokenView(ObtainAuthToken):
    """POST ``username`` and ``password`` (and ``otp_token`` for staff): answers
    ``{"token": …, "expires": …}`` (ISO 8601, COGWG_API_TOKEN_HOURS later). After
    AXES_FAILURE_LIMIT failures for a username from an address, further attempts are
    refused with 429 without checking the password. No answer of it is ever stored by a
    browser or a proxy (``Cache-Control: no-store``), and a body that cannot be read is
    refused in the reader's language, as everywhere in the API."""

    serializer_class = TokenRequestSerializer
    # Left out of the OpenAPI schema: the schema describes the data resources.
    schema = None

    def post(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        if not serializer.is_valid():
            if getattr(request, "axes_locked_out", False):
                return Response({"detail": lockout_message(request)}, status=settings.AXES_HTTP_RESPONSE_CODE)
            return Response(serializer.errors, status=400)
        user = serializer.validated_data["user"]
        with transaction.atomic():
            Token.objects.filter(user=user).delete()
            token = Token.objects.create(user=user)
        # A sign-in like the admin's: logged, and the user's last login recorded.
        auth_signals.user_logged_in.send(sender=user.__class__, request=request._request, user=user)
        if settings.SESSION_COOKIE_NAME not in request.COOKIES:
            # django-axes made a session to date its access log: an API client needs none
            # (nor a cookie that would take it off the anonymous readers' fast path).
            request._request.session.flush()
        expires = token.created + datetime.timedelta(hours=settings.COGWG_API_TOKEN_HOURS)
        return Response({"token": token.key, "expires": expires.isoformat()})

    def handle_exception(self, exc):
        from .api.viewsets import UnreadableBody

        # DRF's message quotes the JSON parser's own, in English.
        return super().handle_exception(UnreadableBody() if type(exc) is ParseError else exc)

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        add_never_cache_headers(response)  # no-cache, no-store, must-revalidate, private
        return response


@receiver(pre_save, sender=settings.AUTH_USER_MODEL, dispatch_uid="cogwg.security.password_changed")
def revoke_tokens_on_password_change(sender, instance, update_fields=None, **kwargs):
    """A new password ends the API tokens issued under the old one."""
    if instance.pk is None or (update_fields is not None and "password" not in update_fields):
        return
    stored = sender._default_manager.filter(pk=instance.pk).values_list("password", flat=True).first()
    if stored is not None and stored != instance.password:
        Token.objects.filter(user_id=instance.pk).delete()


@receiver(post_delete, sender="otp_totp.TOTPDevice", dispatch_uid="cogwg.security.device_removed")
def revoke_tokens_on_device_removal(sender, instance, **kwargs):
    """A token proved the second factor of a device: without the device, no token."""
    Token.objects.filter(user_id=instance.user_id).delete()
