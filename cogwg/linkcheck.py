"""Link health: check every external link held in the data and keep each one's last
status (cogwg.models.LinkCheck).

The links are the accomplishments' links, the jurisdictions' website, open data portal and
open government page, the stories' portal pages and the datasets' pages. Each host gets
one request at a time, ``COGWG_LINKCHECK_DELAY`` seconds apart (default 1); a few hosts
are checked side by side. A check asks ``HEAD`` first and falls back to ``GET`` when the
server refuses ``HEAD`` (405, 501) or fails it, follows redirects and gives up after
``COGWG_HTTP_TIMEOUT`` seconds. Threads only talk HTTP; every database write happens in
the calling thread. A failure is kept as a code (``LinkErrorCode``) and a technical detail,
and told in the reader's language (``LinkCheck.error_message()``).
"""

import datetime
import logging
import threading
from collections import Counter, defaultdict
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import requests
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from jurisdictions.models import AccomplishmentLink, Jurisdiction
from stories.models import Dataset, UserStory

from . import http_client
from .choices import REACHABLE_LINK_STATUSES, LinkErrorCode, LinkStatus
from .models import LinkCheck

logger = logging.getLogger(__name__)

DEFAULT_DELAY = 1.0
PARALLEL_HOSTS = 4
URL_MAX_LENGTH = LinkCheck._meta.get_field("url").max_length
FINAL_URL_MAX_LENGTH = LinkCheck._meta.get_field("final_url").max_length
# Answers that say "not you" rather than "not here": sites turning robots away. A
# browser may well reach the page, so these are errors, not broken links.
REFUSALS = frozenset({401, 403, 429})


@dataclass(frozen=True)
class LinkResult:
    url: str
    status: str
    status_code: int | None = None
    final_url: str = ""
    error_code: str = ""
    error: str = ""
    checked_at: datetime.datetime = field(default_factory=timezone.now, compare=False)


def collect_urls() -> list[str]:
    """Every distinct http(s) URL the data points to, sorted."""
    urls = set(AccomplishmentLink.objects.values_list("url", flat=True))
    for row in Jurisdiction.objects.values_list("website", "open_data_url", "open_government_url"):
        urls.update(row)
    urls.update(UserStory.objects.values_list("portal_url", flat=True))
    for row in Dataset.objects.values_list("url_en", "url_fr"):  # its page in each language
        urls.update(row)
    return sorted(url for url in urls if _checkable(url))


def _checkable(url: str) -> bool:
    return bool(url) and len(url) <= URL_MAX_LENGTH and urlsplit(url).scheme in ("http", "https")


def check_url(url: str, *, session: requests.Session | None = None) -> LinkResult:
    """Check one URL; never raises for anything the network or the server does."""
    session = session or http_client.session()
    timeout = http_client.timeout()
    try:
        with session.head(url, allow_redirects=True, timeout=timeout) as response:
            if response.status_code < 400:
                return _answered(url, response)
    except requests.Timeout:
        return _failed(url, LinkStatus.TIMEOUT, LinkErrorCode.TIMEOUT, f"{timeout:g} s")
    except requests.RequestException:
        pass  # Some servers mishandle HEAD; GET decides.
    try:
        # stream=True: only the status line and headers are read, never the body.
        with session.get(url, allow_redirects=True, timeout=timeout, stream=True) as response:
            return _answered(url, response)
    except requests.Timeout:
        return _failed(url, LinkStatus.TIMEOUT, LinkErrorCode.TIMEOUT, f"{timeout:g} s")
    except requests.TooManyRedirects as exc:
        return _failed(url, LinkStatus.ERROR, LinkErrorCode.REDIRECTS, str(exc))
    except requests.exceptions.SSLError as exc:
        return _failed(url, LinkStatus.ERROR, LinkErrorCode.TLS, str(exc))
    except requests.ConnectionError as exc:
        # Refused, reset, unknown host: nothing answers there any more.
        return _failed(url, LinkStatus.BROKEN, LinkErrorCode.CONNECTION, str(exc))
    except requests.RequestException as exc:
        return _failed(url, LinkStatus.ERROR, LinkErrorCode.OTHER, f"{type(exc).__name__}: {exc}")


def _failed(url: str, status: str, code: str, detail: str) -> LinkResult:
    return LinkResult(url, status, error_code=code, error=detail)


def _answered(url: str, response: requests.Response) -> LinkResult:
    code = response.status_code
    final_url = response.url[:FINAL_URL_MAX_LENGTH] if response.history else ""
    if code < 400:
        status = LinkStatus.REDIRECTED if response.history else LinkStatus.OK
        return LinkResult(url, status, code, final_url)
    status = LinkStatus.ERROR if code in REFUSALS else LinkStatus.BROKEN
    # The reason phrase is the server's own words.
    detail = f"HTTP {code} {response.reason or ''}".strip()
    return LinkResult(url, status, code, final_url, error_code=LinkErrorCode.HTTP_STATUS, error=detail)


def _check_host(urls: list[str], delay: float, stop: threading.Event) -> list[LinkResult]:
    results = []
    with http_client.session() as session:
        for index, url in enumerate(urls):
            # stop.wait: the pause ends at once when the run is stopped.
            if stop.is_set() or (index and delay and stop.wait(delay)):
                break
            results.append(check_url(url, session=session))
    return results


def links_check(*, urls=None, delay: float | None = None) -> Counter:
    """Check ``urls`` (default: every URL of ``collect_urls()``) and store each result.
    After a full run, checks of URLs the data no longer holds are deleted. Returns how
    many links ended in each status. Stopped (the task's soft time limit), it ends within
    a request's time: the checks stored so far are kept, nothing is deleted."""
    full_run = urls is None
    started = timezone.now()
    urls = collect_urls() if full_run else sorted({url for url in urls if _checkable(url)})
    if delay is None:
        delay = float(getattr(settings, "COGWG_LINKCHECK_DELAY", DEFAULT_DELAY))
    by_host = defaultdict(list)
    for url in urls:
        by_host[urlsplit(url).netloc.lower()].append(url)
    counts = Counter()
    stop = threading.Event()
    if by_host:
        with ThreadPoolExecutor(max_workers=min(PARALLEL_HOSTS, len(by_host))) as pool:
            try:
                futures = [pool.submit(_check_host, host_urls, delay, stop) for host_urls in by_host.values()]
                for future in as_completed(futures):
                    results = future.result()
                    _store(results)
                    counts.update(result.status for result in results)
            except BaseException:
                # The task's soft time limit (SoftTimeLimitExceeded, raised in this thread
                # only) or any failure: the hosts not started are dropped and the others stop
                # after the request under way. Leaving the pool would otherwise wait for every
                # link of every host, until the hard time limit killed the worker's process.
                stop.set()
                pool.shutdown(wait=False, cancel_futures=True)
                raise
    if full_run:
        LinkCheck.objects.filter(checked_at__lt=started).delete()
    logger.info("Checked %s links: %s", len(urls), dict(counts))
    return counts


@transaction.atomic
def _store(results: list[LinkResult]) -> None:
    known = {check.url: check for check in LinkCheck.objects.filter(url__in=[result.url for result in results])}
    for result in results:
        check = known.get(result.url) or LinkCheck(url=result.url)
        if result.status in REACHABLE_LINK_STATUSES:
            check.first_failed_at = None
        elif check.first_failed_at is None:
            check.first_failed_at = result.checked_at
        check.status = result.status
        check.status_code = result.status_code
        check.final_url = result.final_url
        check.error_code = result.error_code
        check.error = result.error
        check.checked_at = result.checked_at
        check.save()
