"""OpenAPI 3 description of the API (drf-spectacular): the language parameter and headers
on every operation, the conditional-GET headers, a write's preconditions (If-Match, a
record's Record-ETag) and the error responses each kind of operation can give, with
examples, the short nested objects of related records, and each resource's example answers
(``read_examples``). Reads need no credentials (``{}`` among their security requirements).
Optional query parameters carry no ``example``: Swagger UI would send it with every
"Try it out" (a CSV download, a filter and its opposite); their descriptions give one."""

import inspect

from drf_spectacular.authentication import SessionScheme, TokenScheme
from drf_spectacular.drainage import has_override
from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.plumbing import ResolvedComponent, build_basic_type
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema, extend_schema_view
from rest_framework.permissions import SAFE_METHODS

from .caching import RECORD_ETAG_HEADER
from .language import LANG_PARAMETER, language_codes
from .permissions import PublicReadStaffWrite
from .throttling import RATE_LIMIT, RATE_LIMIT_POLICY, AnonWindowRateThrottle

JSON = "application/json"

# Given in the description of the query parameters of that name, wherever they appear.
PARAMETER_EXAMPLES = {
    "as_of": "2020-06-30",
    "as_of_after": "2020-01-01",
    "as_of_before": "2020-12-31",
    "dataset": [1],
    "date_after": "2020-01-01",
    "date_before": "2020-12-31",
    "due_after": "2020-04-01",
    "due_before": "2020-06-30",
    "jurisdiction": ["BC"],
    "lead": ["CA"],
    "milestone": [1],
    "overdue": True,
    "page": 1,
    "page_size": 50,
    "partner": ["ON"],
    "priority": [1],
    "published_after": "2020-01-01",
    "published_before": "2020-12-31",
    "q": "open data",
    "quarter": "2020-Q2",
    "reported_after": "2020-01-01",
    "reported_before": "2020-06-30",
    "theme": ["health"],
    "work_plan": ["2020"],
}

ERROR_DETAIL = {
    "type": "object",
    "properties": {"detail": {"type": "string", "description": "What went wrong, in the response's language."}},
    "required": ["detail"],
}
MESSAGES = {"type": "array", "items": {"type": "string"}}
# A list written with its record (an accomplishment's links, a meeting's next steps, a
# priority's seats): its invalid items by their index in the list sent, each with its
# invalid fields (or ``non_field_errors``) and their messages.
ITEM_ERRORS = {
    "type": "object",
    "additionalProperties": {"anyOf": [{"type": "object", "additionalProperties": MESSAGES}, MESSAGES]},
}
VALIDATION_ERROR = {
    "type": "object",
    "description": (
        "Each invalid parameter or field, named, with its messages (`non_field_errors` for the record as a "
        "whole); for a list written with its record (`links`, `next_steps`, `seats`), its invalid items by "
        'their index in the list sent, each with its fields\' messages (`{"links": {"1": {"url": [...]}}}`); '
        "a body that cannot be parsed gets a `detail` instead."
    ),
    "additionalProperties": {"anyOf": [MESSAGES, {"type": "string"}, ITEM_ERRORS]},
}

ERRORS = {
    "400": (
        "ValidationError",
        "Invalid query parameter or field: the body names each one.",
        {"status": ["Select a valid choice. finished is not one of the available choices."]},
    ),
    "401": (
        "Error",
        "Not authenticated: writing needs a session or a token.",
        {"detail": "Authentication credentials were not provided."},
    ),
    "403": (
        "Error",
        "Authenticated, but not allowed to do this.",
        {"detail": "You do not have permission to perform this action."},
    ),
    "404": ("Error", "No such record (or not published), page or format.", {"detail": "Not found."}),
    "405": (
        "Error",
        "This address does not take this method (its `Allow` header lists those it does).",
        {"detail": 'Method "PUT" not allowed.'},
    ),
    "406": (
        "Error",
        "No format of this operation is acceptable to the `Accept` header.",
        {"detail": "Could not satisfy the request Accept header."},
    ),
    "409": (
        "Error",
        "The record is still referred to by others, or deleting it would delete progress updates that are kept "
        "(published: withdraw them first; or of a closed reporting period).",
        {"detail": "This record is still in use and cannot be deleted."},
    ),
    "412": (
        "Error",
        "The record changed since it was read: `If-Match` or `If-Unmodified-Since` does not hold (an `If-Match` "
        "that holds no entity tag never does). Read it again.",
        {"detail": "The record has changed since you read it: read it again (its Record-ETag header) and retry."},
    ),
    "415": (
        "Error",
        "The body is in a format the API does not read: send JSON (application/json) or a form.",
        {"detail": 'Unsupported media type "text/plain" in request.'},
    ),
    "429": (
        "Error",
        "Too many anonymous requests from this address: wait and retry.",
        {"detail": "Request was throttled. Expected available in 42 seconds."},
    ),
}

