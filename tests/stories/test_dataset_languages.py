"""A dataset's page and licence in the reader's language: a bilingual portal (open.canada.ca)
has a page per language (/data/en/dataset/<id>, /data/fr/dataset/<id>) and names its licence
in French too (``license_title_fra``, or ``license_title_translated``); French story pages,
and French API and CSV answers, give those, and fall back to the portal's single page and
licence elsewhere, marked as English text where they show it."""

import csv
import importlib
import io

import pytest
from django.db.migrations.loader import MigrationLoader
from django.utils import timezone
from rest_framework.test import APIClient

from cogwg.choices import LinkStatus
from cogwg.linkcheck import collect_urls
from cogwg.models import LinkCheck
from stories import ckan
from stories.ckan import CkanError, dataset_page_urls, package_from_result
from stories.models import Dataset
from stories.services import dataset_add_from_url, dataset_harvest
from tests.factories import DatasetFactory, UserStoryFactory
from tests.fakes.ckan_server import ckan_package

pytestmark = pytest.mark.django_db

OGL_EN = "Open Government Licence - Canada"
OGL_FR = "Licence du gouvernement ouvert - Canada"
STORY_PAGE = {"en": "/en/user-stories/flood-maps/", "fr": "/fr/recits-utilisateurs/flood-maps/"}


# The page in each language ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("page", "expected"),
    [
        (
            "https://open.canada.ca/data/en/dataset/5a7c9d1e",
            {
                "en": "https://open.canada.ca/data/en/dataset/5a7c9d1e",
                "fr": "https://open.canada.ca/data/fr/dataset/5a7c9d1e",
            },
        ),
        (
            "https://open.canada.ca/data/fr/dataset/5a7c9d1e",
            {
                "en": "https://open.canada.ca/data/en/dataset/5a7c9d1e",
                "fr": "https://open.canada.ca/data/fr/dataset/5a7c9d1e",
            },
        ),
        (
            "https://ckan.example.org/en_CA/dataset/water",
            {"en": "https://ckan.example.org/en/dataset/water", "fr": "https://ckan.example.org/fr/dataset/water"},
        ),
        # One page for all: the portal's own, kept as the English (default) one.
        (
            "https://data.ontario.ca/dataset/road-closures",
            {"en": "https://data.ontario.ca/dataset/road-closures", "fr": ""},
        ),
        (
            "https://open.canada.ca/data/dataset/5a7c9d1e",
            {"en": "https://open.canada.ca/data/dataset/5a7c9d1e", "fr": ""},
        ),
        # A language segment elsewhere in the path says nothing of the dataset's pages.
        (
            "https://ckan.example.org/en/data/dataset/water",
            {"en": "https://ckan.example.org/en/data/dataset/water", "fr": ""},
        ),
    ],
    ids=["english page", "french page", "regional segment", "unilingual", "no segment", "segment elsewhere"],
)
def test_a_dataset_page_is_given_in_each_language_where_the_portal_has_one_per_language(page, expected):
    assert dataset_page_urls(page) == expected


def test_a_dataset_added_from_its_english_page_keeps_its_french_page_and_licence(ckan_server):
    ckan_server.add(ckan_package("flood-maps", title_en="Flood maps", title_fr="Cartes des inondations"))

    dataset, created = dataset_add_from_url(url=ckan_server.dataset_page_url("flood-maps", "en"))

    dataset.refresh_from_db()
    assert created
    assert (dataset.url_en, dataset.url_fr) == (
        ckan_server.dataset_page_url("flood-maps", "en"),
        ckan_server.dataset_page_url("flood-maps", "fr"),
    )
    assert (dataset.license_title_en, dataset.license_title_fr) == (OGL_EN, OGL_FR)


def test_a_dataset_added_from_its_french_page_keeps_its_english_page_too(ckan_server):
    ckan_server.add(ckan_package("flood-maps", title_en="Flood maps", title_fr="Cartes des inondations"))

    dataset, _ = dataset_add_from_url(url=ckan_server.dataset_page_url("flood-maps", "fr"))

    dataset.refresh_from_db()
    assert dataset.url_en == ckan_server.dataset_page_url("flood-maps", "en")
    assert dataset.url_fr == ckan_server.dataset_page_url("flood-maps", "fr")


