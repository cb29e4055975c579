"""Admin pieces for datasets on CKAN portals: a "Refresh from portal" action and an "Add
from the portal" page (a dataset page URL, or a portal base URL and an id). They parse,
call stories.services and report; the work is in the services.

Mix ``DatasetCkanAdminMixin`` into the dataset admin, first::

    class DatasetAdmin(DatasetCkanAdminMixin, TrackedTranslationAdmin): ...
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.options import IS_POPUP_VAR
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .ckan import CkanProblem, NotADatasetUrl, parse_dataset_url
from .services import dataset_add_from_url, datasets_harvest_all


class DatasetFromPortalForm(forms.Form):
    url = forms.URLField(
        label=_("URL"),
        max_length=500,
        assume_scheme="https",
        help_text=_(
            "The dataset's page, e.g. https://open.canada.ca/data/en/dataset/<id> or "
            "https://data.ontario.ca/dataset/<name>; or the portal's address with the id below."
        ),
    )
    ckan_id = forms.CharField(
        label=_("CKAN id or name"),
        max_length=200,
        required=False,
        help_text=_("Only when the URL is the portal's address."),
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("url"):
            try:
                parse_dataset_url(cleaned["url"], cleaned.get("ckan_id", ""))
            except NotADatasetUrl:
                raise forms.ValidationError(
                    _("This URL names no dataset: give the dataset's page, or the portal's address and an id."),
                    code="not_a_dataset",
                ) from None
        return cleaned


@admin.action(description=_("Refresh from portal"), permissions=["change"])
def refresh_from_portal(modeladmin, request, queryset):
    summary = datasets_harvest_all(queryset=queryset)
    if summary.harvested:
        modeladmin.message_user(
            request,
            ngettext("%(count)d dataset refreshed.", "%(count)d datasets refreshed.", summary.harvested)
            % {"count": summary.harvested},
            messages.SUCCESS,
        )
    for error in summary.failed.values():
        modeladmin.message_user(request, _("Not refreshed: %(error)s") % {"error": error}, messages.WARNING)


class DatasetCkanAdminMixin:
    """Adds the "Refresh from portal" action and the "Add from portal" page (with a button
    on the change list) to a ``ModelAdmin`` of ``stories.Dataset``."""

    change_list_template = "admin/stories/dataset/ckan_change_list.html"
    add_from_portal_template = "admin/stories/dataset/add_from_portal.html"

    def get_actions(self, request):
        actions = super().get_actions(request)
        popup = IS_POPUP_VAR in request.POST or IS_POPUP_VAR in request.GET
        if self.actions is not None and not popup and self.has_change_permission(request):
            func, name, description = self.get_action(refresh_from_portal)
            actions[name] = (func, name, description)
        return actions

    def get_urls(self):
        name = f"{self.opts.app_label}_{self.opts.model_name}_add_from_portal"
        return [
            path("add-from-portal/", self.admin_site.admin_view(self.add_from_portal_view), name=name),
            *super().get_urls(),
        ]

    def add_from_portal_view(self, request):
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = DatasetFromPortalForm(request.POST if request.method == "POST" else None)
        if form.is_valid():
            try:
                dataset, created = dataset_add_from_url(
                    url=form.cleaned_data["url"], ckan_id=form.cleaned_data["ckan_id"], by=request.user
                )
            except CkanProblem as exc:
                # The error says what went wrong in the reader's language, then its detail.
                form.add_error(None, str(exc))
            else:
                message = _("Added “%(title)s” from the portal.") if created else _("Refreshed “%(title)s”.")
                self.message_user(request, message % {"title": dataset}, messages.SUCCESS)
                url = reverse(
                    f"admin:{self.opts.app_label}_{self.opts.model_name}_change",
                    args=[dataset.pk],
                    current_app=self.admin_site.name,
                )
                return HttpResponseRedirect(url)
        context = {
            **self.admin_site.each_context(request),
            "title": _("Add a dataset from its portal"),
            "opts": self.opts,
            "form": form,
            "has_view_permission": self.has_view_permission(request),
        }
        return TemplateResponse(request, self.add_from_portal_template, context)
