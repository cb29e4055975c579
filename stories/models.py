"""The open data user stories inventory (priority 1) and the datasets stories used."""

import contextlib
import re

from django.conf import settings
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator, validate_email
from django.db import models
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from cogwg.models import TimeStampedModel, either_language_errors
from cogwg.slugs import BilingualSlugsMixin

from .choices import CkanErrorCode, Impact, StoryState, UserType
from .ckan import ckan_error_message


class Theme(models.Model):
    """A subject a story is about (health, transportation…)."""

    slug = models.SlugField(_("slug"), unique=True)
    name = models.CharField(_("name"), max_length=100)

    class Meta:
        ordering = ["slug"]
        verbose_name = _("theme")
        verbose_name_plural = _("themes")

    def __str__(self):
        return self.name


class DatasetQuerySet(models.QuerySet):
    def of_published_stories(self):
        """The datasets a published story used: what the public list of stories offers to
        filter by."""
        return self.filter(pk__in=UserStory.objects.published().values("datasets"))


class Dataset(TimeStampedModel):
    """A dataset on a CKAN portal, referenced by the portal's base URL and its id or name.
    Metadata comes from the portal's Action API (``package_show``, see stories/ckan.py);
    ``metadata`` keeps the harvested subset (resources, organization, licence, tags).
    Its page (``url``) and its licence's title are kept per language where the portal
    has them in both (stories/translation.py); a portal's single one is the English
    value, which a French page falls back to.
    A failed harvest is recorded in ``harvest_error_code`` (what went wrong, in no
    language), ``harvest_error`` (its technical detail: address, HTTP status, the portal's
    words) and ``last_harvest_attempt``, and leaves the last good metadata in place."""

    portal_url = models.URLField(_("portal (CKAN base URL)"))
    ckan_id = models.CharField(_("CKAN id or name"), max_length=200)
    title = models.CharField(_("title"), max_length=500)
    description = models.TextField(_("description"), blank=True)
    url = models.URLField(_("page URL"), max_length=500, blank=True)
    publisher = models.CharField(_("publisher"), max_length=300, blank=True)
    formats = models.JSONField(_("resource formats"), default=list, blank=True)
    license_title = models.CharField(_("licence"), max_length=200, blank=True)
    metadata_modified = models.DateTimeField(_("modified on the portal"), null=True, blank=True)
    metadata = models.JSONField(_("harvested metadata"), default=dict, blank=True)
    last_harvested = models.DateTimeField(_("last harvested"), null=True, blank=True)
    last_harvest_attempt = models.DateTimeField(_("last harvest attempt"), null=True, blank=True)
    harvest_error_code = models.CharField(
        _("last harvest error code"), max_length=32, choices=CkanErrorCode.choices, blank=True
    )
    harvest_error = models.TextField(_("last harvest error"), blank=True)

    objects = DatasetQuerySet.as_manager()

    class Meta:
        ordering = ["title", "pk"]
        verbose_name = _("dataset")
        verbose_name_plural = _("datasets")
        constraints = [
            models.UniqueConstraint(fields=["portal_url", "ckan_id"], name="%(app_label)s_%(class)s_unique_on_portal"),
        ]

    def __str__(self):
        return self.title

    @property
    def removed_from_portal(self) -> bool:
        """The last harvest found the dataset gone from its portal (its page says so)."""
        return self.harvest_error_code == CkanErrorCode.NOT_FOUND

    @admin.display(description=_("last harvest error"))
    def harvest_error_message(self) -> str:
        """The last harvest error in the active language, with its technical detail; an
        error kept before there were codes, as it was written."""
        return ckan_error_message(self.harvest_error_code, self.harvest_error)


def reserved_story_slugs() -> set[str]:
    """The words that stand where a story's slug does in the stories' own addresses, in
    every language: /en/user-stories/submit/ is the form, not the story "submit"."""
    words = set()
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            listing = reverse("stories:list")
            words.add(reverse("stories:submit").removeprefix(listing).split("/")[0])
    return words


def validate_story_slug(value: str) -> None:
    """A story's address must not be one of the site's own pages (stories/urls.py)."""
    if value.lower() in reserved_story_slugs():
        raise ValidationError(
            _("“%(slug)s” is the address of one of the site's pages: choose another slug."),
            code="reserved",
            params={"slug": value},
        )


