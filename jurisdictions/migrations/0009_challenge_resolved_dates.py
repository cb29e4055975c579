"""A challenge resolved before the day it was first reported, which clean() has refused
since the rule came but an older or hand-made row may hold, is resolved that day instead,
so that 0010's check constraint can be added."""

from django.db import migrations
from django.db.models import F


def resolve_on_first_reported(apps, schema_editor):
    Challenge = apps.get_model("jurisdictions", "Challenge")
    Challenge.objects.filter(resolved_on__lt=F("first_reported_on")).update(resolved_on=F("first_reported_on"))


class Migration(migrations.Migration):
    dependencies = [
        ("jurisdictions", "0008_jurisdiction_code_validator"),
    ]

    operations = [
        migrations.RunPython(resolve_on_first_reported, migrations.RunPython.noop, elidable=True),
    ]
