"""A small client for CKAN's Action API (https://docs.ckan.org/en/latest/api/), the software
behind open.canada.ca and most provincial portals, and the recognition of a portal and a
dataset from a dataset's page URL.

    https://open.canada.ca/data/en/dataset/<id-or-name>  ->  portal https://open.canada.ca/data
    https://data.ontario.ca/dataset/<name>               ->  portal https://data.ontario.ca

Only reads, only ``GET``; every request has a timeout and a descriptive User-Agent
(cogwg/http_client.py). Nothing here touches the database.
"""

import datetime
import hashlib
import logging
import re
from dataclasses import dataclass, field
from urllib.parse import parse_qs, unquote, urlsplit, urlunsplit

import requests
from django.core.cache import cache

from cogwg import http_client

logger = logging.getLogger(__name__)

# A portal's pages may sit under a language segment (/data/en/dataset/…) that its API does not.
LANGUAGE_SEGMENT = re.compile(r"^(en|fr)([_-][A-Za-z]{2})?$")
COUNT_CACHE_SECONDS = 24 * 60 * 60
COUNT_FAILURE_CACHE_SECONDS = 60 * 60
COUNT_TIMEOUT = 3.0
_MISSING = object()


class NotADatasetUrl(ValueError):
    """The URL names no dataset on a CKAN portal."""


class CkanError(Exception):
    """The portal could not be reached, or did not answer like CKAN's Action API."""


class CkanNotFound(CkanError):
    """The portal answered that there is no such dataset (any more)."""


@dataclass(frozen=True)
class DatasetRef:
    portal_url: str
    ckan_id: str
    page_url: str = ""


@dataclass(frozen=True)
class Package:
    """What the tracker keeps of a CKAN package (``package_show``'s result)."""

    id: str
    name: str
    title_en: str
    title_fr: str
    description_en: str = ""
    description_fr: str = ""
    publisher_en: str = ""
    publisher_fr: str = ""
    formats: list[str] = field(default_factory=list)
    license_title: str = ""
    metadata_modified: datetime.datetime | None = None
    metadata: dict = field(default_factory=dict)


def portal_base(url: str) -> str:
    """The CKAN base URL of a portal: no query, no trailing slash or language segment."""
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise NotADatasetUrl(f"not a web address: {url!r}")
    segments = [segment for segment in parts.path.split("/") if segment]
    while segments and LANGUAGE_SEGMENT.match(segments[-1]):
        segments.pop()
    path = "/" + "/".join(segments) if segments else ""
    return urlunsplit((parts.scheme, parts.netloc.lower(), path, "", ""))


def parse_dataset_url(url: str, ckan_id: str = "") -> DatasetRef:
    """Recognise the portal and the dataset from a dataset page URL (``…/dataset/<id>``), a
    ``package_show`` API URL, or a portal base URL and an explicit ``ckan_id``."""
    url = url.strip()
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise NotADatasetUrl(f"not a web address: {url!r}")
    if ckan_id.strip():
        return DatasetRef(portal_url=portal_base(url), ckan_id=ckan_id.strip())
    segments = [unquote(segment) for segment in parts.path.split("/") if segment]
    if "api" in segments and segments[-1] == "package_show":
        ids = parse_qs(parts.query).get("id")
        if ids and ids[0].strip():
            prefix = segments[: segments.index("api")]
            return DatasetRef(portal_url=_join(parts, prefix), ckan_id=ids[0].strip())
    if "dataset" in segments:
        position = segments.index("dataset")
        if position + 1 < len(segments):
            page_url = urlunsplit((parts.scheme, parts.netloc.lower(), parts.path, "", ""))
            return DatasetRef(
                portal_url=_join(parts, segments[:position]), ckan_id=segments[position + 1], page_url=page_url
            )
    raise NotADatasetUrl(f"no CKAN dataset in {url!r}: expected …/dataset/<id or name>")


def _join(parts, segments):
    path = "/" + "/".join(segments) if segments else ""
    return portal_base(urlunsplit((parts.scheme, parts.netloc, path, "", "")))


class CkanClient:
    """Calls one portal's Action API. ``action()`` returns the ``result`` of a successful
    call and raises :class:`CkanError` (or :class:`CkanNotFound`) for anything else."""

    def __init__(self, portal_url: str, *, session: requests.Session | None = None, timeout: float | None = None):
        self.portal_url = portal_base(portal_url)
        self.session = session or http_client.session()
        self.timeout = timeout

    def action(self, name: str, **params):
        url = f"{self.portal_url}/api/3/action/{name}"
        timeout = self.timeout or http_client.timeout()
        try:
            response = self.session.get(url, params=params, timeout=timeout, headers={"Accept": "application/json"})
        except requests.Timeout as exc:
            raise CkanError(f"{url}: no answer within {timeout:g} s") from exc
        except requests.RequestException as exc:
            raise CkanError(f"{url}: {exc}") from exc
        try:
            body = response.json()
        except ValueError:
            body = None
        if not isinstance(body, dict) or "success" not in body:
            raise CkanError(f"{response.url}: HTTP {response.status_code}, not an answer of CKAN's Action API")
        if not body["success"]:
            error = body.get("error") if isinstance(body.get("error"), dict) else {}
            kind = error.get("__type", "Error")
            details = "; ".join(f"{key}: {value}" for key, value in error.items() if key != "__type")
            message = f"{response.url}: HTTP {response.status_code}, {kind}" + (f" ({details})" if details else "")
            if kind == "Not Found Error" or response.status_code == 404:
                raise CkanNotFound(message)
            raise CkanError(message)
        if response.status_code >= 400:
            raise CkanError(f"{response.url}: HTTP {response.status_code}")
        return body.get("result")

    def package_show(self, ckan_id: str) -> Package:
        result = self.action("package_show", id=ckan_id)
        if not isinstance(result, dict) or not result.get("id"):
            raise CkanError(f"{self.portal_url}: package_show of {ckan_id!r} returned no package")
        return package_from_result(result)

    def package_search(self, **params) -> dict:
        result = self.action("package_search", **params)
        if not isinstance(result, dict):
            raise CkanError(f"{self.portal_url}: package_search returned no result")
        return result


