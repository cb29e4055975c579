"""Every UI string in the source has a French translation: makemessages, run on a copy of
the tree, finds no new (untranslated) or fuzzy entry in the committed catalogue, and no
entry the source no longer uses; and no translation is the English message itself."""

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

from django.conf import settings

from tests.conftest import skip_or_fail
from tests.french import SAME_IN_BOTH, catalogue

SKIPPED_DIRS = (".venv", ".git", "var", "staticfiles", "__pycache__", ".pytest_cache", ".ruff_cache", "tests", "bench")


def test_there_is_one_catalogue():
    """An app's own locale/ would take its strings out of the project catalogue."""
    catalogues = sorted(
        str(p.relative_to(settings.BASE_DIR)) for p in Path(settings.BASE_DIR).glob("*/locale/*/LC_MESSAGES/*.po")
    )

    catalogues += [
        str(p.relative_to(settings.BASE_DIR)) for p in Path(settings.BASE_DIR).glob("locale/*/LC_MESSAGES/*.po")
    ]

    assert catalogues == ["locale/fr/LC_MESSAGES/django.po"]


def test_every_source_string_is_translated_into_french(tmp_path):
    if not (shutil.which("xgettext") and shutil.which("msgattrib")):
        skip_or_fail("GNU gettext is not installed (apt-get install -y gettext)")
    tree = tmp_path / "tree"
    shutil.copytree(settings.BASE_DIR, tree, ignore=shutil.ignore_patterns(*SKIPPED_DIRS))
    env = os.environ | {"DJANGO_SETTINGS_MODULE": "cogwg.settings.test"}
    subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", "fr"],
        cwd=tree,
        env=env,
        check=True,
        capture_output=True,
    )
    po = tree / "locale" / "fr" / "LC_MESSAGES" / "django.po"

    statistics = subprocess.run(
        ["msgfmt", "--statistics", "-o", os.devnull, str(po)], capture_output=True, text=True, check=True
    ).stderr
    missing = "".join(
        subprocess.run(["msgattrib", flag, str(po)], capture_output=True, text=True).stdout
        for flag in ("--untranslated", "--only-fuzzy")
    )

    assert re.fullmatch(r"\d+ translated messages\.\n", statistics), statistics + missing
    # and none the source no longer uses (makemessages marks them obsolete): a stale
    # entry misleads whoever translates, and hides a string that lost its translation.
    obsolete = subprocess.run(["msgattrib", "--only-obsolete", str(po)], capture_output=True, text=True).stdout
    assert "#~ msgid" not in obsolete, obsolete


def test_no_message_is_left_in_english_in_the_french_catalogue():
    """A msgstr equal to its msgid is a message left in English, unless it is one of the
    words reviewed as spelled and meant alike in both languages (tests/french.py), or a
    marker the code reads back, whose context says "translate as is"."""
    left = [
        english
        for entry in catalogue()
        if not entry.context.endswith("translate as is")
        for english, french in ((entry.msgid, entry.msgstrs[0]), (entry.msgid_plural, entry.msgstrs[-1]))
        if english and english == french and english not in SAME_IN_BOTH
    ]

    assert left == []


def test_every_word_allowed_alike_in_both_languages_is_in_the_catalogue_as_such():
    """The allow-list holds no word the catalogue no longer keeps alike."""
    alike = {entry.msgid for entry in catalogue() if entry.msgid == entry.msgstrs[0]}

    assert SAME_IN_BOTH - alike == set()
