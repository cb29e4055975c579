"""The database holds to the rule that at most one work plan is active (until now the
service's alone: workplan.services.work_plan_save): a unique status among the active
plans. Before adding it, the active plans a database may hold since 0007 are closed as
0007 closed them: the one that starts last stays active (of two that start the same day,
the one stored last), each other closing kept in its plan's history, with its reason, by
no user. Unapplying it drops the rule and reopens nothing.

And a milestone's progress updates are listed as "latest" means everywhere
(ProgressUpdate.objects.latest_first): among those of a day, the last published first."""

import django.db.models.functions.comparison
from django.db import migrations, models
from django.utils import timezone
from django.utils.translation import gettext_noop

ACTIVE, CLOSED = "active", "closed"
# 0007's reason: stored in English, shown in the reader's language by the History.
REASON = gettext_noop("Closed when the database came to hold one active plan at most: a later plan was active")


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
        ("workplan", "0007_close_all_but_one_active_plan"),
    ]

    operations = [
        migrations.RunPython(close_all_but_one, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="workplan",
            constraint=models.UniqueConstraint(
                condition=models.Q(("status", "active")),
                fields=("status",),
                name="workplan_workplan_one_active",
                violation_error_code="another_plan_active",
                violation_error_message=(
                    "Only one work plan is active at a time: close the active plan first to make this one active."
                ),
            ),
        ),
        migrations.AlterModelOptions(
            name="progressupdate",
            options={
                "get_latest_by": ["reported_on", "created_at", "pk"],
                "ordering": [
                    "milestone",
                    "-reported_on",
                    models.OrderBy(
                        django.db.models.functions.comparison.Coalesce("published_at", "created_at"), descending=True
                    ),
                    "-created_at",
                    "-pk",
                ],
                "verbose_name": "progress update",
                "verbose_name_plural": "progress updates",
            },
        ),
    ]
