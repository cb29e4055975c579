"""A draft accomplishment or challenge has its title in English or in French (their
clean()): the field is no longer required in English. Changes no column."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("jurisdictions", "0010_challenge_resolved_on_or_after_first_reported"),
    ]

    operations = [
        migrations.AlterField(
            model_name="accomplishment",
            name="title",
            field=models.CharField(blank=True, max_length=255, verbose_name="title"),
        ),
        migrations.AlterField(
            model_name="accomplishment",
            name="title_en",
            field=models.CharField(blank=True, max_length=255, null=True, verbose_name="title"),
        ),
        migrations.AlterField(
            model_name="accomplishment",
            name="title_fr",
            field=models.CharField(blank=True, max_length=255, null=True, verbose_name="title"),
        ),
        migrations.AlterField(
            model_name="challenge",
            name="title",
            field=models.CharField(blank=True, max_length=255, verbose_name="title"),
        ),
        migrations.AlterField(
            model_name="challenge",
            name="title_en",
            field=models.CharField(blank=True, max_length=255, null=True, verbose_name="title"),
        ),
        migrations.AlterField(
            model_name="challenge",
            name="title_fr",
            field=models.CharField(blank=True, max_length=255, null=True, verbose_name="title"),
        ),
        migrations.AlterField(
            model_name="historicalaccomplishment",
            name="title",
            field=models.CharField(blank=True, max_length=255, verbose_name="title"),
        ),
        migrations.AlterField(
            model_name="historicalaccomplishment",
            name="title_en",
            field=models.CharField(blank=True, max_length=255, null=True, verbose_name="title"),
        ),
        migrations.AlterField(
            model_name="historicalaccomplishment",
            name="title_fr",
            field=models.CharField(blank=True, max_length=255, null=True, verbose_name="title"),
        ),
        migrations.AlterField(
            model_name="historicalchallenge",
            name="title",
            field=models.CharField(blank=True, max_length=255, verbose_name="title"),
        ),
        migrations.AlterField(
            model_name="historicalchallenge",
            name="title_en",
            field=models.CharField(blank=True, max_length=255, null=True, verbose_name="title"),
        ),
        migrations.AlterField(
            model_name="historicalchallenge",
            name="title_fr",
            field=models.CharField(blank=True, max_length=255, null=True, verbose_name="title"),
        ),
    ]