READ_HEADERS = {
    "ETag": {
        "schema": {"type": "string"},
        "description": "Send it back in If-None-Match to get a 304 when nothing changed.",
    },
    "Last-Modified": {"schema": {"type": "string"}, "description": "When the data shown last changed (HTTP date)."},
    "Content-Language": {
        "schema": {"type": "string", "enum": language_codes()},
        "description": "The language of the translated fields.",
    },
}
# An anonymous read's answer, whatever its status, once the throttle has counted it
# (cogwg/api/throttling.py); the examples follow the configured rate (``rate_limit_headers``).
RATE_LIMIT_HEADERS = {
    RATE_LIMIT_POLICY: {
        "schema": {"type": "string"},
        "description": (
            "Anonymous readers only (draft-ietf-httpapi-ratelimit-headers): the quota of requests per address "
            "(`q`) in each window of `w` seconds."
        ),
    },
    RATE_LIMIT: {
        "schema": {"type": "string"},
        "description": (
            "Anonymous readers only: the requests this address has left (`r`) in the current window, and the "
            "seconds until it ends (`t`), when the count starts again. After a 429, wait `t` seconds "
            "(`Retry-After`)."
        ),
    },
}
RETRY_AFTER_HEADER = {
    "Retry-After": {
        "schema": {"type": "integer"},
        "description": "Seconds to wait before asking again: until the throttle's window ends.",
    },
}


def rate_limit_headers():
    """``RATE_LIMIT_HEADERS`` with examples: a fresh window under the configured rate."""
    throttle = AnonWindowRateThrottle()
    examples = dict(
        zip((RATE_LIMIT_POLICY, RATE_LIMIT), throttle.rate_limit_headers(1, throttle.duration), strict=True)
    )
    return {name: {**header, "example": examples[name]} for name, header in RATE_LIMIT_HEADERS.items()}


# The record's own validator, on a response that is one record (read or written).
RECORD_HEADERS = {
    RECORD_ETAG_HEADER: {
        "schema": {"type": "string"},
        "description": (
            "The record's own entity tag: it changes when the record is saved, and only then. Send it in "
            "`If-Match` with a write of the record (PUT, PATCH, DELETE, or an action such as `publish`) to get a "
            "412 instead of overwriting someone else's change. (`ETag` is the representation's, nested records "
            "and all, for If-None-Match.)"
        ),
    },
}
# Weighed on a write of an existing record (RFC 9110 §13.1).
PRECONDITION_PARAMETERS = [
    {
        "in": "header",
        "name": "If-Match",
        "schema": {"type": "string"},
        "description": (
            f"The record's `{RECORD_ETAG_HEADER}` as you read it (or `*`): the write is made only if the record "
            "has not changed since, else 412."
        ),
    },
    {
        "in": "header",
        "name": "If-Unmodified-Since",
        "schema": {"type": "string"},
        "description": (
            "An HTTP date: the write is made only if the record's `modified_at` is not later, else 412. "
            "Ignored when `If-Match` is sent."
        ),
    },
]
RECORD_ACTIONS = ("retrieve", "create", "update", "partial_update")


def query_example(name, value) -> str:
    """``value`` as it is written in a query string (one value of a repeatable filter)."""
    if isinstance(value, list):
        value = value[0]
    if isinstance(value, bool):
        value = "true" if value else "false"
    return f"`{name}={value}`"


