"""Reporting periods in the admin: the secretariat opens a call for updates (the add form,
through ``cycles.period_open``), follows it on the period's dashboard (who has submitted,
reminders sent), and approves and closes it (``cycles.period_close``). On the same
dashboard a contributor downloads their jurisdiction's pre-filled sheet and uploads it
back (cogwg/cycle_sheets.py). A period opened by mistake is deleted while open
(``cycles.period_delete``, which refuses one closed since its page was read). The list of
periods warns the secretariat of the weekly upcoming milestones' reminders the mail server
refused (``upcoming_reminders_refused``), as the dashboard does of the period's own."""

import datetime
from collections import defaultdict

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Exists, OuterRef
from django.db.models.functions import Lower
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from workplan.choices import WorkPlanStatus
from workplan.models import Assignment
from workplan.services import plan_closed_message, progress_updates_refusals

from . import cycle_sheets, cycles, dates, permissions
from .admin_base import TrackedTranslationAdmin
from .models import ReportingPeriod, UpcomingReminder


def upcoming_reminders_refused() -> list[tuple[str, datetime.date, list[Assignment]]]:
    """The addresses the mail server refused the weekly upcoming milestones' reminder to
    for good (``milestones_remind_upcoming``: an unknown mailbox), while that refusal is
    the address's latest reminder and a seat still has it as its contact: each as
    (address, the day refused, the seats that have it). Once the contact is corrected, or
    a later reminder reaches the address, it is no longer listed. Two queries at most."""
    later = UpcomingReminder.objects.filter(address=OuterRef("address"), sent_on__gt=OuterRef("sent_on"))
    contacts = Assignment.objects.annotate(address=Lower("contact_email")).values("address")
    refused = list(
        UpcomingReminder.objects.filter(refused=True, address__in=contacts)
        .exclude(Exists(later))
        .order_by("address")
        .values_list("address", "sent_on")
    )
    if not refused:
        return []
    seats = defaultdict(list)
    for seat in (
        Assignment.objects.annotate(address=Lower("contact_email"))
        .filter(address__in=[address for address, _day in refused])
        .select_related("priority__work_plan", "jurisdiction")
        .order_by("-priority__work_plan__start_date", "priority__number", "role", "order", "pk")
    ):
        seats[seat.address].append(seat)
    return [(address, day, seats[address]) for address, day in refused]


def warn_of_upcoming_reminders_refused(model_admin, request, response):
    """Warn the secretariat, on the page ``response`` (not a redirect, which would carry
    the warnings to the next page as well), of each address the mail server refused the
    upcoming milestones' reminder to (``upcoming_reminders_refused``), naming the seats
    whose contact to correct. Seats' contacts are the secretariat's to read."""
    if not isinstance(response, TemplateResponse) or not permissions.is_secretariat(request.user):
        return response
    for address, day, seats in upcoming_reminders_refused():
        message = ngettext(
            "The mail server refused the upcoming milestones reminder of %(date)s to %(address)s: correct the "
            "contact e-mail address of the seat that has it: %(seats)s.",
            "The mail server refused the upcoming milestones reminder of %(date)s to %(address)s: correct the "
            "contact e-mail address of the seats that have it: %(seats)s.",
            len(seats),
        ) % {
            "date": dates.date_format(day),
            "address": address,
            "seats": ", ".join(f"{seat.priority.work_plan.slug} · {seat.priority} — {seat}" for seat in seats),
        }
        model_admin.message_user(request, message, messages.WARNING)
    return response


class ReportingPeriodForm(forms.ModelForm):
    """Opening a period: checked here with the service's own rules, saved by the service."""

    class Meta:
        model = ReportingPeriod
        fields = ("work_plan", "title_en", "title_fr", "period_end", "deadline")

    def clean(self):
        cleaned_data = super().clean()
        if self.instance.pk is None and {"work_plan", "period_end"} <= cleaned_data.keys():
            try:
                cycles.period_open_validate(work_plan=cleaned_data["work_plan"], period_end=cleaned_data["period_end"])
            except ValidationError as error:
                self.add_error(None, error)
        return cleaned_data


