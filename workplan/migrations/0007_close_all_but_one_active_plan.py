"""At most one work plan is active (workplan.services.work_plan_save keeps it so): where
several are, the one that starts last stays active (of two that start the same day, the
one stored last), and the others are closed, as activating it would have closed them
(workplan.services.work_plan_close_previous). Each closing is kept in the plan's history,
with its reason, by no user. Nothing else changes; unapplying it reopens nothing."""

from django.db import migrations
from django.utils import timezone

ACTIVE, CLOSED = "active", "closed"
# Stored in English, as the services' reasons are.
REASON = "Closed when the database came to hold one active plan at most: a later plan was active"


def close_all_but_one(apps, schema_editor):
    WorkPlan = apps.get_model("workplan", "WorkPlan")
    HistoricalWorkPlan = apps.get_model("workplan", "HistoricalWorkPlan")
    active = list(WorkPlan.objects.filter(status=ACTIVE).order_by("-start_date", "-pk"))
    if len(active) < 2:
        return
    now = timezone.now()
    names = [field.attname for field in WorkPlan._meta.concrete_fields]
    for plan in active[1:]:
        plan.status, plan.modified_at = CLOSED, now
        WorkPlan.objects.filter(pk=plan.pk).update(status=CLOSED, modified_at=now)
        HistoricalWorkPlan.objects.create(
            **{name: getattr(plan, name) for name in names},
            history_date=now,
            history_type="~",
            history_change_reason=REASON,
            history_user=None,
        )


class Migration(migrations.Migration):
    dependencies = [
        ("workplan", "0006_progress_update_overdue_mark"),
    ]

    operations = [
        migrations.RunPython(close_all_but_one, migrations.RunPython.noop),
    ]
