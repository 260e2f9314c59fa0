import pytest
from rest_framework.test import APIClient

from ..factories import api_key_for


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"


@pytest.fixture
def api():
    """An anonymous API client."""
    return APIClient()


@pytest.fixture
def api_as():
    """An API client authenticated by ``user``'s personal token."""

    def _as(user):
        key = api_key_for(user)
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
        return client

    return _as
