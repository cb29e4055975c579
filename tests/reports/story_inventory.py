"""A known set of user stories around a report of the 2020 plan (which starts on 1 January
2020) as of 30 June 2020, whose period starts on 1 March 2020 (the previous report was as
of 29 February): what the inventory counts, and what it must not.

Each story is stored (``created_at``) at noon on its day, in the site's time zone."""

import datetime

from django.utils import timezone

from stories.choices import StoryState
from tests.factories import ThemeFactory, UserStoryFactory

PLAN_START = datetime.date(2020, 1, 1)
PREVIOUS_AS_OF = datetime.date(2020, 2, 29)
PERIOD_START = datetime.date(2020, 3, 1)
AS_OF = datetime.date(2020, 6, 30)

# What the inventory of 30 June 2020 counts, scope by scope.
EXPECTED = {
    "period": {"received": 7, "published": 3},
    "plan": {"received": 9, "published": 3},
    "to_date": {"received": 10, "published": 4},
}


def stored_on(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(12)))


def story(received: datetime.date | None, state=StoryState.SUBMITTED, published_on=None, **kwargs):
    """A story stored on ``received`` (now when None: entered today)."""
    if received is not None:
        kwargs["created_at"] = stored_on(received)
    return UserStoryFactory(state=state, published_on=published_on, **kwargs)


def make_stories() -> dict:
    """The stories, by what each one tests."""
    day = datetime.date
    stories = {
        # Before the plan: in all only.
        "before_the_plan": story(day(2019, 11, 10), StoryState.PUBLISHED, day(2019, 12, 1)),
        # In the plan, before the period: received since the plan began.
        "before_the_period": story(day(2020, 1, 15)),
        # Received before the period, published in it.
        "published_in_the_period": story(day(2020, 2, 10), StoryState.PUBLISHED, day(2020, 3, 5)),
        # The period's first day.
        "on_the_first_day": story(PERIOD_START),
        "received_and_published": story(day(2020, 3, 10), StoryState.PUBLISHED, day(2020, 4, 1)),
        # Published once, taken back under review: received, no longer published.
        "withdrawn": story(day(2020, 3, 12), StoryState.IN_REVIEW, day(2020, 3, 15)),
        # Rejected: received all the same.
        "rejected": story(day(2020, 5, 5), StoryState.REJECTED, rejection_reason="Not about open data."),
        # Published after the report's date: received, not yet published.
        "published_later": story(day(2020, 6, 1), StoryState.PUBLISHED, day(2020, 7, 15)),
        # The report's own day.
        "on_the_last_day": story(AS_OF, StoryState.IN_REVIEW),
        # Entered today, published on 20 April 2020: it was received by then.
        "entered_after_publication": story(None, StoryState.PUBLISHED, day(2020, 4, 20)),
        # After the report's date: not counted at all.
        "after_the_date": story(day(2020, 7, 2), StoryState.APPROVED),
    }
    # Themes: a story counts once, however many themes it has.
    themes = ThemeFactory.create_batch(2)
    for item in stories.values():
        item.themes.set(themes)
    return stories
