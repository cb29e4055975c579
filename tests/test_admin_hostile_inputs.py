"""Addresses and posts no browser sends, made by hand, answer as Django answers a bad
filter or a bad choice, on every admin of the site, never with a 500: a change list's
filters the database cannot take redirect to the list with ``?e=1`` and an export is
refused with its page (cogwg/admin_site.py, ``CheckedLookupsChangeList``); a search box's
forged value is the form's "Select a valid choice", in the page's language
(cogwg/admin_widgets.py). The accounts' filter by group names the roles in the page's
language (cogwg/admin_accounts.py)."""

import datetime

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import connection, models
from django.urls import reverse
from django.utils import translation

from cogwg.models import NextStep
from cogwg.permissions import roles_sync
from jurisdictions.models import Accomplishment, Challenge
from stories.models import UserStory
from tests.factories import AccomplishmentFactory, MeetingFactory, MilestoneFactory, PriorityFactory
from tests.permissions.conftest import roles, world  # noqa: F401 (fixtures)
from tests.test_admin import form_data
from workplan.models import Milestone, Priority

pytestmark = pytest.mark.django_db

HUGE = "9" * 23  # beyond Python's C long and SQLite's integers
INVALID_CHOICE = {
    "en": "Select a valid choice. That choice is not one of the available choices.",
    "fr": "Sélectionnez un choix valide. Ce choix ne fait pas partie de ceux disponibles.",
}
INVALID_KEY = {"en": "“{}” is not a valid value.", "fr": "«\u00a0{}\u00a0» n\u2019est pas une valeur correcte."}
EXPORT_REFUSED = {"en": "This list cannot be exported", "fr": "Cette liste ne peut pas être exportée"}
DATE_HIERARCHIES = [model for model, model_admin in admin.site._registry.items() if model_admin.date_hierarchy]
INTEGER_KEYS = [
    model
    for model in admin.site._registry
    if isinstance(model._meta.pk, models.IntegerField | models.AutoField) and model._meta.pk.concrete
]


def url(model, view, *args, language="en"):
    with translation.override(language):
        return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def export_url(model, file_format="csv", language="en"):
    with translation.override(language):
        name = f"admin:{model._meta.app_label}_{model._meta.model_name}_export"
        return reverse(name, kwargs={"file_format": file_format})


# Filters the database cannot take


def assert_refused_or_empty(response, address, query):
    """A filter beyond the database's integers: SQLite cannot take it (the list redirects
    with ``?e=1``, as Django does for a bad lookup); PostgreSQL compares it as a number and
    finds nothing. Never a 500."""
    if connection.vendor == "sqlite" or not any(name.endswith("__in") for name in query):
        assert response.status_code == 302
        assert response["Location"] == f"{address}?e=1"
    else:
        assert response.status_code == 200
        assert response.context["cl"].result_count == 0


@pytest.mark.parametrize("language", ["en", "fr"])
@pytest.mark.parametrize(
    ("model", "query"),
    [
        (Accomplishment, {"date__year": HUGE}),
        (Accomplishment, {"date__year": "2020", "date__month": HUGE}),
        (Milestone, {"due_date__year": "2020", "due_date__month": HUGE}),
        (Milestone, {"due_date__year": "2020", "due_date__month": "6", "due_date__day": HUGE}),
        (Accomplishment, {"id__in": HUGE}),
        (Milestone, {"priority__id__in": f"1,{HUGE}"}),
    ],
)
@pytest.mark.parametrize("role", ["secretariat", "contributor_on"])
def test_a_filter_beyond_the_databases_integers_is_a_bad_lookup(world, client, role, model, query, language):  # noqa: F811
    client.force_login(getattr(world.users, role))
    address = url(model, "changelist", language=language)

    response = client.get(address, query)

    assert_refused_or_empty(response, address, query)


@pytest.mark.parametrize("language", ["en", "fr"])
@pytest.mark.parametrize("query", [{"date__year": HUGE}, {"id__in": HUGE}])
@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_an_export_with_such_a_filter_is_refused_with_its_page(world, client, query, file_format, language):  # noqa: F811
    client.force_login(world.users.contributor_on)

    response = client.get(export_url(Accomplishment, file_format, language), query)

    if connection.vendor != "sqlite" and "id__in" in query:
        # PostgreSQL compares the key as a number: an export of no rows.
        assert response.status_code == 200
        return
    assert response.status_code == 400
    assert response.context["title"] == EXPORT_REFUSED[language]
    assert EXPORT_REFUSED[language] in response.content.decode()


@pytest.mark.parametrize("model", DATE_HIERARCHIES, ids=lambda model: model._meta.label)
def test_every_date_hierarchy_refuses_a_huge_year(admin_client, model):
    field = admin.site._registry[model].date_hierarchy
    address = url(model, "changelist")

    response = admin_client.get(address, {f"{field}__year": HUGE})

    assert response.status_code == 302
    assert response["Location"] == f"{address}?e=1"


@pytest.mark.parametrize("model", INTEGER_KEYS, ids=lambda model: model._meta.label)
def test_every_list_refuses_a_huge_key(admin_client, model):
    address = url(model, "changelist")

    query = {f"{model._meta.pk.name}__in": HUGE}

    response = admin_client.get(address, query)

    assert_refused_or_empty(response, address, query)


@pytest.mark.parametrize(
    ("model", "query"),
    [(Priority, {"number": HUGE}), (Priority, {"number__gte": HUGE}), (Priority, {"number__lt": f"-{HUGE}"})],
)
def test_a_huge_number_in_a_plain_filter_finds_nothing(staff_client, model, query):
    PriorityFactory(number=1)

    response = staff_client.get(url(model, "changelist"), query)

    assert response.status_code == 200
    assert response.context["cl"].result_count == 0


