"""A progress update corrected through the API (``PUT``/``PATCH …/progress-updates/{id}/``)
as the admin's correction form corrects it (``ProgressUpdateCorrectionForm``,
workplan/admin_forms.py, and ``ProgressUpdateAdmin``'s read-only fields):

- a draft, or an update returned for changes: its date, status and progress, its note and
  its reporting jurisdiction, checked as posting them is (``progress_update_validate``)
  and by the model's own rules;
- an update submitted for review, by the secretariat only (the admin's page is read-only
  to its contributors: the viewset's 403): its note and its reporting jurisdiction, as
  the secretariat translates a note before publishing it. Its date, status and progress
  are what it reports for review, kept as submitted (``LOGGED_FIELDS``): another value
  is refused, naming the return for changes.

Its milestone, author and publication state stay as they are; an unpublished update does
not move its milestone."""

import copy

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext_lazy as _

from cogwg.api.base import SummaryRelatedField, api_validation_error
from cogwg.api.publication import PUBLICATION_STATE_MOVED
from cogwg.api.summaries import MilestoneSummarySerializer
from cogwg.choices import PublicationState
from cogwg.cycles import progress_update_ensure_unlocked

from ..services import progress_update_validate
from .serializers import ProgressUpdateSerializer

# What posting an update checks (``progress_update_validate``); once the update is
# submitted for review, what it reports, kept as submitted (``ProgressUpdateAdmin``'s
# ``logged_fields``, read-only on its page unless it is a draft or returned).
POSTED_FIELDS = ("reported_on", "status", "progress")
LOGGED_FIELDS = POSTED_FIELDS

MILESTONE_KEPT = _(
    "A progress update stays on its milestone: delete it and post one on the right milestone "
    "(POST /api/v1/progress-updates/)."
)
LOGGED_KEPT = _(
    "An update under review keeps the date, status and progress it was submitted with: the secretariat corrects "
    "its note and its jurisdiction only. To have these corrected, return it for changes (POST …/{id}/return/)."
)
PUBLISH_NOT_CORRECTED = _(
    "Sent only when posting an update: a correction leaves its publication state as it is, moved only by the "
    "actions `submit`, `publish`, `return` and `withdraw`."
)


class ProgressUpdateCorrectionSerializer(ProgressUpdateSerializer):
    """A correction of a progress update that is a draft or returned for changes: its
    `reported_on`, `status`, `progress`, `note_en`, `note_fr` and `jurisdiction`, checked as
    posting an update checks them; of one under review, its `note_en`, `note_fr` and
    `jurisdiction`, its `reported_on`, `status` and `progress` kept as submitted. What is
    not written (`milestone`, `publication_state`, and those kept) is refused (400) with
    another value than the update's, and accepted with the same one; `publish` is refused."""

    moved_message = PUBLICATION_STATE_MOVED

    milestone = SummaryRelatedField(
        MilestoneSummarySerializer,
        read_only=True,
        help_text="The update's milestone, which a correction does not change.",
    )

    class Meta(ProgressUpdateSerializer.Meta):
        fields = tuple(name for name in ProgressUpdateSerializer.Meta.fields if name != "publish")

    @property
    def under_review(self) -> bool:
        return self.instance is not None and self.instance.publication_state == PublicationState.SUBMITTED

    @property
    def moved_fields(self):
        fields = {self.moved_field: self.moved_message, "milestone": MILESTONE_KEPT}
        if self.under_review:
            fields |= dict.fromkeys(LOGGED_FIELDS, LOGGED_KEPT)
        return fields

    def _kept(self, name, data):
        if name == "milestone":
            return self.instance.milestone_id
        return super()._kept(name, data)

    def sent_errors(self, data):
        errors = super().sent_errors(data)
        if "publish" in data:
            errors["publish"] = [PUBLISH_NOT_CORRECTED]
        return errors

    def validate(self, attrs):
        """The update as corrected, judged as the admin's correction form judges it: not
        one of a closed reporting period (cogwg/cycles.py); its date, status and progress
        as posting them (``progress_update_validate``, on its milestone as it now is),
        unless it is under review (they are kept as submitted, and its page does not check
        them again); then the model's rules on the fields not refused already (a note's
        length, its languages)."""
        update = self.instance
        try:
            progress_update_ensure_unlocked(update)
        except DjangoValidationError as error:
            raise api_validation_error(error) from error
        errors = {}
        if not self.under_review:
            corrected = {name: attrs.get(name, getattr(update, name)) for name in POSTED_FIELDS}
            try:
                progress_update_validate(milestone=update.milestone, **corrected)
            except DjangoValidationError as error:
                errors = error.update_error_dict(errors)
        record = copy.copy(update)
        for name, value in attrs.items():
            setattr(record, name, value)
        try:
            record.full_clean(exclude=[name for name in errors if name != "__all__"], validate_constraints=not errors)
        except DjangoValidationError as error:
            errors = error.update_error_dict(errors)
        if errors:
            raise api_validation_error(DjangoValidationError(errors))
        return attrs

    def update(self, instance, validated_data):
        # Its history says who corrected it; its author stays whoever posted it.
        request = self.context.get("request")
        instance._history_user = getattr(request, "user", None)
        return super().update(instance, validated_data)
