"""Serializer building blocks shared by every app's API.

- Translated fields: a read gives ``title`` in the response's language (modeltranslation
  falls back to the other one); a write takes ``title_en`` and ``title_fr``. List them
  all in ``Meta.fields``: the base class marks which side each one is on.
- Related records are read as short objects and written as their key
  (``SummaryRelatedField``), and linked with the hyperlink fields below, which reverse a
  URL pattern once per response instead of once per record.
- Before anything is saved the model's own validation runs (``full_clean``: choices,
  lengths, check and unique constraints), so bad input is a 400 naming the field, never a
  database error.
"""

import copy
import re
from functools import cached_property

from django.conf import settings
from django.core.exceptions import FieldDoesNotExist, ObjectDoesNotExist
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import models
from django.db.models import prefetch_related_objects
from django.db.models.manager import BaseManager
from django.urls import NoReverseMatch
from django.utils.translation import gettext_lazy as _
from modeltranslation.translator import translator
from rest_framework import serializers
from rest_framework.relations import Hyperlink
from rest_framework.settings import api_settings
from rest_framework.utils.urls import remove_query_param

from cogwg import permissions

from .language import language_codes


def translated_fields(model) -> list[str]:
    if model not in translator.get_registered_models():
        return []
    return list(translator.get_options_for_model(model).all_fields.keys())


def api_validation_error(error: DjangoValidationError) -> serializers.ValidationError:
    """A model or service ValidationError as the API's 400, with errors that concern the
    record as a whole under ``non_field_errors``."""
    detail = serializers.as_serializer_error(error)
    if "__all__" in detail:
        detail[api_settings.NON_FIELD_ERRORS_KEY] = detail.pop("__all__")
    return serializers.ValidationError(detail)


# Lookup values that stand in a URL as they are: Django's reverse() neither quotes nor
# refuses them, so putting one in place of the marker gives what reverse() would.
PLAIN_LOOKUP = re.compile(r"[A-Za-z0-9_-]+")
LOOKUP_MARKER = "__lookup__"


def without_format(url: str | None) -> str | None:
    """``url`` without the ``?format=`` DRF's ``reverse()`` copies from the request."""
    if not url or f"{api_settings.URL_FORMAT_OVERRIDE}=" not in url:
        return url
    return remove_query_param(url, api_settings.URL_FORMAT_OVERRIDE)


class ReverseOnceMixin:
    """A hyperlink field that reverses its URL pattern once per response, with a marker
    for the lookup value, and fills in each record's value: ``reverse()`` per record was a
    large part of a list's time. Other values, and patterns the marker does not fit, go
    through DRF's ``reverse()``.

    A record's address is the same whatever the format it is read in: DRF carries the
    request's ``?format=`` into every link, so a CSV's ``url`` column differed from the
    JSON's; it is left out."""

    def get_url(self, obj, view_name, request, format):
        return without_format(super().get_url(obj, view_name, request, None))

    def to_representation(self, value):
        template = self._url_template
        if template is None or getattr(value, "pk", 0) in (None, ""):
            return super().to_representation(value)
        lookup = str(getattr(value, self.lookup_field))
        if not PLAIN_LOOKUP.fullmatch(lookup):
            return super().to_representation(value)
        return Hyperlink(template.replace(LOOKUP_MARKER, lookup), value)

    @cached_property
    def _url_template(self):
        # The field belongs to one serializer, which serves one request.
        request = self.context.get("request")
        if request is None:
            return None
        kwargs = {self.lookup_url_kwarg: LOOKUP_MARKER}
        try:
            url = without_format(self.reverse(self.view_name, kwargs=kwargs, request=request))
        except NoReverseMatch:
            return None
        return url if url.count(LOOKUP_MARKER) == 1 else None


class HyperlinkedIdentityField(ReverseOnceMixin, serializers.HyperlinkedIdentityField):
    pass


class HyperlinkedRelatedField(ReverseOnceMixin, serializers.HyperlinkedRelatedField):
    pass


class SummaryRelatedField(serializers.RelatedField):
    """A related record, read as ``summary_serializer``'s short object and written as its
    id (or ``slug_field``, e.g. a jurisdiction's code)."""

    default_error_messages = {
        "does_not_exist": _("No record has the {lookup} {value}."),
        "invalid": _("Invalid value."),
    }

    def __init__(self, summary_serializer, slug_field=None, **kwargs):
        self.summary_serializer, self.slug_field = summary_serializer, slug_field
        super().__init__(**kwargs)

    def use_pk_only_optimization(self):
        return False

    def to_internal_value(self, data):
        key = self.slug_field or "pk"
        if isinstance(data, bool) or not isinstance(data, str | int):
            self.fail("invalid")
        try:
            return self.get_queryset().get(**{key: data})
        except ObjectDoesNotExist:
            self.fail("does_not_exist", lookup=self.slug_field or "id", value=data)
        except (TypeError, ValueError, OverflowError, DjangoValidationError):
            self.fail("invalid")

    def get_queryset(self):
        # A record is written pointing only at what its writer may see: a contributor
        # cannot name a draft plan's priority (as one that does not exist).
        request = self.context.get("request")
        return permissions.visible(getattr(request, "user", None), super().get_queryset())

    @cached_property
    def summary(self):
        # One summary serializer per field, reused for every row: building a serializer's
        # fields (model introspection) per row was most of a list's time.
        return self.summary_serializer(context=self.context)

    def to_representation(self, value):
        return self.summary.to_representation(value)


