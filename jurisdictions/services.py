"""Writes on jurisdictions: who contributes for them, and deleting them."""

import secrets
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import ProtectedError, QuerySet
from django.utils.translation import gettext as _

from cogwg.permissions import CONTRIBUTOR, roles_sync

from .models import Challenge, Contributor, Jurisdiction


@dataclass
class ContributorAccount:
    """What ``contributor_save`` did. ``password`` is set for a new account only: it is
    not kept (only its hash is), so it can be shown once."""

    user: object
    created: bool
    password: str | None = None
    added: list = field(default_factory=list)
    removed: list = field(default_factory=list)


def _new_password(user) -> str:
    password = secrets.token_urlsafe(18)
    validate_password(password, user)
    return password


@transaction.atomic
def contributor_save(*, username: str, jurisdictions, email: str = "", by=None) -> ContributorAccount:
    """Create or update a jurisdiction contributor: a staff account (they work in the
    admin) in the contributor group, bound to exactly ``jurisdictions`` (bindings to
    others are removed). A new account gets a random password, returned once."""
    jurisdictions = list(dict.fromkeys(jurisdictions))
    if not jurisdictions:
        raise ValidationError(_("A contributor reports for at least one jurisdiction."))
    if email:
        validate_email(email)
    User = get_user_model()
    user = User.objects.select_for_update().filter(username=username).first()
    account = ContributorAccount(user=user, created=user is None)
    if user is None:
        user = account.user = User(username=username, email=email, is_staff=True)
        account.password = _new_password(user)
        user.set_password(account.password)
        user.save()
    else:
        user.is_staff = True
        user.email = email or user.email
        user.save(update_fields=["is_staff", "email"])
    if not Group.objects.filter(name=CONTRIBUTOR).exists():
        roles_sync()
    user.groups.add(Group.objects.get(name=CONTRIBUTOR))
    wanted = {jurisdiction.pk for jurisdiction in jurisdictions}
    for binding in (
        Contributor.objects.filter(user=user).exclude(jurisdiction__in=wanted).select_related("jurisdiction")
    ):
        account.removed.append(binding.jurisdiction)
        binding._history_user = by
        binding.delete()
    bound = set(Contributor.objects.filter(user=user).values_list("jurisdiction_id", flat=True))
    for jurisdiction in jurisdictions:
        if jurisdiction.pk not in bound:
            binding = Contributor(user=user, jurisdiction=jurisdiction)
            binding._history_user = by
            binding.save()
            account.added.append(jurisdiction)
    return account


def challenges_listing(*, jurisdictions) -> QuerySet:
    """The challenges that list some of ``jurisdictions`` (records or a queryset)."""
    return Challenge.objects.filter(
        pk__in=Challenge.jurisdictions.through.objects.filter(jurisdiction__in=jurisdictions).values("challenge")
    )


@transaction.atomic
def jurisdictions_delete(*, queryset, by=None) -> int:
    """Delete the jurisdictions of ``queryset``, each with its history row (by ``by``).
    Returns how many were deleted.

    Refused, with ``ProtectedError`` naming the challenges, while a challenge lists one of
    them: deleting it would take it off the challenge without a word in the challenge's
    history, and a challenge of that jurisdiction alone would read as one across
    jurisdictions. The challenge is changed first (its own page, its history), as the
    accomplishments, stories and seats that name a jurisdiction are (``PROTECT``)."""
    jurisdictions = list(Jurisdiction.objects.filter(pk__in=queryset.values("pk")).select_for_update().order_by("pk"))
    if listing := list(challenges_listing(jurisdictions=jurisdictions).order_by("pk")):
        raise ProtectedError("Challenges list these jurisdictions.", set(listing))
    for jurisdiction in jurisdictions:
        jurisdiction._history_user = by
        jurisdiction.delete()
    return len(jurisdictions)
