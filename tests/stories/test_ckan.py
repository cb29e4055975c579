"""Datasets from CKAN portals: recognising a dataset URL, add_dataset, harvest_datasets,
the portal dataset count and the dataset admin pieces, against the fake portal on
127.0.0.1 (tests/fakes/ckan_server.py)."""

import datetime
import io

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from stories.ckan import (
    CkanClient,
    CkanError,
    CkanErrorCode,
    CkanNotFound,
    DatasetRef,
    NotADatasetUrl,
    parse_dataset_url,
)
from stories.models import Dataset
from stories.services import dataset_add_from_url, dataset_harvest
from stories.tasks import harvest_datasets
from tests.factories import DatasetFactory
from tests.fakes.ckan_server import ckan_package

pytestmark = pytest.mark.django_db

USER_AGENT = "COGWG-Tracker/1.0 (+mailto:secretariat@example.org)"


@pytest.fixture(autouse=True)
def _http_settings(settings):
    settings.COGWG_HTTP_USER_AGENT = USER_AGENT
    settings.COGWG_HTTP_TIMEOUT = 0.5


@pytest.fixture
def budget(ckan_server):
    return ckan_server.add(
        ckan_package(
            "federal-budget-2020",
            title_en="Federal budget 2020",
            title_fr="Budget fédéral 2020",
            notes_en="Spending by department.",
            notes_fr="Dépenses par ministère.",
            formats=("CSV", "json", ".csv", ""),
        )
    )


# Recognising a portal and a dataset ------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        (
            "https://open.canada.ca/data/en/dataset/3ac0d080-6149-499a-8b06-7ce5f00ec56c",
            DatasetRef(
                "https://open.canada.ca/data",
                "3ac0d080-6149-499a-8b06-7ce5f00ec56c",
                "https://open.canada.ca/data/en/dataset/3ac0d080-6149-499a-8b06-7ce5f00ec56c",
            ),
        ),
        (
            "https://open.canada.ca/data/fr/dataset/budget?lang=fr#resources",
            DatasetRef("https://open.canada.ca/data", "budget", "https://open.canada.ca/data/fr/dataset/budget"),
        ),
        (
            "https://data.ontario.ca/dataset/covid-19-cases/resource/455fd63b",
            DatasetRef(
                "https://data.ontario.ca",
                "covid-19-cases",
                "https://data.ontario.ca/dataset/covid-19-cases/resource/455fd63b",
            ),
        ),
        (
            "https://Data.Ontario.ca/api/3/action/package_show?id=covid-19-cases",
            DatasetRef("https://data.ontario.ca", "covid-19-cases"),
        ),
    ],
)
def test_parse_dataset_url_recognises_portal_and_dataset(url, expected):
    assert parse_dataset_url(url) == expected


def test_parse_dataset_url_takes_portal_base_and_id():
    assert parse_dataset_url("https://open.canada.ca/data/en/", " budget ") == DatasetRef(
        "https://open.canada.ca/data", "budget"
    )


@pytest.mark.parametrize(
    "url", ["https://open.canada.ca/data/en/", "https://data.ontario.ca/dataset/", "ftp://x.ca/dataset/a", "budget"]
)
def test_parse_dataset_url_rejects_urls_naming_no_dataset(url):
    with pytest.raises(NotADatasetUrl):
        parse_dataset_url(url)


# The Action API client -------------------------------------------------------------------


def test_package_show_reads_bilingual_fields_and_sends_user_agent(ckan_server, budget):
    package = CkanClient(ckan_server.portal_url).package_show("federal-budget-2020")

    assert package.id == budget["id"]
    assert (package.title_en, package.title_fr) == ("Federal budget 2020", "Budget fédéral 2020")
    assert (package.description_en, package.description_fr) == ("Spending by department.", "Dépenses par ministère.")
    assert (package.publisher_en, package.publisher_fr) == (
        "Treasury Board of Canada Secretariat",
        "Secrétariat du Conseil du Trésor du Canada",
    )
    assert package.formats == ["CSV", "JSON"]
    assert (package.license_title_en, package.license_title_fr) == (
        "Open Government Licence - Canada",
        "Licence du gouvernement ouvert - Canada",
    )
    assert package.metadata_modified == datetime.datetime(2020, 2, 20, 15, 31, 53, 123456, tzinfo=datetime.UTC)
    request = ckan_server.requests[-1]
    assert (request.method, request.path) == ("GET", "/data/api/3/action/package_show?id=federal-budget-2020")
    assert request.headers["User-Agent"] == USER_AGENT


