"""A rejected story has the secretariat's reason for rejecting it, e-mailed to its sender
in their language; a story in any other state has none (stories.models.UserStory).

The stories rejected before have no reason: each gets one that says so, in its sender's
language (English for a story filed in the admin), so that the rule holds for every row.
Their history rows are left as they were (no reason was given then). Nothing to undo:
the column goes."""

import django.core.validators
from django.db import migrations, models

# What a story rejected before reasons were kept says, in its sender's language.
NO_REASON_RECORDED = {
    "en": "Rejected before the reasons for rejections were recorded: no reason was kept.",
    "fr": "Rejeté avant que les motifs de rejet soient consignés\u00a0: aucun motif n'a été conservé.",
}


def fill_in(apps, schema_editor):
    UserStory = apps.get_model("stories", "UserStory")
    rejected = UserStory.objects.filter(state="rejected", rejection_reason="")
    rejected.filter(submitter_language="fr").update(rejection_reason=NO_REASON_RECORDED["fr"])
    rejected.update(rejection_reason=NO_REASON_RECORDED["en"])


REJECTION_REASON = models.TextField(
    blank=True,
    help_text="Why the story is rejected, e-mailed to whoever sent it: write it in their language (the submitter's "
    "language). Required to reject a story; cleared when it is put back under review, and kept in its history.",
    max_length=2000,
    validators=[django.core.validators.MaxLengthValidator(2000)],
    verbose_name="reason for the rejection",
)


class Migration(migrations.Migration):
    dependencies = [
        ("stories", "0010_title_and_summary_in_either_language"),
    ]

    operations = [
        migrations.AddField(model_name="historicaluserstory", name="rejection_reason", field=REJECTION_REASON.clone()),
        migrations.AddField(model_name="userstory", name="rejection_reason", field=REJECTION_REASON.clone()),
        migrations.RunPython(fill_in, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="userstory",
            constraint=models.CheckConstraint(
                condition=models.Q(models.Q(state="rejected") & ~models.Q(rejection_reason=""))
                | models.Q(~models.Q(state="rejected") & models.Q(rejection_reason="")),
                name="stories_userstory_rejected_has_reason",
                violation_error_code="rejection_reason_state",
                violation_error_message="A rejected story has the reason for its rejection, and a story in any "
                "other state has none.",
            ),
        ),
    ]
