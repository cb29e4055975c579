"""stories/0011: each story rejected before the reasons were kept gets one that says so,
in its sender's language (English for a story filed in the admin), so that the rule "a
rejected story has a reason, no other story has one" holds for every row; a reason given
since, the other stories and the history are left as they were."""

import datetime
import importlib
from types import SimpleNamespace

import pytest
from django.apps import apps as django_apps
from django.db import connection

from stories.choices import StoryState
from stories.models import UserStory
from tests.cogwg.lifted_checks import check_lifted, rows_breaking
from tests.factories import UserStoryFactory

pytestmark = pytest.mark.django_db

migration = importlib.import_module("stories.migrations.0011_userstory_rejection_reason")
RULE = "stories_userstory_rejected_has_reason"


def fill_in():
    migration.fill_in(django_apps, SimpleNamespace(connection=connection))


def story(language, state=StoryState.REJECTED, **fields):
    return UserStoryFactory(**{"state": state, "published_on": None, "submitter_language": language} | fields)


def test_a_story_rejected_before_reasons_were_kept_gets_one_in_its_senders_language():
    with check_lifted(UserStory, RULE):
        french, english, filed = story("fr"), story("en"), story("")
        reason_given = story("fr", rejection_reason="Hors sujet.")
        submitted = story("fr", state=StoryState.SUBMITTED)
        published = story("", state=StoryState.PUBLISHED, published_on=datetime.date(2020, 6, 1))
        # As the column came: empty for every story (the factory gives rejected ones a reason).
        UserStory.objects.exclude(pk=reason_given.pk).update(rejection_reason="")
        UserStory.history.update(rejection_reason="")
        assert rows_breaking(UserStory, RULE) == [french.pk, english.pk, filed.pk]

    fill_in()

    reasons = dict(UserStory.objects.values_list("pk", "rejection_reason"))
    assert reasons == {
        french.pk: "Rejeté avant que les motifs de rejet soient consignés\u00a0: aucun motif n'a été conservé.",
        english.pk: "Rejected before the reasons for rejections were recorded: no reason was kept.",
        filed.pk: "Rejected before the reasons for rejections were recorded: no reason was kept.",
        reason_given.pk: "Hors sujet.",
        submitted.pk: "",
        published.pk: "",
    }
    assert rows_breaking(UserStory, RULE) == []
    # No reason was given then: the history says so still.
    assert set(UserStory.history.values_list("rejection_reason", flat=True)) == {""}