@pytest.mark.parametrize(
    ("portal", "error", "code", "detail"),
    [
        (
            "/data",
            CkanNotFound,
            CkanErrorCode.NOT_FOUND,
            "/data/api/3/action/package_show?id=federal-budget-2020: HTTP 404",
        ),
        (
            "/broken-portal",
            CkanError,
            CkanErrorCode.NOT_CKAN,
            "/broken-portal/api/3/action/package_show?id=federal-budget-2020: HTTP 500",
        ),
        (
            "/not-ckan",
            CkanError,
            CkanErrorCode.NOT_CKAN,
            "/not-ckan/api/3/action/package_show?id=federal-budget-2020: HTTP 200",
        ),
        (
            "/slow-portal",
            CkanError,
            CkanErrorCode.TIMEOUT,
            "/slow-portal/api/3/action/package_show?id=federal-budget-2020, 0.5 s",
        ),
    ],
)
def test_package_show_turns_every_failure_into_a_ckan_error(ckan_server, budget, portal, error, code, detail):
    if portal == "/data":
        ckan_server.remove("federal-budget-2020")

    with pytest.raises(error) as raised:
        CkanClient(ckan_server.url(portal)).package_show("federal-budget-2020")

    assert raised.value.code == code
    assert raised.value.detail == ckan_server.base_url + detail
    assert str(raised.value) == f"{code.label} ({ckan_server.base_url}{detail})"


def test_action_reports_ckan_errors(ckan_server):
    with pytest.raises(CkanError, match="Validation Error") as raised:
        CkanClient(ckan_server.portal_url).action("package_show")
    assert not isinstance(raised.value, CkanNotFound)
    assert raised.value.code == CkanErrorCode.REFUSED
    with pytest.raises(CkanError, match="Action name not known"):
        CkanClient(ckan_server.portal_url).action("no_such_action")


def test_package_show_connection_refused_is_a_ckan_error(closed_port_url, no_internet):
    with pytest.raises(CkanError):
        CkanClient(closed_port_url).package_show("anything")


def test_an_unreachable_portal_is_named_without_the_librarys_english(closed_port_url, no_internet, caplog):
    """The message is the reader's language's, then the address asked; why the connection
    failed, in the HTTP library's English, goes to the log only."""
    with pytest.raises(CkanError) as raised:
        CkanClient(closed_port_url).package_show("anything")

    asked = f"{closed_port_url.rstrip('/')}/api/3/action/package_show?id=anything"
    assert raised.value.code == CkanErrorCode.UNREACHABLE
    assert raised.value.detail == asked
    with translation.override("fr"):
        assert str(raised.value) == f"Le portail n'a pas pu être joint ({asked})"
    assert any("Connection" in record.getMessage() for record in caplog.records)


# add_dataset -----------------------------------------------------------------------------


def test_add_dataset_stores_title_in_both_languages_and_formats(ckan_server, budget):
    out = io.StringIO()

    call_command("add_dataset", ckan_server.dataset_page_url("federal-budget-2020"), stdout=out)

    dataset = Dataset.objects.get()
    assert dataset.portal_url == ckan_server.portal_url
    assert dataset.ckan_id == budget["id"]
    assert dataset.url == ckan_server.dataset_page_url("federal-budget-2020")
    assert (dataset.title_en, dataset.title_fr) == ("Federal budget 2020", "Budget fédéral 2020")
    assert (dataset.description_en, dataset.description_fr) == ("Spending by department.", "Dépenses par ministère.")
    assert dataset.publisher_en == "Treasury Board of Canada Secretariat"
    assert dataset.publisher_fr == "Secrétariat du Conseil du Trésor du Canada"
    assert dataset.formats == ["CSV", "JSON"]
    assert dataset.license_title == "Open Government Licence - Canada"
    assert dataset.metadata_modified == datetime.datetime(2020, 2, 20, 15, 31, 53, 123456, tzinfo=datetime.UTC)
    assert [resource["format"] for resource in dataset.metadata["resources"]] == ["CSV", "JSON", "CSV", ""]
    assert dataset.last_harvested is not None
    assert dataset.last_harvest_attempt == dataset.last_harvested
    assert dataset.harvest_error == ""
    assert "Added dataset" in out.getvalue()
    assert "Federal budget 2020 / Budget fédéral 2020 (CSV, JSON)" in out.getvalue()


