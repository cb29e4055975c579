"""Representations of user stories and datasets. A story's submitter (name, e-mail) is
private: no field here reads it."""

from functools import cached_property

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers
from rest_framework.validators import UniqueValidator

from cogwg import permissions
from cogwg.api.base import (
    ApiModelSerializer,
    HyperlinkedIdentityField,
    ShownListSerializer,
    ShownRelatedField,
    SummaryRelatedField,
)
from cogwg.api.publication import MovedByActionsMixin
from cogwg.api.summaries import (
    DatasetSummarySerializer,
    JurisdictionSummarySerializer,
    MilestoneSummarySerializer,
    ThemeSerializer,
)
from jurisdictions.models import Jurisdiction
from workplan.models import Milestone

from ..choices import CkanErrorCode, StoryState
from ..models import Dataset, Theme, UserStory
from ..selectors import shown_release
from ..services import HARVEST_ONLY_FIELDS, PUBLICATION_TEXT_FIELDS, story_publication_gaps, story_slug_free

# Why a write may not set a story's publication date: only those who publish set it.
PUBLISHED_ON_SET_BY_PUBLISHERS = _(
    "A story's publication date is set by the secretariat, who publish it (POST …/stories/{id}/publish/ with "
    "`published_on`), not by a write of the story."
)
# Why a write may not set what the harvest writes.
HARVESTED = _("Harvested from the dataset's portal, not written through the API: the next harvest would replace it.")


class UserStorySerializer(MovedByActionsMixin, ApiModelSerializer):
    # Moved only by the moderation's actions (…/publish/, …/reject/, …/review/,
    # …/approve/: stories.services.story_move), under the rules the admin follows too: a
    # write that sends another state is refused (MovedByActionsMixin).
    moved_field = "state"
    moved_message = _(
        "A story's state is not written: a new story is submitted, then moved only by the secretariat's actions "
        "`approve`, `review`, `reject` and `publish` (POST …/stories/{id}/approve/ and the like)."
    )

    url = HyperlinkedIdentityField(view_name="api:story-detail")
    jurisdiction = SummaryRelatedField(
        JurisdictionSummarySerializer,
        slug_field="code",
        queryset=Jurisdiction.objects.all(),
        required=False,
        allow_null=True,
    )
    themes = SummaryRelatedField(
        ThemeSerializer, slug_field="slug", queryset=Theme.objects.all(), many=True, required=False
    )
    datasets = SummaryRelatedField(DatasetSummarySerializer, queryset=Dataset.objects.all(), many=True, required=False)
    release = ShownRelatedField(
        MilestoneSummarySerializer,
        shown=shown_release,
        queryset=Milestone.objects.all(),
        required=False,
        allow_null=True,
        help_text="The milestone it was released under; null while its work plan is a draft the reader may not see.",
    )

    class Meta:
        model = UserStory
        list_serializer_class = ShownListSerializer
        fields = (
            "url",
            "id",
            "slug",
            "slug_fr",
            "title",
            "title_en",
            "title_fr",
            "summary",
            "summary_en",
            "summary_fr",
            "story",
            "story_en",
            "story_fr",
            "jurisdiction",
            "user_type",
            "impact",
            "themes",
            "datasets",
            "state",
            "rejection_reason",
            "release",
            "published_on",
            "portal_url",
            "created_at",
            "modified_at",
        )
        read_only_fields = ("state", "rejection_reason")
        extra_kwargs = {
            "slug_fr": {
                "help_text": "Its French page's address (/fr/…/<slug_fr>/); its English page is at `slug`. Left "
                "empty on creation, or sent empty, it is made from `title_fr`; a story without a French title has "
                "its French page at `slug`. A slug another story has, in English or in French, is refused (400)."
            },
            "state": {
                "help_text": "Changed by the secretariat's actions `publish`, `approve`, `review` and `reject`, "
                "never by a write of the story: a new story is `submitted`. A write that sends another state than "
                "the story's (on creation, than `submitted`) is refused (400), and changes nothing."
            },
            "rejection_reason": {
                "help_text": "Why the secretariat rejected the story (the `reason` of the action `reject`), while "
                "it is rejected; else empty. Written in the language of whoever sent it."
            },
            "published_on": {
                "help_text": "Set by the secretariat (here, or with the action `publish`). A write by anyone else "
                "that sends another date than the story's (on creation, than null) is refused (400), and changes "
                "nothing."
            },
        }

    @cached_property
    def may_publish(self) -> bool:
        request = self.context.get("request")
        return request is None or permissions.can_publish(request.user, UserStory)

    @property
    def moved_fields(self):
        # The publication date is the publisher's, as in the admin (its publisher_fields):
        # read-only for others, who are told so rather than have it dropped.
        fields = super().moved_fields
        if not self.may_publish:
            fields = {**fields, "published_on": PUBLISHED_ON_SET_BY_PUBLISHERS}
        return fields

    def get_fields(self):
        fields = super().get_fields()
        # A French slug another story has, in French or in English, is refused by the model
        # (UserStory.validate_constraints) with one message, as in the admin.
        slug_fr = fields["slug_fr"]
        slug_fr.validators = [
            validator for validator in slug_fr.validators if not isinstance(validator, UniqueValidator)
        ]
        if not self.may_publish:
            # Set by those who publish, as in the admin (its publisher_fields).
            fields["published_on"].read_only = True
        return fields

    def validate(self, attrs):
        # A French slug left empty (on creation, or sent empty) is made from the French
        # title, as the admin's form makes it; without one, the French page is at the slug.
        if not attrs.get("slug_fr") and (self.instance is None or "slug_fr" in attrs):
            title = attrs.get("title_fr", getattr(self.instance, "title_fr", None))
            if title:
                attrs["slug_fr"] = story_slug_free(title=title, story=self.instance)
        # A published story keeps what a published story has (its title and summary in
        # both languages: stories.services.story_publication_gaps), as in the admin.
        attrs = super().validate(attrs)
        if self.instance is not None and self.instance.state == StoryState.PUBLISHED:
            texts = {name: attrs.get(name, getattr(self.instance, name)) for name in PUBLICATION_TEXT_FIELDS}
            if gaps := story_publication_gaps(texts):
                raise serializers.ValidationError(gaps)
        return attrs


