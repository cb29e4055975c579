"""A user story under review has its title and summary in English or in French
(UserStory.clean): neither is required in English any more. Changes no column."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("stories", "0009_earlier_submissions_and_dataset_texts"),
    ]

    operations = [
        migrations.AlterField(
            model_name="historicaluserstory",
            name="summary",
            field=models.TextField(blank=True, verbose_name="summary"),
        ),
        migrations.AlterField(
            model_name="historicaluserstory",
            name="summary_en",
            field=models.TextField(blank=True, null=True, verbose_name="summary"),
        ),
        migrations.AlterField(
            model_name="historicaluserstory",
            name="summary_fr",
            field=models.TextField(blank=True, null=True, verbose_name="summary"),
        ),
        migrations.AlterField(
            model_name="historicaluserstory",
            name="title",
            field=models.CharField(blank=True, max_length=255, verbose_name="title"),
        ),
        migrations.AlterField(
            model_name="historicaluserstory",
            name="title_en",
            field=models.CharField(blank=True, max_length=255, null=True, verbose_name="title"),
        ),
        migrations.AlterField(
            model_name="historicaluserstory",
            name="title_fr",
            field=models.CharField(blank=True, max_length=255, null=True, verbose_name="title"),
        ),
        migrations.AlterField(
            model_name="userstory",
            name="summary",
            field=models.TextField(blank=True, verbose_name="summary"),
        ),
        migrations.AlterField(
            model_name="userstory",
            name="summary_en",
            field=models.TextField(blank=True, null=True, verbose_name="summary"),
        ),
        migrations.AlterField(
            model_name="userstory",
            name="summary_fr",
            field=models.TextField(blank=True, null=True, verbose_name="summary"),
        ),
        migrations.AlterField(
            model_name="userstory",
            name="title",
            field=models.CharField(blank=True, max_length=255, verbose_name="title"),
        ),
        migrations.AlterField(
            model_name="userstory",
            name="title_en",
            field=models.CharField(blank=True, max_length=255, null=True, verbose_name="title"),
        ),
        migrations.AlterField(
            model_name="userstory",
            name="title_fr",
            field=models.CharField(blank=True, max_length=255, null=True, verbose_name="title"),
        ),
    ]
