"""The API fuzzed from its own OpenAPI schema with schemathesis, in-process (WSGI).

Every operation gets generated requests, valid and invalid, as a staff user (so that the
writes' validation is exercised too); the run fails on any 5xx, and on any response whose
status code, content type, headers or body the schema does not describe.

It runs only when asked, with the number of examples per operation:
``COGWG_FUZZ_EXAMPLES=25 pytest tests/api/test_fuzz.py``, or ``make fuzz``, which picks a
new seed each run and prints it (``make fuzz FUZZ_SEED=N`` runs the same inputs again).
"""

import os

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from rest_framework.authtoken.models import Token
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from cogwg.reports.services import report_freeze, report_publish
from tests import factories
from workplan.choices import SeatRole

# pytest-django sets up the test database only for the items it knows need one.
pytestmark = pytest.mark.django_db

EXAMPLES = int(os.environ.get("COGWG_FUZZ_EXAMPLES", "0") or 0)
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]


@pytest.fixture(autouse=True)
def connection_kept_open():
    """A real WSGI handler closes the database connection after each request, which would
    end the test's transaction; Django's own test client avoids it the same way."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def staff_token(db):
    return Token.objects.create(user=factories.StaffFactory(username="fuzzer")).key


@pytest.fixture
def records(db):
    """A little of everything, with small ids that generated paths will hit."""
    plan = factories.WorkPlanFactory(slug="2020")
    priority = factories.PriorityFactory(work_plan=plan)
    factories.AssignmentFactory(
        priority=priority, role=SeatRole.LEAD, jurisdiction=factories.JurisdictionFactory(code="BC")
    )
    milestone = factories.MilestoneFactory(priority=priority)
    factories.ProgressUpdateFactory(milestone=milestone, jurisdiction=factories.JurisdictionFactory(code="ON"))
    meeting = factories.MeetingFactory()
    factories.NextStepFactory(meeting=meeting)
    factories.AccomplishmentLinkFactory(
        accomplishment=factories.AccomplishmentFactory(priority=priority, meeting=meeting)
    )
    challenge = factories.ChallengeFactory(first_reported_at=meeting)
    challenge.jurisdictions.set([priority.seats.get().jurisdiction])
    story = factories.UserStoryFactory(release=milestone)
    story.themes.set([factories.ThemeFactory(slug="health")])
    story.datasets.set([factories.DatasetFactory()])
    report = report_freeze(report=factories.StatusReportFactory(work_plan=plan, meeting=meeting))
    report_publish(report=report)
    factories.StatusReportFactory(work_plan=plan)  # a draft


if EXAMPLES:
    # Loaded at collection, from the schema view itself (no database needed).
    schema = schemathesis.openapi.from_wsgi("/api/v1/schema/", get_wsgi_application())

    @schema.parametrize()
    @settings(max_examples=EXAMPLES, deadline=None, database=None, suppress_health_check=list(HealthCheck))
    def test_the_api_keeps_to_its_schema(case, records, staff_token):
        case.call_and_validate(headers={"Authorization": f"Token {staff_token}"}, checks=CHECKS)

else:

    @pytest.mark.skip(reason="fuzzing runs when COGWG_FUZZ_EXAMPLES is set (CI: 25 examples per operation)")
    def test_the_api_keeps_to_its_schema():
        pass
