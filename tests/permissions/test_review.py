"""Review before publishing: draft → submitted → published, or returned with a comment;
the secretariat is e-mailed when something is submitted, the contributor when it is
published or returned; nothing is sent before the change commits."""

import pytest
from django.contrib.auth.models import Group
from django.core import mail
from django.core.exceptions import ValidationError
from django.test import override_settings

from cogwg.choices import PublicationState
from cogwg.permissions import SECRETARIAT
from cogwg.services import record_publish, record_return, record_submit
from jurisdictions.models import Accomplishment
from tests.factories import UserFactory
from tests.permissions.conftest import admin_client, api_client
from tests.test_admin import admin_url, form_data
from workplan.choices import MilestoneStatus


def subjects(messages):
    return [message.subject for message in messages]


# The services


def test_submitting_tells_the_secretariat_once_it_commits(world, django_capture_on_commit_callbacks):
    alice = world.users.contributor_on
    accomplishment = world.accomplishment
    UserFactory(username="inactive", email="gone@example.org", is_active=False).groups.add(
        Group.objects.get(name=SECRETARIAT)
    )

    with override_settings(COGWG_SECRETARIAT_EMAILS=["Desk@Example.org"]):
        with django_capture_on_commit_callbacks() as callbacks:
            record_submit(record=accomplishment, by=alice)
        assert mail.outbox == []
        for callback in callbacks:
            callback()

    accomplishment.refresh_from_db()
    assert (accomplishment.publication_state, accomplishment.submitted_by) == (PublicationState.SUBMITTED, alice)
    assert accomplishment.submitted_at is not None
    (message,) = mail.outbox
    assert message.to == ["desk@example.org", "sec@example.org"]
    assert message.subject == "COGWG: accomplishment submitted for review / GTGO\u00a0: à examiner (réalisation)"
    assert 'The accomplishment "Ontario portal" was submitted for review by alice.' in message.body
    assert "alice a soumis «\u00a0Portail de l'Ontario\u00a0» (réalisation) pour examen." in message.body
    assert accomplishment.history.first().history_user == alice


def test_returning_needs_a_comment_and_mails_it_to_the_contributor(world, django_capture_on_commit_callbacks):
    accomplishment = record_submit(record=world.accomplishment, by=world.users.contributor_on)
    secretariat = world.users.secretariat

    with pytest.raises(ValidationError):
        record_return(record=accomplishment, comment="  ", by=secretariat)
    with django_capture_on_commit_callbacks(execute=True):
        record_return(record=accomplishment, comment="Add the portal's address.", by=secretariat)

    accomplishment.refresh_from_db()
    assert (accomplishment.publication_state, accomplishment.review_comment) == (
        PublicationState.RETURNED,
        "Add the portal's address.",
    )
    (message,) = mail.outbox
    assert message.to == ["alice@example.org"]
    assert "returned for changes" in message.subject
    assert "Add the portal's address." in message.body


def test_only_a_submitted_record_is_returned_and_only_a_draft_or_returned_one_submitted(world):
    with pytest.raises(ValidationError):
        record_return(record=world.accomplishment, comment="Why?", by=world.users.secretariat)
    record_submit(record=world.accomplishment, by=world.users.contributor_on)
    with pytest.raises(ValidationError):
        record_submit(record=world.accomplishment, by=world.users.contributor_on)

    assert Accomplishment.objects.get(pk=world.accomplishment.pk).publication_state == PublicationState.SUBMITTED


def test_publishing_tells_the_contributor(world, django_capture_on_commit_callbacks):
    record_submit(record=world.accomplishment, by=world.users.contributor_on)

    with django_capture_on_commit_callbacks(execute=True):
        published = record_publish(record=world.accomplishment, by=world.users.secretariat)

    assert published.publication_state == PublicationState.PUBLISHED
    (message,) = mail.outbox
    assert message.to == ["alice@example.org"]
    assert message.subject == "COGWG: accomplishment published / GTGO\u00a0: publication (réalisation)"