def test_add_dataset_from_a_unilingual_portal_by_base_url_and_id(ckan_server):
    ckan_server.add(ckan_package("road-closures", title_en="Road closures", formats=("XLSX",)))

    call_command("add_dataset", ckan_server.base_url, "--id", "road-closures", stdout=io.StringIO())

    dataset = Dataset.objects.get()
    assert dataset.portal_url == ckan_server.base_url
    assert dataset.url == f"{ckan_server.base_url}/dataset/road-closures"
    assert (dataset.title_en, dataset.title_fr) == ("Road closures", "")
    assert (dataset.publisher_en, dataset.publisher_fr) == ("Treasury Board of Canada Secretariat", "")
    assert dataset.formats == ["XLSX"]


def test_add_dataset_twice_by_name_then_id_keeps_one_dataset(ckan_server, budget):
    first, created = dataset_add_from_url(url=ckan_server.dataset_page_url("federal-budget-2020"))
    second, created_again = dataset_add_from_url(url=ckan_server.portal_url, ckan_id=budget["id"])

    assert (created, created_again) == (True, False)
    assert first.pk == second.pk
    assert Dataset.objects.count() == 1


def test_add_dataset_of_an_unknown_dataset_fails_and_stores_nothing(ckan_server):
    with pytest.raises(CommandError, match=r"The portal has no such dataset \(any more\) \(http://.*HTTP 404\)"):
        call_command("add_dataset", ckan_server.dataset_page_url("no-such-dataset"))

    assert not Dataset.objects.exists()


def test_add_dataset_of_a_url_naming_no_dataset_asks_no_portal(ckan_server):
    with pytest.raises(CommandError, match="This address names no dataset on a CKAN portal"):
        call_command("add_dataset", ckan_server.url("/data/en/organization/tbs-sct"))

    assert ckan_server.requests == []
    assert not Dataset.objects.exists()


# harvest_datasets ------------------------------------------------------------------------


def test_harvest_updates_a_changed_title_and_records_a_vanished_dataset_without_stopping(ckan_server):
    for name, title in [("vanishing", "Vanishing"), ("renamed", "Old title"), ("steady", "Steady")]:
        ckan_server.add(ckan_package(name, title_en=title, title_fr=f"{title} (fr)"))
    # Added in this order, the vanished dataset is harvested first: the others come after it.
    vanished, renamed, steady = (
        dataset_add_from_url(url=ckan_server.dataset_page_url(name))[0] for name in ("vanishing", "renamed", "steady")
    )
    before = {dataset.pk: dataset.last_harvested for dataset in (vanished, renamed, steady)}
    ckan_server.remove("vanishing")
    ckan_server.find("renamed").update(title="New title", title_translated={"en": "New title", "fr": "Nouveau titre"})
    out, err = io.StringIO(), io.StringIO()

    call_command("harvest_datasets", stdout=out, stderr=err)

    vanished.refresh_from_db()
    renamed.refresh_from_db()
    steady.refresh_from_db()
    assert (renamed.title_en, renamed.title_fr) == ("New title", "Nouveau titre")
    assert renamed.harvest_error == ""
    assert renamed.last_harvested > before[renamed.pk]
    assert steady.last_harvested > before[steady.pk]
    assert steady.harvest_error == ""
    # The vanished dataset keeps what was last harvested, and says why it was not refreshed.
    assert vanished.harvest_error_code == CkanErrorCode.NOT_FOUND
    assert vanished.harvest_error.endswith("package_show?id=" + vanished.ckan_id + ": HTTP 404")
    assert (vanished.title_en, vanished.title_fr) == ("Vanishing", "Vanishing (fr)")
    assert vanished.last_harvested == before[vanished.pk]
    assert vanished.last_harvest_attempt > before[vanished.pk]
    assert "Harvested 2 datasets, 1 failed." in out.getvalue()
    assert f"Dataset {vanished.pk}: The portal has no such dataset (any more) (http://" in err.getvalue()


def test_harvest_records_every_kind_of_portal_failure(ckan_server, closed_port_url):
    failing = [
        DatasetFactory(portal_url=ckan_server.url("/broken-portal"), ckan_id="a"),
        DatasetFactory(portal_url=ckan_server.url("/not-ckan"), ckan_id="b"),
        DatasetFactory(portal_url=ckan_server.url("/slow-portal"), ckan_id="c"),
        DatasetFactory(portal_url=closed_port_url, ckan_id="d"),
        DatasetFactory(portal_url="not a url", ckan_id="e"),
    ]

    call_command("harvest_datasets", stdout=io.StringIO(), stderr=io.StringIO())

    for dataset in failing:
        dataset.refresh_from_db()
        assert dataset.harvest_error_code, dataset.portal_url
        assert dataset.harvest_error, dataset.portal_url
        assert dataset.last_harvest_attempt is not None
        assert dataset.last_harvested is None
        assert dataset.title_en.startswith("Dataset ")


