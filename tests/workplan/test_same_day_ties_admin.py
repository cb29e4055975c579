"""The admin lists a milestone's updates as "latest" means everywhere
(``ProgressUpdate.objects.latest_first``): by report date and, among updates of one day,
the last published first, whichever was written first: in the updates' changelist and
in the milestone's progress log."""

import datetime

import pytest
from django.urls import reverse

from tests.factories import MilestoneFactory
from workplan import services
from workplan.admin_inlines import ProgressLogInline
from workplan.choices import MilestoneStatus

pytestmark = pytest.mark.django_db

DAY = datetime.date(2020, 11, 20)


def post(milestone, progress, *, day=DAY, publish=True):
    return services.milestone_post_update(
        milestone=milestone,
        reported_on=day,
        status=MilestoneStatus.ON_TRACK,
        progress=progress,
        note_en="n",
        note_fr="n",
        publish=publish,
    )


@pytest.fixture
def log():
    """Three updates: two of one day, the one written first published last; then one of
    the day before, published after both."""
    milestone = MilestoneFactory(due_date=datetime.date(2020, 12, 15))
    written_first = post(milestone, 50, publish=False)
    published_first = post(milestone, 30)
    services.progress_update_publish(update=written_first)
    day_before = post(milestone, 20, day=DAY - datetime.timedelta(days=1))
    return milestone, [written_first, published_first, day_before]


def test_the_changelist_lists_the_last_published_of_a_day_first(staff_client, log):
    _milestone, latest_first = log

    response = staff_client.get(reverse("admin:workplan_progressupdate_changelist"))

    assert list(response.context["cl"].result_list) == latest_first
    written_first, published_first, _day_before = response.context["cl"].result_list
    assert written_first.created_at < published_first.created_at
    assert written_first.published_at > published_first.published_at


def test_the_changelist_sorted_by_a_column_breaks_its_ties_the_same_way(staff_client, log):
    _milestone, latest_first = log
    # The column "status" (after the selection box, the milestone and the date): the same
    # for all three.
    status_column = 3

    response = staff_client.get(reverse("admin:workplan_progressupdate_changelist"), {"o": str(status_column)})

    assert list(response.context["cl"].result_list) == latest_first


def test_the_milestone_progress_log_lists_the_last_published_of_a_day_first(staff_client, log):
    milestone, latest_first = log

    page = staff_client.get(reverse("admin:workplan_milestone_change", args=[milestone.pk]))

    (inline,) = [
        inline for inline in page.context["inline_admin_formsets"] if isinstance(inline.opts, ProgressLogInline)
    ]
    assert [form.instance for form in inline.formset.forms] == latest_first
