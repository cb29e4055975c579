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

# What PostgreSQL's unaccent rules (``unaccent.rules``) spell out and Unicode does not
# decompose: ligatures and the Latin letters with a stroke, and the typographic
# punctuation French and English text is written with (a search for "l\u2019école" must
# find "l'école", and the other way round, on SQLite as on PostgreSQL). Each value is the
# rules' own; tests/cogwg/test_search_unaccent.py compares them with PostgreSQL's.
UNACCENT_RULES = {
    # Ligatures and letters
    "œ": "oe",
    "Œ": "OE",
    "æ": "ae",
    "Æ": "AE",
    "ß": "ss",
    "ẞ": "SS",
    "ø": "o",
    "Ø": "O",
    "ł": "l",
    "Ł": "L",
    "đ": "d",
    "Đ": "D",
    "ð": "d",
    "Ð": "D",
    "þ": "th",
    "Þ": "TH",
    "ħ": "h",
    "Ħ": "H",
    "\u0131": "i",  # dotless i
    "ŀ": "l",
    "Ŀ": "L",
    # Apostrophes and quotation marks
    "\u2018": "'",  # left single quotation mark
    "\u2019": "'",  # right single quotation mark
    "\u201b": "'",  # single high-reversed-9 quotation mark
    "\u2032": "'",  # prime
    "\u02bc": "'",  # modifier letter apostrophe
    "\u201c": '"',  # left double quotation mark
    "\u201d": '"',  # right double quotation mark
    "\u201f": '"',  # double high-reversed-9 quotation mark
    "\u2033": '"',  # double prime
    "\u201a": ",",  # single low-9 quotation mark
    "\u201e": ",,",  # double low-9 quotation mark
    "\u00ab": "<<",  # left-pointing double angle quotation mark
    "\u00bb": ">>",  # right-pointing double angle quotation mark
    "\u2039": "<",  # single left-pointing angle quotation mark
    "\u203a": ">",  # single right-pointing angle quotation mark
    # Hyphens and dashes
    "\u00ad": "-",  # soft hyphen
    "\u2010": "-",  # hyphen
    "\u2011": "-",  # non-breaking hyphen
    "\u2012": "-",  # figure dash
    "\u2013": "-",  # en dash
    "\u2014": "-",  # em dash
    "\u2015": "-",  # horizontal bar
    "\u2212": "-",  # minus sign
}
SPELLED_OUT = str.maketrans(UNACCENT_RULES)


def strip_accents(text: str | None) -> str | None:
    """``text`` without its accents ("Québec" → "Quebec", "cœur" → "coeur"), its typographic
    punctuation spelled as PostgreSQL's unaccent spells it ("l\u2019école" → "l'ecole")."""
    if text is None:
        return None
    decomposed = unicodedata.normalize("NFKD", text.translate(SPELLED_OUT))
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
