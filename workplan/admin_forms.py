"""The work plan admin's forms and formsets: a progress update posted
(``ProgressUpdatePostForm``, saved by ``milestone_post_update``) or corrected while it is a
draft (``ProgressUpdateCorrectionForm``), both checked as the service checks a post; a
plan's priorities and a priority's seats saved together however they are renumbered or
traded (``PriorityFormSet``, ``SeatFormSet``)."""

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from cogwg import dates
from cogwg.admin_base import LabelledFormSet, add_errors_where_shown
from cogwg.choices import PublicationState

from .choices import SeatRole
from .models import ProgressUpdate

# The service's own checks, so that a bad update is a form error rather than a failed save.
from .services import milestone_post_update, priorities_make_room, progress_update_validate, seats_vacate


def reported_on_help() -> str:
    """What "today" means for the report date, in the active language: the site's today
    by default, and any date that is already today somewhere in Canada (``dates.is_future``)."""
    # Formatted now, in the active language (xgettext finds the string under ``_``).
    return _(
        "By default, today in the %(zone)s time zone. A date that is already today somewhere in Canada (in "
        "St. John's, Newfoundland) is accepted; a later one is not."
    ) % {"zone": settings.TIME_ZONE}


def check_as_posted(form, cleaned_data, *, milestone):
    """The rules of posting an update (``progress_update_validate``) on ``form``'s date,
    status and progress, once each is valid on its own: a new update's, or a draft's
    being corrected. Their errors are the form's, next to the field they concern where the
    form shows it (a closed plan's, on the milestone), else over the form (a draft's page
    shows its milestone read-only; an inline's is hidden)."""
    if {"reported_on", "status", "progress"} <= cleaned_data.keys():
        try:
            progress_update_validate(
                milestone=milestone,
                reported_on=cleaned_data["reported_on"],
                status=cleaned_data["status"],
                progress=cleaned_data["progress"],
            )
        except ValidationError as error:
            add_errors_where_shown(form, error)


class ProgressUpdatePostForm(forms.ModelForm):
    """A new progress update: parsed and checked here, saved by the service."""

    publish = forms.BooleanField(
        label=_("publish now"),
        required=False,
        initial=True,
        help_text=_("A published update moves the milestone's status and progress; a draft waits for review."),
    )

    class Meta:
        model = ProgressUpdate
        fields = ("milestone", "reported_on", "status", "progress", "note_en", "note_fr", "jurisdiction")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.initial.get("reported_on"):
            self.initial["reported_on"] = dates.today()
        if "reported_on" in self.fields:
            self.fields["reported_on"].help_text = reported_on_help()
        field = self.fields.get("jurisdiction")
        if field is not None and not self.initial.get("jurisdiction"):
            # One who reports for one jurisdiction reports for it (as the sheet upload does).
            jurisdictions = list(field.queryset[:2])
            if len(jurisdictions) == 1:
                self.initial["jurisdiction"] = jurisdictions[0].pk

    def clean(self):
        cleaned_data = super().clean()
        check_as_posted(self, cleaned_data, milestone=cleaned_data.get("milestone"))
        if cleaned_data.get("publish"):
            # Published now, its note shows in both official languages (or none): said
            # beside the missing one, as the service would refuse it.
            posted = ProgressUpdate(
                note_en=cleaned_data.get("note_en") or "",
                note_fr=cleaned_data.get("note_fr") or "",
                publication_state=PublicationState.PUBLISHED,
            )
            for name, message in posted.publication_gaps().items():
                if name in self.fields and name not in self.errors:
                    self.add_error(name, message)
        return cleaned_data

    def post(self, *, milestone, by, publish=None):
        """Post the update through the service; ``publish`` overrides the form's choice
        (False for those who may not publish)."""
        data = self.cleaned_data
        if publish is None:
            publish = data.get("publish", False)
        return milestone_post_update(
            milestone=milestone,
            reported_on=data["reported_on"],
            status=data["status"],
            progress=data["progress"],
            note_en=data.get("note_en") or "",
            note_fr=data.get("note_fr") or "",
            by=by,
            jurisdiction=data.get("jurisdiction"),
            publish=publish,
        )


class ProgressUpdateCorrectionForm(forms.ModelForm):
    """An update on its own page: while a draft or returned for changes, its date, status
    and progress are corrected here, checked as posting them is."""

    def clean(self):
        cleaned_data = super().clean()
        check_as_posted(self, cleaned_data, milestone=self.instance.milestone)
        return cleaned_data


def _changed_rows(formset, *fields):
    """The stored rows of ``formset`` whose form changes one of ``fields``."""
    return [
        form.instance.pk
        for form in formset.initial_forms
        if form.instance.pk and set(fields) & set(form.changed_data) and not formset._should_delete_form(form)
    ]


class PriorityFormSet(LabelledFormSet):
    def save(self, commit=True):
        # Priorities renumbered together (two swapped, say) are saved one at a time, and
        # each must be unique in its plan at every step: move them out of the way first.
        if commit and (moved := _changed_rows(self, "number")):
            wanted = [form.cleaned_data.get("number") or 0 for form in self.forms if form.cleaned_data]
            priorities_make_room(work_plan=self.instance, priority_ids=moved, numbers=wanted)
        return super().save(commit)


class SeatFormSet(LabelledFormSet):
    """A jurisdiction holds one seat of each role on a priority: checked across the
    table's rows, new ones included (Django checks a conditional uniqueness per row, against
    what is stored).

    Saved under the locks its page took as it checked the form's version
    (cogwg/admin_concurrency.py): the plan, the priority, then its seats by primary key,
    before its milestones (workplan/services.py's lock order), as a seat's own page and
    the API lock a seat after its plan and priority."""

    def clean(self):
        super().clean()
        seats = set()
        for form in self.forms:
            data = getattr(form, "cleaned_data", None)
            if not data or self._should_delete_form(form) or data.get("jurisdiction") is None:
                continue
            seat = (data.get("role"), data["jurisdiction"])
            if seat in seats:
                raise ValidationError(
                    _("Two “%(role)s” seats go to %(jurisdiction)s: a jurisdiction holds one seat of each role."),
                    params={"jurisdiction": seat[1], "role": SeatRole(seat[0]).label},
                    code="duplicate_seat",
                )
            seats.add(seat)

    def save(self, commit=True):
        # Seats that trade jurisdictions or roles are saved one at a time: free them first.
        if commit and (moved := _changed_rows(self, "jurisdiction", "role")):
            seats_vacate(priority=self.instance, seat_ids=moved)
        return super().save(commit)
