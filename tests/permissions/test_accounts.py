"""The secretariat sets up contributors' and readers' accounts in the admin (users, their
authenticator, lockouts: cogwg/admin_accounts.py), and can never raise anyone's rights
nor take over a superuser's or another secretariat member's account."""

import pytest
from axes.models import AccessAttempt
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.urls import reverse
from django.utils import translation
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.authtoken.models import Token

from cogwg import permissions
from cogwg.permissions import CONTRIBUTOR, JOINT_COUNCILS_READER, SECRETARIAT
from jurisdictions.models import Contributor
from tests.factories import UserFactory
from tests.permissions.conftest import admin_client, make_user

User = get_user_model()
NEW_PASSWORD = "a-long-enough-new-passphrase"


@pytest.fixture
def sec(world, client):
    return admin_client(client, world.users.secretariat)


@pytest.fixture
def others(world):
    """Accounts that are not the secretariat's to manage."""
    return {
        "superuser": UserFactory(username="root", is_staff=True, is_superuser=True),
        "secretariat": make_user("colleague", SECRETARIAT),
        "own permission": _with_permission(make_user("auditor")),
    }


def _with_permission(user):
    user.user_permissions.add(Permission.objects.get(codename="change_meeting"))
    return user


def user_url(view, *args):
    return reverse(f"admin:auth_user_{view}", args=args)


def device_url(view, *args):
    return reverse(f"admin:otp_totp_totpdevice_{view}", args=args)


def group_ids(*names):
    return [str(pk) for pk in Group.objects.filter(name__in=names).values_list("pk", flat=True)]


def change_data(user, **changes):
    data = {
        "username": user.username,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "is_active": "on",
        "groups": group_ids(*user.groups.values_list("name", flat=True)),
        "contributions-TOTAL_FORMS": "0",
        "contributions-INITIAL_FORMS": "0",
        "_save": "Save",
    }
    return data | changes


# What the secretariat may do


def test_the_secretariat_looks_up_accounts_for_a_contributor_binding(world, sec, others):
    answer = sec.get(
        reverse("admin:autocomplete"), {"app_label": "jurisdictions", "model_name": "contributor", "field_name": "user"}
    )

    assert answer.status_code == 200
    assert {result["text"] for result in answer.json()["results"]} == {"alice", "bob", "joint"}


