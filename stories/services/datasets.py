"""Datasets from CKAN portals (stories/ckan.py): adding one from its page's address
(``dataset_add_from_url``) and harvesting them (``dataset_harvest``,
``datasets_harvest_all``).

The portal is asked before any transaction opens, so that no database transaction waits on
the network; each dataset is then written in its own transaction. A harvest that fails is
recorded on the dataset (``harvest_error_code``, ``harvest_error``,
``last_harvest_attempt``) and never stops the others.
"""

import logging
from dataclasses import dataclass, field

from celery.exceptions import SoftTimeLimitExceeded
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_noop

from cogwg.versioning import data_changed

from ..ckan import (
    PORTAL_URL_MAX_LENGTH,
    CkanClient,
    CkanErrorCode,
    CkanProblem,
    NotADatasetUrl,
    Package,
    dataset_page_urls,
    parse_dataset_url,
)
from ..models import Dataset

logger = logging.getLogger(__name__)
# History reasons of the portal's writes, stored in English and shown in the reader's language.
ADDED_FROM_PORTAL = gettext_noop("Added from the portal")
HARVESTED_FROM_PORTAL = gettext_noop("Harvested from the portal")

# Dataset fields that come from the portal, named as on stories.ckan.Package.
HARVESTED_FIELDS = (
    "title_en",
    "title_fr",
    "description_en",
    "description_fr",
    "publisher_en",
    "publisher_fr",
    "formats",
    "license_title_en",
    "license_title_fr",
    "metadata_modified",
    "metadata",
)


# What the harvest writes and nobody else does: the admin shows it read-only
# (DatasetAdmin), the API refuses another value than the stored one (DatasetSerializer).
# The title, harvested too, stays the secretariat's to correct.
HARVEST_ONLY_FIELDS = (
    "description_en",
    "description_fr",
    "publisher_en",
    "publisher_fr",
    "formats",
    "license_title",
    "metadata_modified",
    "metadata",
    "last_harvested",
    "last_harvest_attempt",
    "harvest_error_code",
)


@dataclass
class HarvestSummary:
    """How many datasets were harvested; the failed ones' errors (in the active language) by pk."""

    harvested: int = 0
    failed: dict[int, str] = field(default_factory=dict)

    def as_dict(self):
        return {"harvested": self.harvested, "failed": len(self.failed)}


def dataset_add_from_url(*, url: str, ckan_id: str = "", by=None) -> tuple[Dataset, bool]:
    """Add (or refresh) the dataset a page URL names, or the dataset ``ckan_id`` on the
    portal whose base URL is ``url``. Returns the dataset and whether it was created.

    Raises ``stories.ckan.NotADatasetUrl`` for a URL that names no dataset and
    ``stories.ckan.CkanError`` when the portal does not give the dataset: nothing is
    stored then."""
    ref = parse_dataset_url(url, ckan_id)
    if len(ref.portal_url) > PORTAL_URL_MAX_LENGTH:
        raise NotADatasetUrl(ref.portal_url, code=CkanErrorCode.ADDRESS_TOO_LONG)
    package = CkanClient(ref.portal_url).package_show(ref.ckan_id)
    page_url = ref.page_url or f"{ref.portal_url}/dataset/{package.name}"
    return _dataset_store(portal_url=ref.portal_url, asked_id=ref.ckan_id, page_url=page_url, package=package, by=by)


@transaction.atomic
def _dataset_store(*, portal_url, asked_id, page_url, package: Package, by) -> tuple[Dataset, bool]:
    # The stable id is stored; a dataset added earlier by its name (or by its id) is the same one.
    dataset = (
        Dataset.objects.select_for_update()
        .filter(portal_url=portal_url, ckan_id__in={asked_id, package.id, package.name})
        .order_by("pk")
        .first()
    )
    created = dataset is None
    if created:
        dataset = Dataset(portal_url=portal_url, ckan_id=package.id)
    # Its page in each language: a dataset added again from its French page gets the
    # address it lacked, and keeps those it had.
    for code, url in dataset_page_urls(page_url).items():
        if url and not getattr(dataset, f"url_{code}"):
            setattr(dataset, f"url_{code}", url[:500])
    now = timezone.now()
    for name in HARVESTED_FIELDS:
        setattr(dataset, name, getattr(package, name))
    dataset.last_harvested = now
    dataset.last_harvest_attempt = now
    dataset.harvest_error_code = ""
    dataset.harvest_error = ""
    dataset._history_user = by
    dataset._change_reason = ADDED_FROM_PORTAL
    dataset.save()
    return dataset, created


