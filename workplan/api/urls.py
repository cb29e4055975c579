from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter()
router.register("work-plans", views.WorkPlanViewSet, basename="work-plan")
router.register("priorities", views.PriorityViewSet, basename="priority")
router.register("milestones", views.MilestoneViewSet, basename="milestone")
router.register("progress-updates", views.ProgressUpdateViewSet, basename="progress-update")

urlpatterns = router.urls
