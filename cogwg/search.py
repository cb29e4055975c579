"""Text search that ignores accents and case, as French and English readers type: "ecole",
"École" and "ÉCOLE" all find "école".

The database does the comparing with an ``UNACCENT()`` function on both sides:
PostgreSQL's ``unaccent`` extension (created by the migration
``cogwg/migrations/0006_unaccent.py``; a trusted extension, which a database's owner may
create), and on SQLite the same rules in Python, registered on every connection
(``CogwgConfig.ready``).
"""

import unicodedata

from django.db.models import CharField, F, Func, Value
from django.db.models.lookups import IContains

# Letters that PostgreSQL's unaccent spells out and that Unicode does not decompose.
LIGATURES = str.maketrans({"œ": "oe", "Œ": "OE", "æ": "ae", "Æ": "AE", "ß": "ss"})


def strip_accents(text: str | None) -> str | None:
    """``text`` without its accents ("Québec" → "Quebec", "cœur" → "coeur")."""
    if text is None:
        return None
    decomposed = unicodedata.normalize("NFKD", text.translate(LIGATURES))
    return "".join(character for character in decomposed if not unicodedata.combining(character))


class Unaccent(Func):
    function = "UNACCENT"
    output_field = CharField()


def contains_text(column: str, text: str) -> IContains:
    """A condition for ``filter()``: ``column`` holds ``text``, whatever the accents and
    the case."""
    return IContains(Unaccent(F(column)), Unaccent(Value(text, output_field=CharField())))


def register_unaccent(sender, connection, **kwargs):
    """``connection_created`` receiver: gives a SQLite connection its ``UNACCENT()``."""
    if connection.vendor == "sqlite":
        connection.connection.create_function("UNACCENT", 1, strip_accents, deterministic=True)