def package_from_result(result: dict) -> Package:
    """Read the fields the tracker keeps from a ``package_show`` result. Multilingual
    portals (open.canada.ca, ckanext-fluent) give ``<field>_translated: {"en": …, "fr": …}``;
    the others give one text, kept as English."""
    title_en, title_fr = _translated(result, "title")
    description_en, description_fr = _translated(result, "notes")
    organization = result.get("organization") if isinstance(result.get("organization"), dict) else {}
    publisher_en, publisher_fr = _translated(organization, "title")
    if not publisher_fr and " | " in publisher_en:
        # open.canada.ca names organizations "English name | Nom français".
        publisher_en, _, publisher_fr = publisher_en.partition(" | ")
    resources = [resource for resource in result.get("resources") or [] if isinstance(resource, dict)]
    formats = sorted({_format(resource.get("format")) for resource in resources} - {""})
    return Package(
        id=str(result["id"]),
        name=str(result.get("name") or result["id"]),
        title_en=(title_en or title_fr or str(result.get("name") or result["id"]))[:500],
        title_fr=title_fr[:500],
        description_en=description_en,
        description_fr=description_fr,
        publisher_en=publisher_en.strip()[:300],
        publisher_fr=publisher_fr.strip()[:300],
        formats=formats,
        license_title=str(result.get("license_title") or result.get("license_id") or "")[:200],
        metadata_modified=_datetime(result.get("metadata_modified")),
        metadata={
            "id": result["id"],
            "name": result.get("name", ""),
            "organization": {"name": organization.get("name", ""), "title": organization.get("title", "")},
            "license_id": result.get("license_id") or "",
            "license_url": result.get("license_url") or "",
            "metadata_created": result.get("metadata_created") or "",
            "metadata_modified": result.get("metadata_modified") or "",
            "tags": [tag.get("name", "") for tag in result.get("tags") or [] if isinstance(tag, dict)],
            "resources": [
                {
                    "id": resource.get("id", ""),
                    "name": resource.get("name_translated") or resource.get("name") or "",
                    "format": _format(resource.get("format")),
                    "url": resource.get("url") or "",
                }
                for resource in resources
            ],
        },
    )


def _translated(data: dict, key: str) -> tuple[str, str]:
    translated = data.get(f"{key}_translated")
    if isinstance(translated, dict):
        # "fr-t-en" is open.canada.ca's machine translation, used when there is no other.
        english = translated.get("en") or translated.get("en-t-fr") or data.get(key) or ""
        french = translated.get("fr") or translated.get("fr-t-en") or ""
        return str(english).strip(), str(french).strip()
    return str(data.get(key) or "").strip(), ""


def _format(value) -> str:
    return str(value or "").strip().lstrip(".").upper()


def _datetime(value) -> datetime.datetime | None:
    """CKAN writes timestamps in UTC without an offset."""
    try:
        moment = datetime.datetime.fromisoformat(str(value))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=datetime.UTC)


def portal_dataset_count(portal_url: str, *, timeout: float | None = None) -> int | None:
    """How many datasets the portal lists (``package_search?rows=0``); None when it does
    not answer like CKAN."""
    try:
        count = CkanClient(portal_url, timeout=timeout).package_search(rows=0).get("count")
    except (CkanError, NotADatasetUrl) as exc:
        logger.info("No dataset count for %s: %s", portal_url, exc)
        return None
    return count if isinstance(count, int) else None


def portal_dataset_count_cached(portal_url: str) -> int | None:
    """``portal_dataset_count`` kept a day in the cache, for the jurisdiction page. A page
    waits at most ``COUNT_TIMEOUT`` seconds for the portal, and a failure is kept an hour,
    so that a portal that is down does not slow every page view."""
    if not portal_url:
        return None
    key = "ckan:dataset-count:" + hashlib.sha256(portal_url.encode()).hexdigest()
    count = cache.get(key, _MISSING)
    if count is _MISSING:
        count = portal_dataset_count(portal_url, timeout=min(COUNT_TIMEOUT, http_client.timeout()))
        cache.set(key, count, COUNT_CACHE_SECONDS if count is not None else COUNT_FAILURE_CACHE_SECONDS)
    return count
