"""Two secretariat members editing one account: the second save of a form read before the
first one's save is refused in the reader's language and writes nothing, as on every
change form (cogwg/admin_concurrency.py); the account's owner signing in, or a new
password set on its own page, meanwhile is not a conflicting edit."""

import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.auth import get_user_model
from django.utils import timezone

from cogwg.admin_concurrency import VERSION_FIELD
from cogwg.permissions import CONTRIBUTOR, SECRETARIAT
from jurisdictions.models import Contributor
from tests.permissions.conftest import make_user
from tests.permissions.test_admin_concurrency import opened, refusal, sent_version, signed_in, url
from tests.test_admin import form_data

User = get_user_model()

REFUSED = {
    "en": (
        "This record was changed after you opened it. Nothing was saved: your changes are still in the form below. "
        "Save again to apply them to the record as it is now."
    ),
    "fr": (
        "Cet enregistrement a été modifié après que vous l'avez ouvert. Rien n'a été enregistré\u00a0: vos "
        "modifications sont toujours dans le formulaire ci-dessous. Enregistrez de nouveau pour les appliquer à "
        "l'enregistrement tel qu'il est maintenant."
    ),
}


@pytest.fixture
def account(world):
    world.users.secretariat_2 = make_user("sue", SECRETARIAT)
    return make_user("cora", CONTRIBUTOR, jurisdictions=[world.on])


@pytest.mark.parametrize("language", ["en", "fr"])
def test_the_second_save_of_an_account_read_before_the_first_is_refused(world, account, language):
    address = url(User, "change", account.pk, language=language)
    first, second = signed_in(world.users.secretariat), signed_in(world.users.secretariat_2)
    first_data, second_data = opened(first, address), opened(second, address)
    assert first.post(address, first_data | {"email": "cora@ontario.example.org"}).status_code == 302
    log_entries = LogEntry.objects.count()

    refused = second.post(address, second_data | {"first_name": "Cora", "email": "cora@old.example.org"})

    assert refused.status_code == 200
    message, links = refusal(refused)
    assert message == REFUSED[language]
    assert links == []  # accounts keep no History page to link to
    stored = User.objects.get(pk=account.pk)
    assert (stored.email, stored.first_name) == ("cora@ontario.example.org", account.first_name)
    assert LogEntry.objects.count() == log_entries
    assert refused.context["adminform"].form["first_name"].value() == "Cora"

    # Saving again, having compared, goes through.
    again = second.post(address, form_data(refused) | {VERSION_FIELD: sent_version(refused)})
    assert again.status_code == 302
    assert User.objects.get(pk=account.pk).first_name == "Cora"


def test_a_jurisdiction_bound_meanwhile_is_not_lost(world, account):
    """The account's table of jurisdictions counts: a form read before another member bound
    the account to a second jurisdiction would otherwise save the table as it read it."""
    address = url(User, "change", account.pk)
    second = signed_in(world.users.secretariat_2)
    second_data = opened(second, address)
    Contributor.objects.create(user=account, jurisdiction=world.bc)

    refused = second.post(address, second_data | {"first_name": "Cora"})

    assert refused.status_code == 200
    assert refusal(refused)[0] == REFUSED["en"]
    assert set(account.contributions.values_list("jurisdiction__code", flat=True)) == {"ON", "BC"}


def test_a_sign_in_or_a_new_password_meanwhile_is_no_conflict(world, account):
    address = url(User, "change", account.pk)
    client = signed_in(world.users.secretariat)
    data = opened(client, address)
    # The account's owner signs in, and another member sets a new password.
    User.objects.filter(pk=account.pk).update(last_login=timezone.now())
    account.set_password("a-new-long-passphrase-2020")
    account.save(update_fields=["password"])

    saved = client.post(address, data | {"first_name": "Cora"})

    assert saved.status_code == 302
    stored = User.objects.get(pk=account.pk)
    assert stored.first_name == "Cora"
    assert stored.check_password("a-new-long-passphrase-2020")
