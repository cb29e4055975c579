"""PostgreSQL's unaccent extension, for searching whatever the accents (cogwg/search.py).
A trusted extension since PostgreSQL 13: the database's owner may create it. Nothing is
done on SQLite, where each connection is given the function (cogwg/apps.py)."""

from django.contrib.postgres.operations import UnaccentExtension
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("cogwg", "0005_constraint_messages"),
    ]

    operations = [UnaccentExtension()]