# Domains that name no mailbox on the internet: this computer ("localhost", RFC 6761) and
# local networks (".local", RFC 6762; "home.arpa", RFC 8375; and the usual ".localdomain",
# ".internal", ".lan"), or none at all (".invalid", RFC 2606). The site's mail relay would
# deliver a receipt to one of its own mailboxes.
LOCAL_DOMAINS = ("localhost", "localdomain", "local", "internal", "lan", "home.arpa", "invalid")
# The last label of a domain on the internet: letters (a country's, ".com"), or an
# internationalized one in its ASCII form (".xn--..."), never digits.
TOP_LEVEL_DOMAIN = re.compile(r"(?:[a-z]{2,63}|xn--[a-z0-9-]{1,59})\Z")


def validate_public_email(value: str) -> None:
    """An e-mail address the site may write to: on a domain of the internet, with a dot
    and a top-level domain, never an address in brackets (``root@[127.0.0.1]``), digits
    (``a@10.0.0.1``) or a local name (``postmaster@localhost``), which Django's own check
    lets through. An address that is not one at all is left to that check's message."""
    try:
        validate_email(value)
    except ValidationError:
        return
    domain = value.rpartition("@")[2].lower()
    # An internationalized domain in its ASCII form; one Python cannot encode (Django's
    # check has taken it) is judged as written.
    with contextlib.suppress(UnicodeError):
        domain = domain.encode("idna").decode("ascii")
    labels = domain.split(".")
    local = any(domain == name or domain.endswith(f".{name}") for name in LOCAL_DOMAINS)
    if domain.startswith("[") or len(labels) < 2 or not TOP_LEVEL_DOMAIN.match(labels[-1]) or local:
        raise ValidationError(
            _(
                "Enter an e-mail address with a full domain name, such as name@example.com. We cannot send "
                "e-mails to a local or numeric address."
            ),
            code="not_public",
        )


# A story's page is at its slug in English and at its French slug in French; each slug names
# one story, in either language (UserStory.validate_constraints).
STORY_SLUG_TAKEN = _("Another story already uses this slug, in English or in French: choose another.")


# The longest reason for a rejection the secretariat may give (characters).
REJECTION_REASON_LENGTH = 2000


class UserStoryQuerySet(models.QuerySet):
    def published(self):
        return self.filter(state=StoryState.PUBLISHED)

    def for_listing(self):
        return self.select_related("jurisdiction", "release").prefetch_related("themes", "datasets")


