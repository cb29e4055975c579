"""Public pages of the user stories: the gallery, a story, and the submission form."""

import datetime

from django.conf import settings
from django.core.cache import cache
from django.db.models import Q
from django.http import Http404, HttpResponsePermanentRedirect
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from django.views.generic import FormView, TemplateView
from django_filters.views import FilterView

from cogwg.context_processors import language_links
from cogwg.filtersets import text_order
from cogwg.retention import retention_periods
from cogwg.selectors import link_status_for
from cogwg.views import PAGE_TEXT_REVISED, Crumb, PublicFilterMixin, PublicPageMixin, latest_change

from .filtersets import UserStoryFilterSet
from .forms import PRIVACY_NOTICE_ID, PRIVACY_NOTICE_VERSION, StorySubmissionForm
from .models import Dataset, UserStory
from .services import story_submit

# Stories one address may send in an hour before the form refuses more.
SUBMISSIONS_PER_HOUR = 5


def client_address(request) -> str:
    """The sender's address. Behind reverse proxies (DJANGO_NUM_PROXIES, as the API's
    throttle reads it), the one the outermost trusted proxy saw; else the socket's."""
    proxies = settings.REST_FRAMEWORK.get("NUM_PROXIES") or 0
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if proxies and forwarded:
        addresses = [address.strip() for address in forwarded.split(",")]
        return addresses[-min(proxies, len(addresses))]
    return request.META.get("REMOTE_ADDR", "")


def submission_allowed(request) -> bool:
    """Count a submission from the sender's address; False once over the hourly limit."""
    key = f"story-submit:{client_address(request)}"
    cache.add(key, 0, timeout=3600)
    try:
        sent = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=3600)
        sent = 1
    return sent <= SUBMISSIONS_PER_HOUR


# The orders the list offers, the first one its own (the query string takes any of the
# FilterSet's, as the API does).
LIST_ORDERS = [
    ("", _("Newest first")),
    ("published_on", _("Oldest first")),
    ("title", _("Title, A to Z")),
    ("-title", _("Title, Z to A")),
]


class StoryListView(PublicFilterMixin, PublicPageMixin, FilterView):
    template_name = "stories/story_list.html"
    filterset_class = UserStoryFilterSet
    filter_fields = ("q", "jurisdiction", "impact", "user_type", "theme", "dataset", "ordering")
    paginate_by = 12

    def get_queryset(self):
        # Not for_listing(): the cards show no datasets and no release.
        return UserStory.objects.published().select_related("jurisdiction").prefetch_related("themes")

    def get_filterset(self, filterset_class):
        filterset = super().get_filterset(filterset_class)
        fields = filterset.form.fields
        # The datasets that published stories used, by title in the page's language: one
        # query, however many there are (the others would find nothing).
        fields["dataset"].queryset = (
            Dataset.objects.of_published_stories()
            .only("pk", "title_en", "title_fr")
            .order_by(text_order("title")(), "pk")
        )
        # A list box of the orders a reader picks from; still parsed as the API parses it.
        fields["ordering"].label = _("Sort by")
        fields["ordering"].widget.choices = LIST_ORDERS
        return filterset

    def get_date_modified(self, context):
        return latest_change(list(context["object_list"]))


def story_addresses(story) -> dict[str, str]:
    """The story's page in each official language, at that language's slug."""
    addresses = {}
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            addresses[code] = reverse("stories:detail", args=[story.slug_in(code)])
    return addresses


class StoryDetailView(PublicPageMixin, TemplateView):
    """A published story. Its page is at its slug in English and at its French slug in
    French; the other language's slug (an old link, a hand-edited address) is sent there
    for good (301)."""

    template_name = "stories/story_detail.html"

    def get(self, request, *args, **kwargs):
        self.story = self.get_story()
        if self.kwargs["slug"] != self.story.page_slug:
            address = reverse("stories:detail", args=[self.story.page_slug])
            query = request.META.get("QUERY_STRING", "")
            return HttpResponsePermanentRedirect(f"{address}?{query}" if query else address)
        return super().get(request, *args, **kwargs)

    def get_story(self):
        slug = self.kwargs["slug"]
        found = list(UserStory.objects.published().for_listing().filter(Q(slug=slug) | Q(slug_fr=slug)).order_by("pk"))
        if not found:
            raise Http404("No such story")
        # A slug names one story in either language (UserStory.validate_constraints); should
        # two have it anyway (one's English slug, the other's French one), the one whose page
        # in this language is at it (the older one if both are): each language's page stays
        # where its links point.
        return next((story for story in found if story.page_slug == slug), found[0])

    def get_context_data(self, **kwargs):
        story = self.story
        datasets = list(story.datasets.all())
        kwargs |= {
            "story": story,
            "datasets": datasets,
            "link_checks": link_status_for([story.portal_url, *(d.url for d in datasets)]),
            # The language switcher and the alternates: translate_url() would keep the slug.
            **language_links(self.request, addresses=story_addresses(story)),
        }
        return super().get_context_data(**kwargs)

    def get_breadcrumbs(self, context):
        return [Crumb(_("User stories"), reverse("stories:list"))]

    def get_date_modified(self, context):
        return latest_change([context["story"]], context["datasets"])


class StorySubmitView(FormView):
    """Not conditional: the form carries a CSRF token of its own. Before its consent
    checkbox, the privacy notice: the e-mails the submitter gets, how long their name and
    address are kept (cogwg/retention.py's period), their rights and whom to write to,
    and the full notice. Built from the settings alone: no query of its own."""

    template_name = "stories/story_submit.html"
    form_class = StorySubmissionForm

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["breadcrumbs"] = [
            Crumb(_("Home"), reverse("home")),
            Crumb(_("User stories"), reverse("stories:list")),
        ]
        context["privacy_notice_id"] = PRIVACY_NOTICE_ID
        context["privacy_contact"] = settings.COGWG_PRIVACY_CONTACT
        context["rejected_story_days"] = retention_periods()["rejected_story"]
        context["date_modified"] = max(PAGE_TEXT_REVISED, datetime.date.fromisoformat(PRIVACY_NOTICE_VERSION))
        return context

    def form_valid(self, form):
        if not submission_allowed(self.request):
            form.add_error(None, _("You have sent several stories in a short time. Please try again in an hour."))
            return self.render_to_response(self.get_context_data(form=form), status=429)
        if not form.is_spam:
            data = form.cleaned_data
            story_submit(
                title=data["title"],
                summary=data["summary"],
                story=data["story"],
                language=translation.get_language(),
                user_type=data["user_type"],
                impact=data["impact"],
                jurisdiction=data["jurisdiction"],
                themes=data["themes"],
                dataset_urls=data["datasets"],
                submitter_name=data["submitter_name"],
                submitter_email=data["submitter_email"],
                consent_notice=PRIVACY_NOTICE_VERSION,
            )
        # A robot that filled the hidden field is thanked all the same and stores nothing.
        return redirect("stories:submitted")


class StorySubmittedView(PublicPageMixin, TemplateView):
    template_name = "stories/story_submitted.html"

    def get_breadcrumbs(self, context):
        return [Crumb(_("User stories"), reverse("stories:list"))]
