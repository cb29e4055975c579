"""Public pages of the jurisdictions: the members by kind, a page per jurisdiction, and
the lists of accomplishments and challenges (filtered with the API's FilterSets)."""

from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView
from django_filters.views import FilterView

from cogwg.selectors import link_status_for
from cogwg.slugs import page_slug
from cogwg.views import (
    Crumb,
    PublicFilterMixin,
    PublicPageMixin,
    group_by_kind,
    latest_change,
    translated,
)
from stories.models import UserStory
from workplan.models import Assignment

from .filtersets import AccomplishmentFilterSet, ChallengeFilterSet
from .models import Accomplishment, Challenge, Jurisdiction
from .selectors import shown_priority

SEAT_COLUMNS = (
    "role",
    "confirmed",
    *translated("organization"),
    "priority__number",
    "priority__slug",
    "priority__slug_fr",
    *translated("priority__title"),
    "priority__work_plan__slug",
    *translated("priority__work_plan__title"),
)


def jurisdiction_urls(jurisdictions):
    return [url for j in jurisdictions for url in (j.website, j.open_data_url, j.open_government_url)]


def seat_rows(jurisdiction):
    """The jurisdiction's seats in the published plans, as the columns its table shows: a
    jurisdiction can hold hundreds of seats, and rows of values cost far less than rows of
    three model instances."""
    seats = (
        Assignment.objects.published()
        .filter(jurisdiction=jurisdiction)
        .order_by("-priority__work_plan__start_date", "priority__number", "role", "order")
        .values(*SEAT_COLUMNS)
    )
    return [
        seat
        | {
            "url": reverse(
                "workplan:priority",
                args=[
                    seat["priority__work_plan__slug"],
                    page_slug(seat["priority__slug"], seat["priority__slug_fr"]),
                ],
            )
        }
        for seat in seats
    ]


def accomplishment_urls(accomplishments):
    return [link.url for accomplishment in accomplishments for link in accomplishment.links.all()]


class JurisdictionListView(PublicPageMixin, TemplateView):
    template_name = "jurisdictions/jurisdiction_list.html"

    def get_context_data(self, **kwargs):
        jurisdictions = list(Jurisdiction.objects.all())
        kwargs |= {
            "jurisdictions": jurisdictions,
            "jurisdictions_by_kind": group_by_kind(jurisdictions),
            "link_checks": link_status_for(jurisdiction_urls(jurisdictions)),
        }
        return super().get_context_data(**kwargs)

    def get_date_modified(self, context):
        return latest_change(context["jurisdictions"])


class JurisdictionDetailView(PublicPageMixin, TemplateView):
    """A jurisdiction: its seats in the published plans, what it accomplished, what holds
    it back, its user stories, and its own open data and open government pages."""

    template_name = "jurisdictions/jurisdiction_detail.html"

    def get_context_data(self, **kwargs):
        jurisdiction = get_object_or_404(Jurisdiction, code=self.kwargs["code"].upper())
        accomplishments = list(jurisdiction.accomplishments.published().for_cards().prefetch_related(shown_priority()))
        kwargs |= {
            "jurisdiction": jurisdiction,
            "seats": seat_rows(jurisdiction),
            "accomplishments": accomplishments,
            "challenges": list(jurisdiction.challenges.published().prefetch_related("jurisdictions")),
            "stories": list(
                UserStory.objects.published().select_related("jurisdiction").filter(jurisdiction=jurisdiction)
            ),
            "link_checks": link_status_for([*jurisdiction_urls([jurisdiction]), *accomplishment_urls(accomplishments)]),
        }
        return super().get_context_data(**kwargs)

    def get_breadcrumbs(self, context):
        return [Crumb(_("Jurisdictions"), reverse("jurisdictions:list"))]

    def get_date_modified(self, context):
        return latest_change(
            [context["jurisdiction"]], context["accomplishments"], context["challenges"], context["stories"]
        )


class AccomplishmentListView(PublicFilterMixin, PublicPageMixin, FilterView):
    template_name = "jurisdictions/accomplishment_list.html"
    filterset_class = AccomplishmentFilterSet
    filter_fields = ("q", "jurisdiction", "category")

    def get_queryset(self):
        return Accomplishment.objects.published().for_cards().prefetch_related(shown_priority())

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["link_checks"] = link_status_for(accomplishment_urls(context["object_list"]))
        return context

    def get_date_modified(self, context):
        return latest_change(list(context["object_list"]))


class ChallengeListView(PublicFilterMixin, PublicPageMixin, FilterView):
    template_name = "jurisdictions/challenge_list.html"
    filterset_class = ChallengeFilterSet
    filter_fields = ("q", "jurisdiction", "category", "status")

    def get_queryset(self):
        # Not for_listing(): the cards show no meeting.
        return Challenge.objects.published().prefetch_related("jurisdictions")

    def get_date_modified(self, context):
        return latest_change(list(context["object_list"]))
