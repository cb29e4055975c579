"""What the open data page lists: every published list the API offers as CSV and JSON,
and a data dictionary of their fields built from the models' own labels (so it is
translated with them). Presentation only: no queries."""

import functools
from dataclasses import dataclass

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.urls import resolve, reverse
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

# (resource, API list URL name, model). The columns are the fields of the list's JSON
# serializer (its CSV spreads related records into dotted columns: ``priority.url``…), so
# the dictionary cannot drift from the answers. Private columns (submitters, seat contacts)
# are never in the API.
RESOURCES = [
    ("work-plans", "api:work-plan-list", "workplan.WorkPlan"),
    ("priorities", "api:priority-list", "workplan.Priority"),
    ("milestones", "api:milestone-list", "workplan.Milestone"),
    ("progress-updates", "api:progress-update-list", "workplan.ProgressUpdate"),
    ("jurisdictions", "api:jurisdiction-list", "jurisdictions.Jurisdiction"),
    ("accomplishments", "api:accomplishment-list", "jurisdictions.Accomplishment"),
    ("challenges", "api:challenge-list", "jurisdictions.Challenge"),
    ("stories", "api:story-list", "stories.UserStory"),
    ("datasets", "api:dataset-list", "stories.Dataset"),
    ("meetings", "api:meeting-list", "cogwg.Meeting"),
    ("status-reports", "api:status-report-list", "cogwg.StatusReport"),
]


@functools.cache
def api_fields(url_name):
    """The fields a list's JSON answer gives, in its order: its serializer's readable ones."""
    serializer = resolve(reverse(url_name)).func.cls.serializer_class()
    return tuple(name for name, field in serializer.fields.items() if not field.write_only)


# Fields the API computes (no column of their own): (type, description).
COMPUTED = {
    "url": (_("Web address (URL)"), _("Address of the record in the API.")),
    "status_url": (_("Web address (URL)"), _("Address of the plan's progress and status in the API.")),
    "priorities": (_("List of identifiers"), _("The plan's priorities.")),
    "seats": (_("List"), _("Leads and partners: role, jurisdiction, organization, confirmed.")),
    "milestones": (_("List of identifiers"), _("The priority's milestones.")),
    "progress": (
        _("Number"),
        _(
            "Progress in percent, to one decimal, halves rounded up: for a priority, the mean of its milestones' "
            "progress (cancelled ones left out); for a work plan, the mean of its priorities' exact progress, "
            "not of the figures given here. Each figure is rounded once, from the exact mean: pages and report "
            "files show it as a whole percent (an exact mean of 2.45 is 2.5 here, 2 there)."
        ),
    ),
    "status": (_("Code"), _("Status of the priority: the worst status among its milestones.")),
    "lead_jurisdictions": (_("List of identifiers"), _("Jurisdictions leading the milestone's priority.")),
    "due_label": (_("Text"), _("The month the milestone is due, e.g. June 2020.")),
    "quarter": (_("Text"), _("The calendar quarter the milestone is due in, e.g. 2020-Q2.")),
    "overdue": (_("true or false"), _("Past due and neither completed nor cancelled.")),
    "links": (_("List"), _("Web pages that document the accomplishment: address and label.")),
    "page_url": (_("Web address (URL)"), _("The dataset's page on its portal.")),
    "next_steps": (_("List"), _("Next steps agreed at the meeting.")),
    "files": (_("List"), _("The report's files: format, language and address.")),
}


def api_docs_url():
    return reverse("api:docs")


DESCRIPTIONS = {
    "work-plans": _("The working group's yearly plans."),
    "priorities": _("Each plan's priorities: the issue, its consequences, the expected outcome and its results."),
    "milestones": _("Dated milestones of each priority, with their current status and progress."),
    "progress-updates": _("The published log of progress reported on each milestone."),
    "jurisdictions": _("Member governments and organizations, with their open data and open government pages."),
    "accomplishments": _("What jurisdictions have achieved, as reported to the working group."),
    "challenges": _("What holds jurisdictions back, and how it is being addressed."),
    "stories": _("How people have used open data: the user stories inventory."),
    "datasets": _("Datasets used by the user stories, on open data portals."),
    "meetings": _("Meetings of the Joint Councils and of the working group."),
    "status-reports": _("Published status reports to the Joint Councils."),
}


@dataclass(frozen=True)
class Download:
    resource: str
    title: str
    description: str
    csv_url: str
    json_url: str


@dataclass(frozen=True)
class Column:
    name: str
    kind: str
    description: str


def downloads():
    result = []
    for resource, url_name, label in RESOURCES:
        model = apps.get_model(label)
        url = reverse(url_name)
        result.append(
            Download(
                resource=resource,
                title=capfirst(model._meta.verbose_name_plural),
                description=DESCRIPTIONS[resource],
                csv_url=f"{url}?format=csv",
                json_url=f"{url}?format=json",
            )
        )
    return result


def _kind(field):
    if field.choices:
        codes = ", ".join(f"{value} ({label})" for value, label in field.choices)
        return _("Code, one of: %(codes)s") % {"codes": codes}
    if isinstance(field, models.JSONField):
        return _("JSON")
    if isinstance(field, models.ManyToManyField):
        return _("List of identifiers")
    if isinstance(field, models.ForeignKey):
        return _("Identifier")
    if isinstance(field, models.URLField):
        return _("Web address (URL)")
    if isinstance(field, models.DateTimeField):
        return _("Date and time (ISO 8601)")
    if isinstance(field, models.DateField):
        return _("Date (YYYY-MM-DD)")
    if isinstance(field, models.BooleanField):
        return _("true or false")
    if isinstance(field, models.IntegerField | models.AutoField | models.BigAutoField):
        return _("Whole number")
    return _("Text")


def _model_field(model, name):
    """The model column behind an API field, or None for a field the API computes."""
    if name == "url":
        return None  # the record's API address (a dataset's page is ``page_url``)
    try:
        field = model._meta.get_field("url" if name == "page_url" else name)
    except FieldDoesNotExist:
        return None
    return field if field.concrete or (field.many_to_many and not field.auto_created) else None


def data_dictionary():
    """[(resource, title, [Column…])] for every downloadable list."""
    result = []
    for resource, url_name, label in RESOURCES:
        model = apps.get_model(label)
        columns = []
        for name in api_fields(url_name):
            field = _model_field(model, name)
            if field is None:
                kind, description = COMPUTED[name]
                columns.append(Column(name, kind, description))
                continue
            if name == "id":
                description = _("Unique identifier of the record.")
            else:
                description = capfirst(field.verbose_name)
                if field.help_text:
                    description = f"{description}. {field.help_text}"
            columns.append(Column(name, _kind(field), description))
        result.append((resource, capfirst(model._meta.verbose_name_plural), columns))
    return result
