"""The working group's public pages: the dashboard, about, open data; and what every
public page shares (breadcrumb, "Date modified", conditional GET)."""

import datetime
import re
from dataclasses import dataclass
from itertools import groupby

from django import forms
from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.exceptions import TooManyFieldsSent
from django.db.models import Prefetch
from django.http import HttpResponse, JsonResponse
from django.template import loader
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.cache import add_never_cache_headers, patch_vary_headers
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView

from jurisdictions.choices import JurisdictionKind
from jurisdictions.models import Accomplishment, Jurisdiction
from stories.models import UserStory
from workplan.selectors import current_work_plan, work_plan_status

from .api.language import LANG_PARAMETER, language_codes
from .context_processors import LANGUAGE_SELF_NAMES, other_language_url
from .http import ConditionalGetMixin
from .models import InfoSection, Meeting, NextStep
from .open_data import api_docs_url, data_dictionary, downloads
from .reports.selectors import latest_published_report
from .retention import retention_periods
from .selectors import link_status_for
from .templatetags.cogwg_tags import error_anchor


@dataclass(frozen=True)
class Crumb:
    label: str
    url: str


@dataclass(frozen=True)
class PriorityLink:
    number: int
    url: str


def priority_links(priorities):
    """Each priority's number and page address, by pk: reversed once per priority, not once
    per milestone row that links to it."""
    return {
        priority.pk: PriorityLink(
            priority.number, reverse("workplan:priority", args=[priority.work_plan.slug, priority.page_slug])
        )
        for priority in priorities
    }


def latest_change(*groups):
    """The latest ``modified_at`` among the records a page shows (for "Date modified")."""
    stamps = [
        record.modified_at
        for group in groups
        for record in (group if isinstance(group, list | tuple) else [group])
        if getattr(record, "modified_at", None)
    ]
    return timezone.localdate(max(stamps)) if stamps else None


def translated(field):
    """The columns of a translated field, one per official language (``title_en``, ``title_fr``),
    for ``values()``: the ``localized`` template tag picks the page's language among them."""
    return [f"{field}_{code}" for code, _name in settings.LANGUAGES]


def group_by_kind(jurisdictions):
    """Jurisdictions grouped as federal, provincial, territorial, municipal, other."""
    rank = {kind: index for index, kind in enumerate(JurisdictionKind.values)}
    ordered = sorted(jurisdictions, key=lambda j: (rank.get(j.kind, len(rank)), j.order, j.code))
    return [(JurisdictionKind(kind), list(members)) for kind, members in groupby(ordered, key=lambda j: j.kind)]


# When the text of the pages that show no records (open data, the story form) last changed.
PAGE_TEXT_REVISED = datetime.date(2026, 11, 26)


class PublicPageMixin(ConditionalGetMixin):
    """The frame of a public page: the breadcrumb trail above it (the current page is not
    in it, as on Canada.ca) and the date the page's content last changed."""

    def get_breadcrumbs(self, context):
        return []

    def get_date_modified(self, context):
        return PAGE_TEXT_REVISED

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["breadcrumbs"] = [Crumb(_("Home"), reverse("home")), *self.get_breadcrumbs(context)]
        context["date_modified"] = self.get_date_modified(context)
        return context


class HomeView(PublicPageMixin, TemplateView):
    """The dashboard: the current plan's progress, what is next and overdue, what is new."""

    template_name = "cogwg/home.html"
    latest_count = 5

    def plan_context(self):
        plan = current_work_plan()
        if plan is None:
            return {"plan_status": None}
        status = work_plan_status(work_plan=plan, seats=False, notes=False)
        return {
            "plan_status": status,
            "priority_links": priority_links(p.priority for p in status.priorities),
            "status_counts": status.shares,
            "next_milestones": status.upcoming[: self.latest_count],
            "overdue_milestones": status.overdue,
        }

    def get_context_data(self, **kwargs):
        accomplishments = Accomplishment.objects.published().for_cards()
        accomplishments = list(accomplishments.order_by("-date", "-published_at", "-pk")[: self.latest_count])
        kwargs |= self.plan_context()
        kwargs |= {
            "accomplishments": accomplishments,
            "link_checks": link_status_for(link.url for item in accomplishments for link in item.links.all()),
            "stories": list(UserStory.objects.published().select_related("jurisdiction")[:3]),
            "report": latest_published_report(),
        }
        context = super().get_context_data(**kwargs)
        context["breadcrumbs"] = []  # the home page is the trail's start
        return context

    def get_date_modified(self, context):
        plan = context["plan_status"]
        return latest_change(
            [plan.work_plan] if plan else [],
            [p.priority for p in plan.priorities] if plan else [],
            [m.milestone for m in plan.milestones] if plan else [],
            context["accomplishments"],
            context["stories"],
            [context["report"]] if context["report"] else [],
        )


