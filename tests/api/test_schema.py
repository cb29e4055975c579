"""OpenAPI 3 schema and its Swagger UI, served from this site (no CDN)."""

import datetime
from urllib.parse import urlsplit

import pytest
import yaml
from django.core.management import call_command
from jsonschema import Draft202012Validator, FormatChecker

from cogwg.demo.loader import load_cogwg_2020
from jurisdictions.models import Jurisdiction
from tests import factories
from workplan.choices import MilestoneStatus
from workplan.models import Milestone
from workplan.services import milestone_post_update

pytestmark = pytest.mark.django_db

JSON = "application/json"

# jsonschema checks dates itself; date-times and URIs need packages it does not depend on.
FORMATS = FormatChecker()


@FORMATS.checks("date-time", raises=ValueError)
def is_date_time(value):
    return not isinstance(value, str) or datetime.datetime.fromisoformat(value).tzinfo is not None


@FORMATS.checks("uri")
def is_uri(value):
    return not isinstance(value, str) or (urlsplit(value).scheme in ("http", "https") and bool(urlsplit(value).netloc))


@pytest.fixture(scope="module")
def schema(django_db_setup, django_db_blocker):
    from rest_framework.test import APIClient

    with django_db_blocker.unblock():
        response = APIClient().get("/api/v1/schema/")
    assert response.status_code == 200
    return yaml.safe_load(response.content)


def strict(node):
    """An OpenAPI 3.0 schema as JSON Schema that an example must fill exactly: ``nullable``
    as a union with null, and every object's properties all required and the only ones."""
    if isinstance(node, list):
        return [strict(item) for item in node]
    if not isinstance(node, dict):
        return node
    node = {key: strict(value) for key, value in node.items()}
    if "properties" in node:
        node["required"] = list(node["properties"])
        node.setdefault("additionalProperties", False)
    if node.pop("nullable", False):
        node = {"anyOf": [node, {"type": "null"}]}
    return node


def success_examples(operation):
    return operation["responses"]["200"]["content"][JSON].get("examples", {})


def example_value(operation):
    (example,) = success_examples(operation).values()
    return example["value"]


def read_operations(schema):
    """Each resource's list (``/api/v1/<resource>/``) and retrieve (``…/<resource>/{key}/``)."""
    return {path: operations["get"] for path, operations in schema["paths"].items() if path.count("/") in (4, 5)}


@pytest.fixture
def demo_data(db):
    """The 2020 demo data, with what it holds none of: a published progress update, and a
    story with its theme and dataset."""
    load_cogwg_2020()
    canada = Jurisdiction.objects.get(code="CA")
    first, second = Milestone.objects.filter(priority__number=1).order_by("due_date")[:2]
    milestone_post_update(
        milestone=first,
        reported_on=datetime.date(2020, 3, 31),
        status=MilestoneStatus.COMPLETED,
        progress=100,
        jurisdiction=canada,
    )
    story = factories.UserStoryFactory(jurisdiction=canada, release=second)
    story.themes.set([factories.ThemeFactory()])
    story.datasets.set([factories.DatasetFactory()])


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
    # Examples in the descriptions: Swagger UI would send an ``example`` with every "Try it out".
    assert [name for name, p in parameters.items() if p["in"] == "query" and "example" in p] == []
    assert "Example: `due_after=2020-04-01`." in parameters["due_after"]["description"]
    assert set(milestones["responses"]) == {"200", "304", "400", "404", "405", "406", "429"}
    assert set(milestones["responses"]["200"]["headers"]) == {
        "ETag",
        "Last-Modified",
        "Content-Language",
        "RateLimit-Policy",
        "RateLimit",
    }
    assert milestones["responses"]["400"]["content"]["application/json"]["examples"]


def test_write_errors_are_described(schema):
    create = schema["paths"]["/api/v1/accomplishments/"]["post"]
    delete = schema["paths"]["/api/v1/accomplishments/{id}/"]["delete"]

    assert {"201", "400", "401", "403"} <= set(create["responses"])
    assert {"204", "401", "403", "404", "409"} <= set(delete["responses"])


def test_a_deletion_that_would_take_kept_progress_updates_is_described(schema):
    delete = schema["paths"]["/api/v1/milestones/{id}/"]["delete"]

    assert "progress updates that are kept" in delete["responses"]["409"]["description"]


