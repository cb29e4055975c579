from django.urls import path
from django.utils.translation import gettext_lazy as _

from . import views

app_name = "jurisdictions"

urlpatterns = [
    path(_("jurisdictions/"), views.JurisdictionListView.as_view(), name="list"),
    path(_("jurisdictions/<slug:code>/"), views.JurisdictionDetailView.as_view(), name="detail"),
    path(_("accomplishments/"), views.AccomplishmentListView.as_view(), name="accomplishments"),
    path(_("challenges/"), views.ChallengeListView.as_view(), name="challenges"),
]
