"""A small client for CKAN's Action API (https://docs.ckan.org/en/latest/api/), the software
behind open.canada.ca and most provincial portals, and the recognition of a portal and a
dataset from a dataset's page URL.

    https://open.canada.ca/data/en/dataset/<id-or-name>  ->  portal https://open.canada.ca/data
    https://data.ontario.ca/dataset/<name>               ->  portal https://data.ontario.ca

Only reads, only ``GET``; every request has a timeout and a descriptive User-Agent
(cogwg/http_client.py), and an answer larger than ``MAX_ANSWER_BYTES`` is refused. Nothing
here touches the database.

A bilingual portal's pages sit under a language segment, one page per language
(``dataset_page_urls``); a dataset's titles, description, publisher and licence are read
in English and French where the answer gives both (``package_from_result``).

A portal's answer is checked against what CKAN's ``package_show`` gives before anything is
kept: a field of the wrong type, or an id longer than the tracker keeps, is a
:class:`CkanError`; texts lose NUL characters and are cut to their columns' lengths.

Errors carry a language-neutral ``code`` (:class:`CkanErrorCode`) and a technical
``detail`` (the address asked, the HTTP status, the portal's own words): ``str()`` of an
error, and ``ckan_error_message()`` of a stored one, says it in the active language.
"""

import datetime
import json
import logging
import re
from dataclasses import dataclass, field
from urllib.parse import parse_qs, unquote, urlencode, urlsplit, urlunsplit

import requests

from cogwg import http_client

from .choices import CkanErrorCode

logger = logging.getLogger(__name__)

# A portal's pages may sit under a language segment (/data/en/dataset/…) that its API does not.
LANGUAGE_SEGMENT = re.compile(r"^(en|fr)([_-][A-Za-z]{2})?$")
# A package_show answer of open.canada.ca with hundreds of resources stays well under 1 MB.
MAX_ANSWER_BYTES = 5 * 1024 * 1024
# The lengths of the stories.Dataset columns the values go into (a test checks they agree).
ID_MAX_LENGTH = 200
PORTAL_URL_MAX_LENGTH = 200
TITLE_MAX_LENGTH = 500
PUBLISHER_MAX_LENGTH = 300
LICENCE_MAX_LENGTH = 200
# The description column has no limit: this one keeps a portal from filling it.
DESCRIPTION_MAX_LENGTH = 20_000
ERROR_DETAIL_MAX_LENGTH = 2_000


def ckan_error_message(code: str, detail: str = "") -> str:
    """An error in the active language, its technical ``detail`` in brackets. An error
    kept before there were codes (no ``code``) is its detail as it was written."""
    if code not in CkanErrorCode.values:
        return detail
    label = str(CkanErrorCode(code).label)
    return f"{label} ({detail})" if detail else label


def clean_text(value: str) -> str:
    """``value`` without what a database refuses to store: NUL characters (PostgreSQL) and
    lone surrogates (not UTF-8), which a JSON answer may hold."""
    return value.replace("\x00", "").encode("utf-8", "replace").decode("utf-8")


class CkanProblem(Exception):
    """A dataset that cannot be had from a portal: ``code`` says why (a ``CkanErrorCode``),
    ``detail`` gives the technical facts."""

    code = CkanErrorCode.FAILED

    def __init__(self, detail: str = "", *, code: str | None = None):
        self.detail = _bounded(clean_text(str(detail)), ERROR_DETAIL_MAX_LENGTH)
        if code is not None:
            self.code = CkanErrorCode(code)
        super().__init__(self.detail)

    def __str__(self):
        return ckan_error_message(self.code, self.detail)


class NotADatasetUrl(CkanProblem, ValueError):
    """The URL names no dataset on a CKAN portal."""

    code = CkanErrorCode.NOT_A_DATASET_URL


class CkanError(CkanProblem):
    """The portal could not be reached, or did not answer like CKAN's Action API."""

    code = CkanErrorCode.NOT_CKAN


class CkanNotFound(CkanError):
    """The portal answered that there is no such dataset (any more)."""

    code = CkanErrorCode.NOT_FOUND


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
    license_title_en: str = ""
    license_title_fr: str = ""
    metadata_modified: datetime.datetime | None = None
    metadata: dict = field(default_factory=dict)


def portal_base(url: str) -> str:
    """The CKAN base URL of a portal: no query, no trailing slash or language segment."""
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise NotADatasetUrl(url)
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
    # A NUL character is no part of an id, and PostgreSQL cannot even look one up.
    if parts.scheme not in ("http", "https") or not parts.netloc or "\x00" in unquote(url) + ckan_id:
        raise NotADatasetUrl(url)
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
    raise NotADatasetUrl(url)


