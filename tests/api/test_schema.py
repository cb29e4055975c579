"""OpenAPI 3 schema and its Swagger UI, served from this site (no CDN)."""

import pytest
import yaml
from django.core.management import call_command

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def schema(django_db_setup, django_db_blocker):
    from rest_framework.test import APIClient

    with django_db_blocker.unblock():
        response = APIClient().get("/api/v1/schema/")
    assert response.status_code == 200
    return yaml.safe_load(response.content)


def test_the_schema_validates_without_warnings(tmp_path):
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yml"))

    assert (tmp_path / "schema.yml").read_text().startswith("openapi: 3.0.3")


def test_every_resource_and_the_status_are_described(schema):
    resources = {path.split("/")[3] for path in schema["paths"]}

    assert resources == {
        "work-plans",
        "priorities",
        "milestones",
        "progress-updates",
        "jurisdictions",
        "accomplishments",
        "challenges",
        "stories",
        "datasets",
        "meetings",
        "status-reports",
    }
    status = schema["paths"]["/api/v1/work-plans/{slug}/status/"]["get"]
    assert [p["name"] for p in status["parameters"] if p["in"] == "query"] == ["as_of", "lang"]
    assert status["responses"]["200"]["content"]["application/json"]["examples"]


def test_filters_errors_and_headers_are_described_with_examples(schema):
    milestones = schema["paths"]["/api/v1/milestones/"]["get"]
    parameters = {p["name"]: p for p in milestones["parameters"]}

    assert {"work_plan", "priority", "status", "status__n", "kind", "due_after", "due_before", "quarter"} <= set(
        parameters
    )
    assert {"lead", "partner", "jurisdiction", "overdue", "q", "ordering", "page", "page_size", "lang"} <= set(
        parameters
    )
    assert parameters["format"]["schema"]["enum"] == ["csv", "json", "xlsx"]
    assert all("example" in p for p in parameters.values() if p["in"] == "query")
    assert set(milestones["responses"]) == {"200", "304", "400", "404", "429"}
    assert set(milestones["responses"]["200"]["headers"]) == {"ETag", "Last-Modified", "Content-Language"}
    assert milestones["responses"]["400"]["content"]["application/json"]["examples"]


def test_write_errors_are_described(schema):
    create = schema["paths"]["/api/v1/accomplishments/"]["post"]
    delete = schema["paths"]["/api/v1/accomplishments/{id}/"]["delete"]

    assert {"201", "400", "401", "403"} <= set(create["responses"])
    assert {"204", "401", "403", "404", "409"} <= set(delete["responses"])


def test_submitter_fields_are_not_in_the_schema(schema):
    text = yaml.safe_dump(schema)

    assert "submitter" not in text


def test_swagger_ui_is_served_from_local_static_files(client):
    response = client.get("/api/v1/docs/")

    assert response.status_code == 200
    page = response.content.decode()
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in page
    assert "cdn" not in page.lower()
    assert "/api/v1/schema/" in page
