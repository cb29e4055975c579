"""Representations of jurisdictions, accomplishments and challenges."""

from rest_framework import serializers

from cogwg.api.base import (
    ApiModelSerializer,
    HyperlinkedIdentityField,
    ShownListSerializer,
    ShownRelatedField,
    SummaryRelatedField,
)
from cogwg.api.publication import PUBLICATION_STATE_HELP, MovedByActionsMixin, ReviewCommentField
from cogwg.api.summaries import JurisdictionSummarySerializer, MeetingSummarySerializer, PrioritySummarySerializer
from cogwg.models import Meeting
from workplan.models import Priority

from ..models import Accomplishment, AccomplishmentLink, Challenge, Jurisdiction
from ..selectors import shown_priority


class JurisdictionSerializer(ApiModelSerializer):
    url = HyperlinkedIdentityField(view_name="api:jurisdiction-detail", lookup_field="code")

    class Meta:
        model = Jurisdiction
        fields = (
            "url",
            "id",
            "code",
            "name",
            "name_en",
            "name_fr",
            "short_name",
            "short_name_en",
            "short_name_fr",
            "kind",
            "website",
            "open_data_url",
            "open_government_url",
            "is_member",
            "order",
            "created_at",
            "modified_at",
        )

    def validate_code(self, value):
        # The code is the jurisdiction's address in URLs (/jurisdictions/BC/), kept in
        # capitals: "bc" is BC. What it may hold is the model's validator's (CODE_VALIDATOR).
        return value.upper()


class AccomplishmentLinkSerializer(serializers.ModelSerializer):
    class Meta:
        model = AccomplishmentLink
        fields = ("url", "label")


class AccomplishmentSerializer(MovedByActionsMixin, ApiModelSerializer):
    url = HyperlinkedIdentityField(view_name="api:accomplishment-detail")
    jurisdiction = SummaryRelatedField(
        JurisdictionSummarySerializer, slug_field="code", queryset=Jurisdiction.objects.all()
    )
    priority = ShownRelatedField(
        PrioritySummarySerializer,
        shown=shown_priority,
        queryset=Priority.objects.all(),
        required=False,
        allow_null=True,
        help_text="The priority it advances; null while its work plan is a draft the reader may not see.",
    )
    meeting = SummaryRelatedField(
        MeetingSummarySerializer,
        queryset=Meeting.objects.all(),
        required=False,
        allow_null=True,
        help_text="The meeting where it was reported.",
    )
    links = AccomplishmentLinkSerializer(many=True, read_only=True)
    review_comment = ReviewCommentField()

    class Meta:
        model = Accomplishment
        list_serializer_class = ShownListSerializer
        fields = (
            "url",
            "id",
            "jurisdiction",
            "title",
            "title_en",
            "title_fr",
            "description",
            "description_en",
            "description_fr",
            "date",
            "category",
            "priority",
            "meeting",
            "links",
            "publication_state",
            "review_comment",
            "published_at",
            "created_at",
            "modified_at",
        )
        read_only_fields = ("publication_state", "published_at")
        extra_kwargs = {"publication_state": {"help_text": PUBLICATION_STATE_HELP}}


class ChallengeSerializer(MovedByActionsMixin, ApiModelSerializer):
    url = HyperlinkedIdentityField(view_name="api:challenge-detail")
    jurisdictions = SummaryRelatedField(
        JurisdictionSummarySerializer,
        slug_field="code",
        queryset=Jurisdiction.objects.all(),
        many=True,
        required=False,
        help_text="None: a challenge of several jurisdictions, not named (the pages say so).",
    )
    first_reported_at = SummaryRelatedField(
        MeetingSummarySerializer, queryset=Meeting.objects.all(), required=False, allow_null=True
    )
    review_comment = ReviewCommentField()

    class Meta:
        model = Challenge
        fields = (
            "url",
            "id",
            "title",
            "title_en",
            "title_fr",
            "description",
            "description_en",
            "description_fr",
            "category",
            "jurisdictions",
            "status",
            "mitigation",
            "mitigation_en",
            "mitigation_fr",
            "first_reported_at",
            "first_reported_on",
            "resolved_on",
            "publication_state",
            "review_comment",
            "published_at",
            "created_at",
            "modified_at",
        )
        read_only_fields = ("publication_state", "published_at")
        extra_kwargs = {"publication_state": {"help_text": PUBLICATION_STATE_HELP}}
