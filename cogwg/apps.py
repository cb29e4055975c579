from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CogwgConfig(AppConfig):
    name = "cogwg"
    verbose_name = _("Working group")

    def ready(self):
        # Connects the security log's receivers (logins, failures, lockouts).
        from . import security  # noqa: F401
        from .versioning import connect_receivers

        # Every write of the site's records changes the data version (cogwg/versioning.py).
        connect_receivers()
