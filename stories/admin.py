"""The secretariat's admin for the user stories inventory: moderation (publish, reject),
themes, and the datasets stories used. A submitter's name and e-mail appear in a story's
change form only (the secretariat's): never in the list, its filters or search (for
others), its export, or the History page. The secretariat finds a person's stories by
their name or e-mail address (the search), corrects them in the change form, and erases
them on request (an action, which blanks them in the history too); deleting a story
erases them from its history. When and to which privacy notice a submitter agreed is shown
read-only.
Contributors file and edit their jurisdictions' stories here too (cogwg/permissions.py)."""

import functools

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from cogwg import permissions
from cogwg.admin_base import TrackedTranslationAdmin
from cogwg.admin_export import ExportMixin
from cogwg.templatetags.admin_counts import model_name_for_count
from workplan.admin_fields import ChoiceLabelsMixin, PrivateFieldsMixin

from .admin_ckan import DatasetCkanAdminMixin
from .choices import StoryState
from .forms import MultilineField
from .models import REJECTION_REASON_LENGTH, Dataset, Theme, UserStory
from .services import (
    HARVEST_ONLY_FIELDS,
    PUBLICATION_TEXT_FIELDS,
    REJECTION_REASON_REQUIRED,
    REVIEWABLE_STATES,
    STORY_MOVES,
    datasets_delete,
    rejection_reason_clean,
    stories_delete,
    stories_erase_submitters,
    stories_moderate,
    story_announce_submitted,
    story_delete,
    story_move,
    story_move_check,
    story_slug_free,
    themes_delete,
)


@admin.register(Theme)
class ThemeAdmin(TrackedTranslationAdmin):
    list_display = ("name", "slug")
    search_fields = ("slug", "name_en", "name_fr")
    prepopulated_fields = {"slug": ("name_en",)}
    ordering = ("slug",)
    fieldsets = ((None, {"fields": (("name_en", "name_fr"), "slug")}),)

    # The stories about a theme lose it with a row in their history (the confirmation page
    # lists their links to it).
    def delete_model(self, request, obj):
        themes_delete(queryset=Theme.objects.filter(pk=obj.pk), by=request.user)

    def delete_queryset(self, request, queryset):
        themes_delete(queryset=queryset, by=request.user)


@admin.register(Dataset)
class DatasetAdmin(ExportMixin, DatasetCkanAdminMixin, TrackedTranslationAdmin):
    """A dataset is identified by its portal and CKAN id; the rest is harvested from the
    portal's Action API (the "Refresh from portal" action, the "Add from the portal" page:
    stories/admin_ckan.py) and shown read-only."""

    list_display = ("title", "publisher", "portal_url", "ckan_id", "last_harvested")
    list_filter = ("portal_url",)
    search_fields = ("title_en", "title_fr", "ckan_id", "publisher_en", "publisher_fr")
    ordering = ("title", "pk")
    # The error shown in the reader's language rather than its code.
    harvested_fields = tuple(
        "harvest_error_message" if name == "harvest_error_code" else name for name in HARVEST_ONLY_FIELDS
    )
    readonly_fields = harvested_fields
    fieldsets = (
        (None, {"fields": ("portal_url", "ckan_id", ("title_en", "title_fr"), "url")}),
        (_("Harvested from the portal"), {"fields": harvested_fields}),
    )
    export_columns = (
        "title",
        "publisher",
        "portal_url",
        "ckan_id",
        "url",
        "license_title",
        "formats",
        "metadata_modified",
        "last_harvested",
    )

    # The stories that used a dataset lose it with a row in their history (the
    # confirmation page lists their links to it).
    def delete_model(self, request, obj):
        datasets_delete(queryset=Dataset.objects.filter(pk=obj.pk), by=request.user)

    def delete_queryset(self, request, queryset):
        datasets_delete(queryset=queryset, by=request.user)