def test_harvest_of_an_unchanged_dataset_adds_no_history(ckan_server, budget):
    dataset, _ = dataset_add_from_url(url=ckan_server.dataset_page_url("federal-budget-2020"))
    versions = dataset.history.count()

    assert dataset_harvest(dataset=dataset) is True

    assert dataset.history.count() == versions
    dataset.refresh_from_db()
    assert dataset.last_harvest_attempt == dataset.last_harvested


def test_harvest_clears_the_last_error_once_the_portal_answers(ckan_server, budget):
    dataset, _ = dataset_add_from_url(url=ckan_server.dataset_page_url("federal-budget-2020"))
    Dataset.objects.filter(pk=dataset.pk).update(harvest_error_code=CkanErrorCode.NOT_CKAN, harvest_error="HTTP 500")
    dataset.refresh_from_db()

    assert dataset_harvest(dataset=dataset) is True

    dataset.refresh_from_db()
    assert (dataset.harvest_error_code, dataset.harvest_error) == ("", "")


def test_harvest_datasets_task_runs_the_harvest(ckan_server, budget):
    dataset_add_from_url(url=ckan_server.dataset_page_url("federal-budget-2020"))
    DatasetFactory(portal_url=ckan_server.url("/broken-portal"))

    assert harvest_datasets.delay().get() == {"harvested": 1, "failed": 1}


# The admin pieces (on a throwaway admin site) --------------------------------------------

pieces_admin = pytest.mark.urls("tests.fakes.admin_site")


@pieces_admin
def test_admin_adds_a_dataset_from_its_page_url(staff_client, ckan_server, budget):
    page = staff_client.get("/pieces-admin/stories/dataset/add-from-portal/")
    assert page.status_code == 200

    response = staff_client.post(
        "/pieces-admin/stories/dataset/add-from-portal/", {"url": ckan_server.dataset_page_url("federal-budget-2020")}
    )

    dataset = Dataset.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/pieces-admin/stories/dataset/{dataset.pk}/change/"
    assert dataset.title_fr == "Budget fédéral 2020"
    assert dataset.history.get().history_user.username == "secretariat"


@pieces_admin
def test_admin_add_from_portal_shows_the_portal_error_and_stores_nothing(staff_client, ckan_server):
    response = staff_client.post(
        "/pieces-admin/stories/dataset/add-from-portal/", {"url": ckan_server.dataset_page_url("gone")}
    )

    assert response.status_code == 200
    assert "The portal has no such dataset (any more) (http://" in response.content.decode()
    assert not Dataset.objects.exists()


@pieces_admin
def test_admin_add_from_portal_rejects_a_url_naming_no_dataset(staff_client, ckan_server):
    response = staff_client.post("/pieces-admin/stories/dataset/add-from-portal/", {"url": "https://example.org/"})

    assert response.status_code == 200
    assert "This URL names no dataset" in response.content.decode()
    assert ckan_server.requests == []


@pieces_admin
def test_admin_add_from_portal_needs_the_add_permission(client, ckan_server):
    from tests.factories import UserFactory

    client.force_login(UserFactory(is_staff=True))

    response = client.get("/pieces-admin/stories/dataset/add-from-portal/")

    assert response.status_code == 403


@pieces_admin
def test_admin_refresh_from_portal_action(staff_client, ckan_server, budget):
    dataset, _ = dataset_add_from_url(url=ckan_server.dataset_page_url("federal-budget-2020"))
    budget.update(title="Budget 2020", title_translated={"en": "Budget 2020", "fr": "Budget 2020 (fr)"})
    gone = DatasetFactory(portal_url=ckan_server.portal_url, ckan_id="gone")
    changelist = staff_client.get("/pieces-admin/stories/dataset/")
    assert "Add from portal" in changelist.content.decode()
    assert "Refresh from portal" in changelist.content.decode()

    response = staff_client.post(
        "/pieces-admin/stories/dataset/",
        {"action": "refresh_from_portal", "_selected_action": [dataset.pk, gone.pk]},
        follow=True,
    )

    content = response.content.decode()
    assert "1 dataset refreshed." in content
    assert "Not refreshed: The portal has no such dataset (any more) (http://" in content
    dataset.refresh_from_db()
    gone.refresh_from_db()
    assert dataset.title_en == "Budget 2020"
    assert gone.harvest_error_code == CkanErrorCode.NOT_FOUND
