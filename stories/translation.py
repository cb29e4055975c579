"""Translated fields, then history (see cogwg/translation.py for why here)."""

from modeltranslation.translator import TranslationOptions, register
from simple_history import register as track_history

from .models import Dataset, Theme, UserStory


@register(Theme)
class ThemeTranslation(TranslationOptions):
    fields = ("name",)


@register(Dataset)
class DatasetTranslation(TranslationOptions):
    # A bilingual portal has a page per language (open.canada.ca: /data/en/dataset/<id>,
    # /data/fr/dataset/<id>) and names its licence in both (stories/ckan.py).
    fields = ("title", "description", "url", "publisher", "license_title")


@register(UserStory)
class UserStoryTranslation(TranslationOptions):
    fields = ("title", "summary", "story")


track_history(Theme)
track_history(Dataset)
track_history(UserStory, m2m_fields=["themes", "datasets"])