def dataset_page_urls(page_url: str) -> dict[str, str]:
    """A dataset page's address in each official language, by language code. A page under
    a language segment (``…/data/en/dataset/<id>``) is on a portal that has one per
    language (open.canada.ca): its English and French addresses are given. Any other page
    is the portal's only one, given as the English (the default language's) address, which
    French pages fall back to."""
    parts = urlsplit(page_url)
    segments = parts.path.split("/")
    if "dataset" in segments:
        position = segments.index("dataset")
        if position > 0 and LANGUAGE_SEGMENT.match(segments[position - 1]):
            return {
                code: urlunsplit(parts._replace(path="/".join([*segments[: position - 1], code, *segments[position:]])))
                for code in ("en", "fr")
            }
    return {"en": page_url, "fr": ""}


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
        asked = f"{url}?{urlencode(params)}" if params else url
        timeout = self.timeout or http_client.timeout()
        try:
            # stream=True: the answer is read no further than MAX_ANSWER_BYTES.
            with self.session.get(
                url, params=params, timeout=timeout, headers={"Accept": "application/json"}, stream=True
            ) as response:
                content = _read_bounded(response)
        except requests.Timeout as exc:
            raise CkanError(f"{asked}, {timeout:g} s", code=CkanErrorCode.TIMEOUT) from exc
        except requests.RequestException as exc:
            # The detail, shown to the secretariat in its language, is the address; the
            # library's own words (in English: "Max retries exceeded…") go to the log.
            logger.warning("portal unreachable: %s: %s", asked, exc)
            raise CkanError(asked, code=CkanErrorCode.UNREACHABLE) from exc
        try:
            body = json.loads(content, parse_constant=_refuse_constant)
        except (ValueError, RecursionError):
            body = None
        where = f"{response.url}: HTTP {response.status_code}"
        if not isinstance(body, dict) or "success" not in body:
            raise CkanError(where, code=CkanErrorCode.NOT_CKAN)
        if not body["success"]:
            error = body.get("error") if isinstance(body.get("error"), dict) else {}
            kind = error.get("__type", "Error")
            if kind == "Not Found Error" or response.status_code == 404:
                raise CkanNotFound(where)
            # The portal's own words, as it wrote them.
            details = "; ".join(f"{key}: {value}" for key, value in error.items() if key != "__type")
            raise CkanError(f"{where}, {kind}" + (f" ({details})" if details else ""), code=CkanErrorCode.REFUSED)
        if response.status_code >= 400:
            raise CkanError(where, code=CkanErrorCode.REFUSED)
        return body.get("result")

    def package_show(self, ckan_id: str) -> Package:
        result = self.action("package_show", id=ckan_id)
        where = f"{self.portal_url}/api/3/action/package_show?{urlencode({'id': ckan_id})}"
        if not isinstance(result, dict):
            raise CkanError(f"{where}: result", code=CkanErrorCode.BAD_ANSWER)
        try:
            return package_from_result(result)
        except CkanError as exc:
            raise CkanError(f"{where}: {exc.detail}", code=exc.code) from exc


def _read_bounded(response: requests.Response) -> bytes:
    """The body of ``response``, or a ``CkanError`` once it passes ``MAX_ANSWER_BYTES``."""
    too_large = CkanError(f"{response.url}: HTTP {response.status_code}", code=CkanErrorCode.TOO_LARGE)
    declared = response.headers.get("Content-Length", "")
    if declared.isascii() and declared.isdigit() and int(declared) > MAX_ANSWER_BYTES:
        raise too_large
    chunks, size = [], 0
    for chunk in response.iter_content(chunk_size=64 * 1024):
        size += len(chunk)
        if size > MAX_ANSWER_BYTES:
            raise too_large
        chunks.append(chunk)
    return b"".join(chunks)


def _refuse_constant(name: str):
    # NaN and Infinity are not JSON, and PostgreSQL refuses them in a JSON column.
    raise ValueError(f"not JSON: {name}")