def test_a_huge_key_in_a_related_records_filter_is_no_error(staff_client):
    # Two jurisdictions: with one, Django hides the filter (nothing to choose) and ignores it.
    AccomplishmentFactory.create_batch(2)

    unfiltered = staff_client.get(url(Accomplishment, "changelist"))
    response = staff_client.get(url(Accomplishment, "changelist"), {"jurisdiction__id__exact": HUGE})

    assert unfiltered.context["cl"].result_count == 2
    assert response.status_code == 200
    assert response.context["cl"].result_count == 0


def test_a_good_date_hierarchy_still_filters(staff_client):
    priority = PriorityFactory()
    inside = [
        MilestoneFactory(priority=priority, due_date=datetime.date(2020, 6, day), description_en=f"June {day}")
        for day in (1, 30)
    ]
    for due_date in (datetime.date(2020, 5, 31), datetime.date(2020, 7, 1), datetime.date(2019, 6, 15)):
        MilestoneFactory(priority=priority, due_date=due_date)

    response = staff_client.get(url(Milestone, "changelist"), {"due_date__year": "2020", "due_date__month": "6"})

    assert response.status_code == 200
    assert response.context["cl"].result_count == 2
    assert sorted(milestone.pk for milestone in response.context["cl"].result_list) == [m.pk for m in inside]


# A search box's forged value


def add_form(client, model, language):
    response = client.get(url(model, "add", language=language))
    assert response.status_code == 200
    return form_data(response)


def field_errors(response, name):
    return [str(error) for error in response.context["adminform"].form.errors.get(name, [])]


@pytest.mark.parametrize("language", ["en", "fr"])
@pytest.mark.parametrize("field", ["priority", "meeting"])
@pytest.mark.parametrize("value", ["abc", HUGE, "1.5"])
def test_a_forged_search_box_value_is_the_forms_error(world, client, field, value, language):  # noqa: F811
    client.force_login(world.users.contributor_on)
    MeetingFactory()
    before = Accomplishment.objects.count()
    data = add_form(client, Accomplishment, language) | {
        "jurisdiction": str(world.on.pk),
        "title_en": "Forged",
        "title_fr": "Falsifié",
        field: value,
    }

    response = client.post(url(Accomplishment, "add", language=language), data)

    assert response.status_code == 200
    assert field_errors(response, field) == [INVALID_CHOICE[language]]
    assert Accomplishment.objects.count() == before


@pytest.mark.parametrize("language", ["en", "fr"])
@pytest.mark.parametrize(("model", "field"), [(Challenge, "jurisdictions"), (UserStory, "themes")])
@pytest.mark.parametrize("value", ["abc", HUGE])
def test_a_forged_value_in_a_search_box_of_many_is_the_forms_error(staff_client, model, field, value, language):
    before = model.objects.count()
    data = add_form(staff_client, model, language) | {field: [value]}

    response = staff_client.post(url(model, "add", language=language), data)

    assert response.status_code == 200
    assert field_errors(response, field) == [INVALID_KEY[language].format(value)]
    assert model.objects.count() == before


@pytest.mark.parametrize("language", ["en", "fr"])
@pytest.mark.parametrize("value", ["abc", HUGE])
def test_a_forged_value_in_an_inlines_search_box_is_its_rows_error(staff_client, value, language):
    meeting = MeetingFactory()
    address = url(meeting.__class__, "change", meeting.pk, language=language)
    data = form_data(staff_client.get(address))
    prefix = next(key for key in data if key.endswith("-TOTAL_FORMS")).removesuffix("-TOTAL_FORMS")
    data |= {f"{prefix}-TOTAL_FORMS": "1", f"{prefix}-0-text_en": "Follow up", f"{prefix}-0-owner": value}

    response = staff_client.post(address, data)

    assert response.status_code == 200
    (formset,) = [inline.formset for inline in response.context["inline_admin_formsets"]]
    assert [str(error) for error in formset.forms[0].errors["owner"]] == [INVALID_CHOICE[language]]
    assert not NextStep.objects.filter(meeting=meeting).exists()


# The accounts' filter by group


@pytest.mark.parametrize(
    ("language", "names"),
    [
        ("en", ["Secretariat", "Jurisdiction contributor", "Joint Councils reader", "Editors"]),
        ("fr", ["Secrétariat", "Contributeur d'une administration", "Lecteur des Conseils conjoints", "Editors"]),
    ],
)
def test_the_filter_by_group_names_the_roles_in_the_pages_language(admin_client, language, names):
    roles_sync()
    Group.objects.create(name="Editors")

    response = admin_client.get(url(get_user_model(), "changelist", language=language))

    (groups,) = [spec for spec in response.context["cl"].filter_specs if spec.field_path == "groups"]
    assert sorted(label for _, label in groups.lookup_choices) == sorted(names)


# The search boxes' answers


# A NUL is refused before any view, by the middleware (cogwg/middleware.py).
@pytest.mark.parametrize("term", ["%", "_", "\\", "'", "é" * 300, HUGE])
@pytest.mark.parametrize("page", ["1", "abc", HUGE])
def test_the_search_boxes_answer_any_term(world, client, term, page):  # noqa: F811
    client.force_login(world.users.contributor_on)
    with translation.override("fr"):
        address = reverse("admin:autocomplete")
    query = {"app_label": "jurisdictions", "model_name": "accomplishment", "field_name": "priority"}

    response = client.get(address, query | {"term": term, "page": page})

    # A page that is not one is a 404, as Django answers it.
    assert response.status_code == (200 if page == "1" else 404)
