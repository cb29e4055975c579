"""Finds English in what a French reader gets: the text of a French page, or of a French
PDF, PPTX, XLSX or CSV. Three independent nets, each naming what it caught:

* ``catalogue``: a piece of an English message of the catalogue (a msgid whose French
  differs) — a string the code forgot to translate, or translated in the wrong language;
* ``same``: a text node (a line, a cell) identical in the English and the French version
  of the same page or file — an English literal in a template or in code, or a message
  left in English in the catalogue; a node made only of words the French catalogue or
  the data use, or of words spelled alike in both languages (``SAME_IN_BOTH``,
  ``NEUTRAL``), is allowed;
* ``words``: an English function word ("the", "of", "your"…) that French never uses —
  an English literal inside a French sentence.

Data are not UI text. Before checking, the values the database holds that a French reader
may legitimately see as they are — the French version of every translated field, the
English one only where the French is empty (the fallback), and every untranslated text
column (codes, names of datasets, publishers, URLs, e-mail addresses) — are cut out of the
text, whole words only; and so is any e-mail or web address (the settings' contact
addresses). Text a page marks with another ``lang`` (a fallback to English) is not read
(``tests.site.text``), nor is code (``<code>``: names of columns and parameters).
``data_values`` never returns a value that is itself an English message of the catalogue,
so this can never hide a UI string.
"""

import ast
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.db import models
from modeltranslation.translator import NotRegistered, translator

from tests.site.text import _Reader

PO = Path(settings.BASE_DIR) / "locale" / "fr" / "LC_MESSAGES" / "django.po"

# Messages the catalogue keeps identical in French, each reviewed: spelled and meant the same
# in both languages (Office québécois de la langue française, Termium). Any other message
# whose msgstr equals its msgid is a message left in English.
SAME_IN_BOTH = {
    "(P)",  # the deck's mark for a partner seat
    "API",
    "Action",
    "Administration",
    "Code",
    "Description",
    "Formats",
    "JSON",
    "Municipal",
    "OK",
    "Pages",
    "Provincial",
    "Publication",
    "Social",
    "Territorial",
    "Type",
    "URL",
    "arguments",
    "code",
    "date",
    "description",
    "format",
    "introduction",
    "licence",
    "note",
    "points",
    "source",
}
# Text that is neither UI nor data and reads the same in both languages: names of formats
# and of the site, acronyms.
NEUTRAL = {"PDF", "XLSX", "PPTX", "CSV", "RSS", "iCalendar", "Atom", "GCcollab", "CKAN", "Canada"}

# English function words that are not French words: any of them in French text is English.
# ("on", "a", "as", "or", "an", "in", "no", "due", "me"… are French too, so are left out.)
ENGLISH_WORDS = (
    "the|of|and|to|with|your|you|this|that|these|those|is|are|was|were|be|been|has|have|will|from|by|at|"
    "for|not|its|it|our|their|there|which|who|what|when|where|how|than|then|into|about|yet|any|all|each|"
    "please|back|top|here|more|view|show|see|until|since|yes"
)
ENGLISH_WORD = re.compile(rf"(?<![\w'\u2019-])(?:{ENGLISH_WORDS})(?![\w'\u2019-])", re.IGNORECASE)
PLACEHOLDER = re.compile(r"%\(\w+\)[sdif]|%[sdif]|\{[^{}]*\}|<[^<>]*>|&\w+;|\n")
CODE = {"code", "kbd", "samp"}
# E-mail and web addresses, wherever they come from (the data, the settings).
ADDRESS = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)*|\bhttps?://\S+|\bwww\.\S+")
WORD = re.compile(r"[^\W\d_]{2,}")


@dataclass(frozen=True)
class Entry:
    context: str
    msgid: str
    msgid_plural: str
    msgstrs: tuple


@cache
def catalogue() -> tuple[Entry, ...]:
    """Every active entry of the French catalogue, the header left out."""
    entries, fields, key = [], {}, None

    def close():
        if fields.get("msgid"):
            strs = tuple(value for name, value in sorted(fields.items()) if name.startswith("msgstr"))
            entries.append(Entry(fields.get("msgctxt", ""), fields["msgid"], fields.get("msgid_plural", ""), strs))
        fields.clear()

    for line in [*PO.read_text(encoding="utf-8").splitlines(), ""]:
        line = line.strip()
        if not line or line.startswith("#"):
            if not line and fields:
                close()
            continue
        if line.startswith('"'):
            fields[key] += ast.literal_eval(line)
            continue
        key, _space, value = line.partition(" ")
        fields[key] = ast.literal_eval(value)
    return tuple(entries)


