"""Fixtures of the private messages' tests: the personas of ``tests/conftest.py`` plus an
image to attach, the services run with their after-commit work, and private files in a
temporary directory."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from parvis.conversations import services

from ..factories import UserFactory
from ..moderation.conftest import decide, members, report  # noqa: F401  (shared fixtures)


@pytest.fixture(autouse=True)
def _settings(settings, tmp_path):
    """Established accounts by default (a test about new accounts sets the days back), and
    the private files in a temporary directory."""
    settings.PARVIS_NEW_ACCOUNT_DAYS = 0
    settings.PARVIS_STAFF_MFA_REQUIRED = False
    settings.STORAGES = {
        **settings.STORAGES,
        "private": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "private")},
        },
    }


def png_bytes(size=(40, 30), color=(200, 30, 30)):
    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, format="PNG")
    return buffer.getvalue()


@pytest.fixture
def image():
    """``image()``: a fresh uploaded PNG."""
    return lambda name="photo.png": SimpleUploadedFile(name, png_bytes(), "image/png")


@pytest.fixture
def start(django_capture_on_commit_callbacks):
    """``start(author, **target_and_text)``: ``conversation_start`` with its after-commit
    work (the outbox's fan-out) run."""

    def _start(author, body="Bonjour !", **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return services.conversation_start(author=author, body=body, **kwargs)

    return _start


@pytest.fixture
def send(django_capture_on_commit_callbacks):
    def _send(conversation, sender, body="Merci !", **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return services.message_send(
                conversation=conversation, sender=sender, body=body, **kwargs
            )

    return _send


@pytest.fixture
def third_resident(beauvais):
    return UserFactory(
        email="ines.roux@example.org", first_name="Inès", last_name="Roux", commune=beauvais
    )