class ApiAutoSchema(AutoSchema):
    def get_override_parameters(self):
        return [
            *super().get_override_parameters(),
            OpenApiParameter(
                LANG_PARAMETER,
                OpenApiTypes.STR,
                OpenApiParameter.QUERY,
                enum=language_codes(),
                description="Language of the translated fields; overrides Accept-Language. Anything else is a 400.",
            ),
            OpenApiParameter(
                "Accept-Language",
                OpenApiTypes.STR,
                OpenApiParameter.HEADER,
                description="Preferred language (en or fr) when `lang` is not given; English by default.",
            ),
        ]

    def get_auth(self):
        auths = super().get_auth()
        # Anyone reads: no credentials is one way to meet a read's requirements.
        public_read = any(isinstance(permission, PublicReadStaffWrite) for permission in self.view.get_permissions())
        if self.method in SAFE_METHODS and public_read and {} not in auths:
            auths.append({})
        return auths

    def _is_record_write(self):
        """A write of an existing record (its address names it): its preconditions are
        weighed (``ApiViewSetMixin.get_object``)."""
        return self.method not in SAFE_METHODS and "{" in self.path

    def _get_parameters(self):
        parameters = super()._get_parameters()
        for parameter in parameters:
            if parameter["in"] != "query" or parameter.get("required"):
                continue
            example = parameter.pop("example", None)
            parameter.pop("examples", None)
            schema = parameter.get("schema", {})
            if schema.get("enum") or schema.get("items", {}).get("enum"):
                continue  # the choices say it
            example = PARAMETER_EXAMPLES.get(parameter["name"], example)
            if example is not None:
                described = parameter.get("description", "").rstrip()
                parameter["description"] = f"{described} Example: {query_example(parameter['name'], example)}.".lstrip()
        if self._is_record_write():
            parameters += [dict(parameter) for parameter in PRECONDITION_PARAMETERS]
        return parameters

    def _map_basic_serializer(self, serializer, direction):
        # A resource is described by its serializer's own docstring: drf-spectacular takes
        # the first one up its classes, and that of a base class or mixin of ours
        # (ApiModelSerializer, MovedByActionsMixin) describes the code, not the resource.
        schema = super()._map_basic_serializer(serializer, direction)
        if has_override(serializer, "description"):
            return schema
        schema.pop("description", None)
        own = type(serializer).__dict__.get("__doc__")
        if not own:
            return schema
        description = "\n".join(line.rstrip() for line in inspect.cleandoc(own).strip().split("\n"))
        return {"type": schema.pop("type"), "description": description, **schema}

    def _error_component(self, name):
        schema = VALIDATION_ERROR if name == "ValidationError" else ERROR_DETAIL
        component = ResolvedComponent(name=name, type=ResolvedComponent.SCHEMA, schema=schema, object=name)
        self.registry.register_on_missing(component)
        return component.ref

    def _header_component(self, name, header):
        component = ResolvedComponent(name=name, type=ResolvedComponent.HEADER, schema=header, object=name)
        self.registry.register_on_missing(component)
        return component.ref

    def _error_response(self, code):
        name, description, example = ERRORS[code]
        return {
            "description": description,
            "content": {JSON: {"schema": self._error_component(name), "examples": {"error": {"value": example}}}},
        }

    def _error_codes(self):
        # 405 for another method than the address takes, 406 for an Accept header that no
        # format of the operation meets: any operation.
        if self.method == "GET":
            return ["400", "404", "405", "406", "429"]
        codes = ["400", "401", "403", "404", "405", "406"]
        if self._is_record_write():
            codes.append("412")
        if self.method == "DELETE":
            codes.append("409")
        if self.method in ("POST", "PUT", "PATCH") and self.get_request_serializer() is not None:
            codes.append("415")  # DRF's answer to a body it has no parser for
        return codes

    def _get_examples(self, serializer, direction, media_type, status_code=None, extras=None):
        examples = super()._get_examples(serializer, direction, media_type, status_code, extras)
        listed = direction == "response" and "200" <= str(status_code) < "300" and self._is_list_view(serializer)
        if listed and self._get_paginator() is not None:
            # drf-spectacular puts a list's example in a page of its own making (a count of 123,
            # links to api.example.org); ours are already the page the API answers.
            for example in examples.values():
                example["value"] = example["value"]["results"][0]
        return examples

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        for code, response in responses.items():
            # Files are files: only JSON bodies follow the serializer's schema.
            for media_type, content in response.get("content", {}).items():
                if media_type != JSON:
                    content["schema"] = build_basic_type(
                        OpenApiTypes.BINARY if "sheet" in media_type else OpenApiTypes.STR
                    )
                    content.pop("examples", None)
            if self.method == "GET" and code == "200":
                response["headers"] = {**response.get("headers", {}), **READ_HEADERS}
            record_actions = getattr(self.view, "record_actions", RECORD_ACTIONS)
            if getattr(self.view, "action", None) in record_actions and code in ("200", "201"):
                response["headers"] = {**response.get("headers", {}), **RECORD_HEADERS}
        if self.method == "GET":
            responses["304"] = {
                "description": "Not modified: the If-None-Match ETag (or If-Modified-Since date) is still current.",
                "headers": {"ETag": READ_HEADERS["ETag"]},
            }
        for code in self._error_codes():
            responses.setdefault(code, self._error_response(code))
        if self.method == "GET":
            # Reads are what the throttle counts (a write needs credentials, and those are not counted).
            throttled = {name: self._header_component(name, header) for name, header in rate_limit_headers().items()}
            for response in responses.values():
                response["headers"] = {**response.get("headers", {}), **throttled}
            if "429" in responses:
                retry = {name: self._header_component(name, header) for name, header in RETRY_AFTER_HEADER.items()}
                responses["429"]["headers"].update(retry)
        return responses


