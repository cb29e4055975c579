"""The reason an e-mail job was not sent is empty by default in the database too: the
release before cogwg/0012, still serving while the migrations are applied (the upgrade's
few seconds), writes e-mail jobs without the column, and PostgreSQL refused them (a story
sent then was lost with a 500). See tests/cogwg/test_migrations_expand.py."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("cogwg", "0013_statusreportitem"),
    ]

    operations = [
        migrations.AlterField(
            model_name="emailjob",
            name="skip_reason",
            field=models.CharField(
                blank=True,
                choices=[
                    ("gone", "The record it was about was deleted"),
                    ("outdated", "What it announced no longer holds: the record has changed state since"),
                    ("nobody", "Nobody to send it to"),
                    ("refused", "The mail server refused the address"),
                ],
                db_default="",
                default="",
                max_length=8,
                verbose_name="not sent because",
            ),
        ),
    ]
