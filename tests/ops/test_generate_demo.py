"""``manage.py generate_demo --scale N`` (cogwg/demo/generate.py)."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from cogwg.choices import PublicationState
from cogwg.demo.generate import generate, remove_generated
from jurisdictions.models import Accomplishment, AccomplishmentLink, Challenge, Jurisdiction
from stories.choices import StoryState
from stories.models import Dataset, Theme, UserStory
from tests.factories import MilestoneFactory, UserStoryFactory, WorkPlanFactory
from workplan.choices import MilestoneStatus
from workplan.models import Assignment, Milestone, Priority, ProgressUpdate, WorkPlan

pytestmark = pytest.mark.django_db


def snapshot():
    """What a run made, in an order that does not depend on primary keys."""
    return {
        "counts": {
            model._meta.label: model.objects.count()
            for model in (
                WorkPlan,
                Priority,
                Assignment,
                Milestone,
                ProgressUpdate,
                Accomplishment,
                AccomplishmentLink,
                Challenge,
                Dataset,
                UserStory,
                Theme,
                Jurisdiction,
            )
        },
        "plans": sorted(WorkPlan.objects.values_list("slug", "title_en", "title_fr")),
        "priorities": sorted(Priority.objects.values_list("work_plan__slug", "number", "title_en")),
        "seats": sorted(
            Assignment.objects.values_list(
                "priority__work_plan__slug", "priority__number", "order", "jurisdiction__code"
            )
        ),
        "milestones": sorted(
            Milestone.objects.values_list(
                "priority__work_plan__slug", "priority__number", "order", "status", "progress", "completed_on"
            )
        ),
        "updates": sorted(
            ProgressUpdate.objects.values_list(
                "milestone__priority__work_plan__slug",
                "milestone__priority__number",
                "milestone__order",
                "reported_on",
                "status",
                "progress",
                "publication_state",
            )
        ),
        "accomplishments": sorted(Accomplishment.objects.values_list("title_en", "title_fr", "date")),
        "challenges": sorted(Challenge.objects.values_list("title_en", "status")),
        "datasets": sorted(Dataset.objects.values_list("ckan_id", "title_en")),
        "stories": sorted(UserStory.objects.values_list("slug", "title_en", "title_fr", "state")),
        "story_themes": sorted(UserStory.themes.through.objects.values_list("userstory__slug", "theme__slug")),
    }


def test_scale_2_makes_twice_the_2020_plan():
    counts = generate(scale=2)

    assert WorkPlan.objects.count() == 2
    assert Priority.objects.count() == 2 * 5
    assert Assignment.objects.count() == 2 * 12
    assert Milestone.objects.count() == 2 * 21
    assert Accomplishment.objects.count() == 2 * 6
    assert AccomplishmentLink.objects.count() == 2 * 6
    assert Challenge.objects.count() == 2 * 4
    assert Dataset.objects.count() == 2 * 10
    assert UserStory.objects.count() == 2 * 6
    assert Theme.objects.count() == 8
    assert Jurisdiction.objects.count() == 14
    assert ProgressUpdate.objects.count() == counts["workplan.ProgressUpdate"]
    # Every milestone has a history of one to four updates.
    assert 42 <= counts["workplan.ProgressUpdate"] <= 4 * 42
    assert not Milestone.objects.filter(updates__isnull=True).exists()
    assert sorted(WorkPlan.objects.values_list("slug", flat=True)) == ["gen-001", "gen-002"]


def test_the_same_scale_gives_the_same_data_twice():
    generate(scale=2)
    first = snapshot()
    remove_generated()

    generate(scale=2)

    assert snapshot() == first


def test_scale_2_is_the_first_two_plans_of_scale_3():
    generate(scale=2)
    two = snapshot()["updates"]
    remove_generated()

    generate(scale=3)

    assert [row for row in snapshot()["updates"] if row[0] != "gen-003"] == two


def test_milestones_follow_their_latest_published_update():
    generate(scale=2)

    for milestone in Milestone.objects.prefetch_related("updates"):
        published = [u for u in milestone.updates.all() if u.publication_state == PublicationState.PUBLISHED]
        latest = max(published, key=lambda u: u.reported_on)
        assert (milestone.status, milestone.progress) == (latest.status, latest.progress)
        if milestone.status == MilestoneStatus.COMPLETED:
            assert milestone.completed_on == latest.reported_on
        else:
            assert milestone.completed_on is None
    assert not ProgressUpdate.objects.filter(status=MilestoneStatus.COMPLETED).exclude(progress=100).exists()
    assert not UserStory.objects.filter(state=StoryState.PUBLISHED, published_on__isnull=True).exists()


def test_generated_rows_have_a_history_record():
    generate(scale=1)

    assert WorkPlan.history.filter(history_type="+").count() == 1
    assert ProgressUpdate.history.count() == ProgressUpdate.objects.count()


def test_removing_generated_data_keeps_real_data():
    real_plan = WorkPlanFactory(slug="2020")
    real_story = UserStoryFactory(release=MilestoneFactory(priority__work_plan=real_plan))
    generate(scale=2)

    remove_generated()

    assert list(WorkPlan.objects.all()) == [real_plan]
    assert list(UserStory.objects.all()) == [real_story]
    assert Milestone.objects.count() == 1
    assert Jurisdiction.objects.count() == 14
    assert Theme.objects.count() == 8


def test_command_is_idempotent():
    call_command("generate_demo", "--scale", "2", stdout=StringIO())
    before = snapshot()
    out = StringIO()

    call_command("generate_demo", "--scale", "2", stdout=out)

    assert "nothing to do" in out.getvalue()
    assert snapshot() == before


def test_command_refuses_another_scale_without_reset():
    call_command("generate_demo", "--scale", "1", stdout=StringIO())

    with pytest.raises(CommandError, match="--reset"):
        call_command("generate_demo", "--scale", "2", stdout=StringIO())

    assert WorkPlan.objects.count() == 1


def test_command_reset_replaces_the_generated_data():
    call_command("generate_demo", "--scale", "1", stdout=StringIO())

    call_command("generate_demo", "--scale", "2", "--reset", stdout=StringIO())

    assert sorted(WorkPlan.objects.values_list("slug", flat=True)) == ["gen-001", "gen-002"]


def test_command_rejects_a_scale_below_1():
    with pytest.raises(CommandError):
        call_command("generate_demo", "--scale", "0", stdout=StringIO())

    assert not WorkPlan.objects.exists()
