"""FilterSets of the working group's records, and the building blocks every app's
``filtersets.py`` uses. They serve the API and the public lists alike: give them the
query-string data and a queryset (already narrowed to what the reader may see, e.g.
``Meeting.objects.all()`` or ``Accomplishment.objects.published()``), then check
``is_valid()`` and read ``qs``. Nothing in them depends on the API framework or on the
active language: ``q`` searches the English and the French text alike."""

import datetime
import operator
import re
from functools import reduce

import django_filters as filters
from django import forms
from django.conf import settings
from django.db.models import Case, F, Q, QuerySet, Value, When
from django.db.models.functions import Coalesce, Lower, NullIf
from django.utils import translation
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from workplan.models import WorkPlan

from .choices import MeetingKind, StatusReportState
from .models import Meeting, StatusReport
from .search import Unaccent, contains_text


def in_every_language(*names):
    """The columns that hold a translated field's text: ``title`` → ``title_en``, ``title_fr``."""
    return [f"{name}_{code}" for name in names for code, _label in settings.LANGUAGES]


class StrictBooleanField(forms.Field):
    """``true``/``false`` (or ``1``/``0``); anything else is an error, not "no filter"."""

    widget = forms.Select(choices=[("", "---------"), ("true", _("Yes")), ("false", _("No"))])
    default_error_messages = {"invalid": _("Enter true or false.")}

    def to_python(self, value):
        if value in (None, ""):
            return None
        if isinstance(value, bool):
            return value
        text = str(value).strip().lower()
        if text in ("true", "1"):
            return True
        if text in ("false", "0"):
            return False
        raise forms.ValidationError(self.error_messages["invalid"], code="invalid")


class StrictBooleanFilter(filters.BooleanFilter):
    field_class = StrictBooleanField


class RecordsField(filters.fields.ModelMultipleChoiceField):
    """Refuses an id the database could not even compare (not a number, or beyond 64 bits)
    as an invalid value instead of letting the query fail. Jurisdiction codes are taken in
    either case (they are stored in upper case: ``?lead=on`` is Ontario)."""

    def _check_values(self, value):
        if self.to_field_name == "code":
            value = [str(key).upper() for key in value]
        if (self.to_field_name or "pk") == "pk":
            for key in value:
                try:
                    number = int(str(key))
                except ValueError:
                    number = None
                if number is None or not -(2**63) <= number < 2**63:
                    raise forms.ValidationError(
                        self.error_messages["invalid_pk_value"], code="invalid_pk_value", params={"pk": key}
                    )
        return super()._check_values(value)


def nothing_chosen(value) -> bool:
    """Whether a multiple choice of records is empty. An empty choice arrives as
    ``queryset.none()``, whose truth value would build its SQL to find out."""
    if isinstance(value, QuerySet):
        return value.query.is_empty()
    return not value


class AnyOfFilter(filters.ModelMultipleChoiceFilter):
    """Records related to any of the chosen objects (repeat the parameter for several).
    Matches through a subquery, so a record related to two of them is listed once without
    resorting to DISTINCT."""

    field_class = RecordsField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("distinct", False)
        super().__init__(*args, **kwargs)

    def filter(self, qs, value):
        if nothing_chosen(value):
            return qs
        matching = self.model._default_manager.filter(**{f"{self.field_name}__in": value})
        return qs.filter(pk__in=matching.values("pk"))


