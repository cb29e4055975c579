"""A priority's French slug: filled from the French title by the migration and by the
demo loaders, one priority's per plan in either language (a field error in the admin and
the API, not a 500), editable in the admin and exposed by the API."""

import html
import importlib

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import translation
from rest_framework.test import APIClient

from cogwg.demo.generate import generate
from cogwg.demo.loader import load_cogwg_2020
from tests.factories import PriorityFactory, WorkPlanFactory
from tests.test_admin import admin_url, form_data
from workplan.models import Priority

pytestmark = pytest.mark.django_db

NBSP = "\u00a0"
SLUG_TAKEN = {
    "en": "Another priority of this work plan already uses this slug, in English or in French: choose another.",
    "fr": "Une autre priorité de ce plan de travail utilise déjà cet identifiant d'URL, en anglais ou en "
    f"français{NBSP}: choisissez-en un autre.",
}
LANGUAGES = ["en", "fr"]


# The migration that adds the French slug fills it for the priorities stored before


def fill_french_slugs():
    migration = importlib.import_module("workplan.migrations.0005_priority_slug_fr")
    migration.fill_french_slugs(apps, None)


def french_slugs():
    return dict(Priority.objects.values_list("slug", "slug_fr"))


def test_the_migration_makes_each_french_slug_from_the_french_title_accents_folded():
    plan = WorkPlanFactory(slug="2020")
    PriorityFactory(work_plan=plan, slug="publish-with-a-purpose", title_fr="Publier dans un but précis")
    PriorityFactory(work_plan=plan, slug="literacy", title_fr="Littératie en matière de gouvernement ouvert")
    PriorityFactory(work_plan=plan, slug="stories", title_fr="Récits d\u2019utilisateurs : « données » ouvertes")

    fill_french_slugs()

    assert french_slugs() == {
        "publish-with-a-purpose": "publier-dans-un-but-precis",
        "literacy": "litteratie-en-matiere-de-gouvernement-ouvert",
        "stories": "recits-dutilisateurs-donnees-ouvertes",
    }


def test_the_migration_keeps_the_english_slug_where_there_is_no_french_title():
    plan = WorkPlanFactory(slug="2020")
    PriorityFactory(work_plan=plan, number=1, slug="none", title_fr=None)
    PriorityFactory(work_plan=plan, number=2, slug="empty", title_fr="")
    PriorityFactory(work_plan=plan, number=3, slug="punctuation", title_fr="« ? »")

    fill_french_slugs()

    assert french_slugs() == {"none": "none", "empty": "empty", "punctuation": "punctuation"}


def test_the_migration_numbers_a_french_slug_another_priority_of_the_plan_has():
    plan = WorkPlanFactory(slug="2020")
    PriorityFactory(work_plan=plan, number=1, slug="outreach", title_fr="Rayonnement")
    PriorityFactory(work_plan=plan, number=2, slug="reach", title_fr="Rayonnement")
    # Its French title's slug is the first priority's English slug.
    PriorityFactory(work_plan=plan, number=3, slug="third", title_fr="Outreach")
    PriorityFactory(work_plan=WorkPlanFactory(slug="2021"), number=1, slug="next", title_fr="Rayonnement")

    fill_french_slugs()

    assert french_slugs() == {
        "outreach": "rayonnement",
        "reach": "rayonnement-2",
        "third": "outreach-2",
        "next": "rayonnement",
    }


def test_the_migration_keeps_a_long_french_slug_within_its_length():
    plan = WorkPlanFactory(slug="2020")
    long_title = "Soutien " * 30
    PriorityFactory(work_plan=plan, number=1, slug="first", title_fr=long_title)
    PriorityFactory(work_plan=plan, number=2, slug="second", title_fr=long_title)

    fill_french_slugs()

    first, second = Priority.objects.order_by("number").values_list("slug_fr", flat=True)
    assert len(first) <= 100 and not first.endswith("-") and first.startswith("soutien-soutien")
    assert len(second) <= 100 and second == f"{first[:98].rstrip('-')}-2"


