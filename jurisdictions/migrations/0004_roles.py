"""The roles' groups: Secretariat, Jurisdiction contributor, Joint Councils reader, with
their permissions (cogwg.permissions.ROLE_PERMISSIONS). Until now every active staff user
acted as the secretariat: they join its group, so that nobody loses a right."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

from cogwg.permissions import CONTRIBUTOR, JOINT_COUNCILS_READER, SECRETARIAT, roles_sync


def create_roles(apps, schema_editor):
    # Permissions are otherwise created after the last migration: the groups need them now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    roles_sync(apps=apps, missing_ok=True)
    Group = apps.get_model("auth", "Group")
    User = apps.get_model("auth", "User")
    secretariat = Group.objects.get(name=SECRETARIAT)
    secretariat.user_set.add(*User.objects.filter(is_active=True, is_staff=True, is_superuser=False))


def remove_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=[SECRETARIAT, CONTRIBUTOR, JOINT_COUNCILS_READER]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("cogwg", "0004_reporting_periods"),
        ("jurisdictions", "0003_contributors_and_review"),
        ("stories", "0002_dataset_ckan_metadata"),
        ("workplan", "0002_progress_update_review"),
    ]

    operations = [migrations.RunPython(create_roles, remove_roles)]
