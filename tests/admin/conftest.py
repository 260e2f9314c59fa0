import pytest


@pytest.fixture(autouse=True)
def _pages_in_english(settings):
    """Assert on the English interface (French, the default, is covered in tests/core)."""
    settings.LANGUAGE_CODE = "en"
