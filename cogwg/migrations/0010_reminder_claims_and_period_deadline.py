"""A period's reminder is claimed once (its number is unique per period and jurisdiction),
and a period's deadline is on or after its end (0009 numbered and repaired the rows). In a
migration of their own: on PostgreSQL, a table is not altered in the transaction that
updated its rows."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("cogwg", "0009_periodreminder_number"),
    ]

    operations = [
        migrations.AddConstraint(
            model_name="periodreminder",
            constraint=models.UniqueConstraint(
                fields=("period", "jurisdiction", "number"),
                name="cogwg_periodreminder_one_per_number",
                violation_error_message="This jurisdiction was already sent this reminder for this period.",
            ),
        ),
        migrations.AddConstraint(
            model_name="reportingperiod",
            constraint=models.CheckConstraint(
                condition=models.Q(("deadline__gte", models.F("period_end"))),
                name="cogwg_reportingperiod_deadline_on_or_after_period_end",
                violation_error_code="deadline_before_period_end",
                violation_error_message="The deadline of a reporting period is on or after the end of the period.",
            ),
        ),
    ]