# One priority of a plan per slug, in either language


@pytest.fixture
def plan():
    plan = WorkPlanFactory(slug="2020")
    PriorityFactory(work_plan=plan, number=1, slug="outreach", slug_fr="rayonnement")
    return plan


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize(
    ("slugs", "field"),
    [
        ({"slug": "other", "slug_fr": "rayonnement"}, "slug_fr"),
        ({"slug": "rayonnement", "slug_fr": "autre"}, "slug"),
        ({"slug": "other", "slug_fr": "outreach"}, "slug_fr"),
        ({"slug": "outreach", "slug_fr": "autre"}, "slug"),
    ],
    ids=["french in french", "english in french", "french in english", "english in english"],
)
def test_a_slug_another_priority_of_the_plan_has_is_refused_on_its_field(plan, slugs, field, language):
    priority = PriorityFactory.build(work_plan=plan, number=2, **slugs)

    with translation.override(language):
        with pytest.raises(ValidationError) as raised:
            priority.full_clean()

        assert raised.value.message_dict == {field: [SLUG_TAKEN[language]]}


def test_a_priority_may_have_one_slug_in_both_languages_and_another_plans_slugs(plan):
    PriorityFactory.build(work_plan=plan, number=2, slug="same", slug_fr="same").full_clean()
    PriorityFactory.build(work_plan=WorkPlanFactory(slug="2021"), slug="outreach", slug_fr="rayonnement").full_clean()
    outreach = Priority.objects.get(slug="outreach")
    outreach.title_en = "Renamed"
    outreach.full_clean()


def test_priorities_without_a_french_slug_are_many(plan):
    PriorityFactory(work_plan=plan, number=2, slug="second", slug_fr="")
    third = PriorityFactory.build(work_plan=plan, number=3, slug="third", slug_fr="")

    third.full_clean()
    third.save()

    assert Priority.objects.filter(slug_fr="").count() == 2


def test_the_database_refuses_a_french_slug_twice_in_a_plan(plan):
    with pytest.raises(IntegrityError), transaction.atomic():
        PriorityFactory(work_plan=plan, number=2, slug="other", slug_fr="rayonnement")

    assert Priority.objects.count() == 1


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_admin_refuses_a_taken_french_slug_on_its_field_and_changes_nothing(staff_client, plan, language):
    second = PriorityFactory(work_plan=plan, number=2, slug="second", slug_fr="deuxieme")
    with translation.override(language):
        url = admin_url(Priority, "change", second.pk)
    data = form_data(staff_client.get(url)) | {"slug_fr": "rayonnement", "title_en": "Changed"}

    response = staff_client.post(url, data)

    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {"slug_fr": [SLUG_TAKEN[language]]}
    assert SLUG_TAKEN[language] in html.unescape(response.content.decode())
    second.refresh_from_db()
    assert (second.slug_fr, second.title_en) == ("deuxieme", "Priority 2")


def test_the_admin_edits_both_slugs_each_made_from_its_own_title(staff_client, plan):
    response = staff_client.get(admin_url(Priority, "add"))

    prepopulated = {
        item["field"].name: [dependency.name for dependency in item["dependencies"]]
        for item in response.context["adminform"].prepopulated_fields
    }
    assert prepopulated == {"slug": ["title_en"], "slug_fr": ["title_fr"]}

    second = PriorityFactory(work_plan=plan, number=2, slug="second", slug_fr="")
    url = admin_url(Priority, "change", second.pk)
    data = form_data(staff_client.get(url)) | {"slug": "second-one", "slug_fr": "deuxieme"}

    assert staff_client.post(url, data).status_code == 302
    second.refresh_from_db()
    assert (second.slug, second.slug_fr) == ("second-one", "deuxieme")


