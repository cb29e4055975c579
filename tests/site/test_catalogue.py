"""The French catalogue is complete, has nothing fuzzy, and its compiled .mo is current."""

import gettext
import re
from pathlib import Path

from django.conf import settings

PO = Path(settings.BASE_DIR) / "locale" / "fr" / "LC_MESSAGES" / "django.po"


def entries():
    """(flags, msgid, msgstrs) of each active entry, the header left out."""
    result = []
    for block in PO.read_text(encoding="utf-8").split("\n\n"):
        lines = [line for line in block.splitlines() if not line.startswith("#~")]
        if not any(line.startswith("msgid ") for line in lines):
            continue
        flags = " ".join(line for line in lines if line.startswith("#,"))
        if any(line.startswith("msgctxt") for line in lines):
            flags += " context"
            lines = [line for line in lines if not line.startswith("msgctxt")]
        text = "\n".join(line for line in lines if not line.startswith("#"))
        msgid = "".join(re.findall(r'"(.*)"', text.split("msgid_plural")[0].split("msgstr")[0]))
        msgstrs = ["".join(re.findall(r'"(.*)"', part)) for part in re.split(r"msgstr(?:\[\d\])? ", text)[1:]]
        if msgid:
            result.append((flags, msgid, msgstrs))
    return result


def test_every_message_is_translated_and_none_is_fuzzy():
    found = entries()

    assert len(found) > 500
    assert [msgid for flags, msgid, _strs in found if "fuzzy" in flags] == []
    assert [msgid for _flags, msgid, msgstrs in found if not all(msgstrs)] == []


def test_the_compiled_catalogue_matches_the_sources():
    compiled = gettext.GNUTranslations(PO.with_suffix(".mo").open("rb"))

    for flags, msgid, msgstrs in entries():
        if "\\" in msgid or len(msgstrs) != 1 or "context" in flags:
            continue  # escapes and plural forms: msgfmt's job, checked by the line above
        assert compiled.gettext(msgid) == msgstrs[0], msgid