def _pieces(message):
    """The fixed text of a message: what is left between its placeholders and tags."""
    return [piece.strip(" .,:;!?()«»\u00a0") for piece in PLACEHOLDER.split(message)]


@cache
def french_words() -> frozenset:
    """Every word of the catalogue's French (of the messages translated differently)."""
    words = set()
    for entry in catalogue():
        if entry.msgstrs[0] != entry.msgid:
            for text in entry.msgstrs:
                words.update(WORD.findall(text))
    return frozenset(words)


@cache
def english_pieces() -> tuple[str, ...]:
    """The fixed pieces of every English message whose French differs, but those made of
    words French uses as well (such as "Province" or "Total"), longest first."""
    pieces = set()
    for entry in catalogue():
        for english, french in ((entry.msgid, entry.msgstrs[0]), (entry.msgid_plural, entry.msgstrs[-1])):
            if not english or english == french:
                continue
            for piece in _pieces(english):
                words = WORD.findall(piece)
                if words and not all(word in french_words() for word in words) and "/" not in piece:
                    pieces.add(piece)
    return tuple(sorted(pieces, key=len, reverse=True))


@cache
def _english_pattern():
    return re.compile("|".join(rf"(?<![\w'\u2019-]){re.escape(piece)}(?![\w'\u2019-])" for piece in english_pieces()))


def data_values() -> list[str]:
    """The texts of the database a French reader may see as they are (see the module's
    docstring), longest first; none of them an English message."""
    values = set()
    for model in apps.get_models():
        if model._meta.app_label not in ("cogwg", "workplan", "jurisdictions", "stories") or model.__name__.startswith(
            "Historical"
        ):
            continue
        try:
            translated = set(translator.get_options_for_model(model).all_fields)
        except NotRegistered:
            translated = set()
        columns = [
            field.name
            for field in model._meta.concrete_fields
            if isinstance(field, (models.CharField, models.TextField)) and not field.choices
        ]
        skipped = translated | {f"{name}_en" for name in translated} | {f"{name}_fr" for name in translated}
        plain = [name for name in columns if name not in skipped]
        rows = model._default_manager.values(*plain, *(f"{n}_{lang}" for n in translated for lang in ("en", "fr")))
        for row in rows:
            texts = [row[name] for name in plain]
            for name in translated:
                texts.append(row[f"{name}_fr"] or row[f"{name}_en"])
            for text in texts:
                values.update(line.strip() for line in (text or "").splitlines())
    english = {piece for entry in catalogue() for piece in (entry.msgid, entry.msgid_plural) if piece}
    return sorted((value for value in values if len(value) > 1 and value not in english), key=len, reverse=True)


def without_data(text: str, values) -> str:
    text = ADDRESS.sub(" ", text)
    for value in values:
        if value in text:
            text = re.sub(rf"(?<!\w){re.escape(value)}(?!\w)", " ", text)
    return " ".join(text.split())


class _TextReader(_Reader):
    """Sets aside code (the names of columns and parameters the open data page shows)."""

    def handle_data(self, data):
        if not any(tag in CODE for tag, _language in self.stack):
            super().handle_data(data)


def html_chunks(html: str) -> list[str]:
    """The text nodes and read-aloud attributes of a page in its own language (as
    ``tests.site.text.visible_text`` reads them), one by one, code set aside."""
    reader = _TextReader()
    reader.feed(html)
    return [" ".join(chunk.split()) for chunk in reader.chunks if chunk.strip()]


def english_in(french: list[str], english: list[str], values) -> list[tuple[str, str, str]]:
    """(net, what, in which text) for each English text found in the ``french`` texts, the
    ``english`` ones being the same page or file in English."""
    found = []
    english_texts = {without_data(text, values) for text in english}
    pattern = _english_pattern()
    # Words of the French catalogue or of the data (a PDF's line may hold a single word of a sentence).
    allowed = french_words() | NEUTRAL | {word for text in [*SAME_IN_BOTH, *values] for word in WORD.findall(text)}
    for text in french:
        rest = without_data(text, values)
        if not WORD.search(rest):
            continue
        found += [("catalogue", hit.group(), text) for hit in pattern.finditer(rest)]
        if rest in english_texts and not set(WORD.findall(rest)) <= allowed:
            found.append(("same", rest, text))
        found += [("words", hit.group(), text) for hit in ENGLISH_WORD.finditer(rest)]
    return sorted(set(found))
