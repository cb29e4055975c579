from django.urls import path
from django.utils.translation import gettext_lazy as _

from . import views

app_name = "workplan"

urlpatterns = [
    path(_("work-plan/"), views.WorkPlanView.as_view(), name="current"),
    path(_("work-plan/<slug:slug>/"), views.WorkPlanView.as_view(), name="detail"),
    path(_("work-plan/<slug:plan>/<slug:slug>/"), views.PriorityView.as_view(), name="priority"),
]
