"""The accounts in the admin: users, their second factor (TOTP devices) and the login
lockouts, for the secretariat as well as for superusers.

A secretariat member sets up the accounts of contributors and Joint Councils readers
(cogwg/permissions.py, ``manageable_accounts``): creates them, changes their name, e-mail
address, password and active status, puts them in those two groups and binds them to
their jurisdictions, enrols or removes their authenticator, and lifts a lockout. They
never see, change or give a second factor to a superuser or another secretariat member,
never make anyone a superuser, and never give a permission or another group: those
fields are not in their forms, and the choices they are offered are narrowed. Superusers
keep Django's own forms.

Staff status follows the groups for the secretariat: the roles are held by active staff
only (``permissions._active``), so an account put in a role's group becomes staff, and one
left in none stops being staff.

Registered in place of django.contrib.auth's and django-otp's admins, which the admin
site has registered by the time the project's admin modules are imported."""

import base64

from axes.admin import AccessAttemptAdmin
from axes.conf import settings as axes_settings
from axes.models import AccessAttempt
from django.apps import apps
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.forms import AdminPasswordChangeForm
from django.forms import CheckboxSelectMultiple
from django.http import Http404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.timezone import localtime
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django_otp.plugins.otp_totp.admin import TOTPDeviceAdmin
from django_otp.plugins.otp_totp.models import TOTPDevice

from jurisdictions.models import Contributor

from . import permissions
from .admin_concurrency import OptimisticConcurrencyMixin

User = get_user_model()

# django-otp names its app and model in English only (no gettext): the admin's index,
# titles and breadcrumbs name them in the page's language.
apps.get_app_config("otp_totp").verbose_name = _("Second factor")
TOTPDevice._meta.verbose_name = _("authenticator")
TOTPDevice._meta.verbose_name_plural = _("authenticators")
# The roles' groups by their names in the page's language (a group's name is data).
ROLE_NAMES = {
    permissions.SECRETARIAT: _("Secretariat"),
    permissions.CONTRIBUTOR: _("Jurisdiction contributor"),
    permissions.JOINT_COUNCILS_READER: _("Joint Councils reader"),
}


def _role_name(group) -> str:
    return str(ROLE_NAMES.get(group.name, group.name))


class GroupCheckboxes(CheckboxSelectMultiple):
    """An account's roles as a group of checkboxes named by the field's label (``label``),
    as a fieldset's legend names its fields: the admin's own label for them is tied to
    none. The group's id is the field's, so the admin gives its help text the id each
    checkbox's aria-describedby names (cogwg/templates/cogwg/widgets/group_checkboxes.html)."""

    template_name = "cogwg/widgets/group_checkboxes.html"
    label = ""

    def id_for_label(self, id_, index=None):
        return id_ if index is None else super().id_for_label(id_, index)

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["widget"]["label"] = self.label
        return context


def _superuser(request) -> bool:
    return request.user.is_active and request.user.is_superuser


class ContributionInline(admin.TabularInline):
    """The jurisdictions an account reports for, on its own page (with the contributor
    group, it is what makes a contributor: ``manage.py add_contributor`` does both)."""

    model = Contributor
    fields = ("jurisdiction",)
    autocomplete_fields = ("jurisdiction",)
    extra = 0
    verbose_name = _("jurisdiction they report for")
    verbose_name_plural = _("jurisdictions they report for")


