"""Development settings: ``make run`` uses these. Never for a server others can reach."""

import os

os.environ.setdefault("DJANGO_DEBUG", "true")
# A fixed key is acceptable only because DEBUG is on and the site is bound to 127.0.0.1.
os.environ.setdefault("DJANGO_SECRET_KEY", "insecure-development-key-not-for-production")
# The local admin signs in with a password only (production asks staff for a TOTP code).
os.environ.setdefault("COGWG_REQUIRE_STAFF_OTP", "false")
# An edited template shows at the next reload: no rendered page is kept.
os.environ.setdefault("COGWG_PAGE_CACHE_SECONDS", "0")

from .base import *  # noqa: F403
