"""The admin for jurisdictions, their accomplishments and challenges (the secretariat's,
and contributors' for their own jurisdictions: cogwg/permissions.py), and who contributes
for which jurisdiction."""

from django import forms
from django.contrib import admin
from django.db import models
from django.db.models import Prefetch
from django.urls import reverse
from django.utils.html import format_html
from django.utils.text import capfirst
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TranslationTabularInline

from cogwg import permissions
from cogwg.admin_base import HTTPS_URLS, TrackedTranslationAdmin, VisibleRowsInlineMixin, deletion_line
from cogwg.admin_export import ExportMixin
from cogwg.admin_publication import PublicationAdminMixin
from workplan.admin_fields import ChoiceLabelsMixin, PrivateFieldsMixin

from .models import Accomplishment, AccomplishmentLink, Challenge, Contributor, Jurisdiction
from .services import challenges_listing, jurisdictions_delete

PUBLICATION_FIELDS = ("publication_state", "published_at", ("submitted_by", "submitted_at"), "review_comment")
# The review is between a record's jurisdictions and the secretariat (permissions.can_view_review).
REVIEW_FIELDS = ("submitted_by", "submitted_at", "review_comment")


class JurisdictionForm(forms.ModelForm):
    def clean_code(self):
        # Codes are kept in capitals (a database constraint): "bc" is taken as BC.
        return self.cleaned_data["code"].upper()


@admin.register(Jurisdiction)
class JurisdictionAdmin(TrackedTranslationAdmin):
    form = JurisdictionForm
    list_display = ("code", "name", "short_name", "kind", "is_member", "order")
    list_filter = ("kind", "is_member")
    search_fields = ("code", "name_en", "name_fr", "short_name_en", "short_name_fr")
    ordering = ("order", "code")
    fieldsets = (
        (
            None,
            {
                "fields": (
                    "code",
                    ("name_en", "name_fr"),
                    ("short_name_en", "short_name_fr"),
                    "kind",
                    "is_member",
                    "order",
                )
            },
        ),
        (_("Web pages"), {"fields": ("website", "open_data_url", "open_government_url")}),
    )

    def get_deleted_objects(self, objs, request):
        # The challenges that list a jurisdiction keep it from being deleted, as the
        # records protected by the database do (jurisdictions_delete says why): the page
        # names them, linked as Django links those, and offers no confirmation.
        listing = [self._entry(request, item) for item in challenges_listing(jurisdictions=objs).order_by("pk")]
        if protecting := self._protecting_counts(objs):
            # Counted, not listed: a jurisdiction may be named by thousands of updates,
            # each costing queries to name, for a deletion that will not happen anyway.
            return [], {}, set(), [*protecting, *listing]
        deleted, counts, perms_needed, protected = super().get_deleted_objects(objs, request)
        return deleted, counts, perms_needed, [*protected, *listing]

    @staticmethod
    def _protecting_counts(objs) -> list[str]:
        """ "Progress updates: 1 005" for each kind of record that keeps ``objs`` from
        being deleted (a key on PROTECT), one count query each."""
        counts = []
        for relation in Jurisdiction._meta.related_objects:
            if relation.many_to_many or relation.on_delete is not models.PROTECT:
                continue
            count = relation.related_model._base_manager.filter(**{f"{relation.field.name}__in": objs}).count()
            if count:
                counts.append(
                    gettext("%(records)s: %(count)s")
                    % {"records": capfirst(relation.related_model._meta.verbose_name_plural), "count": count}
                )
        return counts

    def _entry(self, request, challenge):
        # "Challenge: …", "Défi : …": as Django's own lines (cogwg.admin_base.deletion_line).
        label = capfirst(Challenge._meta.verbose_name)
        if self.admin_site.get_model_admin(Challenge).has_change_permission(request, challenge):
            url = reverse(f"{self.admin_site.name}:jurisdictions_challenge_change", args=[challenge.pk])
            return deletion_line(format_html('{}: <a href="{}">{}</a>', label, url, challenge))
        return deletion_line(f"{label}: {challenge}")

    def delete_model(self, request, obj):
        jurisdictions_delete(queryset=Jurisdiction.objects.filter(pk=obj.pk), by=request.user)

    def delete_queryset(self, request, queryset):
        jurisdictions_delete(queryset=queryset, by=request.user)


class AccomplishmentLinkInline(VisibleRowsInlineMixin, TranslationTabularInline):
    model = AccomplishmentLink
    fields = ("order", "url", "label_en", "label_fr")
    formfield_overrides = HTTPS_URLS
    extra = 0


