"""Publishing a draft checks it again as posting it would (``progress_update_validate``):
a draft written before its milestone was cancelled, and dated on or after the
cancellation, would reopen the milestone, which posting forbids. The service refuses it
with posting's own message; the admin's publish action (all or none) names every update
refused and publishes none; the API's publish action answers 400 with the message on
its field. Nothing changes."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from cogwg.choices import PublicationState
from cogwg.services import record_submit
from tests.factories import MilestoneFactory, ProgressUpdateFactory
from tests.test_admin import action_messages, form_data
from workplan import services
from workplan.choices import MilestoneStatus
from workplan.models import ProgressUpdate

pytestmark = pytest.mark.django_db

NBSP = "\u00a0"
CANCELLED_ON = datetime.date(2020, 11, 5)
CANCELLED = {
    "en": (
        "This milestone was cancelled on Nov. 5, 2020: an update must be dated before then. "
        "To reopen it, the secretariat withdraws the update that cancelled it."
    ),
    "fr": (
        f"Ce jalon a été annulé le 5 novembre 2020{NBSP}: une mise à jour doit être datée d'avant. Pour le rouvrir, "
        "le secrétariat retire de la publication la mise à jour qui l'a annulé."
    ),
}


def post(milestone, day, status=MilestoneStatus.ON_TRACK, progress=60, **kwargs):
    return services.milestone_post_update(
        milestone=milestone, reported_on=day, status=status, progress=progress, note_en="n", note_fr="n", **kwargs
    )


@pytest.fixture
def milestone():
    return MilestoneFactory(due_date=datetime.date(2020, 12, 20), description_en="Guide")


@pytest.fixture
def draft(milestone):
    """On track at 60 % on 10 November, waiting for review while the milestone is
    cancelled on the 5th."""
    draft = post(milestone, datetime.date(2020, 11, 10), publish=False)
    post(milestone, CANCELLED_ON, MilestoneStatus.CANCELLED, 0)
    return draft


def unchanged(milestone, *drafts):
    milestone.refresh_from_db()
    assert (milestone.status, milestone.progress) == (MilestoneStatus.CANCELLED, 0)
    for update in drafts:
        update.refresh_from_db()
        assert (update.publication_state, update.published_at) == (PublicationState.DRAFT, None)


def test_publishing_is_refused_as_posting_is(milestone, draft):
    with pytest.raises(ValidationError) as posting:
        post(milestone, datetime.date(2020, 11, 10))

    with pytest.raises(ValidationError) as publishing:
        services.progress_update_publish(update=draft)

    assert publishing.value.message_dict == posting.value.message_dict == {"reported_on": [CANCELLED["en"]]}
    unchanged(milestone, draft)


def test_a_draft_dated_in_the_future_is_not_published():
    update = ProgressUpdateFactory(
        reported_on=datetime.date(2999, 1, 1), publication_state=PublicationState.DRAFT, published_at=None
    )

    with pytest.raises(ValidationError) as error:
        services.progress_update_publish(update=update)

    assert error.value.message_dict == {"reported_on": ["An update cannot be dated in the future."]}
    update.refresh_from_db()
    assert update.publication_state == PublicationState.DRAFT


def test_publishing_several_refuses_all_and_names_each_one_refused(milestone):
    # Each may be published on its own; together, the cancellation (the 5th, published
    # first) forbids the later one. Another refused for its note, elsewhere.
    cancelling = post(milestone, CANCELLED_ON, MilestoneStatus.CANCELLED, 0, publish=False)
    later = post(milestone, datetime.date(2020, 11, 10), publish=False)
    untranslated = ProgressUpdateFactory(
        milestone=MilestoneFactory(priority=milestone.priority), publication_state=PublicationState.DRAFT, note_fr=""
    )

    with pytest.raises(ValidationError) as error:
        services.progress_updates_publish(queryset=ProgressUpdate.objects.all())

    assert error.value.messages == [
        f"“{untranslated}” cannot be published: a published record shows its texts in both official languages, "
        "and it lacks: note in French.",
        f"“{later}” cannot be published: {CANCELLED['en']}",
    ]
    assert not ProgressUpdate.objects.approved().exists()
    milestone.refresh_from_db()
    assert milestone.status == MilestoneStatus.NOT_STARTED
    assert [cancelling.pk, later.pk] == list(milestone.updates.order_by("reported_on").values_list("pk", flat=True))


@pytest.mark.parametrize("language", ["en", "fr"])
def test_the_admin_action_names_the_update_refused_and_publishes_none(staff_client, milestone, draft, language):
    other = ProgressUpdateFactory(
        milestone=MilestoneFactory(priority=milestone.priority), publication_state=PublicationState.DRAFT
    )
    with translation.override(language):
        address = reverse("admin:workplan_progressupdate_changelist")
        expected = {
            "en": f"“{draft}” cannot be published: {CANCELLED['en']}",
            "fr": f"«{NBSP}{draft}{NBSP}» ne peut pas être publiée{NBSP}: {CANCELLED['fr']}",
        }[language]

    response = staff_client.post(
        address, {"action": "publish_selected", "_selected_action": [draft.pk, other.pk]}, follow=True
    )

    assert action_messages(response) == [expected]
    unchanged(milestone, draft, other)


@pytest.mark.parametrize("language", ["en", "fr"])
def test_the_api_publish_action_answers_400_on_the_date(staff_api, milestone, draft, language):
    response = staff_api.post(f"/api/v1/progress-updates/{draft.pk}/publish/", HTTP_ACCEPT_LANGUAGE=language)

    assert response.status_code == 400
    assert response.json() == {"reported_on": [CANCELLED[language]]}
    unchanged(milestone, draft)


def test_publishing_from_its_page_is_a_form_error_not_a_500(staff_client, staff, milestone, draft):
    record_submit(record=draft, by=staff)  # submitted: its date is no longer a field of the form
    address = reverse("admin:workplan_progressupdate_change", args=[draft.pk])
    page = staff_client.get(address)

    response = staff_client.post(address, form_data(page) | {"publication_state": PublicationState.PUBLISHED})

    assert response.status_code == 200
    assert response.context["adminform"].form.non_field_errors() == [
        f"“{draft}” cannot be published: {CANCELLED['en']}"
    ]
    draft.refresh_from_db()
    assert draft.publication_state == PublicationState.SUBMITTED
    milestone.refresh_from_db()
    assert milestone.status == MilestoneStatus.CANCELLED