def test_a_unilingual_portal_s_page_and_licence_are_kept_as_the_english_ones(ckan_server):
    ckan_server.add(ckan_package("road-closures", title_en="Road closures"))

    dataset, _ = dataset_add_from_url(url=f"{ckan_server.base_url}/dataset/road-closures")

    dataset.refresh_from_db()
    assert (dataset.url_en, dataset.url_fr) == (f"{ckan_server.base_url}/dataset/road-closures", None)
    assert (dataset.license_title_en, dataset.license_title_fr) == (OGL_EN, "")


def test_adding_a_dataset_again_from_its_french_page_fills_in_the_page_it_lacked(ckan_server):
    package = ckan_server.add(ckan_package("flood-maps", title_en="Flood maps", title_fr="Cartes des inondations"))
    first, _ = dataset_add_from_url(url=ckan_server.portal_url, ckan_id=package["id"])
    first.refresh_from_db()
    assert (first.url_en, first.url_fr) == (f"{ckan_server.portal_url}/dataset/flood-maps", None)

    again, created = dataset_add_from_url(url=ckan_server.dataset_page_url("flood-maps", "fr"))

    again.refresh_from_db()
    assert (again.pk, created) == (first.pk, False)
    assert again.url_en == f"{ckan_server.portal_url}/dataset/flood-maps"  # kept
    assert again.url_fr == ckan_server.dataset_page_url("flood-maps", "fr")


# The licence in each language ------------------------------------------------------------


def package(**fields):
    return {"id": "5a7c9d1e", "name": "flood-maps", "title": "Flood maps", **fields}


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"license_title": OGL_EN, "license_title_fra": OGL_FR}, (OGL_EN, OGL_FR)),
        ({"license_title": "OGL", "license_title_translated": {"en": OGL_EN, "fr": OGL_FR}}, (OGL_EN, OGL_FR)),
        ({"license_title_translated": {"fr": OGL_FR}}, (OGL_FR, OGL_FR)),
        ({"license_title": "Open Government Licence - Ontario"}, ("Open Government Licence - Ontario", "")),
        ({"license_id": "ca-ogl-lgo", "license_title_fra": OGL_FR}, ("ca-ogl-lgo", OGL_FR)),
        ({}, ("", "")),
    ],
    ids=["open.canada.ca", "translated", "french only", "unilingual", "no english title", "none"],
)
def test_the_licence_is_read_in_both_languages_where_the_portal_gives_them(fields, expected):
    result = package_from_result(package(**fields))

    assert (result.license_title_en, result.license_title_fr) == expected


@pytest.mark.parametrize(
    ("fields", "named"),
    [({"license_title_fra": ["OGL"]}, "license_title_fra"), ({"license_title_translated": "OGL"}, "license_title")],
)
def test_a_licence_title_of_another_type_is_a_bad_answer(fields, named):
    with pytest.raises(CkanError) as error:
        package_from_result(package(**fields))

    assert error.value.code == ckan.CkanErrorCode.BAD_ANSWER
    assert named in error.value.detail


def test_a_french_licence_title_is_cut_to_its_column():
    result = package_from_result(package(license_title="L", license_title_fra="É" * 300))

    assert result.license_title_fr == "É" * 199 + "…"
    assert Dataset._meta.get_field("license_title_fr").max_length == ckan.LICENCE_MAX_LENGTH


def test_a_harvest_brings_the_french_licence_title_it_did_not_have(ckan_server):
    ckan_server.add(ckan_package("flood-maps", title_en="Flood maps", title_fr="Cartes des inondations"))
    dataset, _ = dataset_add_from_url(url=ckan_server.dataset_page_url("flood-maps"))
    Dataset.objects.filter(pk=dataset.pk).update(license_title_fr="")  # as the migration leaves it
    dataset.refresh_from_db()

    assert dataset_harvest(dataset=dataset)

    dataset.refresh_from_db()
    assert (dataset.license_title_en, dataset.license_title_fr) == (OGL_EN, OGL_FR)
    assert dataset.history.first().license_title_fr == OGL_FR


