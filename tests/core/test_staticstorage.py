"""The production static files' storage (parvis.core.staticstorage): whitenoise's addresses,
each computed once per process."""

import json
import os
import subprocess
import sys

import pytest
from whitenoise.storage import CompressedManifestStaticFilesStorage

from parvis.core.staticstorage import StaticStorage

MANIFEST = {
    "paths": {
        "parvis/parvis.css": "parvis/parvis.0123456789ab.css",
        "parvis/icon.svg": "parvis/icon.ba9876543210.svg",
    },
    "version": "1.1",
    "hash": "cafe",
}


@pytest.fixture
def static_root(tmp_path, settings):
    settings.DEBUG = False
    settings.STATIC_URL = "/static/"
    (tmp_path / "staticfiles.json").write_text(json.dumps(MANIFEST))
    return tmp_path


def test_addresses_are_whitenoise_s_hashed_ones(static_root):
    ours = StaticStorage(location=static_root, base_url="/static/")
    theirs = CompressedManifestStaticFilesStorage(location=static_root, base_url="/static/")
    for name in ("parvis/parvis.css", "parvis/icon.svg", "parvis/parvis.css"):
        assert ours.url(name) == theirs.url(name)
    assert ours.url("parvis/parvis.css") == "/static/parvis/parvis.0123456789ab.css"


def test_an_address_is_computed_once_per_process(static_root):
    storage = StaticStorage(location=static_root, base_url="/static/")
    first = storage.url("parvis/icon.svg")
    storage.hashed_files["parvis/icon.svg"] = "parvis/icon.000000000000.svg"  # not read again
    assert storage.url("parvis/icon.svg") == first
    # collectstatic's own rewriting (force=True) reads the manifest as before.
    assert storage.url("parvis/icon.svg", force=True) == "/static/parvis/icon.000000000000.svg"


def test_a_file_missing_from_the_manifest_is_an_error_every_time(static_root):
    storage = StaticStorage(location=static_root, base_url="/static/")
    for _ in range(2):
        with pytest.raises(ValueError, match="Missing staticfiles manifest entry"):
            storage.url("parvis/missing.js")


def test_production_settings_use_it():
    # parvis.settings picks the storage from DEBUG at import: read them as production does.
    script = (
        "import django; django.setup()\n"
        "from django.conf import settings\n"
        "print(settings.STORAGES['staticfiles']['BACKEND'])\n"
    )
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "parvis.settings",
        "DEBUG": "false",
        "SECRET_KEY": "a-production-like-secret-key-" + "x" * 40,
    }
    result = subprocess.run(
        [sys.executable, "-c", script],
        env=environment,
        check=True,
        timeout=60,
        capture_output=True,
        text=True,
    )
    assert result.stdout.strip() == "parvis.core.staticstorage.StaticStorage"
