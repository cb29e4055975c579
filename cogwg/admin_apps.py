"""The admin app with the tracker's own default site (cogwg/admin_site.py). Kept apart
from that module, which needs models: INSTALLED_APPS imports this one before they load."""

from django.contrib.admin.apps import AdminConfig as DjangoAdminConfig


class AdminConfig(DjangoAdminConfig):
    default_site = "cogwg.admin_site.AdminSite"
