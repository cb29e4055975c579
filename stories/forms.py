"""The public "Submit a user story" form. It only parses: storing is
``stories.services.story_submit``."""

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils.translation import gettext_lazy as _

from jurisdictions.models import Jurisdiction

from .choices import Impact, UserType
from .models import Theme, UserStory, validate_public_email

MAX_DATASETS = 10

# The version of the privacy notice a submitter agrees to: the notice at the form
# (stories/templates/stories/story_submit.html, the help texts below) and the full one it
# links to (cogwg/templates/cogwg/privacy.html). Each story records the version it was
# sent under (``UserStory.consent_notice_version``): give a new one, the date of the
# change, whenever either notice changes what it says.
PRIVACY_NOTICE_VERSION = "2026-11-27"
# The id of the notice on the form's page, which the consent checkbox is described by.
PRIVACY_NOTICE_ID = "privacy-notice"


def column_length(name: str) -> int:
    """The length of ``UserStory``'s column ``name``: what the form accepts is what the
    database stores (PostgreSQL refuses a longer value with an error, not a message)."""
    return UserStory._meta.get_field(name).max_length


class MultilineField(forms.CharField):
    """A textarea's text, its line breaks as "\\n": browsers send each as CRLF but count it
    as one character against ``maxlength``, so the length is checked (and the text
    stored) as the reader counted it."""

    def to_python(self, value):
        text = super().to_python(value)
        return text.replace("\r\n", "\n").replace("\r", "\n")


class NoticeCheckbox(forms.CheckboxInput):
    """The consent checkbox, described by the privacy notice before it (which a screen
    reader then reads with it) as well as by its error message, when there is one."""

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        widget_attrs = context["widget"]["attrs"]
        own = widget_attrs.get("aria-describedby", "")
        widget_attrs["aria-describedby"] = " ".join(filter(None, [PRIVACY_NOTICE_ID, own]))
        return context


class StorySubmissionForm(forms.Form):
    # The page shows its own error summary in the page's language rather than the
    # browser's validation bubbles, which some screen readers miss.
    use_required_attribute = False

    title = forms.CharField(
        label=_("Title of your story"),
        max_length=200,
        error_messages={"required": _("Enter the title of your story.")},
    )
    summary = MultilineField(
        label=_("Summary"),
        help_text=_("In two or three sentences: who used which open data, and what came of it."),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": _("Enter a summary of your story.")},
    )
    story = MultilineField(
        label=_("Your story"),
        help_text=_("Optional: tell us more."),
        required=False,
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 8}),
    )
    user_type = forms.ChoiceField(
        label=_("Who used the data?"),
        choices=UserType.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose who used the data.")},
    )
    impact = forms.ChoiceField(
        label=_("What kind of impact did it have?"),
        choices=Impact.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose the kind of impact.")},
    )
    jurisdiction = forms.ModelChoiceField(
        label=_("Whose open data did you use?"),
        queryset=Jurisdiction.objects.all(),
        to_field_name="code",
        required=False,
        empty_label=_("Several or none in particular"),
    )
    themes = forms.ModelMultipleChoiceField(
        label=_("Themes"),
        help_text=_("Optional: choose any that apply."),
        queryset=Theme.objects.all(),
        to_field_name="slug",
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    datasets = MultilineField(
        label=_("Datasets used"),
        help_text=_("Optional: the web address of each dataset, one per line."),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    # autocomplete: the browser may fill them in (WCAG 1.3.5, identify input purpose).
    submitter_name = forms.CharField(
        label=_("Your name"),
        help_text=_("Optional. It is never published."),
        required=False,
        max_length=column_length("submitter_name"),
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    submitter_email = forms.EmailField(
        label=_("Your e-mail address"),
        # Django's own limit is 320 characters; the column holds 254.
        max_length=column_length("submitter_email"),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        # On the internet: the site's mail relay would deliver to postmaster@localhost.
        validators=[validate_public_email],
        help_text=_(
            "We e-mail you a receipt, then the decision on your story, and write to you only about it. "
            "It is never published."
        ),
        error_messages={
            "required": _("Enter your e-mail address."),
            "invalid": _("Enter an e-mail address in the format name@example.com."),
        },
    )
    consent = forms.BooleanField(
        label=_("I agree that the working group may publish my story, without my name or e-mail address."),
        error_messages={"required": _("Agree to the publication of your story to submit it.")},
        widget=NoticeCheckbox,
    )
    # A field people never see (hidden by the style sheet) but form-filling robots do.
    website = forms.CharField(label=_("Leave this field empty"), required=False)

    def clean_datasets(self):
        urls = [line.strip() for line in self.cleaned_data["datasets"].splitlines() if line.strip()]
        if len(urls) > MAX_DATASETS:
            raise ValidationError(
                _("List at most %(count)d datasets."), code="too_many", params={"count": MAX_DATASETS}
            )
        validate = URLValidator(schemes=["http", "https"])
        for url in urls:
            try:
                validate(url)
            except ValidationError:
                raise ValidationError(
                    _("“%(url)s” is not a web address. Enter addresses that start with https://."),
                    code="invalid",
                    params={"url": url},
                ) from None
        return urls

    @property
    def is_spam(self):
        """Filled in the field only robots see."""
        return bool(self.cleaned_data.get("website"))