class ListedColumns(serializers.Serializer):
    """A story's themes or datasets in its CSV: one column per key of their JSON objects
    (``summary_serializer``'s), each cell listing that key's value for every theme or
    dataset, in order, separated by "; " (cogwg/api/renderers.py), as one related record
    spreads into ``jurisdiction.code``, ``jurisdiction.name``. So ``themes.slug`` and
    ``datasets.id`` give them as the API takes them (``?theme=``, ``?dataset=``), and a
    dataset's id joins the datasets' own CSV."""

    def __init__(self, summary_serializer, **kwargs):
        self.summary_serializer = summary_serializer
        super().__init__(read_only=True, **kwargs)

    def get_fields(self):
        return {name: serializers.ListField(read_only=True) for name in self.summary_serializer.Meta.fields}

    @cached_property
    def summary(self):
        # One per field, reused for every story (as SummaryRelatedField does).
        return self.summary_serializer(context=self.context)

    def to_representation(self, related):
        summaries = [self.summary.to_representation(record) for record in related.all()]
        return {name: [summary[name] for summary in summaries] for name in self.fields}


class UserStoryTableSerializer(UserStorySerializer):
    """A story as a row of the API's CSV (``?format=csv``): its themes and datasets by
    each key of their JSON objects (``ListedColumns``) rather than one cell of titles."""

    themes = ListedColumns(ThemeSerializer)
    datasets = ListedColumns(DatasetSummarySerializer)


class DatasetSerializer(MovedByActionsMixin, ApiModelSerializer):
    # What the harvest alone writes (stories/ckan.py), shown read-only by the admin
    # (HARVEST_ONLY_FIELDS): a write that sends another value than the stored one
    # (on creation, than the default) is refused (MovedByActionsMixin) rather than stored
    # until the next harvest replaces it. Its description and publisher in each language are
    # not fields here (a read gives them in the response's language).
    moved_fields = dict.fromkeys(HARVEST_ONLY_FIELDS, HARVESTED)

    url = HyperlinkedIdentityField(view_name="api:dataset-detail")
    harvest_error_code = serializers.ChoiceField(
        choices=CkanErrorCode.choices,
        allow_blank=True,
        read_only=True,
        help_text="Why the last harvest failed, empty when it succeeded; `not_found`: the portal has no such "
        "dataset any more.",
    )
    # Translated as the model's text fields are (cogwg/api/base.py): a read gives the page in
    # the response's language, a write takes each language's.
    page_url = serializers.URLField(
        source="url",
        read_only=True,
        allow_blank=True,
        help_text="The dataset's page on its portal, in the response's language; the portal's only page where it "
        "has none per language; empty when it has none.",
    )
    page_url_en = serializers.URLField(
        source="url_en",
        max_length=500,
        write_only=True,
        required=False,
        allow_blank=True,
        help_text="The dataset's English page on its portal, or the portal's only page.",
    )
    page_url_fr = serializers.URLField(
        source="url_fr",
        max_length=500,
        write_only=True,
        required=False,
        allow_blank=True,
        help_text="The dataset's French page on its portal; empty where the portal has no page per language.",
    )

    class Meta:
        model = Dataset
        fields = (
            "url",
            "id",
            "portal_url",
            "ckan_id",
            "title",
            "title_en",
            "title_fr",
            "description",
            "page_url",
            "page_url_en",
            "page_url_fr",
            "publisher",
            "formats",
            "license_title",
            "metadata_modified",
            "metadata",
            "last_harvested",
            "last_harvest_attempt",
            "harvest_error_code",
            "created_at",
            "modified_at",
        )
        # Harvested from the portal (stories/ckan.py), not written through the API (nor are
        # ``description``, ``publisher`` and ``harvest_error_code``: ``moved_fields``); a failed
        # harvest keeps the last good metadata.
        read_only_fields = (
            "formats",
            "license_title",
            "metadata_modified",
            "metadata",
            "last_harvested",
            "last_harvest_attempt",
        )
        extra_kwargs = {
            "last_harvest_attempt": {"help_text": "When the portal was last asked, whether or not it answered."},
            "license_title": {"help_text": "The licence's title, in the response's language where the portal has it."},
        }
