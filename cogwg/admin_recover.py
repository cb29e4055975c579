"""The secretariat's "Recover deleted records" pages, one pair per admin of a model whose
history is kept (``TrackedTranslationAdmin`` puts ``RecoverAdminMixin`` first among its
bases), linked from its change list, from the audit page's deletions and from a deleted
record's version page:

- …/<model>/recover/ lists the records deleted, with who deleted them and when, newest
  first, by pages, searchable by name (in either language) or number: two queries,
  whatever their number;
- …/<model>/recover/<version>/ shows one as it was just before its deletion, what comes
  back with it (its many-to-many links, the rows deleted with it) and what keeps it from
  coming back, and restores it (``recovery.record_restore``, one transaction). A refusal
  is said on the page, in its language; a record it needs that is deleted too is named,
  with a link to restore it first. A work plan that was active comes back active: the
  page says beforehand which active plan that closes, and the message afterwards which
  one it closed (``recovery.Restore.plans_closed``).

Only the secretariat, who may add such records, reads and restores them: a deleted record
is no longer under the rules that say whose it was, so contributors get no such page (a
403), theirs or another jurisdiction's."""

from django.contrib import messages
from django.contrib.admin.utils import quote
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import NoReverseMatch, path, reverse
from django.utils.html import format_html
from django.utils.text import capfirst
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from simple_history.models import DeletedObject

from . import audit, permissions, recovery
from .versioning import history_model

# Ids in the addresses are compared as the database's integers: beyond them, no record.
MAX_ID = 2**63 - 1
SEARCH_MAX_LENGTH = 100


