from django.urls import path
from django.utils.translation import gettext_lazy as _

from . import views

app_name = "stories"

urlpatterns = [
    path(_("user-stories/"), views.StoryListView.as_view(), name="list"),
    path(_("user-stories/submit/"), views.StorySubmitView.as_view(), name="submit"),
    path(_("user-stories/submit/thank-you/"), views.StorySubmittedView.as_view(), name="submitted"),
    path(_("user-stories/<slug:slug>/"), views.StoryDetailView.as_view(), name="detail"),
]
