import datetime

import pytest
from django.db import IntegrityError, transaction

from cogwg import services
from cogwg.choices import PublicationState
from jurisdictions.choices import ChallengeStatus
from jurisdictions.models import Accomplishment, Challenge, Jurisdiction
from tests.factories import AccomplishmentFactory, AccomplishmentLinkFactory, ChallengeFactory, JurisdictionFactory

pytestmark = pytest.mark.django_db


def test_one_code_per_jurisdiction():
    JurisdictionFactory(code="ON")

    with pytest.raises(IntegrityError), transaction.atomic():
        Jurisdiction.objects.create(code="ON", name_en="Ontario again", kind="provincial")

    assert Jurisdiction.objects.count() == 1


@pytest.mark.parametrize("code", ["on", ""])
def test_codes_are_upper_case_and_not_empty(code):
    with pytest.raises(IntegrityError), transaction.atomic():
        Jurisdiction.objects.create(code=code, name_en="Bad", kind="provincial")


def test_the_same_link_is_not_listed_twice_on_an_accomplishment():
    link = AccomplishmentLinkFactory()

    with pytest.raises(IntegrityError), transaction.atomic():
        AccomplishmentLinkFactory(accomplishment=link.accomplishment, url=link.url)


def test_resolved_on_only_for_resolved_challenges():
    with pytest.raises(IntegrityError), transaction.atomic():
        ChallengeFactory(status=ChallengeStatus.OPEN, resolved_on=datetime.date(2020, 5, 1))

    resolved = ChallengeFactory(status=ChallengeStatus.RESOLVED, resolved_on=datetime.date(2020, 5, 1))
    assert list(Challenge.objects.all()) == [resolved]


def test_published_hides_drafts_submitted_and_returned_records():
    shown = AccomplishmentFactory(publication_state=PublicationState.PUBLISHED)
    for state in (PublicationState.DRAFT, PublicationState.SUBMITTED, PublicationState.RETURNED):
        AccomplishmentFactory(publication_state=state)
    ChallengeFactory(publication_state=PublicationState.DRAFT)

    assert list(Accomplishment.objects.published()) == [shown]
    assert list(Challenge.objects.published()) == []


def test_publish_and_unpublish_services_count_changes_and_keep_history():
    draft = AccomplishmentFactory(publication_state=PublicationState.DRAFT)
    already = AccomplishmentFactory(publication_state=PublicationState.PUBLISHED)

    published = services.records_publish(queryset=Accomplishment.objects.all())

    draft.refresh_from_db()
    assert published == 1
    assert draft.publication_state == PublicationState.PUBLISHED
    assert draft.published_at is not None
    assert draft.history.first().publication_state == PublicationState.PUBLISHED

    unpublished = services.records_unpublish(queryset=Accomplishment.objects.filter(pk=already.pk))

    already.refresh_from_db()
    assert unpublished == 1
    assert (already.publication_state, already.published_at) == (PublicationState.DRAFT, None)
    assert list(Accomplishment.objects.published()) == [draft]


def test_translated_fields_follow_the_active_language():
    from django.utils import translation

    jurisdiction = JurisdictionFactory(code="BC", name_en="British Columbia", name_fr="Colombie-Britannique")

    with translation.override("fr"):
        assert jurisdiction.name == "Colombie-Britannique"
    with translation.override("en"):
        assert jurisdiction.name == "British Columbia"


def test_publishing_accepts_a_distinct_queryset_with_outer_joins():
    """The admin's changelist hands the services DISTINCT querysets (a many-to-many filter)
    with outer joins; PostgreSQL refuses to lock those directly."""
    from tests.factories import PriorityFactory

    ontario = JurisdictionFactory(code="ON")
    challenge = ChallengeFactory(publication_state=PublicationState.DRAFT)
    challenge.jurisdictions.add(ontario)
    AccomplishmentFactory(publication_state=PublicationState.DRAFT, priority=PriorityFactory())
    challenges = Challenge.objects.filter(jurisdictions=ontario).distinct()
    accomplishments = Accomplishment.objects.select_related("priority", "meeting")

    assert services.records_publish(queryset=challenges) == 1
    assert services.records_publish(queryset=accomplishments) == 1
    assert services.records_unpublish(queryset=challenges) == 1
