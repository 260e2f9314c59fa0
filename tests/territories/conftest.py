import pytest

from parvis.accounts.models import DirectoryVisibility


@pytest.fixture(autouse=True)
def _pages_in_english(settings):
    """Assert on the English msgids, whatever the French catalogue holds."""
    settings.LANGUAGE_CODE = "en"


@pytest.fixture
def public_official(official):
    """The verified mayor of Compiègne, with a profile open to everyone."""
    official.directory_visibility = DirectoryVisibility.PUBLIC
    official.save(update_fields=["directory_visibility"])
    return official
