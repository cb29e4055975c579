"""Project middleware: a request id on every request and its logs, a 400 for an address
with a null character, a friendly 503 instead of a 500 when the database cannot be
reached, and addresses without a language prefix sent to the reader's language."""

import logging
import re
import sys
import uuid

from django.conf import settings
from django.core.signals import got_request_exception
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, JsonResponse
from django.middleware.locale import LocaleMiddleware as DjangoLocaleMiddleware
from django.template import loader
from django.urls import is_valid_path, translate_url
from django.utils import translation
from django.utils.cache import add_never_cache_headers, patch_vary_headers
from django.utils.translation import gettext

from .api.caching import anonymous_reader
from .logging import request_id_var
from .views import NULL_CHARACTER, error_response

logger = logging.getLogger(__name__)

REQUEST_ID_HEADER = "X-Request-ID"
# An id that a proxy in front (nginx) or a client sends is kept when it is a plain token;
# anything else is replaced, so that logs cannot be forged through the header.
VALID_REQUEST_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]{0,127}")

DATABASE_ERRORS = (OperationalError, InterfaceError)
RETRY_AFTER_SECONDS = 30


class RequestIdMiddleware:
    """Give each request an id (``request.request_id``), keep it for the log records made
    while it runs (cogwg.logging), and return it in the ``X-Request-ID`` header."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.headers.get(REQUEST_ID_HEADER, "")
        request.request_id = incoming if VALID_REQUEST_ID.fullmatch(incoming) else uuid.uuid4().hex
        token = request_id_var.set(request.request_id)
        try:
            response = self.get_response(request)
        finally:
            request_id_var.reset(token)
        response[REQUEST_ID_HEADER] = request.request_id
        return response


class NullCharacterMiddleware:
    """A null character in the address (``%00`` in its path or its query string) is
    answered 400 (cogwg.views.error_response: the site's page, JSON under /api/), before it
    reaches a query: PostgreSQL refuses one in a string, which would be a 500. No address
    of the site has one. Cheap, as it runs on every request: Django decodes the query
    string's parameters from ``%XX`` escapes (``parse_qsl``), so a null character in one
    is a ``%00`` in the raw string (or the character itself)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        query = request.META.get("QUERY_STRING", "")
        if "\x00" in request.path_info or "%00" in query or "\x00" in query:
            return error_response(request, status=400, template_name="400.html", detail=NULL_CHARACTER)
        return self.get_response(request)


def database_unavailable_response(request):
    """The 503 answered while the database is unreachable: in the request's language,
    with ``Retry-After``, and built without touching the database."""
    language = translation.get_language_from_request(request, check_path=True)
    with translation.override(language):
        if request.accepts("text/html"):
            content = loader.render_to_string("503.html", {"path": request.get_full_path()})
            response = HttpResponse(content, status=503)
        else:
            detail = gettext("The service is temporarily unavailable. Please try again in a few minutes.")
            response = JsonResponse({"detail": detail}, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Content-Language"] = language
    add_never_cache_headers(response)
    return response


def _flag_database_error(sender, request=None, **kwargs):
    # Django turns an exception raised in a middleware (a session saved while the
    # database is down) into a 500 before the outer middleware sees it; this signal is
    # sent while the exception is being handled, so it can still be recognized.
    if request is not None and isinstance(sys.exc_info()[1], DATABASE_ERRORS):
        request.database_unavailable = True


class DatabaseUnavailableMiddleware:
    """A database outage answers 503 + ``Retry-After``, never 500. Views raising
    ``OperationalError``/``InterfaceError`` are caught in ``process_exception``; errors
    raised by the middleware inside this one are recognized through Django's
    ``got_request_exception`` signal. Recovery needs nothing: the broken connection is
    closed at the end of the request and ``CONN_HEALTH_CHECKS`` has the next request open
    a new one."""

    def __init__(self, get_response):
        self.get_response = get_response
        got_request_exception.connect(_flag_database_error, dispatch_uid="cogwg.database_unavailable")

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code == 500 and getattr(request, "database_unavailable", False):
            return database_unavailable_response(request)
        return response

    def process_exception(self, request, exception):
        if isinstance(exception, DATABASE_ERRORS):
            logger.warning("database unavailable, answering 503: %s", exception)
            return database_unavailable_response(request)
        return None


class LocaleMiddleware(DjangoLocaleMiddleware):
    """Django's, which sends an address without a language prefix (``/about/``) to the
    reader's language (``/en/about/``) when the address exists in it, and also to the
    reader's own address of a page named in another language: a French reader who follows
    ``/work-plan/2020/`` (the sitemap's ``x-default`` addresses are the English ones,
    unprefixed) gets ``/fr/plan-de-travail/2020/``, where Django answers 404."""

    def process_response(self, request, response):
        response = super().process_response(request, response)
        if response.status_code != 404 or translation.get_language_from_path(request.path_info):
            return response
        target = self._translated_address(request)
        if target is None:
            return response
        redirect = self.response_redirect_class(target)
        patch_vary_headers(redirect, ("Accept-Language", "Cookie"))
        redirect.headers.setdefault("Content-Language", translation.get_language())
        return redirect

    @staticmethod
    def _translated_address(request):
        language = translation.get_language()
        urlconf = getattr(request, "urlconf", settings.ROOT_URLCONF)
        for other, _name in settings.LANGUAGES:
            if other == language:
                continue
            address = f"/{other}{request.path_info}"
            with translation.override(other):
                if not is_valid_path(address, urlconf):
                    continue
                translated = translate_url(address, language)
            if translated == address:
                continue  # not found in the reader's language: left as a 404
            # translate_url() reverses: the address carries the script prefix already.
            query = request.META.get("QUERY_STRING", "")
            return translated + (f"?{query}" if query else "")
        return None


# Cross-origin reads of the API (CORS): a dashboard on another site reads it from the browser.
API_PREFIX = "/api/"
CORS_METHODS = ("GET", "HEAD", "OPTIONS")
CORS_REQUEST_HEADERS = ("Accept", "Accept-Language", "If-None-Match", "If-Modified-Since")
CORS_EXPOSED_HEADERS = (
    "ETag",
    "Last-Modified",
    "Content-Language",
    "Retry-After",
    "Content-Disposition",
    "Link",
    # The anonymous reader's quota (cogwg/api/throttling.py).
    "RateLimit-Policy",
    "RateLimit",
)
CORS_PREFLIGHT_MAX_AGE = 86400


class ApiCorsMiddleware:
    """Lets any origin read the API without credentials: ``Access-Control-Allow-Origin: *``
    on every answer to a GET, HEAD or OPTIONS under /api/ that carries none (304s, kept
    answers and errors included), and the preflight of such a read answered here. Never
    with credentials (a reader with a session or a token sees drafts), and no writes:
    those stay the site's own (a preflight for another method gets no CORS headers, so the
    browser refuses the request)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not request.path_info.startswith(API_PREFIX) or request.method not in CORS_METHODS:
            return self.get_response(request)
        if request.method == "OPTIONS" and "HTTP_ACCESS_CONTROL_REQUEST_METHOD" in request.META:
            # A preflight, which a browser sends without credentials.
            if request.META["HTTP_ACCESS_CONTROL_REQUEST_METHOD"].upper() not in CORS_METHODS:
                return self.get_response(request)
            response = HttpResponse(status=204)
            response["Access-Control-Allow-Methods"] = ", ".join(CORS_METHODS)
            response["Access-Control-Allow-Headers"] = ", ".join(CORS_REQUEST_HEADERS)
            response["Access-Control-Max-Age"] = str(CORS_PREFLIGHT_MAX_AGE)
        else:
            response = self.get_response(request)
            if not anonymous_reader(request):
                return response
        response["Access-Control-Allow-Origin"] = "*"
        response["Access-Control-Expose-Headers"] = ", ".join(CORS_EXPOSED_HEADERS)
        return response
