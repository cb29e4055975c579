"""Writes shared by every app: the review before publishing, and publishing.

A record of a ``PublishableModel`` goes draft → submitted → published, or is returned
with a comment and submitted again. A contributor submits (the secretariat is e-mailed);
the secretariat publishes or returns it (the submitter is e-mailed). Progress updates are
published through ``workplan.services.progress_update_publish``, which moves their
milestone.

Their rows are locked in one order (``rows_lock``): those of the work plan's tables (a
work plan, reporting period, priority, seat, milestone or progress update) after their
ancestors (workplan/services.py's lock order, documented there), others by primary key.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from . import notifications
from .choices import PublicationState

SUBMITTABLE_STATES = (PublicationState.DRAFT, PublicationState.RETURNED)


def rows_lock(queryset) -> None:
    """Lock the rows of ``queryset`` (a plain filter of a model's rows: PostgreSQL refuses
    ``SELECT … FOR UPDATE`` on a DISTINCT or on the nullable side of an outer join) until
    the transaction ends, in the lock order of writes: those of the work plan's tables
    (``workplan.services.LOCK_ORDER``) after their ancestors (``records_lock``: an update
    after its plan, priority and milestone, a seat after its plan and priority, a
    reporting period after its plan), others by primary key."""
    from workplan.services import LOCK_ORDER, records_lock  # workplan/services.py imports this module

    if queryset.model in LOCK_ORDER:
        records_lock(model=queryset.model, pks=list(queryset.values_list("pk", flat=True)))
    else:
        list(queryset.order_by("pk").select_for_update().values_list("pk", flat=True))


def row_locked(queryset):
    """The first row of ``queryset`` (a plain filter), None if none, read locked until the
    transaction ends in the lock order of writes (``rows_lock``): in one query but for the
    work plan's tables (periods and seats included), whose rows are locked after their
    ancestors'. (In one query, an ordering that joins a row's parents locks them too,
    after the row: a seat's, by its priority and plan, did before seats had their place.)"""
    from workplan.services import LOCK_ORDER  # workplan/services.py imports this module

    if queryset.model in LOCK_ORDER:
        rows_lock(queryset)
        return queryset.first()
    return queryset.select_for_update().first()


def _locked(queryset):
    """The rows of ``queryset`` re-selected by primary key (the lock is then taken on a
    plain query: ``rows_lock``), to be locked in that order as they are read."""
    return (
        queryset.model._default_manager.filter(pk__in=list(queryset.values_list("pk", flat=True)))
        .order_by("pk")
        .select_for_update()
    )


def _locked_record(record):
    """``record`` read again, locked (``row_locked``); a progress update of a closed
    reporting period is refused (ValidationError): its review is over."""
    from workplan.models import ProgressUpdate

    from .cycles import progress_update_ensure_unlocked

    model = type(record)
    record = row_locked(model._default_manager.filter(pk=record.pk))
    if record is None:
        raise model.DoesNotExist(f"{model._meta.object_name} matching query does not exist.")
    if isinstance(record, ProgressUpdate):
        progress_update_ensure_unlocked(record)
    return record


@transaction.atomic
def record_submit(*, record, by=None):
    """Submit a draft or returned record for review; the secretariat is e-mailed once this
    commits. Returns the record as saved.

    The submitter (``submitted_by``) is whom the review's e-mails reach. A member of the
    secretariat who submits a record (the change form, the "Submit selected" action, the
    API) leaves it as it was: the contributor who submitted it before, or none, and the
    e-mails then reach its author (cogwg/notifications.py). The history names who did."""
    from .permissions import is_secretariat  # cogwg/permissions.py imports the apps' models

    record = _locked_record(record)
    if record.publication_state not in SUBMITTABLE_STATES:
        raise ValidationError(_("Only a draft, or a record returned for changes, can be submitted for review."))
    record.publication_state = PublicationState.SUBMITTED
    record.submitted_at = timezone.now()
    if not is_secretariat(by):
        record.submitted_by = by
    record._history_user = by
    record.save(update_fields=["publication_state", "submitted_at", "submitted_by", "modified_at"])
    notifications.enqueue(event=notifications.SUBMITTED, record=record)
    return record


