"""Presentation helpers for the public templates. No queries: everything they read has
been loaded by the view."""

from dataclasses import dataclass

from django import template
from django.conf import settings
from django.utils import translation
from django.utils.html import format_html
from django.utils.translation import gettext

from cogwg.reports.render.view import percent
from jurisdictions.choices import AccomplishmentCategory, ChallengeCategory, ChallengeStatus, JurisdictionKind
from stories.choices import Impact, UserType
from workplan.choices import MilestoneStatus, SeatRole
from workplan.selectors import whole_percent

register = template.Library()

CHOICES = {
    "milestone_status": MilestoneStatus,
    "seat_role": SeatRole,
    "jurisdiction_kind": JurisdictionKind,
    "accomplishment_category": AccomplishmentCategory,
    "challenge_category": ChallengeCategory,
    "challenge_status": ChallengeStatus,
    "impact": Impact,
    "user_type": UserType,
}


@dataclass(frozen=True)
class LocalizedText:
    text: str
    lang: str  # set only when the text is a fallback in the other official language

    def __str__(self):
        return self.text


def _languages():
    current = translation.get_language() or settings.LANGUAGE_CODE
    return [current] + [code for code, _name in settings.LANGUAGES if code != current]


@register.simple_tag
def localized(obj, field):
    """A translated field in the page's language, or in the other one when it has not been
    translated yet; ``.lang`` then names that language for a ``lang`` attribute. ``obj`` is
    a model instance or a row of ``values()`` (``field`` is then, e.g., ``priority__title``)."""
    current, *others = _languages()
    for code in [current, *others]:
        name = f"{field}_{code}"
        value = (obj.get(name) if isinstance(obj, dict) else getattr(obj, name, "")) or ""
        if value.strip():
            return LocalizedText(value, "" if code == current else code)
    return LocalizedText("", "")


@register.simple_tag
def lang_attr(obj, field):
    """` lang="fr"` when the field shown falls back to the other language, else nothing."""
    fallback = localized(obj, field).lang
    return format_html(' lang="{}"', fallback) if fallback else ""


@register.filter
def choice_label(value, kind):
    """The translated label of a stored choice value, e.g. ``"at_risk"|choice_label:"milestone_status"``."""
    choices = CHOICES[kind]
    try:
        return choices(value).label
    except ValueError:
        return value


# A progress value as text: "42 %" in French, "42%" in English; "—" when unknown. The
# reports' own function, so that a page and a report file never round differently.
register.filter("percent", percent)


@register.filter
def width_class(value):
    """The class that sets a bar's width (``pct-0`` … ``pct-100`` in site.css): the
    Content Security Policy allows no inline style."""
    return f"pct-{0 if value is None else max(0, min(100, whole_percent(value)))}"


# The small pieces every list repeats are tags rather than ``{% include %}``s: an include
# costs a template lookup and a context push per row, and the dashboard has hundreds of rows.


@register.simple_tag
def status_badge(status):
    """A milestone status as a coloured label."""
    return format_html('<span class="status status--{}">{}</span>', status, choice_label(status, "milestone_status"))


@register.simple_tag
def progress_bar(value, status, large=False):
    """A progress bar in the colour of its status, with the value as text beside it."""
    return format_html(
        '<div class="bar{}"><span class="bar__track" aria-hidden="true"><span class="bar__fill status-fill--{} {}">'
        '</span></span><span class="bar__value">{}</span></div>',
        " bar--large" if large else "",
        status,
        width_class(value),
        percent(value),
    )


@register.simple_tag(takes_context=True)
def checked_link(context, url, label=""):
    """A link to another site, flagged when it did not answer at the last link check
    (``link_checks`` in the page's context, by URL)."""
    link = format_html('<a href="{}">{}</a>', url, label or url)
    check = (context.get("link_checks") or {}).get(url)
    if check is not None and check.is_unreachable:
        note = gettext("this link did not answer at our last check")
        return format_html('{} <span class="link-unreachable">({})</span>', link, note)
    return link


@register.filter
def get_item(mapping, key):
    return mapping.get(key) if mapping else None


@register.filter
def lines(text):
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def _is_choice_group(field):
    widget = field.field.widget
    input_type = getattr(widget, "input_type", "")
    return input_type == "radio" or (input_type == "checkbox" and getattr(widget, "allow_multiple_selected", False))


@register.filter
def is_choice_group(field):
    """Radio buttons or a list of checkboxes: shown as a fieldset with a legend."""
    return _is_choice_group(field)


@register.filter
def error_anchor(field):
    """Where the error summary's link for a field points: the field, or its first choice."""
    return f"{field.auto_id}_0" if _is_choice_group(field) else field.auto_id


@register.simple_tag
def described_by(field):
    """The ids of a field's help text and error message, for ``aria-describedby``."""
    ids = []
    if field.help_text:
        ids.append(f"{field.auto_id}_helptext")
    if field.errors:
        ids.append(f"{field.auto_id}_error")
    return " ".join(ids)


@register.simple_tag
def field_widget(field, **attrs):
    """A field's input, tied to its help text and error message."""
    ids = described_by(field)
    if ids:
        attrs["aria-describedby"] = ids
    if field.errors:
        attrs["aria-invalid"] = "true"
    return field.as_widget(attrs=attrs)
