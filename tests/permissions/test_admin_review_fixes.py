"""Fixes from the review of the admin: the publishing actions warn about the records they
leave alone, French action names and messages need no agreement with the model, History
pages show no "None" and no English, the History button is offered only to those who may
open it (and a refusal is a translated page), the audit page names records in the
reader's language, and the challenges list says whose each challenge is."""

import re

import pytest
from django.contrib import admin
from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from cogwg.admin_publication import PublicationAdminMixin
from cogwg.choices import PublicationState
from jurisdictions.models import Accomplishment
from tests.factories import AccomplishmentFactory, ChallengeFactory, JurisdictionFactory
from tests.permissions.conftest import admin_client


def levels_and_messages(response):
    return [(message.level_tag, message.message) for message in get_messages(response.wsgi_request)]


def fr(name, *args):
    with translation.override("fr"):
        return reverse(name, args=args)


def en(name, *args):
    with translation.override("en"):
        return reverse(name, args=args)


def text(html):
    html = re.sub(r"<script.*?</script>|<style.*?</style>", "", html, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).replace("&#x27;", "'")


# Item 2: publishing warns about what it left alone


@pytest.mark.parametrize(("action", "state"), [("publish_selected", "published"), ("unpublish_selected", "draft")])
def test_publishing_nothing_is_no_success_and_warns_about_the_records_left_alone(staff_client, action, state):
    left = AccomplishmentFactory.create_batch(2, publication_state=state)
    before = {record.pk: record.publication_state for record in left}

    response = staff_client.post(
        reverse("admin:jurisdictions_accomplishment_changelist"),
        {"action": action, "_selected_action": [record.pk for record in left]},
    )

    verb = "published" if action == "publish_selected" else "unpublished"
    assert levels_and_messages(response) == [
        ("info", f"0 accomplishments were {verb}."),
        ("warning", "2 selected records were not in a state for this and were left as they were."),
    ]
    assert dict(Accomplishment.objects.values_list("pk", "publication_state")) == before


def test_publishing_some_is_a_success_with_a_warning_for_the_others(staff_client):
    draft = ChallengeFactory(publication_state=PublicationState.DRAFT)
    published = ChallengeFactory(publication_state=PublicationState.PUBLISHED)

    response = staff_client.post(
        reverse("admin:jurisdictions_challenge_changelist"),
        {"action": "publish_selected", "_selected_action": [draft.pk, published.pk]},
    )

    assert levels_and_messages(response) == [
        ("success", "1 challenge was published."),
        ("warning", "1 selected record was not in a state for this and was left as it was."),
    ]


def test_an_admin_may_say_why_records_were_left_alone(rf, staff, monkeypatch):
    request = rf.post("/")
    request.user = staff
    said = []
    model_admin = admin.site._registry[Accomplishment]
    assert isinstance(model_admin, PublicationAdminMixin)
    monkeypatch.setattr(model_admin, "message_user", lambda request, message, level=None: said.append(str(message)))

    model_admin._report(
        request,
        "%(count)d %(items)s changed.",
        1,
        3,
        left_alone_message="%(count)d were in a closed period.",
    )

    assert said == ["1 accomplishment changed.", "2 were in a closed period."]


# Item 6: French action names and messages agree with nothing


def test_french_action_names_and_messages_need_no_agreement(staff_client):
    update_url = fr("admin:workplan_progressupdate_changelist")
    AccomplishmentFactory(publication_state=PublicationState.DRAFT)

    names = dict(staff_client.get(update_url).context["action_form"].fields["action"].choices)
    published = staff_client.post(
        fr("admin:jurisdictions_accomplishment_changelist"),
        {"action": "publish_selected", "_selected_action": list(Accomplishment.objects.values_list("pk", flat=True))},
    )

    assert names["publish_selected"] == "Publier la sélection (mises à jour des progrès)"
    assert names["submit_selected"] == "Soumettre la sélection pour examen (mises à jour des progrès)"
    assert names["return_selected"] == "Retourner la sélection pour modifications (mises à jour des progrès)"
    assert names["unpublish_selected"] == "Retirer la sélection de la publication (mises à jour des progrès)"
    assert published.status_code == 302
    assert [message for _level, message in levels_and_messages(published)] == ["Publication\u00a0: 1 réalisation."]


# Item 3: the History page has no "None" and no English