class AboutView(PublicPageMixin, TemplateView):
    template_name = "cogwg/about.html"

    def get_context_data(self, **kwargs):
        sections = list(InfoSection.objects.all())
        members = list(Jurisdiction.objects.filter(is_member=True))
        steps = NextStep.objects.filter(parent=None).select_related("owner").prefetch_related("children")
        meeting = Meeting.objects.prefetch_related(Prefetch("next_steps", queryset=steps)).first()
        kwargs |= {
            "sections": sections,
            "members_by_kind": group_by_kind(members),
            "member_count": len(members),
            "meeting": meeting,
        }
        return super().get_context_data(**kwargs)

    def get_date_modified(self, context):
        meeting = [context["meeting"]] if context["meeting"] else []
        return latest_change(context["sections"], meeting)


class OpenDataView(PublicPageMixin, TemplateView):
    template_name = "cogwg/open_data.html"

    def get_context_data(self, **kwargs):
        kwargs |= {"downloads": downloads(), "dictionary": data_dictionary(), "api_docs_url": api_docs_url()}
        return super().get_context_data(**kwargs)


# When the privacy notice's text last changed (its periods and addresses come from the
# settings: a release that changes them serves the page anew).
PRIVACY_NOTICE_REVISED = datetime.date(2026, 11, 27)


class PrivacyView(PublicPageMixin, TemplateView):
    """The privacy notice: who is accountable for the personal information the site
    collects (the story form), why, who reads it, how long it is kept (the periods of
    cogwg/retention.py), the reader's rights, and the cookies. Built from the settings
    alone: no query."""

    template_name = "cogwg/privacy.html"

    def get_context_data(self, **kwargs):
        kwargs |= {
            "contact": settings.COGWG_PRIVACY_CONTACT,
            "retention": retention_periods(),
            "csrf_cookie": settings.CSRF_COOKIE_NAME,
            "csrf_cookie_days": settings.CSRF_COOKIE_AGE // (24 * 60 * 60),
            "session_cookie": settings.SESSION_COOKIE_NAME,
            "session_hours": settings.SESSION_COOKIE_AGE // (60 * 60),
            "messages_cookie": CookieStorage.cookie_name,
        }
        return super().get_context_data(**kwargs)

    def get_date_modified(self, context):
        return PRIVACY_NOTICE_REVISED


def offers_choices(field) -> bool:
    """Whether a filter's field has something to offer: a group of checkboxes with no
    choice (no theme recorded yet) is left out of the page. Its checkboxes are made here
    once, and the template reuses them."""
    return field.field.widget.input_type != "checkbox" or bool(field.subwidgets)


@dataclass(frozen=True)
class FilterError:
    """A filter the list could not apply: its label, what is wrong, and the id of what
    the error summary links to on the page: the field, or its first checkbox (a fieldset
    cannot take focus); "" for a filter given in the address only."""

    label: str
    message: str
    field_id: str


