"""The roles' groups: Secretariat, Jurisdiction contributor, Joint Councils reader. Their
permissions are set after every migrate (cogwg.apps.sync_roles, from
cogwg.permissions.ROLE_PERMISSIONS). Until this migration every active staff user acted as
the secretariat: they join its group, so that nobody loses a right.

Self-contained (the group names are copied here, not imported), since a migration must not
depend on code that will change. Applied again after a rollback, it must not make every
contributor and reader a secretariat member: staff join the Secretariat only when no one
holds any role yet. Its reverse keeps the groups and their members: post_migrate manages
them, and deleting them would take every user's role away."""

from django.db import migrations

# As named in cogwg.permissions when this migration was written.
SECRETARIAT = "Secretariat"
ROLES = (SECRETARIAT, "Jurisdiction contributor", "Joint Councils reader")


def create_roles(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    User = apps.get_model("auth", "User")
    for name in ROLES:
        Group.objects.get_or_create(name=name)
    if User.objects.filter(groups__name__in=ROLES).exists():
        return  # roles were given already (a migration applied again after a rollback)
    secretariat = Group.objects.get(name=SECRETARIAT)
    secretariat.user_set.add(*User.objects.filter(is_active=True, is_staff=True, is_superuser=False))


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("cogwg", "0004_reporting_periods"),
        ("jurisdictions", "0003_contributors_and_review"),
        ("stories", "0002_dataset_ckan_metadata"),
        ("workplan", "0002_progress_update_review"),
    ]

    operations = [migrations.RunPython(create_roles, migrations.RunPython.noop)]
