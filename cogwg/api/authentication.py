"""How the API knows who calls: a session (the browsable API, the admin's user) or a
token from POST /api/v1/auth/token/ (cogwg.security), which lasts COGWG_API_TOKEN_HOURS."""

import datetime

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication


class ExpiringTokenAuthentication(TokenAuthentication):
    """DRF's token authentication, for COGWG_API_TOKEN_HOURS after the token was issued:
    a leaked token does not outlive a working day, as a session does not."""

    def authenticate_credentials(self, key):
        user, token = super().authenticate_credentials(key)
        if token.created < timezone.now() - datetime.timedelta(hours=settings.COGWG_API_TOKEN_HOURS):
            raise exceptions.AuthenticationFailed(_("This token has expired: ask for a new one."))
        return user, token
