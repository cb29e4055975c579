"""A count of a model's records with the model's name in the number the page's language
gives that count: "0 réalisation" in French (the singular for 0 and 1), "0
accomplishments" in English. Django names the plural for any count but 1 (its change
list's paginator, ``model_ngettext`` in the admin's messages), whatever the language."""

from django import template
from django.utils.formats import localize
from django.utils.translation import npgettext

register = template.Library()


def model_name_for_count(opts, count) -> str:
    """``opts``'s model named as after ``count`` ("réalisation" after 0 in French): its
    ``verbose_name`` or its ``verbose_name_plural``."""
    # The catalogue's entry that says, by its Plural-Forms, which number a count takes (a
    # literal context, so that makemessages keeps the entry).
    number = npgettext("the grammatical number a count takes: translate as is", "singular", "plural", count or 0)
    singular = number == "singular"
    return str(opts.verbose_name if singular else opts.verbose_name_plural)


@register.simple_tag
def model_count(count, opts):
    """``count`` records of ``opts``'s model: "0 réalisation", "2 réalisations"."""
    return f"{localize(count)} {model_name_for_count(opts, count)}"
