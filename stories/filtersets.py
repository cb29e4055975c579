"""FilterSets of user stories and datasets, shared by the API and the public lists (see
``cogwg/filtersets.py`` for how to use them)."""

import django_filters as filters
from django.utils.translation import gettext_lazy as _

from cogwg.filtersets import (
    AnyOfFilter,
    ChoicesFilter,
    KeyedOrderingFilter,
    SearchFilterSet,
    StableOrderingFilter,
    date_filters,
    text_order,
)
from jurisdictions.filtersets import jurisdiction_filter

from .choices import Impact, UserType
from .models import Dataset, Theme, UserStory


class UserStoryFilterSet(SearchFilterSet):
    # A story is found by its themes' names and its datasets' titles too ("health", "water
    # levels"), as its page shows them.
    search_fields = ("title", "summary", "story", "themes__name", "datasets__title")

    jurisdiction = jurisdiction_filter("jurisdiction")
    impact = ChoicesFilter(choices=Impact.choices, label=_("Impact"))
    user_type = ChoicesFilter(choices=UserType.choices, label=_("Who used the data"))
    theme = AnyOfFilter(
        field_name="themes",
        to_field_name="slug",
        queryset=Theme.objects.all(),
        label=_("Theme"),
        help_text=_("A theme's slug, e.g. health; repeat for several."),
    )
    dataset = AnyOfFilter(
        field_name="datasets",
        queryset=Dataset.objects.all(),
        label=_("Dataset"),
        help_text=_("A dataset's id; repeat for several."),
    )
    published_after, published_before = date_filters("published_on", _("Published"))
    # Titles as readers sort them, in the answer's language (else the other one's).
    ordering = KeyedOrderingFilter(fields=("published_on", "title"), keys={"title": text_order("title")})

    class Meta:
        model = UserStory
        fields = ["jurisdiction", "impact", "user_type", "theme", "dataset"]


class DatasetFilterSet(SearchFilterSet):
    search_fields = ("title", "description", "publisher")
    plain_search_fields = ("ckan_id",)

    portal_url = filters.CharFilter(label=_("Portal"), help_text=_("The CKAN portal's base URL, exactly."))
    story = AnyOfFilter(
        field_name="stories",
        # Narrowed to what the reader may see (cogwg.filtersets.FilterSet.form).
        queryset=UserStory.objects.all(),
        label=_("Story"),
        help_text=_("A published user story's id; repeat for several."),
    )
    ordering = StableOrderingFilter(fields=("title", "publisher", "last_harvested"))

    class Meta:
        model = Dataset
        fields = ["portal_url", "story"]
