"""``/api/v1/``: every app's router, the OpenAPI schema and its Swagger UI (served from
this site's static files, no CDN, its init script a file of its own: the site's
Content-Security-Policy allows no inline script)."""

from django.http import HttpResponsePermanentRedirect
from django.urls import Resolver404, include, path, re_path, resolve
from django.utils import translation
from django.utils.translation import gettext as _
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.exceptions import NotFound
from rest_framework.permissions import AllowAny
from rest_framework.routers import APIRootView, SimpleRouter
from rest_framework.settings import api_settings
from rest_framework.views import APIView

from ..reports.api import StatusReportFileViewSet
from . import views
from .language import LANG_PARAMETER, activate_requested_language, language_codes
from .pagination import FILE_FORMATS
from .throttling import RateLimitHeadersMixin

app_name = "api"

router = SimpleRouter()
router.register("meetings", views.MeetingViewSet, basename="meeting")
router.register("status-reports", views.StatusReportViewSet, basename="status-report")

RESOURCES = {
    "work-plans": "work-plan-list",
    "priorities": "priority-list",
    "milestones": "milestone-list",
    "progress-updates": "progress-update-list",
    "jurisdictions": "jurisdiction-list",
    "accomplishments": "accomplishment-list",
    "challenges": "challenge-list",
    "stories": "story-list",
    "datasets": "dataset-list",
    "meetings": "meeting-list",
    "status-reports": "status-report-list",
}


class ApiRootView(RateLimitHeadersMixin, APIRootView):
    """Links to every resource of the API: no table, so none of the file formats (a 404 to
    ``?format=csv``, a 406 to ``Accept: text/csv``, as the schema's)."""

    schema = None
    renderer_classes = [
        renderer for renderer in api_settings.DEFAULT_RENDERER_CLASSES if renderer.format not in FILE_FORMATS
    ]

    def initial(self, request, *args, **kwargs):
        # Before the negotiation: its refusal is worded in the language asked for.
        activate_requested_language(request)
        super().initial(request, *args, **kwargs)


class SchemaView(RateLimitHeadersMixin, SpectacularAPIView):
    pass


class DocsView(RateLimitHeadersMixin, SpectacularSwaggerSplitView):
    pass


class NotFoundView(APIView):
    """Any other path under /api/v1/: a JSON 404 like the API's others, not the site's page,
    in the language of ``?lang=`` or ``Accept-Language``. Matching every path, it keeps
    APPEND_SLASH from redirecting, so it redirects a GET or HEAD itself when the path with a
    slash appended is the API's; any other method is told that the address ends with one."""

    schema = None
    permission_classes = [AllowAny]

    def initial(self, request, *args, **kwargs):
        # Not activate_requested_language(): an unknown language does not turn a 404 into a 400.
        if (requested := request.query_params.get(LANG_PARAMETER)) in language_codes():
            translation.activate(requested)
        if not self.lacks_slash(request):
            raise NotFound
        if request.method not in ("GET", "HEAD"):
            raise NotFound(
                _("This address ends with a slash: %(address)s")
                % {"address": request.get_full_path(force_append_slash=True)}
            )

    def get(self, request, *args, **kwargs):
        return HttpResponsePermanentRedirect(request.get_full_path(force_append_slash=True))

    @staticmethod
    def lacks_slash(request) -> bool:
        """Whether the path, with a slash appended, is one of the API's (what CommonMiddleware
        asks before redirecting)."""
        if request.path_info.endswith("/"):
            return False
        try:
            match = resolve(f"{request.path_info}/", getattr(request, "urlconf", None))
        except Resolver404:
            return False
        return getattr(match.func, "view_class", None) is not NotFoundView


urlpatterns = [
    path("", ApiRootView.as_view(api_root_dict=RESOURCES), name="root"),
    path("schema/", SchemaView.as_view(), name="schema"),
    path(
        "docs/",
        DocsView.as_view(url_name="api:schema", template_name="cogwg/api/swagger_ui.html"),
        name="docs",
    ),
    path("auth/token/", views.TokenView.as_view(), name="token"),
    path("", include("workplan.api.urls")),
    path("", include("jurisdictions.api.urls")),
    path("", include("stories.api.urls")),
    # A file's address ends with its name, as the site's does: no trailing slash.
    path(
        "status-reports/<int:pk>/files/<str:language>.<str:file_format>",
        StatusReportFileViewSet.as_view({"get": "download"}),
        name="status-report-file",
    ),
    path("", include(router.urls)),
    re_path(r"", NotFoundView.as_view()),
]
