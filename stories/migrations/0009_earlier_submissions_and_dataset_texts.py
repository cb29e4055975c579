"""Two gaps earlier migrations left in existing rows.

- A story sent through the public form before 0006 has no ``submitter_language``: the
  language is what marks a public submission once its sender's name and address are
  erased (cogwg.permissions.FILED_STORY), and without it such a story would be taken for
  one a contributor filed, and shown to its jurisdiction's contributors. The form wrote the
  title in its own language only (stories.services.story_submit): the story's first
  version says which (French when only the French title is there, English otherwise),
  whatever the secretariat translated since; the story and all its versions get it.
- 0002 made a dataset's publisher and description translated without copying the single
  columns: a dataset added before it and never harvested since showed neither. They are
  copied into the English column, as modeltranslation's update_translation_fields does.

Both apply to the history rows too. Nothing to undo: the columns keep their values."""

from django.db import migrations
from django.db.models import Q

SENT_BY_THE_PUBLIC = (~Q(submitter_email="") | ~Q(submitter_name="")) & Q(submitter_language="")


def _language(version) -> str:
    return "fr" if version.title_fr and not version.title_en else "en"


def fill_in(apps, schema_editor):
    UserStory = apps.get_model("stories", "UserStory")
    HistoricalUserStory = apps.get_model("stories", "HistoricalUserStory")
    sent = HistoricalUserStory.objects.filter(SENT_BY_THE_PUBLIC).values("id").distinct()
    ids = set(UserStory.objects.filter(SENT_BY_THE_PUBLIC).values_list("pk", flat=True)) | {row["id"] for row in sent}
    for story_id in sorted(ids):
        first = (
            HistoricalUserStory.objects.filter(id=story_id).order_by("history_date", "history_id").first()
            or UserStory.objects.filter(pk=story_id).first()
        )
        language = _language(first)
        # Its sender erased since (the live row, some versions) still sent it.
        UserStory.objects.filter(pk=story_id, submitter_language="").update(submitter_language=language)
        HistoricalUserStory.objects.filter(id=story_id, submitter_language="").update(submitter_language=language)
    # In SQL: the translated models' managers would read "publisher" as the reader's
    # language's column.
    with schema_editor.connection.cursor() as cursor:
        for table in ("stories_dataset", "stories_historicaldataset"):
            for column in ("publisher", "description"):
                cursor.execute(
                    f"UPDATE {table} SET {column}_en = {column} WHERE {column}_en IS NULL AND {column} <> ''"
                )


class Migration(migrations.Migration):
    dependencies = [
        ("stories", "0008_userstory_consent_public_email"),
    ]

    operations = [migrations.RunPython(fill_in, migrations.RunPython.noop)]
