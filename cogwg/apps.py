from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CogwgConfig(AppConfig):
    name = "cogwg"
    verbose_name = _("Working group")

    def ready(self):
        # Connects the security log's receivers (logins, failures, lockouts).
        from . import security  # noqa: F401
