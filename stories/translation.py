"""Translated fields, then history (see cogwg/translation.py for why here)."""

from modeltranslation.translator import TranslationOptions, register
from simple_history import register as track_history

from .models import Dataset, Theme, UserStory


@register(Theme)
class ThemeTranslation(TranslationOptions):
    fields = ("name",)


@register(Dataset)
class DatasetTranslation(TranslationOptions):
    fields = ("title", "description", "publisher")


@register(UserStory)
class UserStoryTranslation(TranslationOptions):
    fields = ("title", "summary", "story")


track_history(Theme)
track_history(Dataset)
track_history(UserStory, m2m_fields=["themes", "datasets"])