# The story page --------------------------------------------------------------------------


@pytest.fixture
def bilingual_dataset(db):
    return DatasetFactory(
        title_en="Flood maps",
        title_fr="Cartes des inondations",
        url_en="https://open.canada.ca/data/en/dataset/flood-maps",
        url_fr="https://open.canada.ca/data/fr/dataset/flood-maps",
        license_title_en=OGL_EN,
        license_title_fr=OGL_FR,
        formats=["CSV"],
    )


@pytest.fixture
def unilingual_dataset(db):
    return DatasetFactory(
        title_en="Road closures",
        title_fr="",
        url_en="https://data.ontario.ca/dataset/road-closures",
        license_title_en="Open Government Licence - Ontario",
    )


@pytest.fixture
def story(bilingual_dataset, unilingual_dataset):
    story = UserStoryFactory(slug="flood-maps")
    story.datasets.set([bilingual_dataset, unilingual_dataset])
    return story


def dataset_items(client, language):
    html = client.get(STORY_PAGE[language]).content.decode().replace("&#x27;", "'")
    section = html[html.index('<section aria-labelledby="datasets-heading">') :]
    return section[: section.index("</section>")]


def test_the_french_story_page_links_the_french_page_and_names_the_french_licence(client, story):
    items = dataset_items(client, "fr")

    assert '<a href="https://open.canada.ca/data/fr/dataset/flood-maps">Cartes des inondations</a>' in items
    assert "/data/en/dataset/flood-maps" not in items
    assert f" · <span>{OGL_FR}</span>" in items
    assert OGL_EN not in items


def test_the_french_story_page_falls_back_to_a_portal_s_single_page_and_english_licence(client, story):
    items = dataset_items(client, "fr")

    assert '<a href="https://data.ontario.ca/dataset/road-closures">Road closures</a>' in items
    assert '<span lang="en">Open Government Licence - Ontario</span>' in items


def test_the_english_story_page_links_the_english_pages_and_licences(client, story):
    items = dataset_items(client, "en")

    assert '<a href="https://open.canada.ca/data/en/dataset/flood-maps">Flood maps</a>' in items
    assert '<a href="https://data.ontario.ca/dataset/road-closures">Road closures</a>' in items
    assert f"CSV · <span>{OGL_EN}</span>" in items
    assert "<span>Open Government Licence - Ontario</span>" in items
    assert OGL_FR not in items and 'lang="fr"' not in items


def test_a_licence_alone_is_shown_without_a_separator_before_it(client, story, unilingual_dataset):
    items = dataset_items(client, "en")

    assert '<span class="meta"><span>Open Government Licence - Ontario</span></span>' in items


def test_the_french_page_s_link_is_the_one_link_checks_flag(client, story):
    LinkCheck.objects.create(
        url="https://open.canada.ca/data/fr/dataset/flood-maps",
        status=LinkStatus.BROKEN,
        status_code=404,
        checked_at=timezone.now(),
        first_failed_at=timezone.now(),
    )

    french, english = dataset_items(client, "fr"), dataset_items(client, "en")

    assert french.count("link-unreachable") == 1
    assert "link-unreachable" not in english


def test_link_checks_check_the_page_in_each_language(story):
    urls = collect_urls()

    assert "https://open.canada.ca/data/en/dataset/flood-maps" in urls
    assert "https://open.canada.ca/data/fr/dataset/flood-maps" in urls
    assert "https://data.ontario.ca/dataset/road-closures" in urls


# The API and its CSV -----------------------------------------------------------------------


def test_the_api_gives_the_page_and_licence_in_the_answer_s_language(story, bilingual_dataset, unilingual_dataset):
    api = APIClient()

    english = api.get(f"/api/v1/datasets/{bilingual_dataset.pk}/").json()
    french = api.get(f"/api/v1/datasets/{bilingual_dataset.pk}/", {"lang": "fr"}).json()
    fallback = api.get(f"/api/v1/datasets/{unilingual_dataset.pk}/", HTTP_ACCEPT_LANGUAGE="fr").json()

    assert (english["page_url"], english["license_title"]) == (bilingual_dataset.url_en, OGL_EN)
    assert (french["page_url"], french["license_title"]) == (bilingual_dataset.url_fr, OGL_FR)
    assert (fallback["page_url"], fallback["license_title"]) == (
        "https://data.ontario.ca/dataset/road-closures",
        "Open Government Licence - Ontario",
    )
    # Each language's side is for writing, as with the titles.
    assert not {"page_url_en", "page_url_fr", "license_title_en", "license_title_fr"} & set(english)