class PublicFilterMixin:
    """A list filtered by the API's FilterSet: the page shows ``filter_fields`` as
    checkboxes and text boxes (no JavaScript needed); every other filter of the FilterSet
    still works from the query string, exactly as in the API.

    A filter with a bad value (``?date_after=foo``) is named in the error summary and left
    out: the list shows what the other filters give, as the summary says, rather than
    nothing."""

    filter_fields: tuple[str, ...] = ()
    paginate_by = 20
    strict = False

    def get_filterset(self, filterset_class):
        filterset = super().get_filterset(filterset_class)
        for name in self.filter_fields:
            field = filterset.form.fields[name]
            if isinstance(field, forms.MultipleChoiceField | forms.ModelMultipleChoiceField):
                field.widget = forms.CheckboxSelectMultiple(choices=field.choices)
        return filterset

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = self.filterset.form
        shown = [form[name] for name in self.filter_fields if offers_choices(form[name])]
        shown_names = {field.name for field in shown}
        context["filter_fields"] = shown
        context["filter_errors"] = [
            FilterError(field.label, error, error_anchor(field) if field.name in shown_names else "")
            for field in form
            for error in field.errors
        ]
        # Any filter of the FilterSet, shown or not: each one narrows the list and "Clear
        # filters" takes them all away.
        context["filtered"] = form.is_bound and any(form.data.get(name) for name in form.fields)
        query = self.request.GET.copy()
        query.pop("page", None)
        context["query_without_page"] = query.urlencode()
        return context


# Error pages (handler400, CSRF_FAILURE_VIEW, cogwg.middleware.NullCharacterMiddleware):
# in the page's language, or JSON in the reader's under /api/, as the API's other errors;
# built without the database and without reading the query string, which may be what is
# wrong (too many parameters), so that they answer during an outage and before
# LocaleMiddleware.

API_PREFIX = "/api/"
LANG_IN_QUERY = re.compile(rf"(?:^|[&;]){LANG_PARAMETER}=([a-z]{{2}})(?:&|;|$)")

BAD_REQUEST = _("The request could not be read: its address or the form sent is malformed.")
TOO_MANY_PARAMETERS = _("The request has too many parameters to be read.")
NULL_CHARACTER = _("The address contains a null character (%00), which no address of this site has.")
CSRF_REFUSED = _(
    "The form could not be sent: it had expired, or your browser did not send this site's cookie. "
    "Reload the form and send it again; cookies must be allowed for this site."
)


def error_language(request, *, api: bool) -> str:
    """A page's language is its address's (else the reader's); the API's, ``?lang=`` (read
    from the raw query string) or else Accept-Language."""
    if api:
        found = LANG_IN_QUERY.search(request.META.get("QUERY_STRING", ""))
        if found and found[1] in language_codes():
            return found[1]
    return translation.get_language_from_request(request, check_path=not api)


def error_response(request, *, status: int, template_name: str, detail) -> HttpResponse:
    """The answer ``status`` to ``request``: the page ``template_name``, which says
    ``detail``, or ``{"detail": …}`` under /api/. Never stored by a cache."""
    api = request.path_info.startswith(API_PREFIX)
    language = error_language(request, api=api)
    with translation.override(language):
        detail = str(detail)
        if api:
            response = JsonResponse({"detail": detail}, status=status)
            patch_vary_headers(response, ("Accept-Language",))
        else:
            other = next((code for code, _name in settings.LANGUAGES if code != language), language)
            # The address again, without its query string, when it is one to follow.
            address = request.path if "\x00" not in request.path else None
            with translation.override(other):
                home = reverse("home")
            context = {
                "detail": detail,
                "retry_url": address,
                # In place of the frame's (cogwg.context_processors.site), which would carry
                # the query string that was refused.
                "language_alternates": [],
                "other_language": other,
                "other_language_name": LANGUAGE_SELF_NAMES.get(other, other),
                "other_language_url": other_language_url(address, other) if address else home,
            }
            content = loader.render_to_string(template_name, context, request)
            response = HttpResponse(content, status=status)
    response["Content-Language"] = language
    add_never_cache_headers(response)
    return response


def bad_request(request, exception=None):
    """handler400: a request Django refused (SuspiciousOperation), such as one with more
    than DATA_UPLOAD_MAX_NUMBER_FIELDS parameters."""
    detail = TOO_MANY_PARAMETERS if isinstance(exception, TooManyFieldsSent) else BAD_REQUEST
    return error_response(request, status=400, template_name="400.html", detail=detail)


def csrf_failure(request, reason=""):
    """CSRF_FAILURE_VIEW: a form sent without its token or cookie (expired, cookies
    blocked), refused in the page's language with what to do."""
    return error_response(request, status=403, template_name="403_csrf.html", detail=CSRF_REFUSED)
