"""The weekly link check stops at its soft time limit. Celery raises SoftTimeLimitExceeded
in the task's thread only (a signal handler, as here); the hosts' threads must stop with
it. Before, leaving the thread pool waited for every link of every host to be checked,
the exception held back until then, and the hard time limit killed the worker's process
first."""

import datetime
import signal
import threading
import time

import pytest
from celery.exceptions import SoftTimeLimitExceeded
from django.utils import timezone

from cogwg import linkcheck, tasks
from cogwg.choices import LinkStatus
from cogwg.models import LinkCheck
from tests.factories import AccomplishmentLinkFactory

pytestmark = pytest.mark.django_db

HOSTS = 4
LINKS_PER_HOST = 30
CHECK_SECONDS = 0.05
SOFT_LIMIT_SECONDS = 0.3


@pytest.fixture
def slow_links(monkeypatch, settings):
    """Links on four hosts, each check taking CHECK_SECONDS, none leaving this machine."""
    settings.COGWG_LINKCHECK_DELAY = 0.02
    for host in range(HOSTS):
        for number in range(LINKS_PER_HOST):
            AccomplishmentLinkFactory(url=f"https://host{host}.example.org/page-{number}")
    checked = []

    def check_url(url, *, session=None):
        checked.append(url)
        time.sleep(CHECK_SECONDS)
        return linkcheck.LinkResult(url, LinkStatus.OK, 200)

    monkeypatch.setattr(linkcheck, "check_url", check_url)
    return checked


@pytest.fixture
def soft_time_limit():
    """SoftTimeLimitExceeded raised in this thread after SOFT_LIMIT_SECONDS, as Celery's
    prefork pool raises it (from a signal handler) in the process running the task."""

    def expire(signum, frame):
        raise SoftTimeLimitExceeded()

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, SOFT_LIMIT_SECONDS)
    yield
    signal.setitimer(signal.ITIMER_REAL, 0)
    signal.signal(signal.SIGALRM, previous)


def test_the_soft_time_limit_stops_every_host_s_checks_within_a_request_s_time(slow_links, soft_time_limit):
    old = LinkCheck.objects.create(
        url="https://gone.example.org/",
        status=LinkStatus.OK,
        status_code=200,
        checked_at=timezone.now() - datetime.timedelta(days=7),
    )
    threads_before = threading.active_count()

    with pytest.raises(SoftTimeLimitExceeded):
        tasks.check_links.run()

    # The task ends at once, not once all 120 links are checked (3 s and more): each
    # host's thread stopped after the check under way, and none goes on afterwards,
    checked = len(slow_links)
    assert checked < HOSTS * LINKS_PER_HOST // 3, checked
    time.sleep(3 * CHECK_SECONDS)
    assert len(slow_links) == checked
    assert threading.active_count() == threads_before
    # and a run cut short deletes no check of a link it did not reach.
    assert LinkCheck.objects.filter(pk=old.pk).exists()


def test_a_run_within_its_time_checks_every_link(slow_links, settings):
    settings.COGWG_LINKCHECK_DELAY = 0
    counts = tasks.check_links.run()

    assert counts == {LinkStatus.OK: HOSTS * LINKS_PER_HOST}
    assert sorted(set(slow_links)) == sorted(LinkCheck.objects.values_list("url", flat=True))
