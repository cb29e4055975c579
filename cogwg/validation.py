"""Records the forms would now refuse. A migration that only adds a validator (an e-mail
domain, a longest note, the shape of a jurisdiction's code) changes no row: the rows saved
before it stay as they were, and the first person to edit one meets an error about a field
they did not touch. ``manage.py find_invalid_records`` lists them after an upgrade
(docs/operations.md), so that they are mended first. Not a system check: it reads every
row, and the checks run at every start."""

from dataclasses import dataclass

from django.apps import apps
from django.core.exceptions import ValidationError
from modeltranslation.translator import NotRegistered, translator

from .permissions import PROJECT_APPS


@dataclass(frozen=True)
class InvalidRecord:
    model: type
    pk: object
    label: str
    # {field name, or "__all__" for the record as a whole: [messages]}
    errors: dict


def project_models():
    """The models of the four apps whose rows are edited (no history or link tables)."""
    for label in PROJECT_APPS:
        for model in apps.get_app_config(label).get_models():
            if model._meta.auto_created or model.__name__.startswith("Historical"):
                continue
            yield model


def invalid_records(models=None):
    """Each row of ``models`` (default: ``project_models()``) that its own checks refuse:
    field validators and the model's ``clean()``. Uniqueness and the database's
    constraints are left out: the database holds them already."""
    for model in models or project_models():
        for record in model._default_manager.order_by("pk").iterator(chunk_size=500):
            try:
                record.full_clean(validate_unique=False, validate_constraints=False)
            except ValidationError as error:
                # A translated field's untranslated column is a copy of one of its
                # languages: its error is that language's, said once.
                copies = _translated(model)
                errors = {name: messages for name, messages in error.message_dict.items() if name not in copies}
                yield InvalidRecord(model, record.pk, str(record)[:100], errors)


def _translated(model) -> set[str]:
    try:
        return set(translator.get_options_for_model(model).all_fields)
    except NotRegistered:
        return set()
