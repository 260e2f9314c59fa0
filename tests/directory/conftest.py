import pytest

from parvis.accounts.models import DirectoryVisibility

from ..factories import UserFactory


@pytest.fixture(autouse=True)
def _pages_in_english(settings):
    """Assert on the English msgids, whatever the French catalogue holds."""
    settings.LANGUAGE_CODE = "en"


@pytest.fixture
def listed(oise):
    """Three residents of Beauvais, one per directory choice."""
    return {
        visibility: UserFactory(
            first_name=f"Prénom{visibility.capitalize()}",
            last_name=f"Nom{visibility.capitalize()}",
            commune=oise["beauvais"],
            directory_visibility=visibility,
        )
        for visibility in DirectoryVisibility.values
    }
