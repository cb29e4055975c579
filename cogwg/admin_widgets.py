"""Search boxes (Django's autocomplete widgets) that a forged form cannot break: the
browser sends a record's key, but a hand-made post may send anything ("abc", a number
beyond the database's integers), and Django's widget, showing the form again with its
error, looks the values up as they came and fails with a 500. These widgets look up only
the values the field can hold; the form field refuses the others with its own message
("Select a valid choice"). Given to every admin and inline of the site
(``AutocompleteFormfieldMixin``, through ``cogwg.admin_site.AdminSite.register``)."""

from django import forms
from django.contrib.admin.widgets import AutocompleteSelect, AutocompleteSelectMultiple
from django.core.exceptions import ValidationError
from django.db import models

# The integers every database the project runs on can hold (64 bits).
LOWEST, HIGHEST = -(2**63), 2**63 - 1


def holds(field, value) -> bool:
    """Whether the model field ``field`` can hold ``value`` (a key sent by a form)."""
    try:
        value = field.to_python(value)
    except (ValidationError, ValueError, TypeError):
        return False
    return not isinstance(value, int) or LOWEST <= value <= HIGHEST


class KeyCheckedMixin:
    def optgroups(self, name, value, attr=None):
        remote = self.field.remote_field
        to_field_name = getattr(remote, "field_name", None) or remote.model._meta.pk.name
        to_field = remote.model._meta.get_field(to_field_name)
        value = [item for item in value if item in (None, "") or holds(to_field, item)]
        return super().optgroups(name, value, attr)


class AccessibleMixin:
    """Django's search box named and described for assistive technologies (select2 names
    its combobox after the choice shown, empty until one is picked, and leaves the error
    state on the hidden select), its highlighted option's colour readable (WCAG 1.4.3):
    cogwg/static/cogwg/admin/autocomplete_a11y.{js,css}, run after Django's script."""

    @property
    def media(self):
        # Django's scripts named again so that merging the pages' media keeps this one after them.
        return super().media + forms.Media(
            js=["admin/js/jquery.init.js", "admin/js/autocomplete.js", "cogwg/admin/autocomplete_a11y.js"],
            css={"screen": ["admin/css/autocomplete.css", "cogwg/admin/autocomplete_a11y.css"]},
        )


class KeyCheckedAutocompleteSelect(KeyCheckedMixin, AccessibleMixin, AutocompleteSelect):
    pass


class KeyCheckedAutocompleteSelectMultiple(KeyCheckedMixin, AccessibleMixin, AutocompleteSelectMultiple):
    pass


class KeyCheckedMultipleChoiceField(forms.ModelMultipleChoiceField):
    """Django's field of many records, which refuses a value the records' key cannot hold
    as it refuses "abc" ("… is not a valid value."), before looking the values up:
    SQLite cannot take an integer beyond 64 bits."""

    def _check_values(self, value):
        key = self.queryset.model._meta.get_field(self.to_field_name or self.queryset.model._meta.pk.name)
        try:
            values = frozenset(value)
        except TypeError:
            values = ()
        for item in values:
            if not holds(key, item):
                raise ValidationError(
                    self.error_messages["invalid_pk_value"], code="invalid_pk_value", params={"pk": item}
                )
        return super()._check_values(value)


class AutocompleteFormfieldMixin:
    """An admin's (or an inline's) search boxes as the key-checked widgets above."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = KeyCheckedAutocompleteSelect(db_field, self.admin_site, using=kwargs.get("using"))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = KeyCheckedAutocompleteSelectMultiple(
                db_field, self.admin_site, using=kwargs.get("using")
            )
        if isinstance(db_field, models.ManyToManyField) and db_field.remote_field.through._meta.auto_created:
            kwargs.setdefault("form_class", KeyCheckedMultipleChoiceField)
        return super().formfield_for_manytomany(db_field, request, **kwargs)