class ExpiringTokenScheme(TokenScheme):
    """drf-spectacular's token scheme, saying where a token comes from and how it ends."""

    target_class = "cogwg.api.authentication.ExpiringTokenAuthentication"
    priority = 0

    def get_security_definition(self, auto_schema):
        return {
            **super().get_security_definition(auto_schema),
            "description": (
                f"`Authorization: {self.target.keyword} <token>`. `POST /api/v1/auth/token/` with `username` and "
                "`password` (and `otp_token` for staff) answers a token and when it expires; "
                "`DELETE /api/v1/auth/token/` with the token ends it at once (204)."
            ),
        }


class VerifiedSessionScheme(SessionScheme):
    """drf-spectacular's session scheme (the admin's signed-in browser), saying that a staff
    session counts only with its second factor."""

    target_class = "cogwg.api.authentication.VerifiedSessionAuthentication"
    priority = 0

    def get_security_definition(self, auto_schema):
        return {
            **super().get_security_definition(auto_schema),
            "description": (
                "The session of a browser signed in to the admin; a staff member's counts only while "
                "the authenticator its sign-in proved is still theirs."
            ),
        }


class SummaryRelatedFieldExtension(OpenApiSerializerFieldExtension):
    """Read as the related record's short object, written as its key."""

    target_class = "cogwg.api.base.SummaryRelatedField"
    match_subclasses = True

    def map_serializer_field(self, auto_schema, direction):
        field = self.target
        if direction == "response":
            return auto_schema.resolve_serializer(field.summary_serializer, direction).ref
        key = field.slug_field if getattr(field, "slug_field", None) else None
        schema = build_basic_type(OpenApiTypes.STR if key else OpenApiTypes.INT)
        schema["description"] = f"The related record's {key or 'id'}."
        return schema


FROM_2020 = "From the 2020 work plan"
ILLUSTRATIVE = "Illustrative: the 2020 demo data holds none"


def read_examples(record, page, *, summary=FROM_2020, description=""):
    """A viewset's 200 examples: ``record`` for retrieve, and for list ``page``, the whole
    page the API answers (``count``, ``next``, ``previous``, ``results``)."""

    def example(value):
        return OpenApiExample(summary, value=value, description=description, response_only=True, status_codes=["200"])

    return extend_schema_view(
        list=extend_schema(examples=[example(page)]),
        retrieve=extend_schema(examples=[example(record)]),
    )
