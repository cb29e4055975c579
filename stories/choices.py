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


class CkanErrorCode(models.TextChoices):
    """What went wrong with a portal, in no language: kept with a harvest error
    (``Dataset.harvest_error_code``) and told in the reader's language."""

    NOT_A_DATASET_URL = (
        "not_a_dataset_url",
        _("This address names no dataset on a CKAN portal: expected …/dataset/<id or name>"),
    )
    ADDRESS_TOO_LONG = "address_too_long", _("The portal's address is too long")
    UNREACHABLE = "unreachable", _("The portal could not be reached")
    TIMEOUT = "timeout", _("The portal did not answer in time")
    NOT_CKAN = "not_ckan", _("The portal did not answer like CKAN's Action API")
    NOT_FOUND = "not_found", _("The portal has no such dataset (any more)")
    REFUSED = "refused", _("The portal refused the request")
    BAD_ANSWER = "bad_answer", _("The portal's answer is not a dataset as CKAN describes one")
    TOO_LARGE = "too_large", _("The portal's answer is larger than the tracker accepts")
    FAILED = "failed", _("The harvest failed unexpectedly")