def test_a_record_nobody_submitted_is_published_without_mail(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        record_publish(record=world.challenge, by=world.users.secretariat)

    assert mail.outbox == []


def test_a_progress_update_is_published_through_its_service_and_moves_the_milestone(
    world, django_capture_on_commit_callbacks
):
    update = record_submit(record=world.update, by=world.users.contributor_on)

    with django_capture_on_commit_callbacks(execute=True):
        record_publish(record=update, by=world.users.secretariat)

    world.m1.refresh_from_db()
    assert (world.m1.status, world.m1.progress) == (MilestoneStatus.ON_TRACK, 50)
    assert [message.to for message in mail.outbox] == [["alice@example.org"]]


# Through the admin


def test_the_contributor_submits_in_the_admin_and_the_secretariat_returns_with_a_comment(
    world, client, django_capture_on_commit_callbacks
):
    alice, accomplishment = world.users.contributor_on, world.accomplishment
    changelist = admin_url(Accomplishment, "changelist")
    admin_client(client, alice)

    with django_capture_on_commit_callbacks(execute=True):
        submitted = client.post(
            changelist, {"action": "submit_selected", "_selected_action": [accomplishment.pk]}, follow=True
        )

    assert [str(m) for m in submitted.context["messages"]] == ["1 accomplishment was submitted for review."]
    assert subjects(mail.outbox) == [
        "COGWG: accomplishment submitted for review / GTGO\u00a0: à examiner (réalisation)"
    ]
    client.force_login(world.users.secretariat)
    selected = {"action": "return_selected", "_selected_action": [accomplishment.pk]}
    asked = client.post(changelist, selected)
    assert asked.status_code == 200
    assert asked.template_name == "admin/cogwg/return_for_changes.html"
    assert Accomplishment.objects.get(pk=accomplishment.pk).publication_state == PublicationState.SUBMITTED

    with django_capture_on_commit_callbacks(execute=True):
        returned = client.post(changelist, {**selected, "comment": "Name the portal.", "apply": "Return"}, follow=True)

    assert [str(m) for m in returned.context["messages"]] == ["1 accomplishment was returned for changes."]
    accomplishment.refresh_from_db()
    assert (accomplishment.publication_state, accomplishment.review_comment) == (
        PublicationState.RETURNED,
        "Name the portal.",
    )
    assert mail.outbox[-1].to == ["alice@example.org"]
    assert "Name the portal." in mail.outbox[-1].body


def test_returning_from_the_change_form_needs_a_comment(world, client, django_capture_on_commit_callbacks):
    accomplishment = record_submit(record=world.accomplishment, by=world.users.contributor_on)
    url = admin_url(Accomplishment, "change", accomplishment.pk)
    admin_client(client, world.users.secretariat)
    data = form_data(client.get(url)) | {"publication_state": PublicationState.RETURNED}

    refused = client.post(url, data)

    assert refused.status_code == 200
    assert refused.context["adminform"].form.errors == {
        "review_comment": ["Say what should change before returning it."]
    }
    assert Accomplishment.objects.get(pk=accomplishment.pk).publication_state == PublicationState.SUBMITTED

    with django_capture_on_commit_callbacks(execute=True):
        returned = client.post(url, data | {"review_comment": "Too short."})

    assert returned.status_code == 302
    accomplishment.refresh_from_db()
    assert (accomplishment.publication_state, accomplishment.review_comment) == (
        PublicationState.RETURNED,
        "Too short.",
    )
    assert [message.to for message in mail.outbox] == [["alice@example.org"]]


def test_a_submitted_record_is_out_of_the_contributors_hands_until_returned(world, client):
    alice, accomplishment = world.users.contributor_on, world.accomplishment
    url = admin_url(Accomplishment, "change", accomplishment.pk)
    admin_client(client, world.users.secretariat)
    data = form_data(client.get(url)) | {"title_en": "Changed"}
    record_submit(record=accomplishment, by=alice)
    client.force_login(alice)

    page = client.get(url)
    refused = client.post(url, data)

    assert page.status_code == 200
    assert page.context["has_change_permission"] is False
    assert refused.status_code == 403
    record_return(record=accomplishment, comment="Fix it.", by=world.users.secretariat)
    assert client.post(url, data).status_code == 302
    assert Accomplishment.objects.get(pk=accomplishment.pk).title_en == "Changed"


def test_a_contributor_cannot_publish_from_the_change_form(world, client):
    url = admin_url(Accomplishment, "change", world.accomplishment.pk)
    admin_client(client, world.users.secretariat)
    data = form_data(client.get(url)) | {"publication_state": PublicationState.PUBLISHED}
    client.force_login(world.users.contributor_on)

    page = client.get(url)
    response = client.post(url, data | {"title_en": "Mine"})

    assert "publication_state" not in page.context["adminform"].form.fields
    assert response.status_code == 302
    accomplishment = Accomplishment.objects.get(pk=world.accomplishment.pk)
    assert (accomplishment.title_en, accomplishment.publication_state) == ("Mine", PublicationState.DRAFT)


# Through the API


def test_the_review_through_the_api(world, django_capture_on_commit_callbacks):
    alice, secretariat, anonymous = (
        api_client(world.users.contributor_on),
        api_client(world.users.secretariat),
        api_client(None),
    )
    path = f"/api/v1/challenges/{world.challenge.pk}/"

    with django_capture_on_commit_callbacks(execute=True):
        submitted = alice.post(f"{path}submit/")
    assert submitted.status_code == 200
    assert submitted.json()["publication_state"] == "submitted"
    assert alice.patch(path, {"title_en": "Late edit"}, format="json").status_code == 403

    assert alice.post(f"{path}return/", {"comment": "Mine?"}, format="json").status_code == 403
    no_comment = secretariat.post(f"{path}return/", {}, format="json")
    assert no_comment.status_code == 400
    assert list(no_comment.json()) == ["comment"]
    with django_capture_on_commit_callbacks(execute=True):
        returned = secretariat.post(f"{path}return/", {"comment": "Say who is short of staff."}, format="json")
    assert returned.json()["publication_state"] == "returned"

    assert alice.patch(path, {"title_en": "Staffing in Ontario"}, format="json").status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        assert alice.post(f"{path}submit/").status_code == 200
    assert anonymous.get(path).status_code == 404
    assert alice.post(f"{path}publish/").status_code == 403
    with django_capture_on_commit_callbacks(execute=True):
        published = secretariat.post(f"{path}publish/")

    assert published.json()["publication_state"] == "published"
    assert anonymous.get(path).json()["title"] == "Staffing in Ontario"
    assert [(message.to, message.subject.split(" / ")[0]) for message in mail.outbox] == [
        (["sec@example.org"], "COGWG: challenge submitted for review"),
        (["alice@example.org"], "COGWG: challenge returned for changes"),
        (["sec@example.org"], "COGWG: challenge submitted for review"),
        (["alice@example.org"], "COGWG: challenge published"),
    ]
    assert "Say who is short of staff." in mail.outbox[1].body


@pytest.mark.parametrize(
    ("record", "path"),
    [
        ("accomplishment", "/api/v1/accomplishments/{pk}/"),
        ("challenge", "/api/v1/challenges/{pk}/"),
        ("update", "/api/v1/progress-updates/{pk}/"),
    ],
)
def test_the_contributor_reads_why_their_record_was_returned_and_only_then(world, record, path):
    alice, secretariat, anonymous = (
        api_client(world.users.contributor_on),
        api_client(world.users.secretariat),
        api_client(None),
    )
    path = path.format(pk=getattr(world, record).pk)
    assert alice.post(f"{path}submit/").status_code == 200
    assert secretariat.post(f"{path}return/", {"comment": "Name the portal."}, format="json").status_code == 200

    returned = alice.get(path).json()
    listed = alice.get(path.rsplit("/", 2)[0] + "/", {"publication_state": "returned"}).json()["results"]
    ignored = alice.patch(path, {"review_comment": "Done, trust me."}, format="json")
    resubmitted = alice.post(f"{path}submit/").json()
    published = secretariat.post(f"{path}publish/").json()

    assert (returned["publication_state"], returned["review_comment"]) == ("returned", "Name the portal.")
    assert [(row["id"], row["review_comment"]) for row in listed] == [(returned["id"], "Name the portal.")]
    assert ignored.status_code in (200, 405)  # the progress log is append-only
    assert type(getattr(world, record)).objects.get(pk=returned["id"]).review_comment == "Name the portal."
    assert (resubmitted["publication_state"], resubmitted["review_comment"]) == ("submitted", "")
    assert (published["publication_state"], published["review_comment"]) == ("published", "")
    assert anonymous.get(path).json()["review_comment"] == ""


def test_submitting_a_record_twice_is_a_400_for_the_secretariat(world):
    secretariat = api_client(world.users.secretariat)
    path = f"/api/v1/accomplishments/{world.accomplishment.pk}/"

    assert secretariat.post(f"{path}submit/").status_code == 200
    again = secretariat.post(f"{path}submit/")

    assert again.status_code == 400
    assert Accomplishment.objects.get(pk=world.accomplishment.pk).publication_state == PublicationState.SUBMITTED


def test_a_contributors_progress_update_is_a_draft_they_submit(world, django_capture_on_commit_callbacks):
    alice = api_client(world.users.contributor_on)
    payload = {"milestone": world.m1.pk, "reported_on": "2020-05-01", "status": "at_risk", "progress": 20}

    refused = alice.post("/api/v1/progress-updates/", payload | {"jurisdiction": "ON", "publish": True}, format="json")
    posted = alice.post("/api/v1/progress-updates/", payload | {"jurisdiction": "ON"}, format="json")

    assert refused.status_code == 403
    assert posted.status_code == 201
    assert posted.json()["publication_state"] == "draft"
    world.m1.refresh_from_db()
    assert world.m1.status == MilestoneStatus.NOT_STARTED
    with django_capture_on_commit_callbacks(execute=True):
        submitted = alice.post(f"/api/v1/progress-updates/{posted.json()['id']}/submit/")
    assert submitted.json()["publication_state"] == "submitted"
    assert [message.to for message in mail.outbox] == [["sec@example.org"]]
