"""The audit page of the admin (the secretariat's): recent changes across every record,
from cogwg/audit.py. Registered by the admin site (cogwg/admin_site.py) at admin/audit/."""

from django.contrib.admin.utils import quote
from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from . import audit, permissions


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


def audit_view(request, *, admin_site):
    if not permissions.can_view_audit(request.user):
        raise PermissionDenied
    page = audit.recent_changes(page_number=request.GET.get("page"), admin_site=admin_site)
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
        }
        for change in page.object_list
    ]
    context = {
        **admin_site.each_context(request),
        "title": _("Recent changes"),
        "subtitle": None,
        "page_obj": page,
        "rows": rows,
        "kinds": audit.KIND_LABELS,
    }
    return TemplateResponse(request, "admin/cogwg/audit.html", context)
