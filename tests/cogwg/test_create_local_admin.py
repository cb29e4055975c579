"""manage.py create_local_admin: with DEBUG on, the local superuser with a generated
password, printed once, that signs in to the admin; run again, nothing changes and no
password is shown; with DEBUG off (production), a refusal that creates nothing."""

import re
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.urls import reverse

pytestmark = pytest.mark.django_db


def create_local_admin(*arguments):
    out = StringIO()
    call_command("create_local_admin", *arguments, stdout=out)
    return out.getvalue()


def printed_password(output):
    return re.search(r"^ +password: (\S+)$", output, re.M).group(1)


def signs_in(client, username, password):
    response = client.post(reverse("admin:login"), {"username": username, "password": password, "next": "/"})
    signed_in = "_auth_user_id" in client.session
    client.logout()
    return response.status_code == 302 and signed_in


def test_it_refuses_with_debug_off_and_creates_nobody(settings):
    settings.DEBUG = False

    with pytest.raises(CommandError, match=r"for local development \(DEBUG on\) only"):
        create_local_admin()

    assert not get_user_model().objects.exists()


def test_it_creates_a_superuser_whose_printed_password_signs_in(settings, client):
    settings.DEBUG = True

    output = create_local_admin()

    password = printed_password(output)
    assert "This password is shown only once" in output and "username: admin" in output
    user = get_user_model().objects.get()
    assert (user.username, user.email, user.is_superuser, user.is_staff) == ("admin", "admin@localhost", True, True)
    assert len(password) >= 16 and user.password != password  # generated, stored hashed
    assert signs_in(client, "admin", password)
    assert not signs_in(client, "admin", "admin")


def test_run_again_it_keeps_the_account_and_shows_no_password(settings, client):
    settings.DEBUG = True
    password = printed_password(create_local_admin())

    again = create_local_admin()

    assert again == "The local administrator 'admin' already exists (password shown when created).\n"
    assert get_user_model().objects.count() == 1
    assert signs_in(client, "admin", password)


def test_another_username_gets_an_account_and_a_password_of_its_own(settings, client):
    settings.DEBUG = True
    first = printed_password(create_local_admin())

    output = create_local_admin("--username", "camille")

    second = printed_password(output)
    assert "username: camille" in output and second != first
    assert sorted(get_user_model().objects.values_list("username", flat=True)) == ["admin", "camille"]
    assert signs_in(client, "camille", second)
