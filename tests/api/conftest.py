import pytest
from django.core.cache import cache
from django.utils import translation
from rest_framework.test import APIClient


@pytest.fixture(autouse=True)
def fresh_throttle():
    """Anonymous throttling counts in the cache: each test starts from zero requests."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def english_afterwards():
    """A request with ?lang=fr leaves French active in the thread: do not pass it on."""
    yield
    translation.activate("en")


@pytest.fixture
def api(db):
    return APIClient()


@pytest.fixture
def staff_api(db, staff):
    client = APIClient()
    client.force_authenticate(staff)
    return client