# What the reason for a rejection is written in: the language of whoever sent the story,
# who reads it in an e-mail (stories/notifications.py).
WRITE_IT_IN = {
    "en": _("Write it in English: whoever sent the story used the English form."),
    "fr": _("Write it in French: whoever sent the story used the French form."),
}
WRITE_THEM_IN = {
    "en": _("Write it in English: whoever sent these stories used the English form."),
    "fr": _("Write it in French: whoever sent these stories used the French form."),
}
WRITE_IN_BOTH = _(
    "Some of these stories were sent through the English form, others through the French one, and each sender "
    "gets this same reason: write it in English and in French, or reject the stories of each language apart."
)
SENT_THROUGH = {
    "en": _("sent through the English form"),
    "fr": _("sent through the French form"),
}
NOBODY_TOLD = _("None of these stories was sent through the public form: nobody is e-mailed. The reason is kept.")
REASON_WITHOUT_REJECTION = _(
    "Only a rejected story has a reason for its rejection: choose “Rejected” as its state, or clear the reason."
)


def senders_languages(stories) -> list[str]:
    """The languages, in the order of ``settings.LANGUAGES``, of the forms whoever sent
    ``stories`` used, for those who are e-mailed the decision (their address is kept)."""
    used = {story.submitter_language for story in stories if story.submitter_email and story.submitter_language}
    return [code for code in WRITE_IT_IN if code in used]


def sent_through(story) -> str:
    """Which form whoever sent ``story`` used, when they are e-mailed the decision."""
    return SENT_THROUGH.get(story.submitter_language, "") if story.submitter_email else ""


class RejectForm(forms.Form):
    """The reason the "Reject" action asks for: the secretariat's words, e-mailed to whoever
    sent each story (stories.services.rejection_reason_clean)."""

    rejection_reason = MultilineField(
        label=_("Reason for the rejection"),
        max_length=REJECTION_REASON_LENGTH,
        widget=forms.Textarea(attrs={"rows": 6, "cols": 80}),
        error_messages={"required": REJECTION_REASON_REQUIRED},
    )

    def __init__(self, *args, stories=(), **kwargs):
        super().__init__(*args, **kwargs)
        languages = senders_languages(stories)
        if not languages:
            hint = NOBODY_TOLD
        elif len(languages) == 1:
            hint = WRITE_THEM_IN[languages[0]]
        else:
            hint = WRITE_IN_BOTH
        field = self.fields["rejection_reason"]
        field.help_text = format_lazy("{} {}", _("E-mailed to whoever sent each story, and kept on it."), hint)

    def clean_rejection_reason(self):
        try:
            return rejection_reason_clean(self.cleaned_data["rejection_reason"])
        except ValidationError as error:
            raise ValidationError(error.error_dict["rejection_reason"]) from error


