"""Representations of user stories and datasets. A story's submitter (name, e-mail) is
private: no field here reads it."""

from rest_framework import serializers

from cogwg.api.base import (
    ApiModelSerializer,
    HyperlinkedIdentityField,
    ShownListSerializer,
    ShownRelatedField,
    SummaryRelatedField,
)
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
from ..services import PUBLICATION_TEXT_FIELDS, story_publication_gaps


class UserStorySerializer(ApiModelSerializer):
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
            "release",
            "published_on",
            "portal_url",
            "created_at",
            "modified_at",
        )

    def validate(self, attrs):
        # Published through the API as through the admin: only once it has what a published
        # story has (stories.services.story_publication_gaps).
        attrs = super().validate(attrs)
        previous_state = self.instance.state if self.instance is not None else None
        if attrs.get("state") == StoryState.PUBLISHED != previous_state:
            texts = {name: attrs.get(name, getattr(self.instance, name, "")) for name in PUBLICATION_TEXT_FIELDS}
            if gaps := story_publication_gaps(texts):
                raise serializers.ValidationError(gaps)
        return attrs


class DatasetSerializer(ApiModelSerializer):
    url = HyperlinkedIdentityField(view_name="api:dataset-detail")
    harvest_error_code = serializers.ChoiceField(
        choices=CkanErrorCode.choices,
        allow_blank=True,
        read_only=True,
        help_text="Why the last harvest failed, empty when it succeeded; `not_found`: the portal has no such "
        "dataset any more.",
    )
    page_url = serializers.URLField(
        source="url", max_length=500, required=False, allow_blank=True, help_text="The dataset's page on its portal."
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
            "description_en",
            "description_fr",
            "page_url",
            "publisher",
            "publisher_en",
            "publisher_fr",
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
        # Harvested from the portal (stories/ckan.py), not written through the API (nor is
        # ``harvest_error_code``); a failed harvest keeps the last good metadata.
        read_only_fields = (
            "formats",
            "license_title",
            "metadata_modified",
            "metadata",
            "last_harvested",
            "last_harvest_attempt",
        )
        extra_kwargs = {
            "last_harvest_attempt": {"help_text": "When the portal was last asked, whether or not it answered."}
        }
