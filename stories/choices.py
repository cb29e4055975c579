from django.db import models
from django.utils.translation import gettext_lazy as _


class StoryState(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted")
    IN_REVIEW = "in_review", _("In review")
    APPROVED = "approved", _("Approved")
    PUBLISHED = "published", _("Published")
    REJECTED = "rejected", _("Rejected")


class UserType(models.TextChoices):
    BUSINESS = "business", _("Business")
    RESEARCHER = "researcher", _("Researcher")
    CIVIL_SOCIETY = "civil_society", _("Civil society")
    MEDIA = "media", _("Media")
    GOVERNMENT = "government", _("Government")
    INDIVIDUAL = "individual", _("Individual")


class Impact(models.TextChoices):
    SOCIAL = "social", _("Social")
    ECONOMIC = "economic", _("Economic")
    ENVIRONMENTAL = "environmental", _("Environmental")
    DEMOCRATIC = "democratic", _("Democratic")
