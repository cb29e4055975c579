"""The image (Dockerfile): the app's user owns what the app writes, and nothing else: a
flaw in the app cannot rewrite its own code."""

import re
from pathlib import Path

from django.conf import settings

DOCKERFILE = Path(settings.BASE_DIR, "Dockerfile")


def test_the_code_is_copied_as_root():
    text = DOCKERFILE.read_text()

    assert re.search(r"^COPY \. \.$", text, re.MULTILINE)
    assert "--chown" not in text


def test_the_app_s_user_owns_only_what_the_app_writes():
    text = DOCKERFILE.read_text()
    owned = re.findall(r"chown -R cogwg:cogwg ([^\\\n]+)", text)

    # the static files (the migrate service's collectstatic), report files, beat's schedule
    assert [paths.split() for paths in owned] == [["/app/staticfiles", "/app/media", "/app/var"]]
    assert text.index("chown -R cogwg:cogwg") < text.index("USER cogwg")
    # Its home is not the code's directory.
    assert "--home-dir /home/cogwg" in text
    assert "--home-dir /app" not in text
