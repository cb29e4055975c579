"""Records whose public page has a slug in each official language: ``slug`` (the English
page's, and the French page's while ``slug_fr`` is empty) and ``slug_fr``. A priority's
and a story's page answer at either slug and send the other language's to their own."""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import translation

FRENCH = "fr"


def page_slug(slug: str, slug_fr: str, language: str | None = None) -> str:
    """The slug of a page in ``language`` (the active one by default): its French slug in
    French where it has one, else its slug. From the two columns, for rows read as values."""
    if (language or translation.get_language()) == FRENCH and slug_fr:
        return slug_fr
    return slug


class BilingualSlugsMixin:
    """For a model with ``slug`` and ``slug_fr``: a slug that another record of its scope
    (``slug_rivals``) has, in either language, is refused next to its field with
    ``slug_taken_message``. The database's constraints keep each language's slugs apart;
    across languages they cannot, and old links to French pages carry English slugs."""

    slug_taken_message = ""

    def slug_rivals(self, exclude) -> models.QuerySet | None:
        """The records whose slugs this one's may not take; None when it cannot be told
        yet (a field of the scope is excluded or empty)."""
        raise NotImplementedError

    def validate_constraints(self, exclude=None):
        exclude = set(exclude or ())
        errors = self._taken_slugs(exclude)
        try:
            super().validate_constraints(exclude=exclude | errors.keys())
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        if errors:
            raise ValidationError(errors)

    def _taken_slugs(self, exclude):
        names = [name for name in ("slug", "slug_fr") if name not in exclude and getattr(self, name)]
        others = self.slug_rivals(exclude) if names else None
        if others is None:
            return {}
        if not self._state.adding and self.pk is not None:
            others = others.exclude(pk=self.pk)
        slugs = {getattr(self, name) for name in names}
        clashes = others.filter(models.Q(slug__in=slugs) | models.Q(slug_fr__in=slugs)).values_list("slug", "slug_fr")
        taken = {slug for row in clashes for slug in row}
        return {
            name: [ValidationError(self.slug_taken_message, code="slug_taken")]
            for name in names
            if getattr(self, name) in taken
        }

    def slug_in(self, language: str) -> str:
        """The slug of its page in ``language``."""
        return page_slug(self.slug, self.slug_fr, language)

    @property
    def page_slug(self) -> str:
        """The slug of its page in the active language."""
        return page_slug(self.slug, self.slug_fr)
