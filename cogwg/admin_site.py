"""The admin site: staff must prove a second factor (a TOTP device, django-otp) when
COGWG_REQUIRE_STAFF_OTP is on, which it is unless the settings say otherwise (the test
suite and local development turn it off). A device is added for a user in the admin
("TOTP devices") or with ``manage.py add_totp_device USERNAME``. The site also serves the
secretariat's audit page (admin/audit/, cogwg/admin_audit.py), linked from its index."""

import functools

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.admin import AdminSite as DjangoAdminSite
from django.contrib.admin import ModelAdmin, helpers
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.views.autocomplete import AutocompleteJsonView
from django.core.exceptions import ValidationError
from django.urls import path, reverse
from django.utils.timesince import timesince
from django.utils.translation import gettext
from django_otp import devices_for_user
from django_otp.admin import OTPAdminAuthenticationForm, OTPAdminSite

from . import permissions
from .admin_widgets import AutocompleteFormfieldMixin
from .security import log_refusal, otp_failed


class OTPLoginForm(OTPAdminAuthenticationForm):
    # The code is typed (or filled in by the browser) as a one-time code, on a numeric keypad.
    otp_token = forms.CharField(
        required=False, widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"})
    )

    def _chosen_device(self, user):
        # Most staff have one authenticator: no need to pick it from a list first.
        device = super()._chosen_device(user)
        if device is None and not self.cleaned_data.get("otp_device"):
            devices = list(devices_for_user(user, for_verify=True))
            device = devices[0] if len(devices) == 1 else None
        return device

    def clean_otp(self, user):
        try:
            super().clean_otp(user)
        except ValidationError as error:
            # Only a wrong token counts as a failure, not the first step that asks for one.
            if user is not None and self.cleaned_data.get("otp_token"):
                otp_failed(user=user, request=self.request)
            if user is None:
                raise
            # The password is accepted: the error is the code's, which takes the focus.
            self.add_error("otp_token", error)
            self.fields["username"].widget.attrs.pop("autofocus", None)
            self.fields["otp_token"].widget.attrs.update(required=True, autofocus=True)


class LabelledAutocompleteJsonView(AutocompleteJsonView):
    """The answers of a search box labelled as the lists of choices are
    (``workplan.admin_fields.CHOICE_LABELS``): a priority by its plan ("2021 · 3. …"), a milestone
    by its priority's number, read with the results (one query)."""

    def get_queryset(self):
        from workplan.admin_fields import CHOICE_LABELS

        # The answers a contributor may choose, as the form's list would offer them (the
        # milestones they may report on).
        queryset = permissions.limit_choices(
            self.request.user, self.source_field.model, self.source_field.name, super().get_queryset()
        )
        if queryset.model in CHOICE_LABELS:
            queryset = queryset.select_related(CHOICE_LABELS[queryset.model][1])
        return queryset

    def serialize_result(self, obj, to_field_name):
        from workplan.admin_fields import CHOICE_LABELS

        result = super().serialize_result(obj, to_field_name)
        if type(obj) in CHOICE_LABELS:
            result["text"] = str(CHOICE_LABELS[type(obj)][0](obj))
        return result


class CheckedLookupsChangeList:
    """A change list whose address's filters the database cannot take are refused as
    Django refuses a filter it cannot apply (``IncorrectLookupParameters``: the list
    redirects to itself with ``?e=1``, an export answers with its refusal page): a year or
    month of the date hierarchy beyond Python's integers (``?date__year=99999999999999999999``,
    an OverflowError before the query), a key beyond SQLite's integers
    (``?id__in=99999999999999999999``, an OverflowError when the list is counted)."""

    def get_filters(self, request):
        try:
            return super().get_filters(request)
        except (OverflowError, ValueError) as error:
            raise IncorrectLookupParameters(error) from error

    def get_queryset(self, request, exclude_parameters=None):
        try:
            return super().get_queryset(request, exclude_parameters)
        except (OverflowError, ValueError) as error:
            raise IncorrectLookupParameters(error) from error

    def get_results(self, request):
        try:
            return super().get_results(request)
        except OverflowError as error:
            raise IncorrectLookupParameters(error) from error


@functools.cache
def _with_mixin(mixin, cls):
    """``cls`` with ``mixin`` first among its bases, made once per class."""
    if issubclass(cls, mixin):
        return cls
    return type(cls.__name__, (mixin, cls), {"__module__": cls.__module__, "__doc__": cls.__doc__})


