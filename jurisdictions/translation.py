"""Translated fields, then history (see cogwg/translation.py for why here)."""

from modeltranslation.translator import TranslationOptions, register
from simple_history import register as track_history

from .models import Accomplishment, AccomplishmentLink, Challenge, Jurisdiction


@register(Jurisdiction)
class JurisdictionTranslation(TranslationOptions):
    fields = ("name", "short_name")


@register(Accomplishment)
class AccomplishmentTranslation(TranslationOptions):
    fields = ("title", "description")


@register(AccomplishmentLink)
class AccomplishmentLinkTranslation(TranslationOptions):
    fields = ("label",)


@register(Challenge)
class ChallengeTranslation(TranslationOptions):
    fields = ("title", "description", "mitigation")


for model in (Jurisdiction, Accomplishment, AccomplishmentLink):
    track_history(model)
track_history(Challenge, m2m_fields=["jurisdictions"])
