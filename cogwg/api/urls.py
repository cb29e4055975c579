"""``/api/v1/``: every app's router, the OpenAPI schema and its Swagger UI (served from
this site's static files, no CDN)."""

from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.exceptions import NotFound
from rest_framework.permissions import AllowAny
from rest_framework.routers import APIRootView, SimpleRouter
from rest_framework.views import APIView

from cogwg.security import ObtainAuthTokenView

from . import views

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


class ApiRootView(APIRootView):
    """Links to every resource of the API."""

    schema = None


class NotFoundView(APIView):
    """Any other path under /api/v1/: a JSON 404 like the API's others, not the site's page."""

    schema = None
    permission_classes = [AllowAny]

    def initial(self, request, *args, **kwargs):
        raise NotFound


urlpatterns = [
    path("", ApiRootView.as_view(api_root_dict=RESOURCES), name="root"),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api:schema"), name="docs"),
    path("auth/token/", ObtainAuthTokenView.as_view(), name="token"),
    path("", include("workplan.api.urls")),
    path("", include("jurisdictions.api.urls")),
    path("", include("stories.api.urls")),
    path("", include(router.urls)),
    re_path(r"", NotFoundView.as_view()),
]