@transaction.atomic
def record_return(*, record, comment: str, by=None):
    """Return a submitted record to its contributor for changes, saying why; they are
    e-mailed the comment once this commits. Returns the record as saved. A progress update
    that closing its reporting period left submitted is refused
    (``progress_update_ensure_returnable``): returned, it would be locked with its period."""
    from workplan.models import ProgressUpdate

    from .cycles import progress_update_ensure_returnable

    comment = (comment or "").strip()
    if not comment:
        raise ValidationError({"comment": _("Say what should change before returning it.")})
    record = _locked_record(record)
    if record.publication_state != PublicationState.SUBMITTED:
        raise ValidationError(_("Only a record submitted for review can be returned for changes."))
    if isinstance(record, ProgressUpdate):
        progress_update_ensure_returnable(record)
    record.publication_state = PublicationState.RETURNED
    record.review_comment = comment
    record._history_user = by
    record.save(update_fields=["publication_state", "review_comment", "modified_at"])
    notifications.enqueue(event=notifications.RETURNED, record=record)
    return record


def record_publish(*, record, by=None):
    """Publish one record, whatever its review state; returns it as saved."""
    from workplan.models import ProgressUpdate
    from workplan.services import progress_update_publish

    if isinstance(record, ProgressUpdate):
        return progress_update_publish(update=record, by=by)
    records_publish(queryset=type(record)._default_manager.filter(pk=record.pk), by=by)
    return type(record)._default_manager.get(pk=record.pk)


def publication_missing(record) -> list[str]:
    """Each text ``record`` lacks in a language to be published ("note in French"), in
    the active language (``PublishableModel.publication_gaps``); empty when it may be."""
    in_language = {"en": _("%(field)s in English"), "fr": _("%(field)s in French")}
    return [
        in_language[language] % {"field": record._meta.get_field(text).verbose_name}
        for text, _sep, language in (name.rpartition("_") for name in record.publication_gaps())
    ]


def publication_refusals(records) -> list[str]:
    """One message per record of ``records`` that may not be published, naming it and
    each text it lacks in a language (``publication_missing``), in the active language:
    a published record shows its texts in both official languages."""
    refusals = []
    for record in records:
        if missing := publication_missing(record):
            refusals.append(
                _(
                    "“%(record)s” cannot be published: a published record shows its texts in both official "
                    "languages, and it lacks: %(missing)s."
                )
                % {"record": record, "missing": ", ".join(missing)}
            )
    return refusals


@transaction.atomic
def records_publish(*, queryset, by=None) -> int:
    """Publish every record of ``queryset`` (a PublishableModel queryset) that is not yet
    published; returns how many changed. Each record is saved on its own so that its
    history shows who published it, and whoever submitted it is e-mailed.

    Raises ValidationError, and publishes none of them, when any lacks one of its texts
    in a language (``publication_refusals``: one message per such record)."""
    records = list(_locked(queryset).exclude(publication_state=PublicationState.PUBLISHED))
    if refusals := publication_refusals(records):
        raise ValidationError(refusals, code="missing_translation")
    changed = 0
    now = timezone.now()
    for record in records:
        record.publication_state = PublicationState.PUBLISHED
        record.published_at = now
        record._history_user = by
        record.save(update_fields=["publication_state", "published_at", "modified_at"])
        if record.submitted_by_id is not None:
            notifications.enqueue(event=notifications.PUBLISHED, record=record)
        changed += 1
    return changed


@transaction.atomic
def records_unpublish(*, queryset, by=None) -> int:
    """Take published records back to draft; returns how many changed."""
    changed = 0
    for record in _locked(queryset).filter(publication_state=PublicationState.PUBLISHED):
        record.publication_state = PublicationState.DRAFT
        record.published_at = None
        record._history_user = by
        record.save(update_fields=["publication_state", "published_at", "modified_at"])
        changed += 1
    return changed
