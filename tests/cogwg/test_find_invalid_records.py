"""``manage.py find_invalid_records``: after an upgrade, the rows saved before a validator
was added that the forms would now refuse, each with what is wrong."""

import io

import pytest
from django.core.management import CommandError, call_command

from stories.models import UserStory
from tests.factories import ProgressUpdateFactory, UserStoryFactory
from workplan.models import ProgressUpdate

pytestmark = pytest.mark.django_db


def run():
    out = io.StringIO()
    try:
        call_command("find_invalid_records", stdout=out)
    except CommandError as error:
        return out.getvalue(), str(error)
    return out.getvalue(), None


def test_records_saved_before_a_validator_are_listed_with_what_is_wrong():
    story = UserStoryFactory(title_en="Bus data")
    update = ProgressUpdateFactory()
    UserStoryFactory(title_en="Fine")
    # As they were saved before the validators (stories/0008, workplan/0004).
    UserStory.objects.filter(pk=story.pk).update(submitter_email="jane@intranet")
    ProgressUpdate.objects.filter(pk=update.pk).update(note_en="x" * 5001)

    out, error = run()

    (story_line,) = [line for line in out.splitlines() if line.startswith("stories.UserStory")]
    (update_line,) = [line for line in out.splitlines() if line.startswith("workplan.ProgressUpdate")]
    assert len(out.splitlines()) == 2
    assert story_line == f"stories.UserStory #{story.pk} (Bus data): submitter_email: Enter a valid email address."
    assert update_line.startswith(f"workplan.ProgressUpdate #{update.pk} (")
    assert update_line.endswith("note_en: Ensure this value has at most 5000 characters (it has 5001).")
    assert error == "2 records would be refused by their forms: mend them first."


def test_a_database_whose_records_all_pass_says_so():
    UserStoryFactory()
    ProgressUpdateFactory()

    assert run() == ("Every record passes its checks.\n", None)
