"""The working group's own public pages, feeds and calendar (under /en/ and /fr/)."""

from django.urls import path
from django.utils.translation import gettext_lazy as _

from . import feeds, views

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path(_("about/"), views.AboutView.as_view(), name="about"),
    path(_("open-data/"), views.OpenDataView.as_view(), name="open-data"),
    path(_("privacy/"), views.PrivacyView.as_view(), name="privacy"),
    path(_("feed/"), feeds.LatestFeed(), name="feed"),
    path(_("milestones.ics"), feeds.milestones_calendar, name="milestones-ics"),
]
