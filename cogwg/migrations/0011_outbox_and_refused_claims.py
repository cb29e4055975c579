"""The e-mail jobs' outbox (cogwg/outbox.py): a row per e-mail task, written with the change
that causes it, so that none is lost while the broker is down. The claims of the period
closing summaries (one per period and address), and the reminders' claims the mail server
refused (kept, so that the others are sent and these are not tried again)."""

import django.db.models.deletion
import django.utils.timezone
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("cogwg", "0010_reminder_claims_and_period_deadline"),
    ]

    operations = [
        migrations.AddField(
            model_name="periodreminder",
            name="refused",
            field=models.BooleanField(default=False, verbose_name="refused by the mail server"),
        ),
        migrations.AddField(
            model_name="upcomingreminder",
            name="refused",
            field=models.BooleanField(default=False, verbose_name="refused by the mail server"),
        ),
        migrations.CreateModel(
            name="EmailJob",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("task", models.CharField(max_length=200, verbose_name="task")),
                ("args", models.JSONField(blank=True, default=list, verbose_name="arguments")),
                (
                    "state",
                    models.CharField(
                        choices=[
                            ("pending", "Pending"),
                            ("sending", "Being sent"),
                            ("done", "Done"),
                            ("failed", "Failed"),
                        ],
                        db_index=True,
                        default="pending",
                        max_length=8,
                        verbose_name="state",
                    ),
                ),
                ("attempts", models.PositiveSmallIntegerField(default=0, verbose_name="attempts")),
                ("created_at", models.DateTimeField(default=django.utils.timezone.now, verbose_name="created")),
                (
                    "queued_at",
                    models.DateTimeField(
                        default=django.utils.timezone.now,
                        help_text="When it was last handed to the workers.",
                        verbose_name="last queued",
                    ),
                ),
                ("done_at", models.DateTimeField(blank=True, null=True, verbose_name="done at")),
                ("error", models.TextField(blank=True, verbose_name="error")),
            ],
            options={
                "verbose_name": "queued e-mail",
                "verbose_name_plural": "queued e-mails",
                "ordering": ["-created_at", "-pk"],
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(
                            models.Q(("state", "done"), ("done_at__isnull", False)),
                            models.Q(models.Q(("state", "done"), _negated=True), ("done_at__isnull", True)),
                            _connector="OR",
                        ),
                        name="cogwg_emailjob_done_at_only_when_done",
                        violation_error_code="done_at_not_done",
                        violation_error_message=(
                            "A job that is done has the time it was done, and no other job has one."
                        ),
                    )
                ],
            },
        ),
        migrations.CreateModel(
            name="PeriodSummary",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("address", models.EmailField(max_length=254, verbose_name="address")),
                ("sent_at", models.DateTimeField(default=django.utils.timezone.now, verbose_name="sent at")),
                ("refused", models.BooleanField(default=False, verbose_name="refused by the mail server")),
                (
                    "period",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="summaries",
                        to="cogwg.reportingperiod",
                        verbose_name="reporting period",
                    ),
                ),
            ],
            options={
                "verbose_name": "period closing summary",
                "verbose_name_plural": "period closing summaries",
                "ordering": ["period", "address"],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("period", "address"),
                        name="cogwg_periodsummary_once_per_address",
                        violation_error_message="This address was already sent the summary of this period.",
                    )
                ],
            },
        ),
    ]
