"""A challenge is resolved on or after the day it was first reported (0009 repaired the
rows). In a migration of its own: on PostgreSQL, a table is not altered in the transaction
that updated its rows."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("jurisdictions", "0009_challenge_resolved_dates"),
    ]

    operations = [
        migrations.AddConstraint(
            model_name="challenge",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("resolved_on__isnull", True),
                    ("first_reported_on__isnull", True),
                    ("resolved_on__gte", models.F("first_reported_on")),
                    _connector="OR",
                ),
                name="jurisdictions_challenge_resolved_on_or_after_first_reported",
                violation_error_code="resolved_before_reported",
                violation_error_message="A challenge is resolved on or after the day it was first reported.",
            ),
        ),
    ]