class UserStory(BilingualSlugsMixin, TimeStampedModel):
    """How someone used open data. Submitter name and e-mail are private: they never
    leave the admin (and the e-mails to the submitter about their story, in
    ``submitter_language``: stories/notifications.py), and are erased on request, with the
    story, and some time after it is rejected, in the story and in its history
    (stories/services/privacy.py, cogwg/retention.py). A story sent through the public form
    records when its submitter agreed to its publication and to which version of the
    privacy notice (``consent_given_at``, ``consent_notice_version``); one filed by the
    secretariat or a contributor has neither.

    A rejected story has the secretariat's reason (``rejection_reason``), e-mailed to its
    sender and written in their language (``submitter_language``); a story in any other
    state has none (stories/services/moderation.py clears it when a rejected story is
    reconsidered; its history keeps it). It is the secretariat's text, not the sender's
    personal information: it stays when their name and address are erased."""

    slug_taken_message = STORY_SLUG_TAKEN

    # In English or in French while under review, in both once published (clean(), and
    # services.story_publication_gaps).
    title = models.CharField(_("title"), max_length=255, blank=True)
    slug = models.SlugField(_("slug"), max_length=120, unique=True, validators=[validate_story_slug])
    slug_fr = models.SlugField(
        _("French slug"),
        max_length=120,
        blank=True,
        validators=[validate_story_slug],
        help_text=_("Its French page's address, from its French title. Left empty, the French page uses the slug."),
    )
    summary = models.TextField(_("summary"), blank=True)
    story = models.TextField(_("story"), blank=True)
    jurisdiction = models.ForeignKey(
        "jurisdictions.Jurisdiction",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="stories",
        verbose_name=_("jurisdiction"),
    )
    user_type = models.CharField(_("who used the data"), max_length=16, choices=UserType.choices)
    impact = models.CharField(_("impact"), max_length=16, choices=Impact.choices)
    themes = models.ManyToManyField(Theme, blank=True, related_name="stories", verbose_name=_("themes"))
    datasets = models.ManyToManyField(Dataset, blank=True, related_name="stories", verbose_name=_("datasets"))
    state = models.CharField(
        _("state"), max_length=16, choices=StoryState.choices, default=StoryState.SUBMITTED, db_index=True
    )
    release = models.ForeignKey(
        "workplan.Milestone",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="released_stories",
        verbose_name=_("released under"),
    )
    published_on = models.DateField(_("published on"), null=True, blank=True)
    portal_url = models.URLField(_("page on the open government portal"), blank=True)
    submitter_name = models.CharField(_("submitter's name"), max_length=200, blank=True)
    submitter_email = models.EmailField(_("submitter's e-mail"), blank=True, validators=[validate_public_email])
    submitter_language = models.CharField(
        _("submitter's language"),
        max_length=8,
        choices=settings.LANGUAGES,
        blank=True,
        help_text=_("The language of the form they used: the e-mails they get about their story are in it."),
    )
    consent_given_at = models.DateTimeField(
        _("consent given at"),
        null=True,
        blank=True,
        help_text=_("When they agreed, on the public form, to the publication of their story and the privacy notice."),
    )
    consent_notice_version = models.CharField(
        _("privacy notice agreed to"),
        max_length=16,
        blank=True,
        help_text=_("The version (its date) of the privacy notice the form showed when they agreed."),
    )
    rejection_reason = models.TextField(
        _("reason for the rejection"),
        max_length=REJECTION_REASON_LENGTH,
        blank=True,
        validators=[MaxLengthValidator(REJECTION_REASON_LENGTH)],
        help_text=_(
            "Why the story is rejected, e-mailed to whoever sent it: write it in their language (the "
            "submitter's language). Required to reject a story; cleared when it is put back under review, and "
            "kept in its history."
        ),
    )

    objects = UserStoryQuerySet.as_manager()

    class Meta:
        ordering = ["-published_on", "-created_at", "pk"]
        verbose_name = _("user story")
        verbose_name_plural = _("user stories")
        indexes = [
            # Published stories in their listing order (home page, list pages, API): a page
            # is read from the index instead of sorting every published story.
            models.Index(
                fields=["-published_on", "-created_at", "id"],
                condition=models.Q(state=StoryState.PUBLISHED),
                name="userstory_recent_pub",
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["slug_fr"],
                condition=~models.Q(slug_fr=""),
                name="%(app_label)s_%(class)s_unique_slug_fr",
                violation_error_code="slug_taken",
                violation_error_message=STORY_SLUG_TAKEN,
            ),
            models.CheckConstraint(
                condition=~models.Q(state=StoryState.PUBLISHED) | models.Q(published_on__isnull=False),
                name="%(app_label)s_%(class)s_published_has_date",
                violation_error_code="published_without_date",
                violation_error_message=_(
                    "A published story has a publication date: enter its “published on” date, or choose another state."
                ),
            ),
            # A consent is recorded whole (when, and to which notice), or not at all.
            models.CheckConstraint(
                condition=models.Q(consent_given_at__isnull=True, consent_notice_version="")
                | (models.Q(consent_given_at__isnull=False) & ~models.Q(consent_notice_version="")),
                name="%(app_label)s_%(class)s_consent_has_notice_version",
                violation_error_code="consent_without_notice",
                violation_error_message=_(
                    "A consent records both when it was given and the version of the privacy notice agreed to, or "
                    "neither."
                ),
            ),
            # A rejection says why (e-mailed to the sender); a story in any other state has no reason.
            models.CheckConstraint(
                condition=(models.Q(state=StoryState.REJECTED) & ~models.Q(rejection_reason=""))
                | (~models.Q(state=StoryState.REJECTED) & models.Q(rejection_reason="")),
                name="%(app_label)s_%(class)s_rejected_has_reason",
                violation_error_code="rejection_reason_state",
                violation_error_message=_(
                    "A rejected story has the reason for its rejection, and a story in any other state has none."
                ),
            ),
        ]

    def __str__(self):
        return self.title

    def clean(self):
        if errors := either_language_errors(self, ("title", "summary")):
            raise ValidationError(errors)

    def slug_rivals(self, exclude):
        # Every other story: their pages share one address space.
        return UserStory.objects.all()
