"""The secretariat's audit page: recent changes across every record, who made them and
which fields changed, in a constant number of queries."""

import pytest
from django.contrib import admin
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cogwg import audit
from cogwg.permissions import CONTRIBUTOR, SECRETARIAT
from jurisdictions.models import Accomplishment
from tests.factories import AccomplishmentFactory, ChallengeFactory, JurisdictionFactory, UserStoryFactory
from tests.permissions.conftest import admin_client, make_user
from tests.test_admin import admin_url, form_data

AUDIT = reverse("admin:audit")


@pytest.fixture
def people(roles):
    on = JurisdictionFactory(code="ON")
    return make_user("sec", SECRETARIAT), make_user("alice", CONTRIBUTOR, jurisdictions=[on]), on


def edit(record, by, **changes):
    for name, value in changes.items():
        setattr(record, name, value)
    record._history_user = by
    record.save()


def test_the_page_shows_an_edit_with_its_user_and_fields(people, client):
    secretariat, alice, on = people
    accomplishment = AccomplishmentFactory(jurisdiction=on, title_en="Portal", publication_state="draft")
    admin_client(client, alice)
    url = admin_url(Accomplishment, "change", accomplishment.pk)
    assert client.post(url, form_data(client.get(url)) | {"title_fr": "Portail ouvert"}).status_code == 302
    client.force_login(secretariat)

    page = client.get(AUDIT)

    assert page.status_code == 200
    latest = page.context["rows"][0]["change"]
    assert (latest.user, latest.kind, latest.model, latest.object_id) == (alice, "~", Accomplishment, accomplishment.pk)
    assert (latest.label, latest.fields) == ("Portal", ["title [fr]"])
    html = page.content.decode()
    assert f'<a href="{url}">Portal</a>' in html
    assert "<td>alice</td>" in html


def test_the_admin_index_links_the_secretariat_to_it(people, client):
    secretariat, alice, _on = people
    admin_client(client, secretariat)

    assert client.get(reverse("admin:index")).context["audit_url"] == AUDIT
    assert AUDIT.encode() in client.get(reverse("admin:index")).content
    client.force_login(alice)
    assert AUDIT.encode() not in client.get(reverse("admin:index")).content


def test_contributors_may_not_see_it(people, client):
    _secretariat, alice, _on = people
    admin_client(client, alice)

    assert client.get(AUDIT).status_code == 403


@pytest.mark.django_db
def test_visitors_are_sent_to_the_login_page(client):
    response = client.get(AUDIT)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_private_fields_are_never_listed(people):
    secretariat, _alice, on = people
    story = UserStoryFactory(jurisdiction=on, submitter_email="ada@example.org")
    edit(story, secretariat, submitter_email="ada.lovelace@example.org", title_en="Renamed")

    (latest, *_rest) = audit.recent_changes(admin_site=None).object_list
    (with_admin, *_rest) = audit.recent_changes(admin_site=admin.site).object_list

    assert "submitter's e-mail" in latest.fields
    assert with_admin.fields == ["title [en]"]


def test_the_page_runs_the_same_queries_whatever_the_number_of_changes(people, client):
    secretariat, alice, on = people
    accomplishment = AccomplishmentFactory(jurisdiction=on)
    challenge = ChallengeFactory()
    edit(accomplishment, alice, title_fr="Un")
    edit(challenge, secretariat, title_fr="Un")
    admin_client(client, secretariat)
    client.get(AUDIT)
    with CaptureQueriesContext(connection) as few:
        small = client.get(AUDIT)
    for n in range(15):
        edit(accomplishment, alice, title_fr=f"Titre {n}")
        edit(challenge, secretariat, title_fr=f"Titre {n}")

    with CaptureQueriesContext(connection) as many:
        large = client.get(AUDIT)

    assert len(large.context["rows"]) == len(small.context["rows"]) + 30
    assert len(many) == len(few)
