from django.db import models
from django.utils.translation import gettext_lazy as _


class JurisdictionKind(models.TextChoices):
    FEDERAL = "federal", _("Federal")
    PROVINCIAL = "provincial", _("Provincial")
    TERRITORIAL = "territorial", _("Territorial")
    MUNICIPAL = "municipal", _("Municipal")
    OTHER = "other", _("Other")


class AccomplishmentCategory(models.TextChoices):
    PORTAL = "portal", _("Open data portal")
    POLICY = "policy", _("Policy")
    STRATEGY = "strategy", _("Strategy or plan")
    ENGAGEMENT = "engagement", _("Engagement")
    OTHER = "other", _("Other")


class ChallengeCategory(models.TextChoices):
    RESOURCES = "resources", _("Resources")
    POLITICAL_TRANSITION = "political_transition", _("Political transition")
    METADATA_IT = "metadata_it", _("Metadata and IT infrastructure")
    LEGAL = "legal", _("Legal")
    OTHER = "other", _("Other")


class ChallengeStatus(models.TextChoices):
    OPEN = "open", _("Open")
    BEING_ADDRESSED = "being_addressed", _("Being addressed")
    RESOLVED = "resolved", _("Resolved")
