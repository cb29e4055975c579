"""The audit page of the admin (the secretariat's): recent changes across every record,
from cogwg/audit.py, filtered by the kind of record, the action and the record's name; a
deletion links to the page that restores the record (cogwg/admin_recover.py), and the
list of one kind of record to its deleted records. Registered by the admin site
(cogwg/admin_site.py) at admin/audit/."""

from django import forms
from django.contrib.admin.utils import quote
from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse
from django.urls import NoReverseMatch, reverse
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from . import audit, permissions

# The actions as the page's address names them (?kind=deleted).
KINDS = {"added": audit.CREATED, "changed": audit.CHANGED, "deleted": audit.DELETED}


class AuditFilterForm(forms.Form):
    """The page's filters, read from its address: a value that is not one of the
    choices is an error shown above the list, which the other filters still narrow."""

    model = forms.ChoiceField(label=_("What"), required=False)
    kind = forms.ChoiceField(label=_("Action"), required=False)
    q = forms.CharField(label=_("Record"), required=False, max_length=100, strip=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        models = sorted(audit.tracked_models(), key=lambda model: audit.label_order(model._meta.verbose_name))
        self.models = {model._meta.label_lower: model for model in models}
        self.fields["model"].choices = [
            ("", _("All")),
            *((label, capfirst(model._meta.verbose_name)) for label, model in self.models.items()),
        ]
        self.fields["kind"].choices = [
            ("", _("All")),
            *((name, audit.KIND_LABELS[kind]) for name, kind in KINDS.items()),
        ]

    def filters(self) -> dict:
        """``recent_changes``' filters, from the fields that are valid."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return {
            "model": self.models.get(data.get("model")),
            "kind": KINDS.get(data.get("kind")),
            "search": data.get("q") or "",
        }


def _admin_url(admin_site, change, view):
    opts = change.model._meta
    try:
        return reverse(f"{admin_site.name}:{opts.app_label}_{opts.model_name}_{view}", args=[quote(change.object_id)])
    except NoReverseMatch:
        return None


def _history_url(admin_site, change, kept_through):
    """The History page that lists ``change``: its record's, or for a record kept only
    through another's page (an accomplishment's link), that record's."""
    if change.model not in kept_through:
        return _admin_url(admin_site, change, "history")
    parent, key = kept_through[change.model]
    opts = parent._meta
    return reverse(
        f"{admin_site.name}:{opts.app_label}_{opts.model_name}_history",
        args=[quote(getattr(change.version, f"{key}_id"))],
    )


def _recover_url(admin_site, model, *args, view="recover"):
    opts = model._meta
    try:
        return reverse(f"{admin_site.name}:{opts.app_label}_{opts.model_name}_{view}", args=args)
    except NoReverseMatch:
        return None


def audit_view(request, *, admin_site):
    if not permissions.can_view_audit(request.user):
        raise PermissionDenied
    form = AuditFilterForm(request.GET)
    filters = form.filters()
    page = audit.recent_changes(page_number=request.GET.get("page"), admin_site=admin_site, **filters)
    kept_through = {
        related: (model, key)
        for model, model_admin in admin_site._registry.items()
        for related, key in getattr(model_admin, "history_related", ())
    }
    rows = [
        {
            "change": change,
            "change_url": None if change.kind == audit.DELETED else _admin_url(admin_site, change, "change"),
            "history_url": _history_url(admin_site, change, kept_through),
            "recover_url": (
                _recover_url(admin_site, change.model, change.version.history_id)
                if change.kind == audit.DELETED
                else None
            ),
        }
        for change in page.object_list
    ]
    context = {
        **admin_site.each_context(request),
        "title": _("Recent changes"),
        "subtitle": None,
        "form": form,
        "filtered": any(filters.values()),
        "page_obj": page,
        "rows": rows,
        "kinds": audit.KIND_LABELS,
        "recoverlist_url": filters["model"] and _recover_url(admin_site, filters["model"], view="recoverlist"),
    }
    return TemplateResponse(request, "admin/cogwg/audit.html", context)
