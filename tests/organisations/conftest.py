import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from parvis.accounts.models import VerificationStatus
from parvis.organisations.models import OrganisationRole

from ..factories import MembershipFactory, OrganisationFactory, UserFactory


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def editor(oise, association):
    user = UserFactory(
        email="theo.petit@example.org",
        first_name="Théo",
        last_name="Petit",
        commune=oise["beauvais"],
    )
    MembershipFactory(organisation=association, user=user, role=OrganisationRole.EDITOR)
    return user


@pytest.fixture
def pending_organisation(oise, association_manager):
    """An organisation awaiting verification, run by the association manager."""
    organisation = OrganisationFactory(
        name="Jardins partagés de Beauvais",
        slug="jardins-partages",
        commune=oise["beauvais"],
        status=VerificationStatus.PENDING,
    )
    MembershipFactory(organisation=organisation, user=association_manager)
    return organisation


@pytest.fixture
def png_logo():
    """A real 900 × 600 PNG image."""
    buffer = io.BytesIO()
    Image.new("RGB", (900, 600), (11, 79, 138)).save(buffer, format="PNG")
    return SimpleUploadedFile("logo.png", buffer.getvalue(), content_type="image/png")


@pytest.fixture
def svg_logo():
    """An SVG file (with a script) renamed logo.png."""
    svg = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
    return SimpleUploadedFile("logo.png", svg, content_type="image/png")


@pytest.fixture(autouse=True)
def _pages_in_english(settings):
    """Assert on the English msgids, whatever the French catalogue holds."""
    settings.LANGUAGE_CODE = "en"
