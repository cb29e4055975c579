"""The two queues and beat, on a Redis of the test's own with real Celery processes sharing
the test database (tests/ops/faults.py, the broker, media and workers fixtures of
tests/ops/conftest.py):

- the link check goes to the long queue's worker, and the default worker runs a sweep
  meanwhile (before, both shared the default queue's slots);
- at its soft time limit the link check stops on its worker, cleanly: before, its hosts'
  threads went on until the hard time limit killed the pool's process;
- beat records the sweep it sends, which is what `check_beat` and /readyz read.

Each link check of the workers here takes COGWG_TEST_SLOW_LINK_SECONDS and leaves nothing
of this machine (tests/ops/fault_worker.py)."""

import datetime
import io
import json

import pytest
import redis
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone
from django_celery_beat.models import IntervalSchedule, PeriodicTask

from cogwg.health import beat_status
from cogwg.models import LinkCheck
from cogwg.notification_tasks import sweep_pending_emails
from cogwg.tasks import check_links
from tests.factories import AccomplishmentLinkFactory
from tests.ops.faults import Beat, Worker, wait_for

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]

EMAILS_SWEEP = "cogwg.notification_tasks.sweep_pending_emails"


@pytest.fixture
def start(broker, media_root, workers, tmp_path):
    """Start a worker (or beat) on the test's broker; stopped at the test's end."""

    def start(kind=Worker, *, name, slow_link_seconds=0, **options):
        process = kind(
            broker_url=broker.url,
            media_root=media_root,
            log_path=tmp_path / f"{name}.log",
            env={"COGWG_TEST_SLOW_LINK_SECONDS": str(slow_link_seconds)},
            **options,
        )
        workers.append(process)
        return process.start()

    return start


def links(hosts, per_host):
    for host in range(hosts):
        for number in range(per_host):
            AccomplishmentLinkFactory(url=f"https://host{host}.example.org/page-{number}")


def logged(worker, text):
    return text in worker.log_text()


def test_the_link_check_runs_on_the_long_queue_s_worker_and_the_default_one_stays_free(start):
    links(hosts=4, per_host=25)  # 25 checks of 0.2 s on each host: 5 s
    default = start(name="default", queues="celery")
    long = start(name="long", queues="long", pool="prefork", slow_link_seconds=0.2)

    # When the weekly link check is sent (as beat sends it: the routes decide),
    run = check_links.delay()
    wait_for(lambda: logged(long, f"cogwg.tasks.check_links[{run.id}] received"), message="long worker took it")

    # then a sweep sent meanwhile is done by the default worker while the check goes on,
    sweep = sweep_pending_emails.delay(0)
    wait_for(
        lambda: logged(default, f"{EMAILS_SWEEP}[{sweep.id}] succeeded"), message=f"sweep done\n{default.log_text()}"
    )
    assert not logged(long, f"cogwg.tasks.check_links[{run.id}] succeeded")

    # and the check ends, every link checked, on the long queue's worker alone.
    wait_for(lambda: logged(long, f"cogwg.tasks.check_links[{run.id}] succeeded"), message=long.log_text()[-3000:])
    assert LinkCheck.objects.count() == 100
    assert "cogwg.tasks.check_links[" not in default.log_text()
    assert f"{EMAILS_SWEEP}[" not in long.log_text()


def test_at_its_soft_time_limit_the_link_check_stops_before_its_hard_limit(start):
    links(hosts=4, per_host=20)  # 20 checks of 0.3 s on each host: 6 s, past the hard limit
    long = start(name="long", queues="long", pool="prefork", slow_link_seconds=0.3)

    run = check_links.apply_async(soft_time_limit=1, time_limit=4)

    ended = f"cogwg.tasks.check_links[{run.id}] raised unexpected"
    killed = f"Hard time limit (4s) exceeded for cogwg.tasks.check_links[{run.id}]"
    wait_for(lambda: logged(long, ended) or logged(long, killed), message=long.log_text()[-3000:])
    log = long.log_text()
    assert f"Soft time limit (1s) exceeded for cogwg.tasks.check_links[{run.id}]" in log
    assert f"{ended}: SoftTimeLimitExceeded" in log
    assert killed not in log
    assert LinkCheck.objects.count() < 80


def ago(minutes):
    return timezone.now() - datetime.timedelta(minutes=minutes)


def test_beat_records_the_sweep_it_sends_and_is_then_seen_alive(start, broker, settings):
    settings.CELERY_TASK_ALWAYS_EAGER, settings.CELERY_BROKER_URL = False, broker.url
    # Given beat stopped an hour ago, its sweep last sent then,
    every, _ = IntervalSchedule.objects.get_or_create(every=300, period=IntervalSchedule.SECONDS)
    PeriodicTask.objects.create(name="sweep-pending-emails", task=EMAILS_SWEEP, interval=every)
    PeriodicTask.objects.update(last_run_at=ago(60))
    assert beat_status().status == "stale"
    with pytest.raises(CommandError, match="beat stale: last sweep 60 min ago"):
        call_command("check_beat")

    # when beat starts again,
    started = timezone.now()
    start(Beat, name="beat")

    # then it sends the sweep at once and records it in the database,
    def recorded():
        return PeriodicTask.objects.get(name="sweep-pending-emails").last_run_at >= started

    wait_for(recorded, message="beat recorded the sweep")
    out = io.StringIO()
    call_command("check_beat", stdout=out)
    assert out.getvalue().startswith("beat ok: last sweep 0 s ago")
    assert beat_status().status == "ok"
    # to the default queue, the one sweep due (the others' time has not come).
    queued = redis.Redis.from_url(broker.url).lrange("celery", 0, -1)
    assert [json.loads(message)["headers"]["task"] for message in queued] == [EMAILS_SWEEP]
