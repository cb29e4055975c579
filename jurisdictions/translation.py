"""Translated fields, then history (see cogwg/translation.py for why here)."""

from modeltranslation.translator import TranslationOptions, register
from simple_history import register as track_history

from .models import Accomplishment, AccomplishmentLink, Challenge, Contributor, Jurisdiction


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


@register(Contributor)
class ContributorTranslation(TranslationOptions):
    """Nothing to translate: registered so that its admin is the tracker's common one."""

    fields = ()


for model in (Jurisdiction, Accomplishment, AccomplishmentLink, Contributor):
    track_history(model)
track_history(Challenge, m2m_fields=["jurisdictions"])
