"""Representations of jurisdictions, accomplishments and challenges."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from rest_framework import serializers

from cogwg.api.base import (
    ApiModelSerializer,
    HyperlinkedIdentityField,
    ShownListSerializer,
    ShownRelatedField,
    SummaryRelatedField,
    api_validation_error,
)
from cogwg.api.publication import PUBLICATION_STATE_HELP, MovedByActionsMixin, ReviewCommentField
from cogwg.api.serializers import duplicate_message, rows_rights_check
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


class AccomplishmentLinkSerializer(ApiModelSerializer):
    # Judged with the accomplishment's other links (AccomplishmentSerializer.validate_links).
    clean_model = False

    class Meta:
        model = AccomplishmentLink
        fields = ("url", "label", "label_en", "label_fr")
        extra_kwargs = {"url": {"help_text": "The page's address; once per accomplishment."}}

    def validate(self, attrs):
        # A link is known by its address, which a PATCH of its accomplishment (where every
        # field may be left out) must send too.
        if "url" not in attrs:
            raise serializers.ValidationError({"url": [self.fields["url"].error_messages["required"]]})
        return super().validate(attrs)


def accomplishment_links_save(*, accomplishment, links, by):
    """Make ``links`` (validated items: ``url``, ``label_en``, ``label_fr``) the links of
    ``accomplishment``, in their order, as the admin's table of links saves them: a link
    already there (the same URL) is changed in place, keeping the labels not sent, and
    saved only if it changes; the others are added; those not sent are deleted. Each row
    keeps its history, by ``by``. A 403 when ``by`` lacks the model permission a change
    needs (``rows_rights_check``)."""
    stored = {link.url: link for link in AccomplishmentLink.objects.filter(accomplishment=accomplishment)}
    saved, added = [], False
    for order, values in enumerate(links):
        link = stored.get(values["url"])
        if link is None:
            link, added = AccomplishmentLink(accomplishment=accomplishment), True
        values = {**values, "order": order}
        if link.pk is None or any(getattr(link, name) != value for name, value in values.items()):
            for name, value in values.items():
                setattr(link, name, value)
            saved.append(link)
    sent = {values["url"] for values in links}
    removed = [link for url, link in stored.items() if url not in sent]
    changed = any(link.pk is not None for link in saved)
    rows_rights_check(by, AccomplishmentLink, add=added, change=changed, delete=bool(removed))
    for link in removed:
        link._history_user = by
        link.delete()
    for link in saved:
        link._history_user = by
        link.save()


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
    links = AccomplishmentLinkSerializer(
        many=True,
        required=False,
        help_text="The web pages that document it, in order, each read with its `label` in the response's "
        "language and written with `label_en` and `label_fr`. A write that sends `links` makes them the "
        "accomplishment's links, as the admin's table of links does (one not sent is deleted; a PATCH without "
        "`links` leaves them); a link already there, known by its `url`, keeps the labels not sent. A URL listed "
        "twice is refused (400); errors are given by the link's index in the list.",
    )
    review_comment = ReviewCommentField()

    # The links sent, saved with the record (``validate``, ``save``); None: not sent.
    links_sent = None

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

    def validate_links(self, links):
        """The links as the admin's table of links validates them: each as the model does,
        and a URL once per accomplishment (its unique constraint), with the admin's message
        on the URL listed again. Errors by the link's index in the list, as DRF gives those
        of each link's fields."""
        seen, errors = set(), {}
        for index, values in enumerate(links):
            error = {}
            try:
                AccomplishmentLink(**values).full_clean(
                    exclude=["accomplishment"], validate_unique=False, validate_constraints=False
                )
            except DjangoValidationError as invalid:
                error.update(api_validation_error(invalid).detail)
            if values["url"] in seen:
                error.setdefault("url", []).append(duplicate_message(AccomplishmentLink, "url"))
            seen.add(values["url"])
            if error:
                errors[index] = error
        if errors:
            raise serializers.ValidationError(errors)
        return links

    def validate(self, attrs):
        # Saved with the record (``save``), not set on it: the record's own validation
        # (and the viewset's check of its rights) set every value sent on a copy of it.
        self.links_sent = attrs.pop("links", None)
        return super().validate(attrs)

    def save(self, **kwargs):
        # All or nothing: the record and its links in one transaction (the viewset's, if any).
        with transaction.atomic():
            accomplishment = super().save(**kwargs)
            if self.links_sent is not None:
                request = self.context["request"]
                accomplishment_links_save(accomplishment=accomplishment, links=self.links_sent, by=request.user)
        return accomplishment


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
