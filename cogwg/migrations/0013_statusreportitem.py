"""What each frozen report took (its accomplishments and challenges), which the later
reports of its plan do not take again (cogwg.reports.selectors.not_yet_reported): a freeze
records it from now on; for the reports frozen before, it is read from their frozen
content, by the ids it lists, those of records deleted since included (like the content,
the record outlives them). Unapplied, the table goes and no report changes."""

import django.db.models.deletion
from django.db import migrations, models

FROZEN_STATES = ("final", "published")
# The content's lists of records, by kind (cogwg.reports.content.ITEM_SECTIONS).
ITEM_SECTIONS = {"accomplishment": "accomplishments", "challenge": "challenges"}
BATCH = 1000


def record_what_frozen_reports_took(apps, schema_editor):
    StatusReport = apps.get_model("cogwg", "StatusReport")
    StatusReportItem = apps.get_model("cogwg", "StatusReportItem")
    items = []
    reports = StatusReport.objects.filter(state__in=FROZEN_STATES, content__isnull=False).order_by("pk")
    for report_id, content in reports.values_list("pk", "content").iterator():
        taken = {
            (kind, item["id"])
            for kind, section in ITEM_SECTIONS.items()
            for item in (content or {}).get(section) or []
            if isinstance(item, dict) and item.get("id") is not None
        }
        items.extend(StatusReportItem(report_id=report_id, kind=kind, record_id=pk) for kind, pk in sorted(taken))
        if len(items) >= BATCH:
            StatusReportItem.objects.bulk_create(items)
            items = []
    StatusReportItem.objects.bulk_create(items)


class Migration(migrations.Migration):
    dependencies = [
        ("cogwg", "0012_emailjob_skip_reason"),
    ]

    operations = [
        migrations.CreateModel(
            name="StatusReportItem",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                (
                    "kind",
                    models.CharField(
                        choices=[("accomplishment", "accomplishment"), ("challenge", "challenge")],
                        max_length=16,
                        verbose_name="kind",
                    ),
                ),
                ("record_id", models.PositiveBigIntegerField(verbose_name="record")),
                (
                    "report",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="items",
                        to="cogwg.statusreport",
                        verbose_name="report",
                    ),
                ),
            ],
            options={
                "verbose_name": "record a status report took",
                "verbose_name_plural": "records status reports took",
                "ordering": ["report", "kind", "record_id"],
                "constraints": [
                    models.UniqueConstraint(fields=("kind", "record_id", "report"), name="cogwg_statusreportitem_once")
                ],
            },
        ),
        migrations.RunPython(record_what_frozen_reports_took, migrations.RunPython.noop),
    ]