def test_the_history_page_shows_no_none_and_no_english(staff_client):
    accomplishment = AccomplishmentFactory(title_en="Portal", title_fr="Portail")
    accomplishment.title_fr = "Portail ouvert"
    accomplishment.save()

    html = text(staff_client.get(fr("admin:jurisdictions_accomplishment_history", accomplishment.pk)).content.decode())

    assert "None" not in html
    for english in ("Change reason", "Changed by", "Changes", "Object", "entries", "History"):
        assert english not in html
    assert "Raison de la modification" in html


# Item 4: no History button that leads to a refusal, and a translated refusal


@pytest.fixture
def bob_and_ontario(world, client):
    """BC's contributor, and Ontario's published accomplishment (visible, its history not)."""
    world.accomplishment.publication_state = PublicationState.PUBLISHED
    world.accomplishment.save()
    return admin_client(client, world.users.contributor_bc), world.accomplishment


def test_no_history_button_on_a_record_whose_history_its_reader_may_not_see(world, bob_and_ontario):
    client, ontarios = bob_and_ontario

    page = client.get(reverse("admin:jurisdictions_accomplishment_change", args=[ontarios.pk]))

    history_url = reverse("admin:jurisdictions_accomplishment_history", args=[ontarios.pk])
    assert page.status_code == 200
    assert history_url not in page.content.decode()
    assert client.get(history_url).status_code == 403


def test_the_history_button_stays_for_those_who_may_open_it(world, client):
    admin_client(client, world.users.contributor_on)

    page = client.get(reverse("admin:jurisdictions_accomplishment_change", args=[world.accomplishment.pk]))

    assert reverse("admin:jurisdictions_accomplishment_history", args=[world.accomplishment.pk]) in (
        page.content.decode()
    )


@pytest.mark.parametrize(
    ("language", "heading"), [("en", "You may not see this page"), ("fr", "Vous ne pouvez pas consulter cette page")]
)
def test_a_refusal_is_a_page_in_the_address_language(world, bob_and_ontario, language, heading):
    client, ontarios = bob_and_ontario
    with translation.override(language):
        url = reverse("admin:jurisdictions_accomplishment_history", args=[ontarios.pk])

    response = client.get(url)

    html = response.content.decode()
    assert response.status_code == 403
    assert f'<html lang="{language}">' in html
    assert f"<h1>{heading}" in html
    assert "403 Forbidden" not in html


# Item 7: the audit page names records in the reader's language


def test_the_audit_page_names_records_in_the_readers_language(staff_client):
    AccomplishmentFactory(title_en="Open portal", title_fr="Portail ouvert")
    AccomplishmentFactory(title_en="Only in English", title_fr="")

    french = text(staff_client.get(fr("admin:audit")).content.decode())
    english = text(staff_client.get(en("admin:audit")).content.decode())

    assert "Portail ouvert" in french and "Open portal" not in french
    assert "Only in English" in french
    assert "Open portal" in english and "Portail ouvert" not in english


# Item 8: whose challenge it is, in the challenges list


def test_the_challenges_list_names_their_jurisdictions_in_constant_queries(staff_client):
    on = JurisdictionFactory(code="ON", order=1)
    bc = JurisdictionFactory(code="BC", order=2)
    ChallengeFactory(title_en="Staffing").jurisdictions.set([bc, on])
    url = reverse("admin:jurisdictions_challenge_changelist")
    staff_client.get(url)
    with CaptureQueriesContext(connection) as one_row:
        staff_client.get(url)
    ChallengeFactory(title_en="Everyone's")
    ChallengeFactory(title_en="Legal").jurisdictions.set([bc])

    with CaptureQueriesContext(connection) as three_rows:
        page = staff_client.get(url)

    html = text(page.content.decode())
    assert len(three_rows) == len(one_row)
    assert "Staffing ON, BC" in html
    assert "Legal BC" in html
    assert "Everyone's across jurisdictions" in html


# The admin's index is titled by the reader's role


@pytest.mark.parametrize(
    ("role", "english", "french"),
    [
        ("secretariat", "Secretariat", "Secrétariat"),
        ("contributor_on", "Jurisdiction contributor", "Contributeur d'une administration"),
        ("reader", "Joint Councils reader", "Lecteur des Conseils conjoints"),
    ],
)
def test_the_admin_index_is_titled_by_the_readers_role(world, client, role, english, french):
    signed_in = admin_client(client, getattr(world.users, role))

    page = signed_in.get(en("admin:index"))
    french_page = signed_in.get(fr("admin:index"))

    assert f"<title>{english} |" in page.content.decode()
    assert f"<title>{french} |" in french_page.content.decode().replace("&#x27;", "'")
    assert ("Secrétariat" in text(french_page.content.decode())) == (role == "secretariat")