@admin.register(Accomplishment)
class AccomplishmentAdmin(
    ExportMixin, PrivateFieldsMixin, ChoiceLabelsMixin, PublicationAdminMixin, TrackedTranslationAdmin
):
    list_display = ("title", "jurisdiction", "category", "date", "priority", "publication_state")
    list_filter = ("publication_state", "category", ("jurisdiction", admin.RelatedOnlyFieldListFilter))
    list_select_related = ("jurisdiction", "priority")
    search_fields = ("title_en", "title_fr", "description_en", "description_fr", "jurisdiction__code")
    autocomplete_fields = ("jurisdiction", "priority", "meeting")
    date_hierarchy = "date"
    ordering = ("jurisdiction__order", "-date", "pk")
    readonly_fields = ("published_at", "submitted_by", "submitted_at")
    fieldsets = (
        (
            None,
            {
                "fields": (
                    "jurisdiction",
                    ("title_en", "title_fr"),
                    ("description_en", "description_fr"),
                    "date",
                    "category",
                    "priority",
                    "meeting",
                )
            },
        ),
        (_("Publication"), {"fields": PUBLICATION_FIELDS}),
    )
    inlines = (AccomplishmentLinkInline,)
    history_related = ((AccomplishmentLink, "accomplishment"),)
    export_columns = (
        "jurisdiction",
        "title",
        "description",
        "date",
        "category",
        "priority",
        "meeting",
        "link_urls",
        "publication_state",
        "published_at",
    )
    export_prefetch_related = ("links",)
    private_fields = REVIEW_FIELDS

    @admin.display(description=_("links"))
    def link_urls(self, obj):
        return "\n".join(link.url for link in obj.links.all())


@admin.register(Challenge)
class ChallengeAdmin(ExportMixin, PrivateFieldsMixin, PublicationAdminMixin, TrackedTranslationAdmin):
    list_display = (
        "title",
        "jurisdiction_codes",
        "category",
        "status",
        "first_reported_on",
        "resolved_on",
        "publication_state",
    )
    list_filter = ("publication_state", "status", "category", ("jurisdictions", admin.RelatedOnlyFieldListFilter))
    search_fields = ("title_en", "title_fr", "description_en", "description_fr")
    autocomplete_fields = ("jurisdictions", "first_reported_at")
    date_hierarchy = "first_reported_on"
    ordering = ("-first_reported_on", "pk")
    readonly_fields = ("published_at", "submitted_by", "submitted_at")
    fieldsets = (
        (
            None,
            {
                "fields": (
                    ("title_en", "title_fr"),
                    ("description_en", "description_fr"),
                    "category",
                    "jurisdictions",
                )
            },
        ),
        (
            _("Status"),
            {
                "fields": (
                    "status",
                    ("mitigation_en", "mitigation_fr"),
                    "first_reported_at",
                    "first_reported_on",
                    "resolved_on",
                )
            },
        ),
        (_("Publication"), {"fields": PUBLICATION_FIELDS}),
    )
    private_fields = REVIEW_FIELDS
    # Its jurisdictions as the list names them (read with the rows: get_queryset).
    export_columns = (
        "title",
        "jurisdiction_codes",
        "category",
        "status",
        "description",
        "mitigation",
        "first_reported_at",
        "first_reported_on",
        "resolved_on",
        "publication_state",
        "published_at",
    )

    def get_queryset(self, request):
        # The jurisdictions column: one query for the page's challenges, not one a row.
        listed = Prefetch("jurisdictions", queryset=Jurisdiction.objects.order_by("order", "code"))
        return super().get_queryset(request).prefetch_related(listed)

    @admin.display(description=_("jurisdictions"))
    def jurisdiction_codes(self, obj):
        """Whose challenge it is, by code; none listed is a challenge across jurisdictions."""
        return ", ".join(jurisdiction.code for jurisdiction in obj.jurisdictions.all()) or _("across jurisdictions")


@admin.register(Contributor)
class ContributorAdmin(TrackedTranslationAdmin):
    """Who reports for which jurisdiction (``manage.py add_contributor`` creates the
    account, puts it in the contributor group and binds it)."""

    list_display = ("user", "jurisdiction", "created_at")
    list_filter = (("jurisdiction", admin.RelatedOnlyFieldListFilter),)
    list_select_related = ("user", "jurisdiction")
    search_fields = ("user__username", "user__email", "jurisdiction__code", "jurisdiction__name_en")
    autocomplete_fields = ("user", "jurisdiction")
    ordering = ("jurisdiction__order", "jurisdiction__code", "user__username")
    fieldsets = ((None, {"fields": ("user", "jurisdiction")}),)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        # Only an account its user manages (cogwg/admin_accounts.py) is bound here: the
        # choices, and the autocomplete's answers, are the same accounts.
        if db_field.name == "user":
            kwargs["queryset"] = permissions.manageable_accounts(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)
