"""The ``date`` filter of every template (a builtin, see TEMPLATES in the settings): Django's,
with the first of the month as the reader's language writes it (cogwg.dates)."""

from django import template
from django.utils import dateformat

from cogwg import dates

register = template.Library()


@register.filter(expects_localtime=True, is_safe=False)
def date(value, arg=None):
    """Format a date according to the given format (as Django's ``date`` filter)."""
    if value in (None, ""):
        return ""
    try:
        return dates.date_format(value, arg)
    except AttributeError:
        try:
            return dateformat.format(value, arg)
        except AttributeError:
            return ""
