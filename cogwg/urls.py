from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path, re_path

from . import health, wellknown
from .api.urls import NotFoundView
from .sitemaps import SITEMAPS

urlpatterns = [
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("sitemap.xml", sitemap, {"sitemaps": SITEMAPS}, name="sitemap"),
    path("robots.txt", wellknown.robots_txt, name="robots-txt"),
    path(".well-known/security.txt", wellknown.security_txt, name="security-txt"),
    path("favicon.ico", wellknown.favicon, name="favicon"),
    path("api/v1/", include("cogwg.api.urls")),
    # Any other address under /api/ (/api/, another version): the API's JSON 404, not a page.
    re_path(r"^api(?:/|$)", NotFoundView.as_view()),
]

urlpatterns += i18n_patterns(
    path("admin/", admin.site.urls),
    path("", include("cogwg.site_urls")),
    path("", include("cogwg.reports.urls")),
    path("", include("workplan.urls")),
    path("", include("jurisdictions.urls")),
    path("", include("stories.urls")),
    prefix_default_language=True,
)
# MEDIA_ROOT holds the status reports' files, which are served only through the view that
# checks the reader may see the report (reports:file), never as static files, not even
# under DEBUG.

# A request Django refuses (too many parameters, SuspiciousOperation): the site's 400 page,
# or JSON under /api/.
handler400 = "cogwg.views.bad_request"