class ChoicesFilter(filters.MultipleChoiceFilter):
    """One or several values of a choice field (repeat the parameter for several)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("distinct", False)
        super().__init__(*args, **kwargs)


class ExcludeChoicesFilter(ChoicesFilter):
    """Records whose value is none of the given ones (NetBox's ``__n``)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("exclude", True)
        super().__init__(*args, **kwargs)


class StableOrderingFilter(filters.OrderingFilter):
    """``ordering=field`` or ``ordering=-field`` (several separated by commas). Always ends
    on the primary key so that pages never overlap or skip a record; with no ``ordering``
    the model's default order applies."""

    def filter(self, qs, value):
        ordering = [self.get_ordering_value(param) for param in (value or []) if param]
        if not ordering:
            ordering = list(qs.query.order_by or qs.model._meta.ordering)
        if "pk" not in ordering and "-pk" not in ordering:
            ordering.append("pk")
        return qs.order_by(*ordering)


class KeyedOrderingFilter(StableOrderingFilter):
    """A ``StableOrderingFilter`` where some fields sort by a key of their own rather than
    by their stored value: ``keys`` maps a field to a function that returns the key (an
    expression, made when the list is filtered: it may depend on the active language)."""

    def __init__(self, *args, keys, **kwargs):
        self.keys = keys
        super().__init__(*args, **kwargs)

    def get_ordering_value(self, param):
        value = super().get_ordering_value(param)
        name = value.removeprefix("-")
        if name not in self.keys:
            return value
        key = self.keys[name]()
        return key.desc() if value.startswith("-") else key.asc()


def in_order_of(field_name, values):
    """A key that sorts ``field_name`` in the order of ``values`` (the others after them):
    statuses as the site ranks them, not their codes' alphabetical order."""
    whens = [When(**{field_name: value}, then=Value(rank)) for rank, value in enumerate(values)]
    return lambda: Case(*whens, default=Value(len(values)))


def text_order(field_name):
    """A key that sorts a translated text field of the active language (else of the default
    one, where it is empty) as readers do, whatever accents and case: "Île-du-Prince-Édouard"
    among the I's, not after the Z's (cogwg/search.py's ``UNACCENT()``)."""

    def key():
        default = settings.MODELTRANSLATION_DEFAULT_LANGUAGE
        language = translation.get_language() or default
        text = F(f"{field_name}_{default}")
        if language != default:
            text = Coalesce(NullIf(F(f"{field_name}_{language}"), Value("")), text)
        return Lower(Unaccent(text))

    return key


class FilterSet(filters.FilterSet):
    """django-filter's FilterSet, whose form class is made once per FilterSet class rather
    than for every instance (a tenth of a list's time): its fields follow from the declared
    filters alone, none of which takes its queryset from the request, and every form still
    works on its own copy of them, as any declared Django form does."""

    def get_form_class(self):
        cls = type(self)
        if "_form_class" not in cls.__dict__:
            cls._form_class = super().get_form_class()
        return cls._form_class

    @property
    def form(self):
        """The form, whose choices of records are those its reader may see: a draft
        plan's slug, priority or milestone is no choice for the public, exactly as one
        that does not exist (the same 400), and is for the secretariat. Narrowed on each
        form's own copy of its fields, never on the shared form class."""
        if not hasattr(self, "_form"):
            from . import permissions

            user = getattr(self.request, "user", None)
            for field in super().form.fields.values():
                if isinstance(field, forms.ModelChoiceField):
                    field.queryset = permissions.visible(user, field.queryset)
        return self._form


class SearchFilterSet(FilterSet):
    """Adds ``q``: a search of ``search_fields`` (translated fields are searched in every
    language) and ``plain_search_fields`` (untranslated columns) that ignores case and
    accents (cogwg/search.py). The words of ``q`` (separated by spaces) are searched each on
    its own, and a record is found when every word is in one of its fields or another:
    "researchers flood" finds "Researchers map flood risk". Only the first
    ``MAX_SEARCH_WORDS`` words count, so that a long ``q`` cannot make a huge query.

    A field may be a related record's (``themes__name``): those are searched through a
    subquery on the record's primary key, so that a record with two matching themes is
    found once, without DISTINCT, and the number of queries stays the same."""

    MAX_SEARCH_WORDS = 10

    search_fields: tuple[str, ...] = ()
    plain_search_fields: tuple[str, ...] = ()

    q = filters.CharFilter(
        method="search",
        label=_("Search"),
        help_text=_("Free text, searched in English and French, whatever the case and the accents."),
    )

    def search(self, queryset, name, value: str):
        words = value.split()[: self.MAX_SEARCH_WORDS]
        if not words:
            return queryset
        columns = [*in_every_language(*self.search_fields), *self.plain_search_fields]
        own = [column for column in columns if "__" not in column]
        related = [column for column in columns if "__" in column]
        for word in words:
            condition = reduce(operator.or_, (Q(contains_text(column, word)) for column in own), Q())
            if related:
                matching = queryset.model._default_manager.filter(
                    reduce(operator.or_, (Q(contains_text(column, word)) for column in related))
                )
                condition |= Q(pk__in=matching.values("pk"))
            queryset = queryset.filter(condition)
        return queryset


ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


class IsoDateField(forms.DateField):
    """A date written YYYY-MM-DD (ISO 8601), whatever the reader's language: Django's
    localized input formats would read 10/01/2020 as 1 October in French and 10 January
    in English, one address giving two lists. Written otherwise, or a day the calendar
    does not have (2020-02-30), it is refused with a message that gives the format."""

    input_formats = ["%Y-%m-%d"]
    default_error_messages = {"invalid": _("Enter a valid date. Use YYYY-MM-DD, e.g. 2020-06-30.")}

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, datetime.datetime):
            return value.date()
        if isinstance(value, datetime.date):
            return value
        # strptime takes 2020-6-3 and 20200630 too: the pattern first, then the calendar.
        text = str(value).strip()
        if ISO_DATE.fullmatch(text):
            try:
                return datetime.date.fromisoformat(text)
            except ValueError:
                pass
        raise forms.ValidationError(self.error_messages["invalid"], code="invalid")


class IsoDateFilter(filters.DateFilter):
    field_class = IsoDateField


def date_filters(field_name, noun):
    """Two inclusive filters on a date column, (on or after, on or before), to be named
    ``<x>_after`` and ``<x>_before``, each a date written YYYY-MM-DD (``IsoDateField``)."""
    return (
        IsoDateFilter(
            field_name=field_name,
            lookup_expr="gte",
            label=format_lazy(_("{noun} on or after"), noun=noun),
            help_text=_("A date (YYYY-MM-DD); inclusive."),
        ),
        IsoDateFilter(
            field_name=field_name,
            lookup_expr="lte",
            label=format_lazy(_("{noun} on or before"), noun=noun),
            help_text=_("A date (YYYY-MM-DD); inclusive."),
        ),
    )


class MeetingFilterSet(SearchFilterSet):
    search_fields = ("title", "purpose")

    kind = ChoicesFilter(choices=MeetingKind.choices, label=_("Kind"))
    date_after, date_before = date_filters("date", _("Held"))
    ordering = StableOrderingFilter(fields=("date", "kind", "title"))

    class Meta:
        model = Meeting
        fields = ["kind", "date_after", "date_before"]


class StatusReportFilterSet(SearchFilterSet):
    search_fields = ("title",)

    work_plan = AnyOfFilter(
        field_name="work_plan",
        to_field_name="slug",
        queryset=WorkPlan.objects.all(),
        label=_("Work plan"),
        help_text=_("A work plan's slug, e.g. 2020."),
    )
    state = ChoicesFilter(choices=StatusReportState.choices, label=_("State"))
    as_of_after, as_of_before = date_filters("as_of", _("As of"))
    ordering = StableOrderingFilter(fields=("as_of", "title"))

    class Meta:
        model = StatusReport
        fields = ["work_plan", "state", "as_of_after", "as_of_before"]