class RecoverAdminMixin:
    """The recover pages of a model admin (see the module's docstring)."""

    recover_list_template = "admin/cogwg/recover_list.html"
    recover_form_template = "admin/cogwg/recover_form.html"
    recover_per_page = 50

    def get_urls(self):
        if history_model(self.model) is None:
            return super().get_urls()
        info = self.opts.app_label, self.opts.model_name
        return [
            path("recover/", self.admin_site.admin_view(self.recoverlist_view), name="{}_{}_recoverlist".format(*info)),
            path(
                "recover/<str:version_id>/",
                self.admin_site.admin_view(self.recover_view),
                name="{}_{}_recover".format(*info),
            ),
            *super().get_urls(),
        ]

    def has_recover_permission(self, request) -> bool:
        """The secretariat's, for the models it may add records of."""
        return (
            history_model(self.model) is not None
            and permissions.is_secretariat(request.user)
            and self.has_add_permission(request)
        )

    def _recover_url(self, view, *args):
        opts = self.opts
        return reverse(
            f"{self.admin_site.name}:{opts.app_label}_{opts.model_name}_{view}",
            args=args,
            current_app=self.admin_site.name,
        )

    def changelist_view(self, request, extra_context=None):
        if self.has_recover_permission(request):
            extra_context = {**(extra_context or {}), "recover_url": self._recover_url("recoverlist")}
        return super().changelist_view(request, extra_context)

    def _version_page_context(self, request, original):
        context = super()._version_page_context(request, original)
        if context.get("record_deleted") and self.has_recover_permission(request):
            deletion = recovery.deleted_versions(self.model).filter(**{self.opts.pk.attname: original.pk}).first()
            if deletion is not None:
                context["recover_url"] = self._recover_url("recover", deletion.history_id)
        return context

    # The list

    def recoverlist_view(self, request):
        if not self.has_recover_permission(request):
            raise PermissionDenied
        search = request.GET.get("q", "").strip()[:SEARCH_MAX_LENGTH]
        deletions = recovery.deleted_versions(self.model, search=search)
        page = Paginator(deletions, self.recover_per_page).get_page(request.GET.get("page"))
        rows = [
            {
                "deletion": deletion,
                "label": recovery.label(deletion),
                "url": self._recover_url("recover", deletion.history_id),
            }
            for deletion in page.object_list
        ]
        context = {
            **self.admin_site.each_context(request),
            "title": _("Deleted records: %(name)s") % {"name": self.opts.verbose_name_plural},
            "subtitle": None,
            "opts": self.opts,
            "app_label": self.opts.app_label,
            "changelist_url": self._recover_url("changelist"),
            "search": search,
            "page_obj": page,
            "rows": rows,
        }
        return TemplateResponse(request, self.recover_list_template, context)

    # One deleted record

    def _deletion(self, request, version_id):
        """The deletion version ``version_id`` of a record of the model still deleted; for
        one since restored, a redirect to it (or to its latest deletion's page)."""
        if not (version_id.isascii() and version_id.isdigit()) or int(version_id) > MAX_ID:
            raise Http404
        deletion = recovery.deleted_versions(self.model).filter(history_id=int(version_id)).first()
        if deletion is not None:
            return deletion
        history = history_model(self.model)
        pk_name = self.opts.pk.attname
        found = history._default_manager.filter(history_id=int(version_id), history_type=recovery.DELETED).first()
        if found is None:
            raise Http404
        record_pk = getattr(found, pk_name)
        if self.model._default_manager.filter(pk=record_pk).exists():
            self.message_user(request, gettext("This record is no longer deleted: it was restored."), messages.INFO)
            return HttpResponseRedirect(self._recover_url("change", quote(record_pk)))
        later = recovery.deleted_versions(self.model).filter(**{pk_name: record_pk}).first()
        if later is None:
            raise Http404
        return HttpResponseRedirect(self._recover_url("recover", later.history_id))

    def recover_view(self, request, version_id):
        if not self.has_recover_permission(request):
            raise PermissionDenied
        deletion = self._deletion(request, version_id)
        if isinstance(deletion, HttpResponseRedirect):
            return deletion
        refusal = None
        if request.method == "POST":
            try:
                restored = recovery.record_restore(model=self.model, deletion=deletion, by=request.user)
            except recovery.RestoreRefused as error:
                refusal = error
            else:
                return self._restored(request, deletion, restored)
        plan = recovery.Restore([recovery.Restoring(self.model, deletion, deletion)])
        blocked = plan.refusal()
        refusal = refusal or blocked
        context = {
            **self.admin_site.each_context(request),
            "title": _("Restore the deleted record “%(record)s”") % {"record": recovery.label(deletion)},
            "subtitle": None,
            "opts": self.opts,
            "app_label": self.opts.app_label,
            "changelist_url": self._recover_url("changelist"),
            "recoverlist_url": self._recover_url("recoverlist"),
            "deletion": deletion,
            "fields": self._fields(deletion),
            "members": self._members(deletion),
            "rows": _rows_by_table(plan.rows),
            "number": plan.asked[0].pk,
            "taken": (self.model, plan.asked[0].pk) in plan.taken,
            "blocked": blocked is not None,
            "closing": [
                gettext(
                    "This plan was active when it was deleted and comes back active: the active plan, “%(plan)s”, "
                    "will be closed, as making this plan active on its page would close it."
                )
                % {"plan": closed}
                for closed in plan.plans_closed()
            ],
            "refusal": refusal.messages if refusal is not None else [],
            "restore_first": self._restore_first(request, refusal),
        }
        return TemplateResponse(request, self.recover_form_template, context)

    def _restored(self, request, deletion, restored):
        key = (self.model, getattr(deletion, self.opts.pk.attname))
        record = restored.records[key]
        self.log_addition(request, record, [{"added": {}}])
        change_url = self._recover_url("change", quote(record.pk))
        parts = [
            format_html(
                gettext("The {name} “{obj}” was restored as it was before its deletion."),
                name=self.opts.verbose_name,
                obj=format_html('<a href="{}">{}</a>', change_url, record),
            )
        ]
        if key in restored.new_keys:
            parts.append(
                gettext("Its number (#%(old)s) had been given to another record: it is now #%(new)s.")
                % {"old": key[1], "new": record.pk}
            )
        if rows := len(restored.records) - 1:
            parts.append(
                ngettext(
                    "%(count)d row deleted with it was restored with it.",
                    "%(count)d rows deleted with it were restored with it.",
                    rows,
                )
                % {"count": rows}
            )
        for closed in restored.closed_plans:
            message = gettext("“%(old)s” was closed: “%(new)s” is now the active plan.")
            parts.append(message % {"old": closed, "new": record})
        if restored.gone_members:
            parts.append(
                gettext("Some of its links could not be restored, as what they led to is deleted: %(links)s.")
                % {"links": recovery.gone_members_text(restored.gone_members)}
            )
        self.message_user(request, format_html(" ".join(["{}"] * len(parts)), *parts), messages.SUCCESS)
        return HttpResponseRedirect(change_url)

    def _fields(self, deletion) -> list[tuple[str, str]]:
        """(label, value) of each field the record had, as its History shows them: one
        query for the records it pointed at."""
        hidden = audit.hidden_fields(self.model, self.admin_site)
        history = history_model(self.model)
        related = [field.name for field in self.model._meta.concrete_fields if field.many_to_one]
        version = history._default_manager.select_related(*related).get(history_id=deletion.history_id)
        shown = []
        for field in self.model._meta.concrete_fields:
            if field.primary_key or field.name in hidden:
                continue
            value = getattr(version, field.attname)
            if field.many_to_one and value is not None:
                value = getattr(version, field.name) or DeletedObject(field.related_model, value)
            shown.append((capfirst(field.verbose_name), audit.display_value(field, value)))
        return sorted(shown, key=lambda item: audit.label_order(item[0]))

    def _members(self, deletion) -> list[tuple[str, str]]:
        """(label, the records it linked to) of each many-to-many field the history keeps."""
        shown = []
        for name, pks in recovery.members(deletion).items():
            field = self.model._meta.get_field(name)
            records = field.related_model._base_manager.in_bulk(pks)
            labels = sorted(
                str(records[pk]) if pk in records else gettext("deleted (#%(id)s)") % {"id": pk} for pk in pks
            )
            shown.append((capfirst(field.verbose_name), ", ".join(labels) or audit.EMPTY))
        return shown

    def _restore_first(self, request, refusal) -> list[dict]:
        """A link to the page of each deleted record the refusal names, to restore first."""
        links = []
        for deletion in getattr(refusal, "deleted", ()):
            model = deletion.instance_type
            model_admin = self.admin_site._registry.get(model)
            if model_admin is None or not getattr(model_admin, "has_recover_permission", lambda _r: False)(request):
                continue
            opts = model._meta
            try:
                url = reverse(
                    f"{self.admin_site.name}:{opts.app_label}_{opts.model_name}_recover", args=[deletion.history_id]
                )
            except NoReverseMatch:
                continue
            links.append({"url": url, "model": opts.verbose_name, "label": recovery.label(deletion)})
        return links


def _rows_by_table(rows) -> list[dict]:
    """The rows a restore brings back with the record, by table."""
    tables = {}
    for item in rows:
        tables.setdefault(item.model, []).append(item.label)
    return [
        {"name": capfirst(model._meta.verbose_name_plural), "count": len(labels), "labels": labels}
        for model, labels in tables.items()
    ]
