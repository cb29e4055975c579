"""A throwaway admin site holding the CKAN and link-health admin pieces, so that they are
tested on their own, whatever cogwg/admin.py and stories/admin.py register. Use with
``@pytest.mark.urls("tests.fakes.admin_site")``; the project's own URLs stay mounted, and
this site is reached under ``/pieces-admin/``."""

from django.contrib import admin
from django.urls import path

from cogwg.admin_links import LinkCheckAdmin
from cogwg.models import LinkCheck
from cogwg.urls import urlpatterns as project_urlpatterns
from stories.admin_ckan import DatasetCkanAdminMixin
from stories.models import Dataset

site = admin.AdminSite(name="pieces_admin")


@admin.register(Dataset, site=site)
class DatasetAdmin(DatasetCkanAdminMixin, admin.ModelAdmin):
    list_display = ("title", "portal_url", "ckan_id", "last_harvested", "harvest_error_message")


site.register(LinkCheck, LinkCheckAdmin)

urlpatterns = [path("pieces-admin/", site.urls), *project_urlpatterns]
