"""The Celery app of the fault tests' workers (``celery -A tests.ops.fault_worker``): the
project's app, whose renderer, in the process that runs a task, writes a line to
``COGWG_TEST_RENDER_LOG`` when a rendering starts and when it is done, and sleeps
``COGWG_TEST_SLOW_SECONDS`` on the file named by ``COGWG_TEST_SLOW_FILE``
(``<format>-<language>``): long enough for a test to kill the worker in the middle. With
``COGWG_TEST_SLOW_LINK_SECONDS``, the link check's each check (cogwg/linkcheck.py) takes
that long and answers 200, without leaving the machine."""

import os
import time

from celery.signals import task_prerun

from cogwg.celery import app

__all__ = ["app"]


def _log(event, tag):
    line = f"{event} {os.getpid()} {tag}\n"
    # One write of a short line to a file opened for appending: lines never interleave.
    with open(os.environ["COGWG_TEST_RENDER_LOG"], "a") as log:
        log.write(line)


@task_prerun.connect
def _instrument_renderer(**kwargs):
    from cogwg.reports import services

    if getattr(services.render_file, "instrumented", False):
        return
    real = services.render_file
    slow_file = os.environ.get("COGWG_TEST_SLOW_FILE", "")
    slow_seconds = float(os.environ.get("COGWG_TEST_SLOW_SECONDS", "0"))

    def render_file(content, *, format, language):
        tag = f"{format}-{language}"
        _log("start", tag)
        if tag == slow_file:
            time.sleep(slow_seconds)
        data = real(content, format=format, language=language)
        _log("done", tag)
        return data

    render_file.instrumented = True
    services.render_file = render_file


@task_prerun.connect
def _slow_link_checks(**kwargs):
    from cogwg import linkcheck

    seconds = float(os.environ.get("COGWG_TEST_SLOW_LINK_SECONDS", "0"))
    if not seconds or getattr(linkcheck.check_url, "instrumented", False):
        return

    def check_url(url, *, session=None):
        time.sleep(seconds)
        return linkcheck.LinkResult(url, linkcheck.LinkStatus.OK, 200)

    check_url.instrumented = True
    linkcheck.check_url = check_url
