"""A dataset's page and licence title per language (stories/translation.py): the columns
modeltranslation adds, filled from the single ones. A page under a language segment
(open.canada.ca's /data/en/dataset/<id>) gets its French address (/data/fr/dataset/<id>);
the French licence titles come with the next harvest."""

import re
from urllib.parse import urlsplit, urlunsplit

from django.db import migrations, models
from django.db.models import F

# As stories.ckan.LANGUAGE_SEGMENT and dataset_page_urls() had them when this was written.
LANGUAGE_SEGMENT = re.compile(r"^(en|fr)([_-][A-Za-z]{2})?$")


def page_urls(page_url):
    parts = urlsplit(page_url)
    segments = parts.path.split("/")
    if "dataset" in segments:
        position = segments.index("dataset")
        if position > 0 and LANGUAGE_SEGMENT.match(segments[position - 1]):
            return {
                code: urlunsplit(parts._replace(path="/".join([*segments[: position - 1], code, *segments[position:]])))
                for code in ("en", "fr")
            }
    return {"en": page_url, "fr": ""}


def fill_in(apps, schema_editor):
    for name in ("Dataset", "HistoricalDataset"):
        model = apps.get_model("stories", name)
        model.objects.update(url_en=F("url"), url_fr="", license_title_en=F("license_title"), license_title_fr="")
        changed = []
        for row in model.objects.filter(url__contains="/dataset/").only("pk", "url").iterator():
            urls = page_urls(row.url)
            if urls["fr"]:
                row.url_en, row.url_fr = urls["en"][:500], urls["fr"][:500]
                changed.append(row)
        model.objects.bulk_update(changed, ["url_en", "url_fr"], batch_size=500)


class Migration(migrations.Migration):
    dependencies = [
        ("stories", "0006_userstory_submitter_language_reserved_slugs"),
    ]

    operations = [
        migrations.AddField(
            model_name="dataset",
            name="license_title_en",
            field=models.CharField(blank=True, max_length=200, null=True, verbose_name="licence"),
        ),
        migrations.AddField(
            model_name="dataset",
            name="license_title_fr",
            field=models.CharField(blank=True, max_length=200, null=True, verbose_name="licence"),
        ),
        migrations.AddField(
            model_name="dataset",
            name="url_en",
            field=models.URLField(blank=True, max_length=500, null=True, verbose_name="page URL"),
        ),
        migrations.AddField(
            model_name="dataset",
            name="url_fr",
            field=models.URLField(blank=True, max_length=500, null=True, verbose_name="page URL"),
        ),
        migrations.AddField(
            model_name="historicaldataset",
            name="license_title_en",
            field=models.CharField(blank=True, max_length=200, null=True, verbose_name="licence"),
        ),
        migrations.AddField(
            model_name="historicaldataset",
            name="license_title_fr",
            field=models.CharField(blank=True, max_length=200, null=True, verbose_name="licence"),
        ),
        migrations.AddField(
            model_name="historicaldataset",
            name="url_en",
            field=models.URLField(blank=True, max_length=500, null=True, verbose_name="page URL"),
        ),
        migrations.AddField(
            model_name="historicaldataset",
            name="url_fr",
            field=models.URLField(blank=True, max_length=500, null=True, verbose_name="page URL"),
        ),
        migrations.RunPython(fill_in, migrations.RunPython.noop),
    ]
