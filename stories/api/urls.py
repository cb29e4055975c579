from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter()
router.register("stories", views.UserStoryViewSet, basename="story")
router.register("datasets", views.DatasetViewSet, basename="dataset")

urlpatterns = router.urls