def dataset_harvest(*, dataset: Dataset, client: CkanClient | None = None) -> bool:
    """Refresh ``dataset`` from its portal; True when it was harvested. A failure is
    recorded on the dataset and the last good metadata is kept."""
    try:
        client = client or CkanClient(dataset.portal_url)
        package = client.package_show(dataset.ckan_id)
    except CkanProblem as exc:
        _dataset_record_failure(dataset=dataset, code=exc.code, detail=exc.detail)
        return False
    _dataset_apply(dataset=dataset, package=package)
    return True


@transaction.atomic
def _dataset_apply(*, dataset: Dataset, package: Package) -> None:
    now = timezone.now()
    changed = [name for name in HARVESTED_FIELDS if getattr(dataset, name) != getattr(package, name)]
    for name in changed:
        setattr(dataset, name, getattr(package, name))
    dataset.last_harvested = now
    dataset.last_harvest_attempt = now
    dataset.harvest_error_code = ""
    dataset.harvest_error = ""
    if changed:
        dataset._change_reason = HARVESTED_FROM_PORTAL
        dataset.save(
            update_fields=[
                *changed,
                "last_harvested",
                "last_harvest_attempt",
                "harvest_error_code",
                "harvest_error",
                "modified_at",
            ]
        )
    else:
        # Nothing the portal says has changed: no new history record for a weekly check.
        Dataset.objects.filter(pk=dataset.pk).update(
            last_harvested=now, last_harvest_attempt=now, harvest_error_code="", harvest_error=""
        )
        data_changed()


@transaction.atomic
def _dataset_record_failure(*, dataset: Dataset, code: str, detail: str) -> None:
    """Keep why the last harvest failed: ``code`` (a ``CkanErrorCode``) says it in any
    language, ``detail`` holds the technical facts."""
    now = timezone.now()
    dataset.harvest_error_code = code
    dataset.harvest_error = detail
    dataset.last_harvest_attempt = now
    Dataset.objects.filter(pk=dataset.pk).update(
        harvest_error_code=code, harvest_error=detail, last_harvest_attempt=now
    )
    data_changed()


def datasets_harvest_all(*, queryset=None) -> HarvestSummary:
    """Refresh every dataset (or those of ``queryset``) from its portal, one at a time,
    one HTTP session per portal. Nothing a dataset does stops the others; the task's soft
    time limit (``SoftTimeLimitExceeded``) stops them all."""
    summary = HarvestSummary()
    clients: dict[str, CkanClient] = {}
    datasets = (queryset if queryset is not None else Dataset.objects.all()).order_by("pk")
    for dataset in datasets.iterator():
        try:
            if dataset.portal_url not in clients:
                clients[dataset.portal_url] = CkanClient(dataset.portal_url)
            harvested = dataset_harvest(dataset=dataset, client=clients[dataset.portal_url])
        except SoftTimeLimitExceeded:
            # The task's time is up: stop here, the dataset as it was (its failure is not its own).
            raise
        except Exception as exc:  # one bad dataset must not stop the harvest
            logger.exception("Harvest of dataset %s failed", dataset.pk)
            failure = CkanProblem(f"{type(exc).__name__}: {exc}", code=CkanErrorCode.FAILED)
            _dataset_record_failure(dataset=dataset, code=failure.code, detail=failure.detail)
            harvested = False
        if harvested:
            summary.harvested += 1
        else:
            summary.failed[dataset.pk] = dataset.harvest_error_message()
    return summary
