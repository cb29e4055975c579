from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter()
router.register("jurisdictions", views.JurisdictionViewSet, basename="jurisdiction")
router.register("accomplishments", views.AccomplishmentViewSet, basename="accomplishment")
router.register("challenges", views.ChallengeViewSet, basename="challenge")

urlpatterns = router.urls