class ShownRelatedField(SummaryRelatedField):
    """A related record the reader may not be allowed to see (a priority of a plan still
    in draft): written as its key like any ``SummaryRelatedField``, read from the
    attribute that the selector ``shown`` (reader → ``Prefetch`` with a ``to_attr``)
    fills with the record where the reader may see it, else None. A list's records are
    filled together (``ShownListSerializer``), a single record when it is read."""

    def __init__(self, summary_serializer, *, shown, **kwargs):
        self.shown = shown
        super().__init__(summary_serializer, **kwargs)

    @cached_property
    def attribute(self):
        return self.shown().to_attr

    def fill(self, records):
        request = self.context.get("request")
        prefetch_related_objects(records, self.shown(getattr(request, "user", None)))

    def get_attribute(self, instance):
        if not hasattr(instance, self.attribute):
            self.fill([instance])
        return getattr(instance, self.attribute)

    def validate_empty_values(self, data):
        # A null sent for a record the writer reads as null because they may not see it
        # (a PUT of what they read) keeps it: they cannot have meant to remove a link they
        # never saw. One they see, they may clear.
        is_empty, value = super().validate_empty_values(data)
        if is_empty and value is None and self.hides_stored_record():
            raise serializers.SkipField
        return is_empty, value

    def hides_stored_record(self) -> bool:
        """Does the record being written point, as stored, at a record its writer may not
        see?"""
        instance = getattr(self.parent, "instance", None)
        if not isinstance(instance, models.Model) or instance.pk is None:
            return False
        try:
            key = instance._meta.get_field(self.source).attname
        except FieldDoesNotExist:
            return False
        return getattr(instance, key, None) is not None and self.get_attribute(instance) is None


class ShownListSerializer(serializers.ListSerializer):
    """Fills the ``ShownRelatedField``s of all the records of a list in one query each,
    rather than one per record."""

    def to_representation(self, data):
        records = list(data.all() if isinstance(data, BaseManager) else data)
        for field in self.child.fields.values():
            if isinstance(field, ShownRelatedField):
                field.fill(records)
        return super().to_representation(records)


# For a serializer whose to_representation reads the values straight off the object: the
# few declared fields it still asks (links, nested serializers) are copied and bound one by
# one when first asked, rather than all of ``fields``, a deep copy of every declared field,
# for every response.
class ReadOffMixin:
    def bound_field(self, name):
        bound = self.__dict__.setdefault("_bound_fields", {})
        if name not in bound:
            field = copy.deepcopy(self._declared_fields[name])
            field.bind(name, self)
            bound[name] = field
        return bound[name]


class DateTimeField(serializers.DateTimeField):
    """DRF's, reading the active time zone once per field (a response is made in one)
    rather than for every value: that lookup was half of a timestamp's cost."""

    def default_timezone(self):
        return self._active_timezone

    @cached_property
    def _active_timezone(self):
        return super().default_timezone()


class ApiModelSerializer(serializers.ModelSerializer):
    """Base of the API's model serializers (see the module's docstring)."""

    serializer_field_mapping = {
        **serializers.ModelSerializer.serializer_field_mapping,
        models.DateTimeField: DateTimeField,
    }

    # Off where a service validates and writes instead (progress updates).
    clean_model = True

    def get_extra_kwargs(self):
        extra = super().get_extra_kwargs()
        model = self.Meta.model
        for name in translated_fields(model):
            extra.setdefault(name, {}).setdefault("read_only", True)
            required = not model._meta.get_field(name).blank
            for code in language_codes():
                kwargs = extra.setdefault(f"{name}_{code}", {})
                kwargs.setdefault("write_only", True)
                kwargs.setdefault("allow_null", False)
                in_default_language = code == settings.MODELTRANSLATION_DEFAULT_LANGUAGE
                kwargs.setdefault("required", required and in_default_language)
                kwargs.setdefault("allow_blank", not (required and in_default_language))
        return extra

    def get_unique_together_validators(self):
        # The model's own validation (``validate``) refuses a duplicate, with the model's
        # message (its constraint's, or Django's naming the fields by their verbose names,
        # as the admin does) in the reader's language, and under the field where the model
        # puts it; DRF's validators run first and name the fields by their identifiers.
        return super().get_unique_together_validators() if not self.clean_model else []

    def validate(self, attrs):
        attrs = super().validate(attrs)
        if not self.clean_model:
            return attrs
        model = self.Meta.model
        many_to_many = [field.name for field in model._meta.many_to_many]
        record = copy.copy(self.instance) if self.instance is not None else model()
        for name, value in attrs.items():
            if name not in many_to_many:
                setattr(record, name, value)
        try:
            record.full_clean(exclude=many_to_many)
        except DjangoValidationError as error:
            raise api_validation_error(error) from error
        return attrs
