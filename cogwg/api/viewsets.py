"""Base viewsets of the API. An app's viewset declares ``queryset`` (everything, with the
select/prefetch its serializer needs), ``serializer_class`` and ``filterset_class``; this
base narrows the queryset to what the reader may see (cogwg/permissions.py), sets
the response's language, answers conditional GETs, keeps anonymous answers (as the site
keeps its pages) and keeps writes all-or-nothing.

A write of a stored record (an update, a deletion, an action such as ``publish``) runs in
one transaction that locks the record's row before reading it (``get_object``): it is
judged (rights, ``If-Match``), validated and saved against the record as stored, and a
concurrent write waits for it, then reads what it saved. Saving a copy read before
another writer's change would undo that change (a publish, a milestone's progress), and
two writers of the same ``If-Match`` would both pass. The row is locked in the lock order of
writes (``cogwg.services.rows_lock``): a progress update after its plan, priority and
milestone, as the services lock them, so that two writes wait for each other rather than
deadlock. (SQLite, the embedded default,
locks no row: a write made after the read is still seen, two at the very same instant
could pass, as in the admin: cogwg/admin_concurrency.py.)"""

import contextlib
import copy

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError, router, transaction
from django.db.models import ProtectedError, RestrictedError
from django.http import Http404, HttpResponse
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext_lazy as _
from rest_framework import status, viewsets
from rest_framework.exceptions import APIException, ErrorDetail, NotFound, ParseError, PermissionDenied
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response

from cogwg import permissions
from cogwg.http import may_share_page, pages
from cogwg.services import rows_lock

from .base import api_validation_error
from .caching import (
    PUBLIC_CACHE_CONTROL,
    RECORD_ETAG_HEADER,
    cache_control,
    not_modified_response,
    preconditions_pass,
    record_validators,
    revalidation,
    set_validators,
    validators,
    without_credentials,
)
from .language import LANG_PARAMETER, activate_requested_language, language_codes
from .pagination import FILE_FORMATS
from .throttling import set_rate_limit_headers

# The language, and whether the reader sees drafts, shape the content (and DRF adds Accept
# where there are several formats).
CONTENT_VARIES_WITH = ("Accept-Language", "Authorization", "Cookie")
ANSWER_KEY = "cogwg:api:{etag}"
# Conditional headers weighed by DRF's pass only (a kept answer is a plain 200).
OTHER_CONDITIONS = {"HTTP_IF_MODIFIED_SINCE", "HTTP_IF_MATCH", "HTTP_IF_UNMODIFIED_SINCE"}


# ``ApiViewSetMixin.route_headers()`` by viewset class and actions.
ROUTE_HEADERS = {}


def answer_key(etag: str) -> str:
    return ANSWER_KEY.format(etag=etag.strip('"'))