class SheetUploadForm(forms.Form):
    jurisdiction = forms.ModelChoiceField(label=_("jurisdiction"), queryset=None)
    sheet = forms.FileField(label=_("filled-in sheet (.xlsx)"))

    def __init__(self, *args, jurisdictions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["jurisdiction"].queryset = jurisdictions
        if len(jurisdictions) == 1:
            self.fields["jurisdiction"].initial = jurisdictions[0]


@admin.register(ReportingPeriod)
class ReportingPeriodAdmin(TrackedTranslationAdmin):
    form = ReportingPeriodForm
    list_display = ("title", "work_plan", "period_end", "deadline", "status", "dashboard_link")
    list_filter = ("status", "work_plan")
    list_select_related = ("work_plan",)
    search_fields = ("title_en", "title_fr")
    autocomplete_fields = ("work_plan",)
    date_hierarchy = "period_end"
    ordering = ("-period_end", "-pk")
    actions = ["close_selected"]
    readonly_fields = ("status", "opened_at", "opened_by", "closed_at", "closed_by", "dashboard_link")
    service_fields = ("status", "opened_at", "opened_by", "closed_at", "closed_by")

    def get_fieldsets(self, request, obj=None):
        if obj is None:
            return ((None, {"fields": ("work_plan", ("title_en", "title_fr"), "period_end", "deadline")}),)
        return (
            (None, {"fields": (("title_en", "title_fr"), "work_plan", "period_end", "deadline", "dashboard_link")}),
            (_("Status"), {"fields": ("status", ("opened_at", "opened_by"), ("closed_at", "closed_by"))}),
        )

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return ()
        return (*self.readonly_fields, "work_plan", "period_end")

    # A contributor sees the periods (their dashboard and sheet) without any other right.

    def _reports(self, request):
        return cycles.contributor_jurisdictions(request.user).exists()

    def has_module_permission(self, request):
        return super().has_module_permission(request) or self._reports(request)

    def has_view_permission(self, request, obj=None):
        return super().has_view_permission(request, obj) or self._reports(request)

    def has_change_permission(self, request, obj=None):
        if obj is not None and not obj.is_open:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        # Deleting a closed period would unlock its updates.
        if obj is not None and not obj.is_open:
            return False
        return super().has_delete_permission(request, obj)

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    def delete_model(self, request, obj):
        # Locked after its plan and checked again (cycles.period_delete): a period closed
        # since the confirmation page was read is not deleted.
        cycles.period_delete(period=obj, by=request.user)

    def delete_view(self, request, object_id, extra_context=None):
        try:
            return super().delete_view(request, object_id, extra_context)
        except ValidationError as refusal:
            # Nothing was deleted (the deletion's transaction is rolled back): say why.
            self.message_user(request, " ".join(refusal.messages), messages.ERROR)
            return HttpResponseRedirect(self._url("change", unquote(object_id)))

    def changelist_view(self, request, extra_context=None):
        response = super().changelist_view(request, extra_context)
        return warn_of_upcoming_reminders_refused(self, request, response)

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
            return
        data = form.cleaned_data
        period = cycles.period_open(
            work_plan=data["work_plan"],
            title_en=data["title_en"],
            title_fr=data.get("title_fr") or "",
            period_end=data["period_end"],
            deadline=data["deadline"],
            by=request.user,
        )
        obj.pk, obj.opened_at, obj.opened_by = period.pk, period.opened_at, period.opened_by
        obj._state.adding = False

    @admin.display(description=_("dashboard"))
    def dashboard_link(self, obj):
        if obj.pk is None:
            return "—"
        return format_html('<a href="{}">{}</a>', self._url("dashboard", obj.pk), _("Who has submitted"))

    @admin.action(description=_("Approve and close selected periods"), permissions=["change"])
    def close_selected(self, request, queryset):
        for period in queryset:
            self._close(request, period)

    def _close(self, request, period):
        """Close ``period`` (``cycles.period_close``) and say what it published, and which
        submitted updates it left unpublished and why (``cycles.period_updates_left``, each
        with every reason ``progress_update_refusals`` gives: its note in one language, its
        milestone cancelled before its date, its plan closed…)."""
        try:
            published = cycles.period_close(period=period, by=request.user)
        except ValidationError as error:
            self.message_user(request, f"{period}: {' '.join(error.messages)}", messages.ERROR)
            return
        message = ngettext(
            "%(period)s is closed; %(count)d update was published.",
            "%(period)s is closed; %(count)d updates were published.",
            len(published),
        )
        self.message_user(request, message % {"period": period, "count": len(published)}, messages.SUCCESS)
        if left := list(cycles.period_updates_left(period)):
            # Each said with why it may not be published (progress_update_refusals), in the
            # page's language.
            message = ngettext(
                "%(count)d submitted update was left unpublished, for the reason given below. It stays submitted "
                "for review: settle what keeps it from being published on its page (enter its note in the other "
                "language, say), then publish it; or delete it.",
                "%(count)d submitted updates were left unpublished, for the reasons given below. They stay "
                "submitted for review: settle what keeps each from being published on its page (enter its note in "
                "the other language, say), then publish it; or delete it.",
                len(left),
            )
            self.message_user(request, message % {"count": len(left)}, messages.WARNING)
            refusals = progress_updates_refusals(left)
            for update in left:
                for refusal in refusals.get(update.pk, []):
                    self.message_user(request, refusal, messages.WARNING)

    # The dashboard and the sheet

    def _url(self, view, *args):
        return reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_{view}", args=args)

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        return [
            path(
                "<path:object_id>/dashboard/",
                self.admin_site.admin_view(self.dashboard_view),
                name="{}_{}_dashboard".format(*info),
            ),
            path(
                "<path:object_id>/sheet/<str:code>/",
                self.admin_site.admin_view(self.sheet_view),
                name="{}_{}_sheet".format(*info),
            ),
            *super().get_urls(),
        ]

    def _period(self, request, object_id):
        period = self.get_object(request, unquote(object_id))
        if period is None:
            raise Http404
        if not self.has_view_permission(request, period):
            raise PermissionDenied
        return period

    def dashboard_view(self, request, object_id):
        period = self._period(request, object_id)
        mine = cycles.contributor_jurisdictions(request.user)
        everyone = self.has_change_permission(request)
        status = cycles.period_status(period, jurisdictions=None if everyone else mine)
        reporting = mine.filter(pk__in=[row.jurisdiction.pk for row in status.jurisdictions]).order_by("order", "code")
        form = SheetUploadForm(jurisdictions=reporting)
        sheets = [(jurisdiction, self._url("sheet", period.pk, jurisdiction.code)) for jurisdiction in reporting]
        # A plan closed while the period was open: its milestones take no more updates.
        plan_closed = period.work_plan.status == WorkPlanStatus.CLOSED
        sheet_errors = []
        if request.method == "POST" and "_close" in request.POST:
            if not self.has_change_permission(request, period):
                raise PermissionDenied
            self._close(request, period)
            return HttpResponseRedirect(self._url("dashboard", period.pk))
        if request.method == "POST":
            form = SheetUploadForm(request.POST, request.FILES, jurisdictions=reporting)
            if form.is_valid():
                try:
                    submission = cycle_sheets.sheet_import(
                        period=period,
                        jurisdiction=form.cleaned_data["jurisdiction"],
                        file=form.cleaned_data["sheet"],
                        by=request.user,
                    )
                except cycle_sheets.SheetInvalid as invalid:
                    sheet_errors = invalid.errors
                except ValidationError as error:
                    # A service's field errors (a note too long…) are the form's, not its fields'.
                    form.add_error(None, error.messages)
                else:
                    self.message_user(request, self._submitted_message(submission), messages.SUCCESS)
                    return HttpResponseRedirect(self._url("dashboard", period.pk))
        self._refusals(request, period, status, everyone=everyone)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("Who has submitted: %(period)s") % {"period": period},
            "period": period,
            "status": status,
            "form": form,
            "sheet_errors": sheet_errors,
            "sheets": [] if plan_closed else sheets,
            "plan_closed_notice": plan_closed_message(period.work_plan) if plan_closed and period.is_open else "",
            "left": self._left(period, None if everyone else mine),
            "can_close": period.is_open and self.has_change_permission(request, period),
            "change_url": self._url("change", period.pk),
        }
        return TemplateResponse(request, "admin/cogwg/reportingperiod/dashboard.html", context)

    def _refusals(self, request, period, status, *, everyone):
        """Warn of the e-mails the mail server refused for good: reminders (per
        jurisdiction shown), and for the secretariat the closing summaries, naming the
        addresses to mend."""
        for row in status.jurisdictions:
            if row.reminders_refused:
                message = ngettext(
                    "The mail server refused %(count)d reminder to %(jurisdiction)s: check the e-mail addresses of "
                    "its contributors and of its seats' contacts.",
                    "The mail server refused %(count)d reminders to %(jurisdiction)s: check the e-mail addresses of "
                    "its contributors and of its seats' contacts.",
                    row.reminders_refused,
                ) % {"count": row.reminders_refused, "jurisdiction": row.jurisdiction.name}
                self.message_user(request, message, messages.WARNING)
        if everyone and not period.is_open and (refused := cycles.period_summaries_refused(period)):
            self.message_user(
                request,
                _("The mail server refused the closing summary sent to: %(addresses)s.")
                % {"addresses": ", ".join(refused)},
                messages.WARNING,
            )

    def _left(self, period, jurisdictions):
        """The updates closing ``period`` left submitted (``cycles.period_updates_left``)
        and still waiting, of ``jurisdictions`` (None: all), each with its page and why it
        may not be published (``progress_update_refusals``: each reason names it), or that
        it may now be, in the page's language."""
        left = cycles.period_updates_left(period)
        if jurisdictions is not None:
            left = left.filter(jurisdiction__in=jurisdictions)
        left = list(left)
        # Read together: the page's queries do not grow with the updates left.
        refusals = progress_updates_refusals(left)
        return [
            (
                update,
                self._url_of(update),
                # Settled since (translated on its page, say): it waits only to be published.
                refusals.get(update.pk)
                or [_("“%(update)s” may now be published, from its page.") % {"update": update}],
            )
            for update in left
        ]

    @staticmethod
    def _url_of(update):
        return reverse("admin:workplan_progressupdate_change", args=[update.pk])

    def _submitted_message(self, submission):
        count = len(submission.updates)
        message = ngettext(
            "%(count)d update was submitted for review.", "%(count)d updates were submitted for review.", count
        ) % {"count": count}
        if replaced := submission.replaced:
            message += " " + ngettext(
                "Your earlier unpublished update on %(milestones)s was replaced.",
                "Your %(count)d earlier unpublished updates on %(milestones)s were replaced.",
                len(replaced),
            ) % {"count": len(replaced), "milestones": "; ".join(str(update.milestone) for update in replaced)}
        return message

    def sheet_view(self, request, object_id, code):
        period = self._period(request, object_id)
        jurisdiction = get_object_or_404(cycles.contributor_jurisdictions(request.user), code=code)
        content = cycle_sheets.sheet_build(period=period, jurisdiction=jurisdiction)
        response = HttpResponse(content, content_type=cycle_sheets.CONTENT_TYPE)
        filename = cycle_sheets.sheet_filename(period, jurisdiction)
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response