class ValidSelectionMixin(AutocompleteFormfieldMixin):
    """What every admin of the site (``register``) takes from hostile addresses and posts:
    a change list's filters the database cannot take are a bad lookup
    (``CheckedLookupsChangeList``), and a search box's forged value is the form's error,
    inlines included (cogwg/admin_widgets.py).

    An action posted with rows that are no keys of the list's records (a forged or
    cut-short form: ``_selected_action=abc``) is refused with a message, as Django refuses
    an action with no row ticked, and the list is shown again: Django would filter the
    list by them and fail with a 500. Given to every admin of the site (``register``)."""

    def response_action(self, request, queryset):
        key = self.model._meta.pk
        try:
            for value in request.POST.getlist(helpers.ACTION_CHECKBOX_NAME):
                number = key.to_python(value)
                if isinstance(number, int) and not -(2**63) <= number < 2**63:  # beyond the database's integers
                    raise ValidationError("out of range")
        except ValidationError:
            self.message_user(
                request, gettext("The rows chosen are not rows of this list: nothing was done."), messages.WARNING
            )
            return None
        return super().response_action(request, queryset)

    def get_changelist(self, request, **kwargs):
        return _with_mixin(CheckedLookupsChangeList, super().get_changelist(request, **kwargs))

    def get_inlines(self, request, obj):
        return [_with_mixin(AutocompleteFormfieldMixin, inline) for inline in super().get_inlines(request, obj)]


def _warn_if_beat_stopped(request):
    """Tell the secretariat, on the admin's index, that the periodic tasks have stopped
    (Celery beat, cogwg/health.py): nothing else shows it, and what waits on them (the
    reminders, the harvests, the e-mails to send again) is theirs."""
    from .health import beat_status

    status = beat_status()
    if not status.stale:
        return
    if status.age is None:
        message = gettext(
            "The scheduled jobs are not running: reminders, dataset harvests, link checks and e-mails waiting "
            "to be sent again are on hold. Tell whoever runs the site that Celery beat has not started."
        )
    else:
        message = gettext(
            "The scheduled jobs have not run for %(age)s: reminders, dataset harvests, link checks and e-mails "
            "waiting to be sent again are on hold. Tell whoever runs the site that Celery beat has stopped."
        ) % {"age": timesince(status.since)}
    messages.warning(request, message)


class AdminSite(OTPAdminSite):
    # The index links the secretariat to the audit page (cogwg/admin_audit.py).
    index_template = "admin/cogwg/index.html"

    def __init__(self, name="admin"):
        super().__init__(name)

    def register(self, model_or_iterable, admin_class=None, **options):
        # Every admin, the project's and the libraries' (axes, django-celery-beat…), takes
        # its actions' rows, its list's filters and its search boxes' values as
        # ValidSelectionMixin checks them.
        admin_class = _with_mixin(ValidSelectionMixin, admin_class or ModelAdmin)
        super().register(model_or_iterable, admin_class, **options)

    def autocomplete_view(self, request):
        return LabelledAutocompleteJsonView.as_view(admin_site=self)(request)

    def get_urls(self):
        from .admin_audit import audit_view

        audit = self.admin_view(functools.partial(audit_view, admin_site=self))
        return [path("audit/", audit, name="audit"), *super().get_urls()]

    def index(self, request, extra_context=None):
        from . import permissions
        from .admin import index_title_for

        # Titled by the user's role: a contributor's admin is not the secretariat's.
        extra_context = {**(extra_context or {}), "title": index_title_for(request.user)}
        if permissions.can_view_audit(request.user):
            extra_context["audit_url"] = reverse(f"{self.name}:audit")
        if permissions.is_secretariat(request.user):
            _warn_if_beat_stopped(request)
        return super().index(request, extra_context)

    @property
    def login_form(self):
        return OTPLoginForm if settings.COGWG_REQUIRE_STAFF_OTP else AdminAuthenticationForm

    @property
    def login_template(self):
        return "admin/cogwg/login.html" if settings.COGWG_REQUIRE_STAFF_OTP else None

    def has_permission(self, request):
        allowed = DjangoAdminSite.has_permission(self, request)
        if allowed and settings.COGWG_REQUIRE_STAFF_OTP:
            is_verified = getattr(request.user, "is_verified", None)
            allowed = bool(is_verified and is_verified())
        return allowed

    def login(self, request, extra_context=None):
        # The admin sends a signed-in user it refuses to its login page.
        if request.method == "GET" and request.user.is_authenticated and not self.has_permission(request):
            log_refusal(request, 302, reason="admin")
        return super().login(request, extra_context)