def test_the_secretariat_creates_a_contributor_account(world, sec):
    created = sec.post(
        user_url("add"),
        {"username": "carol", "usable_password": "true", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    carol = User.objects.get(username="carol")
    assert created.status_code == 302
    assert (carol.is_staff, carol.is_superuser) == (False, False)

    changed = sec.post(
        user_url("change", carol.pk),
        change_data(
            carol,
            email="carol@ontario.ca",
            groups=group_ids(CONTRIBUTOR),
            **{
                "contributions-TOTAL_FORMS": "1",
                "contributions-0-jurisdiction": str(world.on.pk),
                "contributions-0-user": str(carol.pk),
            },
        ),
    )

    carol = User.objects.get(pk=carol.pk)
    assert changed.status_code == 302
    assert (carol.email, carol.is_staff, carol.is_superuser) == ("carol@ontario.ca", True, False)
    assert list(carol.groups.values_list("name", flat=True)) == [CONTRIBUTOR]
    assert permissions.is_contributor(carol)
    assert permissions.jurisdiction_ids(carol) == {world.on.pk}
    assert carol.check_password(NEW_PASSWORD)


def test_an_account_in_no_role_stops_being_staff(world, sec):
    reader = world.users.reader

    sec.post(user_url("change", reader.pk), change_data(reader, groups=[]))

    reader.refresh_from_db()
    assert (reader.is_staff, reader.groups.count()) == (False, 0)


def test_the_secretariat_sets_a_contributors_password_and_their_tokens_end(world, sec):
    alice = world.users.contributor_on
    Token.objects.create(user=alice)

    answer = sec.post(
        user_url("password_change", alice.pk),
        {"usable_password": "true", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )

    alice.refresh_from_db()
    assert answer.status_code == 302
    assert alice.check_password(NEW_PASSWORD)
    assert not Token.objects.filter(user=alice).exists()


def test_the_secretariat_enrols_a_contributors_authenticator_and_sees_its_secret_once(world, sec):
    alice = world.users.contributor_on

    added = sec.post(device_url("add"), {"user": alice.pk, "name": "phone"})

    device = TOTPDevice.objects.get(user=alice)
    html = added.content.decode()
    assert added.status_code == 200
    assert device.confirmed and device.name == "phone"
    assert device.config_url.replace("&", "&amp;") in html
    assert "no-store" in added["Cache-Control"]
    assert device.key not in sec.get(device_url("change", device.pk)).content.decode()


def test_the_secretariat_removes_a_contributors_authenticator_and_their_tokens_end(world, sec):
    alice = world.users.contributor_on
    device = TOTPDevice.objects.create(user=alice, name="lost phone")
    Token.objects.create(user=alice)

    answer = sec.post(device_url("delete", device.pk), {"post": "yes"})

    assert answer.status_code == 302
    assert not TOTPDevice.objects.filter(pk=device.pk).exists()
    assert not Token.objects.filter(user=alice).exists()


def test_the_secretariat_sees_and_lifts_a_lockout(world, sec):
    attempt = AccessAttempt.objects.create(
        username="alice",
        ip_address="127.0.0.1",
        user_agent="pytest",
        http_accept="*/*",
        path_info="/en/admin/login/",
        get_data="",
        post_data="",
        failures_since_start=5,
    )
    url = reverse("admin:axes_accessattempt_changelist")

    listed = sec.get(url)
    lifted = sec.post(url, {"action": "delete_selected", "_selected_action": [attempt.pk], "post": "yes"})

    assert listed.status_code == 200
    assert "Locked out" in listed.content.decode()
    assert lifted.status_code == 302
    assert not AccessAttempt.objects.exists()


def test_the_account_pages_speak_french(world, sec):
    alice = world.users.contributor_on
    TOTPDevice.objects.create(user=alice, name="phone")

    with translation.override("fr"):
        urls = [
            user_url("change", alice.pk),
            user_url("password_change", alice.pk),
            device_url("changelist"),
            device_url("add"),
            reverse("admin:axes_accessattempt_changelist"),
        ]
    pages = {url: sec.get(url).content.decode().replace("&#x27;", "'") for url in urls}

    for url, html in pages.items():
        for english in ("Jurisdiction contributor", "TOTP device", "Whether the", "work in the administration"):
            assert english not in html, (url, english)
    assert "Contributeur d'une administration" in pages[urls[0]]
    assert "Authentificateurs" in pages[urls[2]]


# What the secretariat may not do


@pytest.mark.parametrize("kind", ["superuser", "secretariat", "own permission"])
def test_the_secretariat_cannot_see_or_change_an_account_not_theirs(sec, others, kind):
    account = others[kind]
    before = User.objects.values().get(pk=account.pk)

    pages = [
        sec.get(user_url("change", account.pk)),
        sec.post(user_url("change", account.pk), change_data(account, email="taken@example.org")),
        sec.post(
            user_url("password_change", account.pk),
            {"usable_password": "true", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
        ),
    ]

    assert [page.status_code for page in pages] == [404, 404, 404]
    assert account.username not in sec.get(user_url("changelist")).content.decode()
    assert User.objects.values().get(pk=account.pk) == before


def test_the_secretariat_cannot_make_a_superuser_staff_or_give_permissions(world, sec):
    bob = world.users.contributor_bc
    meeting = Permission.objects.get(codename="change_meeting")

    answer = sec.post(
        user_url("change", bob.pk),
        change_data(bob, is_superuser="on", is_staff="on", user_permissions=[str(meeting.pk)]),
    )

    bob.refresh_from_db()
    assert answer.status_code == 302
    assert bob.is_superuser is False
    assert list(bob.user_permissions.all()) == []
    assert list(bob.groups.values_list("name", flat=True)) == [CONTRIBUTOR]


@pytest.mark.parametrize("group", [SECRETARIAT, "Other"])
def test_the_secretariat_cannot_put_an_account_in_another_group(world, sec, group):
    Group.objects.get_or_create(name=group)
    bob = world.users.contributor_bc

    answer = sec.post(user_url("change", bob.pk), change_data(bob, groups=group_ids(group, CONTRIBUTOR)))

    assert answer.status_code == 200
    assert "groups" in answer.context["adminform"].form.errors
    assert list(bob.groups.values_list("name", flat=True)) == [CONTRIBUTOR]
    assert not permissions.is_secretariat(User.objects.get(pk=bob.pk))


def test_the_secretariat_is_offered_the_contributor_and_reader_groups_only(world, sec):
    page = sec.get(user_url("change", world.users.reader.pk))

    offered = page.context["adminform"].form.fields["groups"].queryset
    assert {group.name for group in offered} == {CONTRIBUTOR, JOINT_COUNCILS_READER}
    assert {"is_superuser", "is_staff", "user_permissions"} & set(page.context["adminform"].form.fields) == set()


def test_the_secretariat_cannot_delete_accounts_or_open_groups(world, sec):
    alice = world.users.contributor_on

    assert sec.get(user_url("delete", alice.pk)).status_code == 403
    assert sec.get(reverse("admin:auth_group_changelist")).status_code == 403
    assert User.objects.filter(pk=alice.pk).exists()


@pytest.mark.parametrize("kind", ["superuser", "secretariat"])
def test_the_secretariat_cannot_give_or_take_the_authenticator_of_an_account_not_theirs(sec, others, kind):
    account = others[kind]
    theirs = TOTPDevice.objects.create(user=account, name="theirs")

    added = sec.post(device_url("add"), {"user": account.pk, "name": "mine"})
    removed = sec.post(device_url("delete", theirs.pk), {"post": "yes"})

    assert added.status_code == 200
    assert "user" in added.context["adminform"].form.errors
    assert removed.status_code == 404
    assert list(TOTPDevice.objects.filter(user=account)) == [theirs]
    assert "theirs" not in sec.get(device_url("changelist")).content.decode()


def test_the_secretariat_cannot_bind_a_superuser_as_a_contributor(world, sec, others):
    root = others["superuser"]

    answer = sec.post(reverse("admin:jurisdictions_contributor_add"), {"user": root.pk, "jurisdiction": world.on.pk})

    assert answer.status_code == 200
    assert "user" in answer.context["adminform"].form.errors
    assert not Contributor.objects.filter(user=root).exists()


@pytest.mark.parametrize("role", ["contributor_on", "reader"])
def test_other_roles_do_not_reach_the_accounts(world, client, role):
    admin_client(client, getattr(world.users, role))
    alice = world.users.contributor_on

    assert client.get(user_url("changelist")).status_code == 403
    assert client.get(user_url("change", alice.pk)).status_code == 403
    assert client.get(device_url("changelist")).status_code == 403
    assert client.get(reverse("admin:axes_accessattempt_changelist")).status_code == 403
