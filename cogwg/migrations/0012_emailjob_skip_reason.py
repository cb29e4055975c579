"""An e-mail job done without sending its message says why: the record it was about deleted,
or moved on since (published before "submitted for review" left), nobody to tell, or the
address refused (cogwg/outbox.py)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("cogwg", "0011_outbox_and_refused_claims"),
    ]

    operations = [
        migrations.AddField(
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
                max_length=8,
                verbose_name="not sent because",
            ),
        ),
        migrations.AddConstraint(
            model_name="emailjob",
            constraint=models.CheckConstraint(
                condition=models.Q(("skip_reason", ""), ("state", "done"), _connector="OR"),
                name="cogwg_emailjob_skipped_only_when_done",
                violation_error_code="skipped_not_done",
                violation_error_message="Only a job that is done can have been done without sending.",
            ),
        ),
    ]
