"""Conditional GET and the page cache of the public pages.

A page's ETag is a hash of the data version (cogwg/versioning.py: it changes whenever any
record the site shows changes), the day (milestones become overdue at midnight), the
page's address and what the reader may see (the secretariat's status-report list shows
drafts). Answering an anonymous reader's conditional GET therefore costs two cache reads
and no query.

The rendered page is kept in the cache under that ETag (``COGWG_PAGE_CACHE_SECONDS``), for
readers who carry no session or messages cookie (their page is the same for everyone) and
addresses without a query string. A
change of the data changes the ETag, so a kept page is never shown after the data it was
built from changed; kept pages also keep serving while the database is away."""

import hashlib
import threading
from collections import OrderedDict

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.http import quote_etag

from . import permissions
from .api.caching import without_credentials
from .versioning import data_version, today

PAGE_KEY = "cogwg:page:{etag}"


def reader_kind(request) -> str:
    """What the reader may see (``permissions.visibility_key``: the same for readers who
    see the same records, and no account's id), so that a signed-in reader's page and the
    public's never share a tag. A reader without credentials is known to be the public
    without loading a session: no query."""
    if without_credentials(request):
        return permissions.PUBLIC_VISIBILITY
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return permissions.PUBLIC_VISIBILITY
    return permissions.visibility_key(user)


def public_etag(request, *args, **kwargs) -> str:
    fingerprint = f"{data_version().tag}|{today()[0]}|{request.get_full_path()}|{reader_kind(request)}"
    return hashlib.sha256(fingerprint.encode()).hexdigest()[:32]


def may_share_page(request) -> bool:
    """Whether the reader's page (or API answer: cogwg/api/viewsets.py) is everyone's and
    worth keeping: no session (a signed-in user, a form in progress), no pending message,
    and no query string (filtered and paged lists still answer revalidations cheaply;
    keeping every variant a client can make up would let anyone fill the cache)."""
    if not settings.COGWG_PAGE_CACHE_SECONDS or request.META.get("QUERY_STRING"):
        return False
    return not {settings.SESSION_COOKIE_NAME, getattr(settings, "MESSAGE_COOKIE_NAME", "messages")} & set(
        request.COOKIES
    )


class PageStore:
    """Rendered pages by key (their ETag): the most recent ``local_size`` in this process,
    all of them in the shared cache. A page is kept as its status, headers and body, and
    each reader gets a response of their own."""

    local_size = 128

    def __init__(self):
        self._local = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key):
        with self._lock:
            page = self._local.get(key)
            if page is not None:
                self._local.move_to_end(key)
        if page is None:
            page = cache.get(key)
            if page is not None:
                self._remember(key, page)
        if page is None:
            return None
        status, headers, content = page
        return HttpResponse(content, status=status, headers=headers)

    def keep(self, key, response):
        """Keep a rendered 200 that sets no cookie."""
        if response.status_code == 200 and not response.streaming and not response.cookies:
            page = (response.status_code, dict(response.items()), response.content)
            cache.set(key, page, settings.COGWG_PAGE_CACHE_SECONDS)
            self._remember(key, page)
        return response

    def clear_local(self):
        with self._lock:
            self._local.clear()

    def _remember(self, key, page):
        with self._lock:
            self._local[key] = page
            self._local.move_to_end(key)
            while len(self._local) > self.local_size:
                self._local.popitem(last=False)


pages = PageStore()


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
            response = pages.get(key) if shared else None
            if response is None:
                response = super().dispatch(request, *args, **kwargs)
                if shared and hasattr(response, "add_post_render_callback") and not response.is_rendered:
                    response.add_post_render_callback(lambda rendered: pages.keep(key, rendered))
                elif shared:
                    pages.keep(key, response)
        if response.status_code in (200, 304):
            response["ETag"] = etag
        patch_cache_control(response, public=True, max_age=0, must_revalidate=True)
        return response