class PasswordForm(AdminPasswordChangeForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "usable_password" in self.fields:
            # Django's own text has no French translation.
            self.fields["usable_password"].help_text = _(
                "Whether the account may sign in with a password. Disabled, the current password is lost."
            )


class RoleFilter(admin.SimpleListFilter):
    title = _("role")
    parameter_name = "role"

    def lookups(self, request, model_admin):
        return [(name, ROLE_NAMES[name]) for name in permissions.ACCOUNT_GROUPS]

    def queryset(self, request, queryset):
        if self.value() in permissions.ACCOUNT_GROUPS:
            return queryset.filter(groups__name=self.value())
        return queryset


class GroupFilter(admin.RelatedFieldListFilter):
    """Django's filter by group, the roles' groups named in the page's language."""

    def field_choices(self, field, request, model_admin):
        groups = field.remote_field.model._default_manager.all()
        if ordering := self.field_admin_ordering(field, request, model_admin):
            groups = groups.order_by(*ordering)
        return [(group.pk, _role_name(group)) for group in groups]


class AccountAdmin(OptimisticConcurrencyMixin, UserAdmin):
    """Accounts, for superusers and the secretariat. Two people editing one account: the
    second save of a form read before the first one's save is refused, as on every change
    form (cogwg/admin_concurrency.py); the account's sign-ins and password do not count."""

    inlines = (ContributionInline,)
    change_password_form = PasswordForm
    # What the secretariat may change on the accounts it manages.
    secretariat_fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("Personal info"), {"fields": ("first_name", "last_name", "email")}),
        (
            _("Role"),
            {
                "fields": ("is_active", "groups", "is_staff"),
                "description": _(
                    "Contributors and Joint Councils readers work in the administration: an account put in one "
                    "of these groups gets staff status, and loses it when it is in neither."
                ),
            },
        ),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
    )

    def get_queryset(self, request):
        return permissions.manageable_accounts(request.user, super().get_queryset(request))

    def has_view_permission(self, request, obj=None):
        allowed = super().has_view_permission(request, obj)
        return allowed and (obj is None or permissions.can_manage_account(request.user, obj))

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        return allowed and (obj is None or permissions.can_manage_account(request.user, obj))

    def has_delete_permission(self, request, obj=None):
        allowed = super().has_delete_permission(request, obj)
        return allowed and (obj is None or permissions.can_manage_account(request.user, obj))

    def _get_obj_does_not_exist_redirect(self, request, opts, object_id):
        # An account the user may not manage answers as one that does not exist.
        raise Http404

    def get_inlines(self, request, obj):
        # A new account is a name and a password first; its page then gives the rest.
        return () if obj is None else super().get_inlines(request, obj)

    def get_fieldsets(self, request, obj=None):
        if obj is None or _superuser(request):
            return super().get_fieldsets(request, obj)
        return self.secretariat_fieldsets

    def get_readonly_fields(self, request, obj=None):
        readonly = super().get_readonly_fields(request, obj)
        if _superuser(request):
            return readonly
        return (*readonly, "is_staff", "last_login", "date_joined")

    def get_list_filter(self, request):
        if _superuser(request):
            return [
                ("groups", GroupFilter) if entry == "groups" else entry for entry in super().get_list_filter(request)
            ]
        return ("is_active", RoleFilter)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name != "groups":
            return super().formfield_for_manytomany(db_field, request, **kwargs)
        kwargs["queryset"] = permissions.account_groups(request.user, db_field.remote_field.model.objects.all())
        if not _superuser(request):
            kwargs["widget"] = GroupCheckboxes
        formfield = super().formfield_for_manytomany(db_field, request, **kwargs)
        formfield.label_from_instance = _role_name
        if isinstance(formfield.widget, GroupCheckboxes):
            formfield.widget.label = formfield.label
        return formfield

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        if _superuser(request):
            return
        account = form.instance
        has_role = account.groups.filter(name__in=permissions.ACCOUNT_GROUPS).exists()
        if account.is_staff != has_role:
            account.is_staff = has_role
            account.save(update_fields=["is_staff"])


