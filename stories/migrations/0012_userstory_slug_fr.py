"""A story's French page is at its French slug (stories.models.UserStory.slug_fr).

The stories stored before get theirs from their French title, accents folded (as
Django's slugify does and as the admin and the public form make it: the French title's,
``story-`` before a word the stories' own addresses use); a story without a French title
keeps its English slug in French. A slug names one story in either language: a French
slug that another story already has (in English or in French) takes a number, ``-2``,
``-3``… Nothing to undo: the column goes."""

from django.db import migrations, models
from django.utils.text import slugify

import stories.models

SLUG_MAX_LENGTH = 120
# As stories.services' _slug_candidates cuts a title's slug.
TITLE_SLUG_LENGTH = 100
# The words that stand where a slug does in the stories' addresses (reserved_story_slugs()).
RESERVED = {"submit", "soumettre"}
SLUG_FR_HELP = "Its French page's address, from its French title. Left empty, the French page uses the slug."


def _free(slug, taken):
    """``slug``, or the first of ``slug-2``, ``slug-3``… that is not ``taken``."""
    candidate, number = slug, 1
    while candidate in taken:
        number += 1
        suffix = f"-{number}"
        candidate = slug[: SLUG_MAX_LENGTH - len(suffix)].rstrip("-") + suffix
    return candidate


def fill_french_slugs(apps, schema_editor):
    UserStory = apps.get_model("stories", "UserStory")
    stories = list(UserStory.objects.order_by("pk").only("pk", "slug", "title_fr"))
    taken = {story.slug for story in stories}
    for story in stories:
        slug = slugify(story.title_fr or "")[:TITLE_SLUG_LENGTH].strip("-")
        if slug in RESERVED:
            slug = f"story-{slug}"
        if not slug:
            slug = story.slug
        elif slug != story.slug:
            slug = _free(slug, taken)
            taken.add(slug)
        story.slug_fr = slug
    UserStory.objects.bulk_update(stories, ["slug_fr"], batch_size=500)


def slug_fr_field():
    return models.SlugField(
        blank=True,
        help_text=SLUG_FR_HELP,
        max_length=SLUG_MAX_LENGTH,
        validators=[stories.models.validate_story_slug],
        verbose_name="French slug",
    )


class Migration(migrations.Migration):
    dependencies = [
        ("stories", "0011_userstory_rejection_reason"),
    ]

    operations = [
        migrations.AddField(model_name="historicaluserstory", name="slug_fr", field=slug_fr_field()),
        migrations.AddField(model_name="userstory", name="slug_fr", field=slug_fr_field()),
        migrations.RunPython(fill_french_slugs, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="userstory",
            constraint=models.UniqueConstraint(
                condition=models.Q(("slug_fr", ""), _negated=True),
                fields=("slug_fr",),
                name="stories_userstory_unique_slug_fr",
                violation_error_code="slug_taken",
                violation_error_message="Another story already uses this slug, in English or in French: choose "
                "another.",
            ),
        ),
    ]