def test_the_admin_finds_a_priority_by_its_french_slug(staff_client, plan):
    PriorityFactory(work_plan=plan, number=2, slug="second", slug_fr="deuxieme", title_en="Second one")

    response = staff_client.get(admin_url(Priority, "changelist"), {"q": "deuxieme"})

    assert [priority.slug for priority in response.context["cl"].result_list] == ["second"]


# The API


def test_the_api_gives_both_slugs(plan):
    priority = Priority.objects.get()

    english = APIClient().get(f"/api/v1/priorities/{priority.pk}/").json()
    french = APIClient().get(f"/api/v1/priorities/{priority.pk}/?lang=fr").json()

    assert (english["slug"], english["slug_fr"]) == ("outreach", "rayonnement")
    assert (french["slug"], french["slug_fr"]) == ("outreach", "rayonnement")


def test_the_api_search_finds_a_priority_by_either_slug(plan):
    PriorityFactory(work_plan=plan, number=2, slug="second", slug_fr="deuxieme")

    def found(q):
        return [row["slug"] for row in APIClient().get("/api/v1/priorities/", {"q": q}).json()["results"]]

    assert found("rayonnement") == ["outreach"]
    assert found("second") == ["second"]


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize(
    ("changes", "field"),
    [({"slug_fr": "rayonnement"}, "slug_fr"), ({"slug_fr": "outreach"}, "slug_fr"), ({"slug": "outreach"}, "slug")],
)
def test_the_api_refuses_a_taken_slug_on_its_field_and_changes_nothing(staff_api, plan, changes, field, language):
    second = PriorityFactory(work_plan=plan, number=2, slug="second", slug_fr="deuxieme")

    response = staff_api.patch(f"/api/v1/priorities/{second.pk}/?lang={language}", changes, format="json")

    assert response.status_code == 400
    assert response.json() == {field: [SLUG_TAKEN[language]]}
    second.refresh_from_db()
    assert (second.slug, second.slug_fr) == ("second", "deuxieme")


def test_the_api_creates_a_priority_with_both_slugs(staff_api, plan):
    response = staff_api.post(
        "/api/v1/priorities/",
        {
            "work_plan": "2020",
            "number": 2,
            "slug": "second",
            "slug_fr": "deuxieme",
            "title_en": "Second",
            "issue_en": "Issue",
            "outcome_en": "Outcome",
        },
        format="json",
    )

    assert response.status_code == 201, response.content
    assert Priority.objects.get(number=2).slug_fr == "deuxieme"


# The demo data


def test_the_2020_loader_gives_each_priority_its_chosen_french_slug():
    load_cogwg_2020()

    assert list(Priority.objects.order_by("number").values_list("slug", "slug_fr")) == [
        ("open-data-user-stories", "recits-utilisateurs-donnees-ouvertes"),
        ("ckan-common-extensions", "extensions-communes-ckan"),
        ("publish-with-a-purpose", "publier-dans-un-but-precis"),
        ("open-government-literacy", "litteratie-gouvernement-ouvert"),
        ("inclusion-public-engagement-dialogue", "inclusion-mobilisation-dialogue"),
    ]


def test_the_2020_loader_restores_a_changed_french_slug():
    load_cogwg_2020()
    Priority.objects.filter(number=3).update(slug_fr="changed")

    counts = load_cogwg_2020()

    assert Priority.objects.get(number=3).slug_fr == "publier-dans-un-but-precis"
    assert counts["priorities"] == {"created": 0, "updated": 1, "unchanged": 4}


def test_generated_plans_have_the_french_slugs_of_the_2020_plan():
    generate(scale=1)

    generated = Priority.objects.filter(work_plan__slug="gen-001")
    assert generated.count() == 5
    assert generated.get(number=3).slug_fr == "publier-dans-un-but-precis"
    assert generated.get(number=5).slug_fr == "inclusion-mobilisation-dialogue"
