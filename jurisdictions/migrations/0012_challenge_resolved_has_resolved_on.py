"""A resolved challenge has its "resolved on" date: Challenge.clean has asked for it since
28 November 2026, and the database now holds to it.

A resolved challenge stored without its date before then is dated first, from what was
recorded rather than a guess: the day (in the site's time zone) its history shows it
becoming resolved, the start of its last spell as resolved; without such a history row
(a challenge loaded or changed outside the tracked forms), the day it was last modified.
Never before the day it was first reported (at a meeting or on a date, the later, as
clean() and 0010 have it), nor after today, unless it was first reported on a day still
to come (then that day, which 0010 requires). The history is left as it is, like 0009.

Unapplying it drops the constraint only: the dates given stay."""

import datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import migrations, models
from django.utils import timezone

RESOLVED = "resolved"
CHUNK = 500


def local_day(moment: datetime.datetime) -> datetime.date:
    return moment.astimezone(ZoneInfo(settings.TIME_ZONE)).date()


def became_resolved(rows) -> dict:
    """{challenge id: the moment its last spell as resolved began} from its history rows
    (id, status, history_date), read in the order they were recorded."""
    began = {}
    for pk, status, moment in rows:
        if status != RESOLVED:
            began.pop(pk, None)
        elif pk not in began:
            began[pk] = moment
    return began


def resolution_day(challenge, moment, today: datetime.date) -> datetime.date:
    day = min(local_day(moment), today)
    reported = [challenge.first_reported_on]
    if challenge.first_reported_at_id is not None:
        reported.append(challenge.first_reported_at.date)
    return max([day, *filter(None, reported)])


def date_resolved_challenges(apps, schema_editor):
    Challenge = apps.get_model("jurisdictions", "Challenge")
    HistoricalChallenge = apps.get_model("jurisdictions", "HistoricalChallenge")
    undated = list(
        Challenge.objects.filter(status=RESOLVED, resolved_on__isnull=True)
        .select_related("first_reported_at")
        .only("pk", "modified_at", "first_reported_on", "first_reported_at__date")
        .order_by("pk")
    )
    today = local_day(timezone.now())
    days = {}
    for start in range(0, len(undated), CHUNK):
        chunk = undated[start : start + CHUNK]
        history = (
            HistoricalChallenge.objects.filter(id__in=[challenge.pk for challenge in chunk])
            .order_by("id", "history_date", "history_id")
            .values_list("id", "status", "history_date")
        )
        began = became_resolved(history.iterator(chunk_size=2000))
        for challenge in chunk:
            moment = began.get(challenge.pk, challenge.modified_at)
            days.setdefault(resolution_day(challenge, moment, today), []).append(challenge.pk)
    for day, pks in days.items():
        for start in range(0, len(pks), CHUNK):
            Challenge.objects.filter(pk__in=pks[start : start + CHUNK]).update(resolved_on=day)


class Migration(migrations.Migration):
    dependencies = [
        ("cogwg", "0010_reminder_claims_and_period_deadline"),
        ("jurisdictions", "0011_title_in_either_language"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RunPython(date_resolved_challenges, migrations.RunPython.noop, elidable=True),
        migrations.AddConstraint(
            model_name="challenge",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("status", "resolved"), _negated=True), ("resolved_on__isnull", False), _connector="OR"
                ),
                name="jurisdictions_challenge_resolved_has_resolved_on",
                violation_error_code="resolved_without_date",
                violation_error_message=(
                    "A resolved challenge has a resolution date: enter its “resolved on” date, or choose another "
                    "status."
                ),
            ),
        ),
    ]