class DeviceAdmin(TOTPDeviceAdmin):
    """An authenticator (TOTP device) is given to, or taken from, an account its user may
    manage. Its secret is shown once, on the page that follows its creation, as
    ``manage.py add_totp_device`` prints it: the admin never shows it again
    (OTP_ADMIN_HIDE_SENSITIVE_DATA). Removing a device ends its user's API tokens
    (cogwg/security.py)."""

    raw_id_fields = ()
    autocomplete_fields = ("user",)
    add_fieldsets = ((None, {"fields": ("user", "name")}),)
    list_display = ("account", "device_name", "created", "last_used", "is_confirmed")
    list_filter = ()
    search_help_text = _("Search by username or e-mail address")
    # django-otp's labels and help texts are in English only.
    labels = {
        "user": (_("account"), _("Whose authenticator it is.")),
        "name": (_("name"), _('To tell it from the account\'s other authenticators, e.g. "phone".')),
        "confirmed": (_("confirmed"), _("Ready for use.")),
    }

    @admin.display(description=_("account"), ordering="user__username")
    def account(self, obj):
        return obj.user

    @admin.display(description=_("name"), ordering="name")
    def device_name(self, obj):
        return obj.name

    @admin.display(description=_("added"), ordering="created_at")
    def created(self, obj):
        return self._when(obj.created_at)

    @admin.display(description=_("last used"), ordering="last_used_at")
    def last_used(self, obj):
        return self._when(obj.last_used_at)

    def _when(self, value):
        # A read-only field shows a method's value as it is: a date in the page's format.
        return self.get_empty_value_display() if value is None else date_format(localtime(value), "DATETIME_FORMAT")

    @admin.display(description=_("confirmed"), boolean=True, ordering="confirmed")
    def is_confirmed(self, obj):
        return obj.confirmed

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        for name, (label, help_text) in self.labels.items():
            if name in form.base_fields:
                form.base_fields[name].label, form.base_fields[name].help_text = label, help_text
        return form

    def get_queryset(self, request):
        return super().get_queryset(request).filter(user__in=permissions.manageable_accounts(request.user))

    def has_view_permission(self, request, obj=None):
        allowed = super().has_view_permission(request, obj)
        return allowed and (obj is None or permissions.can_manage_account(request.user, obj.user))

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        return allowed and (obj is None or permissions.can_manage_account(request.user, obj.user))

    def has_delete_permission(self, request, obj=None):
        allowed = super().has_delete_permission(request, obj)
        return allowed and (obj is None or permissions.can_manage_account(request.user, obj.user))

    def _get_obj_does_not_exist_redirect(self, request, opts, object_id):
        raise Http404

    def get_fieldsets(self, request, obj=None):
        if obj is None:
            # The key is generated: typed by hand, it could be one someone else knows.
            return self.add_fieldsets
        if _superuser(request):
            return super().get_fieldsets(request, obj)
        # What the secretariat needs to know of a device: whose, which, and whether used.
        return ((None, {"fields": ("account", "device_name", "is_confirmed", "created", "last_used")}),)

    def get_readonly_fields(self, request, obj=None):
        shown = ("account", "device_name", "is_confirmed", "created", "last_used")
        return (*super().get_readonly_fields(request, obj), *shown)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "user":
            kwargs["queryset"] = permissions.manageable_accounts(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def response_add(self, request, obj, post_url_continue=None):
        # The one time the secret is shown: to be scanned or typed into the authenticator
        # app of the account's owner.
        context = {
            **self.admin_site.each_context(request),
            "title": _("Authenticator added"),
            "subtitle": None,
            "opts": self.opts,
            "device": obj,
            "secret": base64.b32encode(obj.bin_key).decode(),
            "changelist_url": reverse(f"{self.admin_site.name}:otp_totp_totpdevice_changelist"),
        }
        response = TemplateResponse(request, "admin/cogwg/totp_device_added.html", context)
        response["Cache-Control"] = "no-store"
        return response


admin.site.unregister(User)
admin.site.register(User, AccountAdmin)
admin.site.unregister(TOTPDevice)
admin.site.register(TOTPDevice, DeviceAdmin)


class LockedOutFilter(admin.SimpleListFilter):
    title = _("locked out")
    parameter_name = "locked_out"

    def lookups(self, request, model_admin):
        return (("yes", _("Yes")), ("no", _("No")))

    def queryset(self, request, queryset):
        limit = axes_settings.AXES_FAILURE_LIMIT
        if self.value() == "yes":
            return queryset.filter(failures_since_start__gte=limit)
        if self.value() == "no":
            return queryset.filter(failures_since_start__lt=limit)
        return queryset


def attempt_name(attempt) -> str:
    """A lockout (an access attempt) named in the page's language: whose, from where, when."""
    when = "" if attempt.attempt_time is None else date_format(localtime(attempt.attempt_time), "DATETIME_FORMAT")
    return _("%(username)s from %(ip_address)s, %(when)s") % {
        "username": attempt.username or "—",
        "ip_address": attempt.ip_address or "—",
        "when": when,
    }


# django-axes names an attempt in English only ("Attempted Access: 2026-11-27 16:06:39…",
# its __str__, no gettext), and the admin names a record by its __str__ on every page: the
# change page's title and breadcrumbs, the delete confirmation, the message that follows,
# the history. A proxy model would take a migration; the model's name is replaced instead,
# as django-otp's verbose names are above.
AccessAttempt.__str__ = attempt_name


class AttemptAdmin(AccessAttemptAdmin):
    """The lockouts (django-axes' failed attempts, per username and address): deleting
    an attempt lifts its lockout, as ``manage.py axes_reset_username`` does. Its filter,
    status, columns and action are the project's, in the page's language (django-axes'
    are partly untranslated, and name the browser and the Accept header in English)."""

    list_display = ("attempt_time", "ip_address", "browser", "username", "path_info", "failures_since_start")
    list_filter = ("attempt_time", LockedOutFilter)
    actions = ()
    fieldsets = (
        (None, {"fields": ("username", "path_info", "failures_since_start")}),
        AccessAttemptAdmin.fieldsets[1],
        (AccessAttemptAdmin.fieldsets[2][0], {"fields": ("browser", "ip_address", "accepted")}),
    )

    def get_readonly_fields(self, request, obj=None):
        return (*super().get_readonly_fields(request, obj), "browser", "accepted")

    @admin.display(description=_("browser (user agent)"), ordering="user_agent")
    def browser(self, obj):
        return obj.user_agent or None

    @admin.display(description=_("accepted content types (HTTP header)"))
    def accepted(self, obj):
        return obj.http_accept or None

    def get_list_display(self, request):
        return (*super().get_list_display(request), "lockout")

    @admin.display(description=_("status"))
    def lockout(self, obj):
        limit = axes_settings.AXES_FAILURE_LIMIT
        if obj.failures_since_start >= limit:
            return _("Locked out")
        left = limit - obj.failures_since_start
        return ngettext("%(count)d attempt left", "%(count)d attempts left", left) % {"count": left}


admin.site.unregister(AccessAttempt)
admin.site.register(AccessAttempt, AttemptAdmin)