class UserStoryForm(forms.ModelForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "slug" in self.fields:
            # Made from the title when left empty (``clean``): a story written in French
            # only has no English title for the page's script to make it from.
            self.fields["slug"].required = False
            self.fields["slug"].help_text = _(
                "Its address on the public site. Left empty, it is made from the title, in English or else in French."
            )
        if "slug_fr" in self.fields:
            self.fields["slug_fr"].help_text = _(
                "Its French page's address on the public site. Left empty, it is made from the French title; "
                "without one, the French page uses the slug."
            )
        reason = self.fields.get("rejection_reason")
        language = self.instance.submitter_language if self.instance.submitter_email else ""
        if reason is not None and language in WRITE_IT_IN:
            reason.help_text = format_lazy("{} {}", reason.help_text, WRITE_IT_IN[language])

    def stored_state(self) -> str:
        """The story's state as stored: a version's page (History, "Revert") gives the
        form that version's record, whose state may be long gone. A new story is filed as
        submitted, and moved on from there (``UserStoryAdmin.save_model``)."""
        if self.instance.pk is None:
            return StoryState.SUBMITTED
        stored = UserStory.objects.filter(pk=self.instance.pk).values_list("state", flat=True).first()
        return stored or StoryState.SUBMITTED

    def clean(self):
        cleaned_data = super().clean()
        # Moved as the services move a story (stories.services.story_move, which the save
        # calls): only along STORY_MOVES, and published only once it has what a published
        # story has (its title and summary in both languages, no unchecked list of
        # datasets), on today's date unless the secretariat gives another. A story that
        # stays published keeps its date, and what a published story has.
        stored = self.stored_state()
        wanted = cleaned_data.get("state", stored) if "state" in self.fields else stored
        publishing = wanted == StoryState.PUBLISHED != stored
        undated = "published_on" in self.fields and cleaned_data.get("published_on") is None
        if publishing and undated and "published_on" not in self.errors:
            cleaned_data["published_on"] = timezone.localdate()
        texts = {name: cleaned_data.get(name, getattr(self.instance, name)) for name in PUBLICATION_TEXT_FIELDS}
        try:
            story_move_check(current=stored, wanted=wanted, texts=texts)
        except ValidationError as error:
            for name, errors in error.update_error_dict({}).items():
                if name == NON_FIELD_ERRORS and "state" in self.fields:
                    name = "state"  # the move itself, refused next to the state chosen
                if name not in self.errors:
                    self.add_error(name if name in self.fields else None, errors)
        if "rejection_reason" in self.fields:
            self._clean_rejection_reason(stored=stored, wanted=wanted)
        # Each slug left empty is made from a title: the English one from the title in
        # English, else in French; the French one from the title in French.
        titles = {"slug": ("title_en", "title_fr"), "slug_fr": ("title_fr",)}
        for name, sources in titles.items():
            if name in self.fields and not cleaned_data.get(name) and name not in self.errors:
                title = next((cleaned_data.get(source) for source in sources if cleaned_data.get(source)), "")
                if title:
                    cleaned_data[name] = story_slug_free(title=title, story=self.instance)
        return cleaned_data

    def _clean_rejection_reason(self, *, stored: str, wanted: str) -> None:
        """A story rejected here says why (``rejection_reason_clean``, as the services
        check it); one reconsidered loses its reason (its history keeps it); no other story
        has one."""
        if "rejection_reason" in self.errors:
            return
        reason = self.cleaned_data.get("rejection_reason") or ""
        if wanted == StoryState.REJECTED:
            try:
                self.cleaned_data["rejection_reason"] = rejection_reason_clean(reason)
            except ValidationError as error:
                self.add_error(None, error)
        elif stored == StoryState.REJECTED:
            self.cleaned_data["rejection_reason"] = ""
        elif reason.strip():
            self.add_error("rejection_reason", REASON_WITHOUT_REJECTION)


@admin.register(UserStory)
class UserStoryAdmin(ExportMixin, PrivateFieldsMixin, ChoiceLabelsMixin, TrackedTranslationAdmin):
    form = UserStoryForm
    # When a story arrived: the submitted ones waiting longest are found by sorting on it.
    list_display = ("title", "jurisdiction", "user_type", "impact", "state", "created_at", "published_on")
    list_filter = ("state", "user_type", "impact", ("jurisdiction", admin.RelatedOnlyFieldListFilter), "themes")
    list_select_related = ("jurisdiction",)
    search_fields = ("title_en", "title_fr", "summary_en", "summary_fr", "slug", "slug_fr")
    autocomplete_fields = ("jurisdiction", "themes", "datasets", "release")
    # Each page's slug from the title in its language.
    prepopulated_fields = {"slug": ("title_en",), "slug_fr": ("title_fr",)}
    date_hierarchy = "published_on"
    ordering = ("-published_on", "-created_at", "pk")
    fieldsets = (
        (
            None,
            {
                "fields": (
                    ("title_en", "title_fr"),
                    ("slug", "slug_fr"),
                    ("summary_en", "summary_fr"),
                    ("story_en", "story_fr"),
                )
            },
        ),
        (_("Use of the data"), {"fields": ("jurisdiction", "user_type", "impact", "themes", "datasets")}),
        (_("Publication"), {"fields": ("state", "rejection_reason", "published_on", "release", "portal_url")}),
        (
            _("Submitter (private)"),
            {
                "fields": (
                    "submitter_name",
                    "submitter_email",
                    "submitter_language",
                    "consent_given_at",
                    "consent_notice_version",
                ),
                "description": _("Never shown outside this form."),
            },
        ),
    )
    # Recorded by the public form (stories.services.story_submit): what was agreed to stays.
    readonly_fields = ("consent_given_at", "consent_notice_version")
    history_hidden_fields = (
        "submitter_name",
        "submitter_email",
        "submitter_language",
        "consent_given_at",
        "consent_notice_version",
    )
    # Who submitted a story is the secretariat's to know: no filter on it for others either.
    private_fields = history_hidden_fields
    # Never the submitter.
    export_columns = (
        "title",
        "jurisdiction",
        "user_type",
        "impact",
        "themes",
        "datasets",
        "summary",
        "state",
        "release",
        "created_at",
        "published_on",
        "portal_url",
    )
    # A contributor's story is submitted as they write it; the secretariat moderates it.
    publisher_fields = ("state", "published_on", "rejection_reason")
    actions = ["publish_selected", "reject_selected", "erase_submitters"]
    # The secretariat's search also finds a person's stories (a request to see, correct
    # or erase what we hold about them).
    submitter_search_fields = ("submitter_email", "submitter_name")

    def get_search_fields(self, request):
        search_fields = tuple(super().get_search_fields(request))
        if permissions.is_secretariat(request.user):
            return (*search_fields, *self.submitter_search_fields)
        return search_fields

    def has_erase_submitter_permission(self, request):
        """Erasing a submitter's personal information is the secretariat's, as knowing it is."""
        return permissions.is_secretariat(request.user) and self.has_change_permission(request)

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "rejection_reason":
            # Its length counted as the reader's browser counts it (a line break is one).
            kwargs["form_class"] = MultilineField
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if permissions.is_secretariat(request.user):
            return fieldsets
        # Who submitted a story is the secretariat's to know.
        return [(name, options) for name, options in fieldsets if "submitter_email" not in options["fields"]]

    def save_model(self, request, obj, form, change):
        # The form's state is moved by the service (stories.services.story_move), under the
        # rules of the actions and the API, whether the change form, a version's "Revert"
        # or the add form sets it, and saved with the form's other changes: one save, one
        # row of the story's history (with the move's reason). All or nothing (the
        # service's transaction: a version's page runs in no transaction of its own).
        stored = StoryState.SUBMITTED
        if change:
            stored = UserStory.objects.filter(pk=obj.pk).values_list("state", flat=True).first() or stored
        if self.has_publish_permission(request) and obj.state != stored:
            save = functools.partial(super().save_model, request, obj, form, change)
            story_move(
                story=obj,
                state=obj.state,
                published_on=obj.published_on,
                rejection_reason=obj.rejection_reason,
                by=request.user,
                save=save,
            )
        else:
            super().save_model(request, obj, form, change)
        if not change and obj.state in REVIEWABLE_STATES and not self.has_publish_permission(request):
            # A contributor filed it: the secretariat reviews it.
            story_announce_submitted(story=obj)

    @admin.action(description=_("Publish selected %(verbose_name_plural)s"), permissions=["publish"])
    def publish_selected(self, request, queryset):
        moderation = stories_moderate(queryset=queryset, state=StoryState.PUBLISHED, by=request.user)
        changed = moderation.changed
        message = ngettext("%(count)d %(items)s was published.", "%(count)d %(items)s were published.", changed)
        items = model_name_for_count(self.opts, changed)
        self.message_user(request, message % {"count": changed, "items": items}, messages.SUCCESS)
        for story, gaps in moderation.incomplete:
            message = _("“%(story)s” was not published: %(gaps)s") % {"story": story, "gaps": " ".join(gaps.values())}
            self.message_user(request, message, messages.WARNING)
        self._report_left_alone(request, queryset, changed + len(moderation.incomplete))

    @admin.action(description=_("Reject selected %(verbose_name_plural)s"), permissions=["publish"])
    def reject_selected(self, request, queryset):
        """Asks why (a page of its own, as deleting asks for confirmation), then rejects the
        selected stories under review with that reason, e-mailed to whoever sent each, in
        the language they wrote in; the others are left as they were."""
        stories = list(queryset.order_by("pk"))
        rejectable = [story for story in stories if StoryState.REJECTED in STORY_MOVES[story.state]]
        changed = 0
        if rejectable:
            form = RejectForm(request.POST if "apply" in request.POST else None, stories=rejectable)
            if not form.is_valid():
                context = {
                    **self.admin_site.each_context(request),
                    "title": gettext("Reject user stories"),
                    "opts": self.opts,
                    "form": form,
                    "stories": stories,
                    "rejectable": [(story, sent_through(story)) for story in rejectable],
                    "left_alone": len(stories) - len(rejectable),
                    "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
                    "media": self.media + form.media,
                }
                return TemplateResponse(request, "admin/stories/userstory/reject_confirmation.html", context)
            reason = form.cleaned_data["rejection_reason"]
            changed = stories_moderate(
                queryset=queryset, state=StoryState.REJECTED, rejection_reason=reason, by=request.user
            ).changed
        message = ngettext("%(count)d %(items)s was rejected.", "%(count)d %(items)s were rejected.", changed)
        items = model_name_for_count(self.opts, changed)
        self.message_user(request, message % {"count": changed, "items": items}, messages.SUCCESS)
        self._report_left_alone(request, queryset, changed)
        return None

    @admin.action(description=_("Erase the submitter's personal information"), permissions=["erase_submitter"])
    def erase_submitters(self, request, queryset):
        """Asks for confirmation (a page of its own, as deleting does), then erases the
        name and e-mail address of whoever sent each selected story, in the story and its
        history (``stories_erase_submitters``); the stories stay."""
        if request.POST.get("post") != "yes":
            context = {
                **self.admin_site.each_context(request),
                "title": gettext("Erase the submitter's personal information"),
                "opts": self.opts,
                "stories": list(queryset.order_by("pk")),
                "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
                "media": self.media,
            }
            return TemplateResponse(request, "admin/stories/userstory/erase_submitters_confirmation.html", context)
        selected = queryset.count()
        erased = stories_erase_submitters(queryset=queryset, by=request.user).stories
        message = ngettext(
            "The submitter's personal information was erased from %(count)d %(items)s.",
            "The submitters' personal information was erased from %(count)d %(items)s.",
            erased,
        ) % {"count": erased, "items": model_name_for_count(self.opts, erased)}
        self.message_user(request, message, messages.SUCCESS if erased else messages.INFO)
        if left_alone := selected - erased:
            message = ngettext(
                "%(count)d selected story held no personal information of its submitter and was left as it was.",
                "%(count)d selected stories held no personal information of their submitters and were left as "
                "they were.",
                left_alone,
            ) % {"count": left_alone}
            self.message_user(request, message, messages.WARNING)
        return None

    def delete_model(self, request, obj):
        story_delete(story=obj, by=request.user)

    def delete_queryset(self, request, queryset):
        stories_delete(queryset=queryset, by=request.user)

    def _report_left_alone(self, request, queryset, handled):
        """A warning for the selected stories the action did not concern (``handled``: those
        it moved, or refused with a message of their own)."""
        left_alone = queryset.count() - handled
        if left_alone:
            message = ngettext(
                "%(count)d story was already published or rejected and was left as it was.",
                "%(count)d stories were already published or rejected and were left as they were.",
                left_alone,
            ) % {"count": left_alone}
            self.message_user(request, message, messages.WARNING)
