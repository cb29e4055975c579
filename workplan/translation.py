"""Translated fields, then history (see cogwg/translation.py for why here)."""

from modeltranslation.translator import TranslationOptions, register
from simple_history import register as track_history

from .models import Assignment, Milestone, Priority, ProgressUpdate, WorkPlan


@register(WorkPlan)
class WorkPlanTranslation(TranslationOptions):
    fields = ("title", "summary")


@register(Priority)
class PriorityTranslation(TranslationOptions):
    fields = ("title", "issue", "consequences", "outcome", "results")


@register(Assignment)
class AssignmentTranslation(TranslationOptions):
    fields = ("organization",)


@register(Milestone)
class MilestoneTranslation(TranslationOptions):
    fields = ("description",)


@register(ProgressUpdate)
class ProgressUpdateTranslation(TranslationOptions):
    fields = ("note",)


for model in (WorkPlan, Priority, Assignment, Milestone, ProgressUpdate):
    track_history(model)
