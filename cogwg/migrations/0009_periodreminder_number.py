"""Reminders of reporting periods are numbered per period and jurisdiction (1, 2…), so
that a reminder is claimed on a unique number before it is sent (0010). The existing ones
are numbered in the order they were sent. A period whose deadline is before its end, which
clean() has refused since the rule came but an older or hand-made row may hold, has its
deadline moved to the period's end, so that 0010's check constraint can be added."""

from django.db import migrations, models
from django.db.models import F


def number_reminders(apps, schema_editor):
    PeriodReminder = apps.get_model("cogwg", "PeriodReminder")
    numbered, counts = [], {}
    for reminder in PeriodReminder.objects.order_by("period_id", "jurisdiction_id", "sent_at", "pk"):
        key = (reminder.period_id, reminder.jurisdiction_id)
        counts[key] = counts.get(key, 0) + 1
        if reminder.number != counts[key]:
            reminder.number = counts[key]
            numbered.append(reminder)
    PeriodReminder.objects.bulk_update(numbered, ["number"], batch_size=500)


def move_deadlines_to_period_end(apps, schema_editor):
    ReportingPeriod = apps.get_model("cogwg", "ReportingPeriod")
    ReportingPeriod.objects.filter(deadline__lt=F("period_end")).update(deadline=F("period_end"))


class Migration(migrations.Migration):
    dependencies = [
        ("cogwg", "0008_upcoming_reminder"),
    ]

    operations = [
        migrations.AddField(
            model_name="periodreminder",
            name="number",
            field=models.PositiveSmallIntegerField(default=1, editable=False, verbose_name="reminder number"),
        ),
        migrations.RunPython(number_reminders, migrations.RunPython.noop, elidable=True),
        migrations.RunPython(move_deadlines_to_period_end, migrations.RunPython.noop, elidable=True),
    ]
