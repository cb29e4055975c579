"""The demo data's status report: the one the working group gave the Joint Councils on
27 February 2020, frozen as of that date and published. Called by the demo loader once the
2020 plan and meeting are loaded; safe to call again (the report is frozen only once)."""

import datetime

from django.db import transaction
from django.utils import translation

from cogwg.choices import MeetingKind, StatusReportState
from cogwg.models import Meeting, StatusReport
from workplan.models import WorkPlan

from .services import report_freeze, report_publish

AS_OF = datetime.date(2020, 2, 27)
# The deck's own dash: an en dash.
TITLE = (
    "Status report – Joint Councils, February 27, 2020",  # noqa: RUF001
    "Rapport d'étape – Conseils mixtes, 27 février 2020",  # noqa: RUF001
)


@transaction.atomic
def freeze_demo_report() -> StatusReport:
    """Create, freeze and publish the report of the 27 February 2020 meeting; an existing
    one is kept as it is (a frozen report never changes), only published if it is not."""
    work_plan = WorkPlan.objects.get(slug="2020")
    meeting = Meeting.objects.get(kind=MeetingKind.JOINT_COUNCILS, date=AS_OF)
    # modeltranslation fills the original title column from the active language.
    with translation.override("en"):
        report, _created = StatusReport.objects.get_or_create(
            work_plan=work_plan, meeting=meeting, as_of=AS_OF, defaults={"title_en": TITLE[0], "title_fr": TITLE[1]}
        )
    if report.state == StatusReportState.DRAFT:
        report = report_freeze(report=report, by=None)
    if report.state == StatusReportState.FINAL:
        report = report_publish(report=report, by=None)
    return report
