"""The admin site: staff must prove a second factor (a TOTP device, django-otp) when
COGWG_REQUIRE_STAFF_OTP is on, which it is unless the settings say otherwise (the test
suite and local development turn it off). A device is added for a user in the admin
("TOTP devices") or with ``manage.py add_totp_device USERNAME``."""

from django.conf import settings
from django.contrib.admin import AdminSite as DjangoAdminSite
from django.contrib.admin.forms import AdminAuthenticationForm
from django.core.exceptions import ValidationError
from django_otp import devices_for_user
from django_otp.admin import OTPAdminAuthenticationForm, OTPAdminSite

from .security import log_refusal, otp_failed


class OTPLoginForm(OTPAdminAuthenticationForm):
    def _chosen_device(self, user):
        # Most staff have one authenticator: no need to pick it from a list first.
        device = super()._chosen_device(user)
        if device is None and not self.cleaned_data.get("otp_device"):
            devices = list(devices_for_user(user, for_verify=True))
            device = devices[0] if len(devices) == 1 else None
        return device

    def clean_otp(self, user):
        try:
            super().clean_otp(user)
        except ValidationError:
            # Only a wrong token counts as a failure, not the first step that asks for one.
            if user is not None and self.cleaned_data.get("otp_token"):
                otp_failed(user=user, request=self.request)
            raise


class AdminSite(OTPAdminSite):
    def __init__(self, name="admin"):
        super().__init__(name)

    @property
    def login_form(self):
        return OTPLoginForm if settings.COGWG_REQUIRE_STAFF_OTP else AdminAuthenticationForm

    @property
    def login_template(self):
        return OTPAdminSite.login_template if settings.COGWG_REQUIRE_STAFF_OTP else None

    def has_permission(self, request):
        allowed = DjangoAdminSite.has_permission(self, request)
        if allowed and settings.COGWG_REQUIRE_STAFF_OTP:
            is_verified = getattr(request.user, "is_verified", None)
            allowed = bool(is_verified and is_verified())
        return allowed

    def login(self, request, extra_context=None):
        # The admin sends a signed-in user it refuses to its login page.
        if request.method == "GET" and request.user.is_authenticated and not self.has_permission(request):
            log_refusal(request, 302, reason="admin")
        return super().login(request, extra_context)
