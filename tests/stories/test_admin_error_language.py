"""The admin shows a harvest's and a link check's error in the reader's language, with its
technical detail, on the record's page."""

import pytest
from django.utils import timezone

from cogwg.choices import LinkErrorCode, LinkStatus
from cogwg.models import LinkCheck
from stories.choices import CkanErrorCode
from tests.factories import DatasetFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("language", "message"),
    [
        ("en", "The portal has no such dataset (any more)"),
        ("fr", "Le portail n'a pas (ou n'a plus) ce jeu de données"),
    ],
)
def test_a_datasets_harvest_error_is_shown_in_the_pages_language(staff_client, language, message):
    dataset = DatasetFactory(harvest_error_code=CkanErrorCode.NOT_FOUND, harvest_error="HTTP 404")

    html = staff_client.get(f"/{language}/admin/stories/dataset/{dataset.pk}/change/").content.decode()

    assert message.replace("'", "&#x27;") in html
    assert "HTTP 404" in html


@pytest.mark.parametrize(("language", "message"), [("en", "No answer in time"), ("fr", "Pas de réponse à temps")])
def test_a_link_checks_error_is_shown_in_the_pages_language(staff_client, language, message):
    check = LinkCheck.objects.create(
        url="https://example.org/a",
        status=LinkStatus.TIMEOUT,
        error_code=LinkErrorCode.TIMEOUT,
        error="10 s",
        checked_at=timezone.now(),
    )

    html = staff_client.get(f"/{language}/admin/cogwg/linkcheck/{check.pk}/change/").content.decode()

    assert f"{message} (10 s)" in html
