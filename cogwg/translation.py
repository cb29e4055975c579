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


@register(StatusReport)
class StatusReportTranslation(TranslationOptions):
    fields = ("title",)


@register(ReportingPeriod)
class ReportingPeriodTranslation(TranslationOptions):
    fields = ("title",)


for model in (Meeting, NextStep, InfoSection, StatusReport, ReportingPeriod):
    track_history(model)