def test_a_resource_is_described_by_its_own_serializer_never_by_a_base_or_mixin(schema):
    components = schema["components"]["schemas"]
    described = {name: component.get("description", "") for name, component in components.items()}

    # MovedByActionsMixin's and ApiModelSerializer's docstrings describe the code.
    assert [name for name, text in described.items() if "serializer" in text.lower()] == []
    for name in ("Accomplishment", "Challenge", "UserStory", "Dataset", "Meeting", "PatchedAccomplishmentRequest"):
        assert "description" not in components[name], name
    # A serializer's own docstring still describes its resource.
    assert described["Milestone"].startswith("A milestone with its priority and lead jurisdictions.")


def test_the_review_s_actions_describe_their_refusals_and_their_record_etag(schema):
    for action in ("submit", "publish", "return", "withdraw"):
        operation = schema["paths"][f"/api/v1/accomplishments/{{id}}/{action}/"]["post"]

        assert "Record-ETag" in operation["responses"]["200"]["headers"], action
        assert "`If-Match`" in operation["description"], action
        assert {"400", "403", "404", "412"} <= set(operation["responses"]), action
    withdraw = schema["paths"]["/api/v1/accomplishments/{id}/withdraw/"]["post"]
    assert "A record in another state is a 400 saying why" in withdraw["description"]


def test_submitter_fields_are_not_in_the_schema(schema):
    text = yaml.safe_dump(schema)

    assert "submitter" not in text


def test_every_resource_shows_a_page_and_a_record_as_examples(schema):
    operations = read_operations(schema)

    assert len(operations) == 22
    assert [path for path, operation in operations.items() if len(success_examples(operation)) != 1] == []


def test_every_success_example_fills_its_response_schema_exactly(schema):
    components = strict(schema["components"])
    checked, errors = [], {}
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            response = operation["responses"].get("200", {}).get("content", {}).get(JSON)
            for name, example in (response or {}).get("examples", {}).items():
                validator = Draft202012Validator(
                    {"components": components, **strict(response["schema"])}, format_checker=FORMATS
                )
                checked.append(f"{method} {path}")
                found = [
                    f"{list(error.absolute_path)}: {error.message}" for error in validator.iter_errors(example["value"])
                ]
                if found:
                    errors[f"{method} {path} {name}"] = found

    assert len(checked) == 23
    assert "get /api/v1/work-plans/{slug}/status/" in checked
    assert errors == {}


def test_each_example_has_the_fields_of_the_api_answer_on_the_2020_data(schema, api, demo_data):
    operations = read_operations(schema)
    status = schema["paths"]["/api/v1/work-plans/{slug}/status/"]["get"]
    compared = {"status": (example_value(status), api.get("/api/v1/work-plans/2020/status/?as_of=2020-06-30").json())}
    for path, operation in operations.items():
        if path.count("/") == 5:
            continue
        page = api.get(path).json()
        detail = next(other for other in operations if other.startswith(path) and other != path)
        record = api.get(urlsplit(page["results"][0]["url"]).path).json()
        compared[path] = (example_value(operation), page)
        compared[f"{path} results"] = (example_value(operation)["results"][0], page["results"][0])
        compared[detail] = (example_value(operations[detail]), record)

    differences = {
        name: sorted(set(example) ^ set(answer))
        for name, (example, answer) in compared.items()
        if set(example) != set(answer)
    }
    assert len(compared) == 34
    assert differences == {}


def test_swagger_ui_is_served_from_local_static_files(client):
    response = client.get("/api/v1/docs/")

    assert response.status_code == 200
    page = response.content.decode()
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in page
    assert "cdn" not in page.lower()
    # The page's own script is a file of its own (the Content-Security-Policy allows no inline script).
    script = client.get("/api/v1/docs/", {"script": ""}).content.decode()
    assert "/api/v1/schema/" in script
    assert "cdn" not in script.lower()


def test_every_operation_that_reads_a_body_describes_the_415(schema):
    operations = [operation for paths in schema["paths"].values() for operation in paths.values()]
    with_body = [operation for operation in operations if "requestBody" in operation]

    assert len(with_body) > 20
    assert [op["operationId"] for op in with_body if "415" not in op["responses"]] == []
    assert [op["operationId"] for op in operations if "requestBody" not in op and "415" in op["responses"]] == []
