"""The status reports' public pages (under /en/ and /fr/)."""

from django.urls import path
from django.utils.translation import gettext_lazy as _

from . import views

app_name = "reports"

urlpatterns = [
    path(_("status-reports/"), views.StatusReportListView.as_view(), name="list"),
    path(_("status-reports/<int:pk>/"), views.StatusReportDetailView.as_view(), name="detail"),
    path(_("status-reports/<int:pk>/changes/"), views.StatusReportChangesView.as_view(), name="changes"),
    path(
        _("status-reports/<int:pk>/files/<str:language>.<str:format>"),
        views.status_report_file_download,
        name="file",
    ),
]