def test_the_french_csv_of_datasets_gives_the_french_page_and_licence(story, bilingual_dataset):
    response = APIClient().get("/api/v1/datasets/", {"format": "csv", "lang": "fr"})

    header, *rows = csv.reader(io.StringIO(response.content.decode("utf-8-sig")))
    row = next(row for row in rows if row[header.index("id")] == str(bilingual_dataset.pk))
    assert row[header.index("page_url")] == "https://open.canada.ca/data/fr/dataset/flood-maps"
    assert row[header.index("license_title")] == OGL_FR


def test_the_secretariat_writes_each_language_s_page_through_the_api(staff_api, unilingual_dataset):
    response = staff_api.patch(
        f"/api/v1/datasets/{unilingual_dataset.pk}/",
        {"page_url_fr": "https://data.ontario.ca/fr/dataset/road-closures"},
        format="json",
    )

    assert response.status_code == 200, response.json()
    unilingual_dataset.refresh_from_db()
    assert unilingual_dataset.url_fr == "https://data.ontario.ca/fr/dataset/road-closures"
    assert unilingual_dataset.url_en == "https://data.ontario.ca/dataset/road-closures"


def test_a_page_that_is_not_a_web_address_is_refused_naming_its_field(staff_api, unilingual_dataset):
    response = staff_api.patch(
        f"/api/v1/datasets/{unilingual_dataset.pk}/", {"page_url_fr": "not an address"}, format="json"
    )

    assert response.status_code == 400
    assert list(response.json()) == ["page_url_fr"]
    unilingual_dataset.refresh_from_db()
    assert unilingual_dataset.url_fr is None


# The migration -----------------------------------------------------------------------------


def test_the_migration_fills_each_language_from_the_single_page_and_licence(settings):
    settings.MIGRATION_MODULES = {}  # the suite runs without them (--no-migrations): read them here
    migration = importlib.import_module("stories.migrations.0007_dataset_translated_url_and_licence")
    state = MigrationLoader(None).project_state(("stories", "0007_dataset_translated_url_and_licence"))
    model = state.apps.get_model("stories", "Dataset")
    common = {"title": "A dataset", "license_title": OGL_EN}
    bilingual = model.objects.create(
        portal_url="https://open.canada.ca/data",
        ckan_id="a",
        url="https://open.canada.ca/data/en/dataset/a",
        **common,
    )
    unilingual = model.objects.create(
        portal_url="https://data.ontario.ca", ckan_id="b", url="https://data.ontario.ca/dataset/b", **common
    )
    no_page = model.objects.create(portal_url="https://data.ontario.ca", ckan_id="c", url="", **common)

    migration.fill_in(state.apps, None)

    rows = {
        row["pk"]: row for row in model.objects.values("pk", "url_en", "url_fr", "license_title_en", "license_title_fr")
    }
    assert rows[bilingual.pk] == {
        "pk": bilingual.pk,
        "url_en": "https://open.canada.ca/data/en/dataset/a",
        "url_fr": "https://open.canada.ca/data/fr/dataset/a",
        "license_title_en": OGL_EN,
        "license_title_fr": "",
    }
    assert (rows[unilingual.pk]["url_en"], rows[unilingual.pk]["url_fr"]) == ("https://data.ontario.ca/dataset/b", "")
    assert (rows[no_page.pk]["url_en"], rows[no_page.pk]["url_fr"]) == ("", "")
    # The same rule as the harvest's, frozen in the migration.
    assert migration.page_urls("https://open.canada.ca/data/fr/dataset/a") == dataset_page_urls(
        "https://open.canada.ca/data/fr/dataset/a"
    )
