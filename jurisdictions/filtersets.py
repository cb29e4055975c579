"""FilterSets of jurisdictions, accomplishments and challenges, shared by the API and the
public lists (see ``cogwg/filtersets.py`` for how to use them)."""

from django.utils.translation import gettext_lazy as _

from cogwg.filtersets import (
    AnyOfFilter,
    ChoicesFilter,
    KeyedOrderingFilter,
    SearchFilterSet,
    StableOrderingFilter,
    StrictBooleanFilter,
    date_filters,
    in_order_of,
    text_order,
)
from workplan.models import Priority

from .choices import AccomplishmentCategory, ChallengeCategory, ChallengeStatus, JurisdictionKind
from .models import Accomplishment, Challenge, Jurisdiction

JURISDICTION_HELP = _("A jurisdiction's code, e.g. BC; repeat for several.")


def jurisdiction_filter(field_name, label=None):
    """Records related to any of the given jurisdictions, by code."""
    return AnyOfFilter(
        field_name=field_name,
        to_field_name="code",
        queryset=Jurisdiction.objects.all(),
        label=label or _("Jurisdiction"),
        help_text=JURISDICTION_HELP,
    )


class JurisdictionFilterSet(SearchFilterSet):
    search_fields = ("name", "short_name")
    plain_search_fields = ("code",)

    kind = ChoicesFilter(choices=JurisdictionKind.choices, label=_("Kind"))
    is_member = StrictBooleanFilter(label=_("Member of COGWG"), help_text=_("true or false."))
    ordering = KeyedOrderingFilter(fields=("order", "code", "name"), keys={"name": text_order("name")})

    class Meta:
        model = Jurisdiction
        fields = ["kind", "is_member"]


class AccomplishmentFilterSet(SearchFilterSet):
    search_fields = ("title", "description")

    jurisdiction = jurisdiction_filter("jurisdiction")
    category = ChoicesFilter(choices=AccomplishmentCategory.choices, label=_("Category"))
    priority = AnyOfFilter(
        field_name="priority",
        # Narrowed to what the reader may see (cogwg.filtersets.FilterSet.form): a draft
        # plan's priority is the secretariat's to filter by, and no choice for the public.
        queryset=Priority.objects.all(),
        label=_("Priority advanced"),
        help_text=_("A priority's id; repeat for several."),
    )
    date_after, date_before = date_filters("date", _("Achieved"))
    ordering = StableOrderingFilter(fields=("date", "category", "title"))

    class Meta:
        model = Accomplishment
        fields = ["jurisdiction", "category", "priority"]


class ChallengeFilterSet(SearchFilterSet):
    search_fields = ("title", "description", "mitigation")

    jurisdiction = jurisdiction_filter("jurisdictions")
    category = ChoicesFilter(choices=ChallengeCategory.choices, label=_("Category"))
    status = ChoicesFilter(choices=ChallengeStatus.choices, label=_("Status"))
    ordering = KeyedOrderingFilter(
        fields=("first_reported_on", "resolved_on", "status", "category", "title"),
        keys={"status": in_order_of("status", ChallengeStatus.values)},
    )

    class Meta:
        model = Challenge
        fields = ["jurisdiction", "category", "status"]
