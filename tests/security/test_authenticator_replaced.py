"""A lost or compromised authenticator replaced with `manage.py add_totp_device USERNAME
--replace` (docs/operations.md, "Everyday checks"): what it ends at once, and what only a
new password ends."""

import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.authtoken.models import Token

from stories.choices import StoryState
from tests.factories import UserStoryFactory

pytestmark = pytest.mark.django_db

OTP_REQUIRED = override_settings(COGWG_REQUIRE_STAFF_OTP=True)


@OTP_REQUIRED
def test_replacing_the_authenticator_ends_the_token_and_the_admin_s_sessions(verified_staff_client, staff, otp_device):
    token = Token.objects.create(user=staff)
    assert verified_staff_client.get(reverse("admin:index")).status_code == 200

    call_command("add_totp_device", "secretariat", "--replace")

    assert not Token.objects.filter(pk=token.pk).exists()
    response = verified_staff_client.get(reverse("admin:index"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))
    (device,) = TOTPDevice.objects.filter(user=staff)
    assert device.pk != otp_device.pk


def test_without_replace_an_account_with_an_authenticator_keeps_it(staff, otp_device):
    with pytest.raises(CommandError, match="--replace"):
        call_command("add_totp_device", "secretariat")

    assert list(TOTPDevice.objects.filter(user=staff)) == [otp_device]


@OTP_REQUIRED
def test_the_api_no_longer_takes_such_a_session(verified_staff_client, staff):
    """The admin's session, whose authenticator was replaced, is no one's to the API either:
    a draft story is hidden from it as from the public, and it cannot write."""
    draft = UserStoryFactory(state=StoryState.SUBMITTED, published_on=None)
    assert verified_staff_client.get(f"/api/v1/stories/{draft.pk}/").status_code == 200

    call_command("add_totp_device", "secretariat", "--replace")

    assert verified_staff_client.get(f"/api/v1/stories/{draft.pk}/").status_code == 404
    response = verified_staff_client.patch(
        f"/api/v1/stories/{draft.pk}/", {"title_en": "Changed"}, content_type="application/json"
    )
    assert response.status_code in (401, 403)


@OTP_REQUIRED
def test_a_staff_session_without_a_second_factor_is_no_one_s_to_the_api(client, staff, otp_device):
    """Signed in with a password only (no code), as django-otp leaves a session that never
    proved its device: the API does not take it as staff."""
    draft = UserStoryFactory(state=StoryState.SUBMITTED, published_on=None)
    client.force_login(staff)

    assert client.get(f"/api/v1/stories/{draft.pk}/").status_code == 404


def test_without_the_second_factor_required_a_session_is_taken_as_it_is(client, staff):
    draft = UserStoryFactory(state=StoryState.SUBMITTED, published_on=None)
    client.force_login(staff)

    assert client.get(f"/api/v1/stories/{draft.pk}/").status_code == 200
