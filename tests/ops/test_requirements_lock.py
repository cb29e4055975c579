"""requirements.lock, the Dockerfile's constraints: every runtime package pinned, those of
requirements.txt at the same version, everything they need included, and the versions
this environment was tested with."""

import re
from importlib import metadata
from pathlib import Path

from django.conf import settings
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

BASE_DIR = Path(settings.BASE_DIR)
PIN = re.compile(r"^([A-Za-z0-9_.\-]+)==(\S+)$")


def pins(path):
    found = {}
    for line in Path(BASE_DIR, path).read_text().splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        match = PIN.match(line)
        assert match, f"{path}: not an exact pin: {line!r}"
        found[canonicalize_name(match.group(1))] = match.group(2)
    return found


def test_the_dockerfile_installs_with_the_lock_as_constraints():
    dockerfile = Path(BASE_DIR, "Dockerfile").read_text()

    assert "COPY requirements.txt requirements.lock /tmp/" in dockerfile
    assert "pip install -r /tmp/requirements.txt -c /tmp/requirements.lock" in dockerfile


def test_the_lock_pins_requirements_txt_at_the_same_versions():
    lock, direct = pins("requirements.lock"), pins("requirements.txt")

    assert {name: lock.get(name) for name in direct} == direct


def test_the_lock_holds_everything_the_runtime_packages_need():
    lock = pins("requirements.lock")
    missing = set()
    for name in lock:
        for text in metadata.requires(name) or []:
            requirement = Requirement(text)
            if requirement.marker and not requirement.marker.evaluate({"extra": ""}):
                continue
            if canonicalize_name(requirement.name) not in lock:
                missing.add(f"{requirement.name} (for {name})")

    assert sorted(missing) == []


def test_the_lock_is_what_this_environment_runs():
    """A requirements.txt changed without regenerating the lock shows here."""
    lock = pins("requirements.lock")

    assert {name: metadata.version(name) for name in lock} == lock
