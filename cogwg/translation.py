"""Translated fields (English and French columns) and, right after them, edit history.

History is registered here rather than with ``HistoricalRecords()`` on the model: the
historical tables must be built once modeltranslation has added the ``_en``/``_fr``
columns, or the French text would not be kept in the history.
"""

from modeltranslation.translator import TranslationOptions, register
from simple_history import register as track_history

from .models import InfoSection, Meeting, NextStep, ReportingPeriod, StatusReport


@register(Meeting)
class MeetingTranslation(TranslationOptions):
    fields = ("title", "purpose")


@register(NextStep)
class NextStepTranslation(TranslationOptions):
    fields = ("text",)


@register(InfoSection)
class InfoSectionTranslation(TranslationOptions):
    fields = ("title", "intro", "body")


# A report's and a period's title is in both official languages: French dashboards,
# e-mails and the French files of a frozen report show it, and never change after.
@register(StatusReport)
class StatusReportTranslation(TranslationOptions):
    fields = ("title",)
    required_languages = ("en", "fr")


@register(ReportingPeriod)
class ReportingPeriodTranslation(TranslationOptions):
    fields = ("title",)
    required_languages = ("en", "fr")


for model in (Meeting, NextStep, InfoSection, StatusReport, ReportingPeriod):
    track_history(model)