class Conflict(APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = _("This record is still in use and cannot be deleted.")
    default_code = "conflict"


class PreconditionFailed(APIException):
    status_code = status.HTTP_412_PRECONDITION_FAILED
    default_detail = _("The record has changed since you read it: read it again (its Record-ETag header) and retry.")
    default_code = "precondition_failed"


class UnreadableBody(ParseError):
    # DRF's message quotes the parser's own, in English.
    default_detail = _("The request body cannot be read: send valid JSON (application/json) or a form.")


# DRF's messages that it does not mark for translation: said in the reader's language.
UNMARKED_MESSAGES = {
    # A JSON null (or no body a serializer can read) in place of the record.
    "No data provided": _("No data provided"),
}


def in_reader_language(response):
    """``response`` with DRF's unmarked messages (``UNMARKED_MESSAGES``) in its errors said
    in the active language, whether DRF raised them or a view answered them."""

    def translated(detail):
        if isinstance(detail, dict):
            return {key: translated(value) for key, value in detail.items()}
        if isinstance(detail, list):
            return [translated(value) for value in detail]
        if isinstance(detail, ErrorDetail) and str(detail) in UNMARKED_MESSAGES:
            return ErrorDetail(str(UNMARKED_MESSAGES[str(detail)]), code=detail.code)
        return detail

    if response.status_code == status.HTTP_400_BAD_REQUEST and isinstance(response, Response):
        response.data = translated(response.data)
    return response


class ApiViewSetMixin:
    # The actions that answer conditional GETs with ``revalidated()``.
    revalidating_actions = ("list", "retrieve")
    # The actions whose answer is one record as stored, sent with its Record-ETag.
    record_actions = ("retrieve", "create", "update", "partial_update")
    # The record read or written by this request (``get_object``, ``perform_create``).
    record = None

    def dispatch(self, request, *args, **kwargs):
        if not self.is_anonymous_read(request):
            return super().dispatch(request, *args, **kwargs)
        if (response := self.anonymous_answer(request)) is not None:
            return response
        response = super().dispatch(request, *args, **kwargs)
        if request.method == "GET" and response.status_code == 200 and may_share_page(request):
            # Kept once rendered, under the ETag it is sent with (which hashes all it depends
            # on); JSON only: files are downloads, and the browsable API is per reader.
            if hasattr(response, "add_post_render_callback") and not response.is_rendered:
                response.add_post_render_callback(self.keep_answer)
            else:
                self.keep_answer(response)
        return response

    def is_anonymous_read(self, request):
        """A GET of an action that answers conditional GETs, without credentials (no
        Authorization header, no session cookie): anonymous whatever DRF's authentication
        would say. Its language is the middleware's or ``?lang=``, its format follows from
        its address and Accept header, so its ETag is known before DRF's set-up."""
        return (
            request.method in ("GET", "HEAD")
            and self.action_map.get(request.method.lower()) in self.revalidating_actions
            and without_credentials(request)
        )

    def anonymous_answer(self, request):
        """An anonymous read answered before DRF's request set-up (authentication, content
        negotiation, permissions): a 304 to a conditional GET whose ETag is current, else
        the answer kept for that ETag (as pages are: ``may_share_page``). Polling clients cost what a
        page's revalidation costs, and readers who do not revalidate what a kept page
        costs. The request is still counted by the throttle (once: DRF's pass reuses the
        count). Anything else (a stale ETag, nothing kept, a bad ``lang``, a reader over
        the limit) goes DRF's whole way, which keeps its answer for the next reader."""
        conditional = "HTTP_IF_NONE_MATCH" in request.META
        if not conditional and (not may_share_page(request) or OTHER_CONDITIONS & request.META.keys()):
            return None  # (the throttle below must count such a request once, in DRF's pass)
        # (An address without a query string needs no QueryDict.)
        requested = request.GET.get(LANG_PARAMETER) if request.META.get("QUERY_STRING") else None
        if requested is not None and requested not in language_codes():
            return None
        if not all(throttle.allow_request(request, self) for throttle in self.get_throttles()):
            return None
        if requested is not None:
            translation.activate(requested)
        if conditional:
            response = revalidation(request, visibility=permissions.PUBLIC_VISIBILITY)
            if response is None or response.status_code != 304:
                return None
            for name, value in self.route_headers().items():
                response[name] = value
            response["Content-Language"] = translation.get_language()
            response["Cache-Control"] = PUBLIC_CACHE_CONTROL
            return set_rate_limit_headers(request, response)
        etag, _last_modified = validators(request, visibility=permissions.PUBLIC_VISIBILITY)
        if (response := pages.get(answer_key(etag))) is None:
            return None
        return set_rate_limit_headers(request, response)

    def route_headers(self):
        """The headers DRF's own 304 carries besides the validators and the language
        (``finalize_response``): ``Allow`` and ``Vary``, the same for every request of this
        viewset's route, so worked out once per route."""
        key = (type(self), tuple(self.action_map.items()))
        if (headers := ROUTE_HEADERS.get(key)) is None:
            response = HttpResponse(headers=self.default_response_headers)
            patch_vary_headers(response, CONTENT_VARIES_WITH)
            headers = ROUTE_HEADERS[key] = {name: response[name] for name in ("Allow", "Vary")}
        return headers

    @staticmethod
    def keep_answer(response):
        if "ETag" in response and response.get("Content-Type", "").startswith(JSONRenderer.media_type):
            pages.keep(answer_key(response["ETag"]), response)

    def get_object(self):
        """The record, and for a write (update, delete, an action such as publish) a 412
        unless the request's If-Match or If-Unmodified-Since holds for it: its Record-ETag
        and its ``modified_at`` (RFC 9110 §13.1). A write's record is read once its row
        is locked (``lock_record``), so what is judged and saved is what is stored."""
        writing = self.request.method not in ("GET", "HEAD", "OPTIONS")
        if writing:
            self.lock_record()
        record = super().get_object()
        if writing and not preconditions_pass(self.request, record):
            raise PreconditionFailed
        self.record = record
        return record

    def lock_record(self):
        """Lock the row the address names until the write's transaction ends (none outside
        one: a lock would end at once), before ``get_object`` reads it with the reader's
        queryset: a row locked by another write is read once that write has committed. The
        lock is taken on a plain query (PostgreSQL refuses ``FOR UPDATE`` on the outer
        joins and DISTINCT of the listing querysets), in the lock order of writes
        (``rows_lock``: a progress update after its plan, priority and milestone)."""
        model = self.queryset.model
        if not transaction.get_connection(router.db_for_write(model)).in_atomic_block:
            return
        key = self.kwargs[self.lookup_url_kwarg or self.lookup_field]
        # A key that is no value of the field names no record: get_object's 404.
        with contextlib.suppress(TypeError, ValueError, DjangoValidationError):
            rows_lock(model._default_manager.filter(**{self.lookup_field: key}))

    def record_response(self, record):
        """The answer of an action that changed ``record``: the record as it now is, read
        again with the reader's queryset (without asking for the right to act a second
        time: a contributor may no longer change what they have just submitted), sent with
        its new Record-ETag (``record_actions``)."""
        self.record = self.get_queryset().get(pk=record.pk)
        return Response(self.get_serializer(self.record).data)

    def get_queryset(self):
        # What the reader may see: the public what is published, a contributor also their
        # jurisdictions' drafts, the secretariat everything (cogwg/permissions.py).
        return permissions.visible(self.request.user, super().get_queryset())

    def initial(self, request, *args, **kwargs):
        activate_requested_language(request)
        super().initial(request, *args, **kwargs)

    def handle_exception(self, exc):
        # Django's 404 message names the model and is not translated.
        if isinstance(exc, Http404):
            exc = NotFound()
        elif type(exc) is ParseError:
            exc = UnreadableBody()
        return super().handle_exception(exc)

    def finalize_response(self, request, response, *args, **kwargs):
        renderer = getattr(request, "accepted_renderer", None)
        if response.status_code >= 400 and getattr(renderer, "format", None) in FILE_FORMATS:
            # An error is never a spreadsheet.
            request.accepted_renderer, request.accepted_media_type = JSONRenderer(), JSONRenderer.media_type
        response = super().finalize_response(request, in_reader_language(response), *args, **kwargs)
        response["Content-Language"] = translation.get_language()
        patch_vary_headers(response, CONTENT_VARIES_WITH)
        if not response.has_header("Cache-Control"):
            response["Cache-Control"] = cache_control(request)
        set_rate_limit_headers(request, response)
        record = self.record
        if record is not None and self.action in self.record_actions and 200 <= response.status_code < 300:
            response[RECORD_ETAG_HEADER] = record_validators(record)[0]
        return response

    def validators(self):
        """ETag and Last-Modified of this response: from the data version
        (cogwg/versioning.py), which follows every table, never a load of the data."""
        return validators(self.request)

    def conditional(self, etag, last_modified, respond):
        """``respond()``'s response with ETag and Last-Modified, or a 304 when the client's
        copy is current."""
        response = not_modified_response(self.request, etag, last_modified) or respond()
        return set_validators(response, etag, last_modified)

    def revalidated(self):
        """A 304, before the filters and the queryset are even built, when the client sends
        the ETag of the current representation: it was given with a 200 for this very
        address, reader and data version, so the filters were valid."""
        return revalidation(self.request)

    def list(self, request, *args, **kwargs):
        if (response := self.revalidated()) is not None:
            return response
        queryset = self.filter_queryset(self.get_queryset())

        def respond():
            page = self.paginate_queryset(queryset)
            if page is None:
                return Response(self.get_serializer(queryset, many=True).data)
            return self.get_paginated_response(self.get_serializer(page, many=True).data)

        return self.conditional(*self.validators(), respond)

    def retrieve(self, request, *args, **kwargs):
        if (response := self.revalidated()) is not None:
            return response
        return self.conditional(
            *self.validators(), lambda: super(ApiViewSetMixin, self).retrieve(request, *args, **kwargs)
        )

    def check_save(self, serializer):
        """403 unless the user may store the record with the values sent: a contributor's
        record stays in their jurisdictions (``permissions.can_save``)."""
        model = serializer.Meta.model
        many_to_many = {field.name for field in model._meta.many_to_many}
        record = copy.copy(serializer.instance) if serializer.instance is not None else model()
        for name, value in serializer.validated_data.items():
            if name not in many_to_many:
                setattr(record, name, value)
        jurisdictions = serializer.validated_data.get("jurisdictions") if "jurisdictions" in many_to_many else None
        if not permissions.can_save(self.request.user, record, jurisdictions=jurisdictions):
            raise PermissionDenied

    def perform_create(self, serializer):
        self.check_save(serializer)
        self._save(serializer)
        self.record = serializer.instance

    def perform_update(self, serializer):
        self.check_save(serializer)
        self._save(serializer)

    def _save(self, serializer):
        try:
            with transaction.atomic():
                serializer.save()
        except DjangoValidationError as error:
            raise api_validation_error(error) from error
        except IntegrityError as error:
            # A concurrent write got there first; the model's validation let it through.
            raise api_validation_error(DjangoValidationError(_("This conflicts with an existing record."))) from error

    def perform_destroy(self, instance):
        try:
            with transaction.atomic():
                instance.delete()
        except (ProtectedError, RestrictedError) as error:
            raise Conflict from error


class ModelViewSet(ApiViewSetMixin, viewsets.ModelViewSet):
    # (Here, not on the mixin: the router would route PUT and DELETE to a read-only viewset.)
    def update(self, request, *args, **kwargs):
        # Read (locked), judged, validated and saved in one transaction (the module's docstring).
        with transaction.atomic(using=router.db_for_write(self.queryset.model)):
            return super().update(request, *args, **kwargs)

    def destroy(self, request, *args, **kwargs):
        with transaction.atomic(using=router.db_for_write(self.queryset.model)):
            return super().destroy(request, *args, **kwargs)


class ReadOnlyModelViewSet(ApiViewSetMixin, viewsets.ReadOnlyModelViewSet):
    pass
