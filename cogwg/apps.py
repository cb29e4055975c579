from django.apps import AppConfig
from django.apps import apps as global_apps
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def sync_roles(sender, apps=global_apps, using=DEFAULT_DB_ALIAS, **kwargs):
    """After every ``migrate`` (each deploy runs one): the roles' groups get exactly the
    permissions of ``cogwg.permissions.ROLE_PERMISSIONS``, so that a right given to a role
    in the code reaches every database without a data migration of its own. The roles
    are the code's: a permission added to a role's group by hand is taken back here."""
    from .permissions import roles_sync

    if "auth_group" not in connections[using].introspection.table_names():
        return  # the auth app's tables are migrated away
    # A partial migrate (to an earlier migration) may leave some models, and their
    # permissions, out: the groups get what exists.
    roles_sync(apps=apps, missing_ok=True)


class CogwgConfig(AppConfig):
    name = "cogwg"
    verbose_name = _("Working group")

    def ready(self):
        from .permissions import PROJECT_APPS

        # Django creates each app's permissions when post_migrate is sent for that app, in
        # the order of INSTALLED_APPS: the roles are synced once the last project app has
        # its own.
        last = [config for config in global_apps.get_app_configs() if config.label in PROJECT_APPS][-1]
        post_migrate.connect(sync_roles, sender=last, dispatch_uid="cogwg.sync_roles")
        # Connects the security log's receivers (logins, failures, lockouts).
        from . import security  # noqa: F401
        from .versioning import connect_receivers

        # Every write of the site's records changes the data version (cogwg/versioning.py).
        connect_receivers()
        # Search ignores accents: SQLite's connections get an UNACCENT() (cogwg/search.py).
        from django.db.backends.signals import connection_created

        from .search import register_unaccent

        connection_created.connect(register_unaccent, dispatch_uid="cogwg.register_unaccent")
        # Registers the checks of the tracker's settings (e-mail delivery, retention).
        from . import checks  # noqa: F401