def package_from_result(result: dict) -> Package:
    """Read the fields the tracker keeps from a ``package_show`` result. Multilingual
    portals (open.canada.ca, ckanext-fluent) give ``<field>_translated: {"en": …, "fr": …}``;
    the others give one text, kept as English.

    The licence's title is ``license_title`` (CKAN gives it in the portal's default
    language), in French ``license_title_fra`` (open.canada.ca) or both in
    ``license_title_translated``; its id stands in for a licence with no title.

    Raises :class:`CkanError` (``BAD_ANSWER``, the detail naming the field) when the result
    is not what CKAN gives: a field of another type, an id or name that is not a text of at
    most ``ID_MAX_LENGTH`` characters. A resource or tag that is not an object is skipped."""
    ckan_id = _identity(result, "id")
    name = _identity(result, "name", required=False) or ckan_id
    title_en, title_fr = _translated(result, "title")
    description_en, description_fr = _translated(result, "notes")
    organization = _typed(result, "organization", dict, {})
    publisher_en, publisher_fr = _translated(organization, "title", where="organization.")
    if not publisher_fr and " | " in publisher_en:
        # open.canada.ca names organizations "English name | Nom français".
        publisher_en, _separator, publisher_fr = publisher_en.partition(" | ")
    resources = [resource for resource in _typed(result, "resources", list, []) if isinstance(resource, dict)]
    tags = [tag for tag in _typed(result, "tags", list, []) if isinstance(tag, dict)]
    formats = sorted({_format(resource.get("format")) for resource in resources} - {""})
    license_en, license_fr = _translated(result, "license_title")
    license_en = license_en or license_fr or _text(result, "license_id")
    license_fr = license_fr or _text(result, "license_title_fra")
    return Package(
        id=ckan_id,
        name=name,
        title_en=_bounded(title_en or title_fr or name, TITLE_MAX_LENGTH),
        title_fr=_bounded(title_fr, TITLE_MAX_LENGTH),
        description_en=_bounded(description_en, DESCRIPTION_MAX_LENGTH),
        description_fr=_bounded(description_fr, DESCRIPTION_MAX_LENGTH),
        publisher_en=_bounded(publisher_en.strip(), PUBLISHER_MAX_LENGTH),
        publisher_fr=_bounded(publisher_fr.strip(), PUBLISHER_MAX_LENGTH),
        formats=formats,
        license_title_en=_bounded(license_en, LICENCE_MAX_LENGTH),
        license_title_fr=_bounded(license_fr, LICENCE_MAX_LENGTH),
        metadata_modified=_datetime(result.get("metadata_modified")),
        metadata=_clean_json(
            {
                "id": ckan_id,
                "name": name,
                "organization": {"name": _plain(organization.get("name")), "title": _plain(organization.get("title"))},
                "license_id": _plain(result.get("license_id")),
                "license_url": _plain(result.get("license_url")),
                "metadata_created": _plain(result.get("metadata_created")),
                "metadata_modified": _plain(result.get("metadata_modified")),
                "tags": [_plain(tag.get("name")) for tag in tags],
                "resources": [
                    {
                        "id": _plain(resource.get("id")),
                        "name": resource.get("name_translated") or _plain(resource.get("name")),
                        "format": _format(resource.get("format")),
                        "url": _plain(resource.get("url")),
                    }
                    for resource in resources
                ],
            }
        ),
    )


def _bad_answer(field_name: str) -> CkanError:
    return CkanError(field_name, code=CkanErrorCode.BAD_ANSWER)


def _typed(data: dict, key: str, kind: type, default, *, where: str = ""):
    """``data[key]`` when it is a ``kind``, ``default`` when it is missing or null."""
    value = data.get(key)
    if value is None:
        return default
    if not isinstance(value, kind):
        raise _bad_answer(f"{where}{key}")
    return value


def _text(data: dict, key: str, *, where: str = "") -> str:
    return clean_text(_typed(data, key, str, "", where=where)).strip()


def _identity(data: dict, key: str, *, required: bool = True) -> str:
    """An id or a name: the tracker looks datasets up by it, so it is never cut."""
    value = _typed(data, key, str, "").strip()
    if (required and not value) or len(value) > ID_MAX_LENGTH or clean_text(value) != value:
        raise _bad_answer(key)
    return value


def _translated(data: dict, key: str, *, where: str = "") -> tuple[str, str]:
    translated = _typed(data, f"{key}_translated", dict, None, where=where)
    if translated is not None:
        inside = f"{where}{key}_translated."
        # "fr-t-en" is open.canada.ca's machine translation, used when there is no other.
        english = (
            _text(translated, "en", where=inside)
            or _text(translated, "en-t-fr", where=inside)
            or _text(data, key, where=where)
        )
        french = _text(translated, "fr", where=inside) or _text(translated, "fr-t-en", where=inside)
        return english, french
    return _text(data, key, where=where), ""


def _plain(value) -> str:
    """A text kept in the metadata; anything else is left out."""
    return clean_text(value).strip() if isinstance(value, str) else ""


def _clean_json(value):
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, dict):
        return {clean_text(str(key)): _clean_json(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_clean_json(item) for item in value]
    return value


def _bounded(text: str, max_length: int) -> str:
    return text if len(text) <= max_length else text[: max_length - 1] + "…"


def _format(value) -> str:
    return _plain(value).lstrip(".").upper()


def _datetime(value) -> datetime.datetime | None:
    """CKAN writes timestamps in UTC without an offset."""
    if not isinstance(value, str):
        return None
    try:
        moment = datetime.datetime.fromisoformat(value)
        # In UTC, as the database keeps it: an offset that takes it past year 1 or 9999 fails here.
        return moment.astimezone(datetime.UTC) if moment.tzinfo else moment.replace(tzinfo=datetime.UTC)
    except (ValueError, OverflowError):
        return None
