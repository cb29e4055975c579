"""Conditional GET and the page cache of the public pages.

A page's ETag is a hash of the data version (cogwg/versioning.py: it changes whenever any
record the site shows changes), the day (milestones become overdue at midnight) and the
page's address. Answering a conditional GET therefore costs two cache reads and no query.

The rendered page is kept in the cache under that ETag (``COGWG_PAGE_CACHE_SECONDS``), for
readers who carry no session or messages cookie: their page is the same for everyone. A
change of the data changes the ETag, so a kept page is never shown after the data it was
built from changed; kept pages also keep serving while the database is away."""

import hashlib

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.http import quote_etag

from .versioning import data_version

PAGE_KEY = "cogwg:page:{etag}"


def public_etag(request, *args, **kwargs) -> str:
    fingerprint = f"{data_version().tag}|{timezone.localdate()}|{request.get_full_path()}"
    return hashlib.sha256(fingerprint.encode()).hexdigest()[:32]


def may_share_page(request) -> bool:
    """Whether the reader's page is everyone's page: no session (a signed-in user, a form
    in progress) and no pending message."""
    if not settings.COGWG_PAGE_CACHE_SECONDS:
        return False
    return not {settings.SESSION_COOKIE_NAME, getattr(settings, "MESSAGE_COOKIE_NAME", "messages")} & set(
        request.COOKIES
    )


def keep_page(key, response):
    """Keep a rendered 200 that sets no cookie."""
    if response.status_code == 200 and not response.streaming and not response.cookies:
        cache.set(key, response, settings.COGWG_PAGE_CACHE_SECONDS)
    return response


class ConditionalGetMixin:
    """Answer 304 Not Modified when nothing public changed since the reader's copy, serve
    the kept page when there is one, and let caches keep the page only if they revalidate
    it."""

    def dispatch(self, request, *args, **kwargs):
        if request.method not in ("GET", "HEAD"):
            return super().dispatch(request, *args, **kwargs)
        etag = quote_etag(public_etag(request))
        response = get_conditional_response(request, etag=etag)
        if response is None:
            shared = may_share_page(request)
            key = PAGE_KEY.format(etag=etag.strip('"'))
            response = cache.get(key) if shared else None
            if response is None:
                response = super().dispatch(request, *args, **kwargs)
                if shared and hasattr(response, "add_post_render_callback") and not response.is_rendered:
                    response.add_post_render_callback(lambda rendered: keep_page(key, rendered))
                elif shared:
                    keep_page(key, response)
        if response.status_code in (200, 304):
            response["ETag"] = etag
        patch_cache_control(response, public=True, max_age=0, must_revalidate=True)
        return response
