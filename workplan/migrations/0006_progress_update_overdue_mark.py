"""A progress update says whether it is an automatic overdue mark (the nightly marking of
past-due milestones, cogwg.reports.services.milestones_mark_overdue): such a mark is
withdrawn once the log no longer bears it out (workplan.services.overdue_marks_withdraw_stale).

The marks stored before then are found by what their history recorded when they were
written: a creation whose reason is the marking's; their history rows are marked too.
Nothing else changes. Unapplying it drops the column."""

from django.db import migrations, models

# cogwg.reports.services.MARKED_OVERDUE, as it was stored (in English) until now.
MARKED_OVERDUE = "Marked “Delayed” automatically: past due and not completed"


def mark_overdue_marks(apps, schema_editor):
    ProgressUpdate = apps.get_model("workplan", "ProgressUpdate")
    HistoricalProgressUpdate = apps.get_model("workplan", "HistoricalProgressUpdate")
    marks = HistoricalProgressUpdate.objects.filter(history_type="+", history_change_reason=MARKED_OVERDUE).values("id")
    ProgressUpdate.objects.filter(pk__in=marks).update(overdue_mark=True)
    HistoricalProgressUpdate.objects.filter(id__in=marks).update(overdue_mark=True)


class Migration(migrations.Migration):
    dependencies = [
        ("workplan", "0005_priority_slug_fr"),
    ]

    operations = [
        migrations.AddField(
            model_name="historicalprogressupdate",
            name="overdue_mark",
            field=models.BooleanField(default=False, editable=False, verbose_name="automatic overdue mark"),
        ),
        migrations.AddField(
            model_name="progressupdate",
            name="overdue_mark",
            field=models.BooleanField(default=False, editable=False, verbose_name="automatic overdue mark"),
        ),
        migrations.RunPython(mark_overdue_marks, migrations.RunPython.noop),
    ]
