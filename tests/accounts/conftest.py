import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from parvis.accounts.models import MandateRole, VerificationStatus

from ..factories import MandateFactory


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _english(settings):
    """Pages in English (the msgids), whatever the catalogues hold."""
    settings.LANGUAGE_CODE = "en"


def image_upload(name="photo.png", size=(1200, 900), fmt="PNG", exif=None):
    buffer = io.BytesIO()
    image = Image.new("RGB", size, (11, 79, 138))
    kwargs = {"exif": exif} if exif is not None else {}
    image.save(buffer, format=fmt, **kwargs)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type=f"image/{fmt.lower()}")


@pytest.fixture
def png_photo():
    return image_upload()


@pytest.fixture
def pending_mandate(resident, oise):
    return MandateFactory(
        user=resident,
        role=MandateRole.MUNICIPAL_COUNCILLOR,
        territory=oise["beauvais"],
        status=VerificationStatus.PENDING,
    )
