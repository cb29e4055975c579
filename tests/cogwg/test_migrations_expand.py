"""Migrations an upgrade applies while the release before still runs (the one-shot
``migrate`` service starts before the new web and workers replace the old ones: a few
seconds in which the old code writes to the new schema). A column added to a table the old
code writes must not make its inserts fail: a NOT NULL column gets a database default
(``db_default``), so that a row written without it still goes in."""

import pytest
from django.db import connection, migrations
from django.db.migrations.loader import MigrationLoader
from django.db.models.fields import NOT_PROVIDED
from django.utils import timezone

from cogwg.choices import EmailJobState
from cogwg.models import EmailJob

# The columns added NOT NULL without a database default before the rule (releases whose
# upgrades are behind every installation). Nothing is to be added to this list: give a new
# column a db_default instead (or null=True).
BEFORE_THE_RULE = {
    ("cogwg", "0002_initial"),
    ("cogwg", "0007_linkcheck_error_code"),
    ("cogwg", "0009_periodreminder_number"),
    ("cogwg", "0011_outbox_and_refused_claims"),
    ("cogwg", "0012_emailjob_skip_reason"),  # given its default by cogwg/0014
    ("jurisdictions", "0002_initial"),
    ("jurisdictions", "0003_contributors_and_review"),
    ("stories", "0002_dataset_ckan_metadata"),
    ("stories", "0005_dataset_harvest_error_code"),
    ("stories", "0006_userstory_submitter_language_reserved_slugs"),
    ("stories", "0008_userstory_consent_public_email"),
    ("stories", "0011_userstory_rejection_reason"),
    ("stories", "0012_userstory_slug_fr"),
    ("workplan", "0002_progress_update_review"),
    ("workplan", "0005_priority_slug_fr"),
    ("workplan", "0006_progress_update_overdue_mark"),
}
APPS = {"cogwg", "workplan", "jurisdictions", "stories"}


def columns_added_without_a_default():
    """(app, migration, model, field) of every column a migration adds, NOT NULL and
    without a database default, to a table an earlier migration made."""
    loader = MigrationLoader(None, ignore_no_migrations=True)
    found = []
    for (app, name), migration in sorted(loader.disk_migrations.items()):
        if app not in APPS:
            continue
        created = set()
        for operation in migration.operations:
            if isinstance(operation, migrations.CreateModel):
                created.add(operation.name_lower)
            elif isinstance(operation, migrations.AddField) and operation.model_name_lower not in created:
                field = operation.field
                if not field.null and not field.many_to_many and field.db_default is NOT_PROVIDED:
                    found.append((app, name, operation.model_name, operation.name))
    return found


@pytest.fixture(autouse=True)
def migrations_read(settings):
    settings.MIGRATION_MODULES = {}  # the suite runs without them (--no-migrations): read them here


def test_a_column_added_since_the_rule_has_a_database_default():
    new = [found for found in columns_added_without_a_default() if found[:2] not in BEFORE_THE_RULE]

    assert new == [], (
        "NOT NULL columns added without db_default: the release before, running while the "
        f"migrations are applied, cannot insert rows without them: {new}"
    )


def test_the_rule_s_list_names_only_migrations_that_need_it():
    needing = {found[:2] for found in columns_added_without_a_default()}

    assert needing >= BEFORE_THE_RULE


@pytest.mark.django_db
def test_the_release_before_the_skip_reason_still_queues_e_mails():
    """The release before cogwg/0012 writes e-mail jobs without ``skip_reason``: the
    database fills it in."""
    table = connection.ops.quote_name(EmailJob._meta.db_table)
    now = timezone.now()
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (task, args, state, attempts, created_at, queued_at, error) "
            "VALUES (%s, %s, %s, 0, %s, %s, '')",
            ["cogwg.notification_tasks.send_review_email", "[]", EmailJobState.PENDING, now, now],
        )

    assert EmailJob.objects.get().skip_reason == ""