# A contributor saves and submits from the form


def test_a_contributor_saves_and_submits_their_draft_from_its_form(world, client):
    from cogwg.choices import PublicationState

    contributor = admin_client(client, world.users.contributor_on)
    url = reverse("admin:jurisdictions_accomplishment_change", args=[world.accomplishment.pk])
    page = contributor.get(url)
    assert 'name="_submit_for_review"' in page.content.decode()
    data = {
        "jurisdiction": world.on.pk,
        "title_en": "Ontario portal, relaunched",
        "title_fr": "Portail de l'Ontario, relancé",
        "category": world.accomplishment.category,
        "links-TOTAL_FORMS": "0",
        "links-INITIAL_FORMS": "0",
        "_submit_for_review": "Save and submit for review",
    }

    response = contributor.post(url, data)

    world.accomplishment.refresh_from_db()
    assert response.status_code == 302
    assert (world.accomplishment.title_en, world.accomplishment.publication_state) == (
        "Ontario portal, relaunched",
        PublicationState.SUBMITTED,
    )
    assert world.accomplishment.submitted_by == world.users.contributor_on
    assert "It was submitted for review." in [message for _level, message in levels_and_messages(response)]
    # Submitted, it is no longer offered; the secretariat, who publishes, is never offered it.
    assert 'name="_submit_for_review"' not in contributor.get(url).content.decode()
    secretariat = admin_client(client, world.users.secretariat)
    assert 'name="_submit_for_review"' not in secretariat.get(url).content.decode()


def test_a_contributor_posts_and_submits_a_progress_update_in_one_step(world, client):
    from cogwg.choices import PublicationState
    from workplan.models import ProgressUpdate

    contributor = admin_client(client, world.users.contributor_on)

    response = contributor.post(
        reverse("admin:workplan_progressupdate_add"),
        {
            "milestone": world.m1.pk,
            "jurisdiction": world.on.pk,
            "reported_on": "2020-05-01",
            "status": "on_track",
            "progress": 10,
            "note_en": "Halfway through the inventory.",
            "note_fr": "",
            "_submit_for_review": "Save and submit for review",
        },
    )

    assert response.status_code == 302, response.content
    update = ProgressUpdate.objects.exclude(pk=world.update.pk).get()
    assert (update.publication_state, update.submitted_by) == (PublicationState.SUBMITTED, world.users.contributor_on)


# The reasons the code stores in the history (in English) are shown in the reader's language


REASONS = [
    "cogwg.demo.loader.CHANGE_REASON",
    "cogwg.demo.generate.CHANGE_REASON",
    "stories.services.ADDED_FROM_PORTAL",
    "stories.services.HARVESTED_FROM_PORTAL",
    "stories.services.SUBMITTER_ERASED",
]


@pytest.mark.parametrize("name", REASONS)
def test_every_reason_the_code_stores_has_a_french_wording(name):
    module, constant = name.rsplit(".", 1)
    reason = getattr(__import__(module, fromlist=[constant]), constant)

    with translation.override("fr"):
        assert translation.gettext(reason) != reason


def test_the_history_and_audit_pages_give_a_stored_reason_in_the_readers_language(staff_client):
    from cogwg.demo.loader import CHANGE_REASON

    accomplishment = AccomplishmentFactory(title_en="Portal", title_fr="Portail")
    accomplishment.title_fr = "Portail ouvert"
    accomplishment._change_reason = CHANGE_REASON
    accomplishment.save()
    french = "Chargé à partir de la présentation aux conseils conjoints du 2020-02-27 (load_cogwg_2020)"

    history = text(
        staff_client.get(fr("admin:jurisdictions_accomplishment_history", accomplishment.pk)).content.decode()
    )
    audit = text(staff_client.get(fr("admin:audit")).content.decode())
    english_history = text(
        staff_client.get(en("admin:jurisdictions_accomplishment_history", accomplishment.pk)).content.decode()
    )

    assert french in history and CHANGE_REASON not in history
    assert french in audit and CHANGE_REASON not in audit
    assert CHANGE_REASON in english_history and french not in english_history
