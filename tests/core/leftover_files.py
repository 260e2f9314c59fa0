"""Helpers of the leftover-files tests (tests/<app>/test_images.py): an image upload and the
check that a file is gone from storage."""

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image


def image_upload(color=(11, 79, 138)):
    buffer = io.BytesIO()
    Image.new("RGB", (640, 480), color).save(buffer, format="PNG")
    return SimpleUploadedFile("photo.png", buffer.getvalue(), content_type="image/png")


def stored(field_file):
    """The storage and name of ``field_file`` as it is now, to look them up later."""
    assert field_file.name
    assert field_file.storage.exists(field_file.name)
    return field_file.storage, field_file.name
