"""The runbook's backup and restore commands, run for real: back up, wipe, restore, and the site
comes back with nothing lost (docs/deployment.md)."""

import io
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.db import connection
from PIL import Image

from parvis.accounts.models import User
from parvis.agenda.models import Category
from tests.agenda.conftest import create_event

pytestmark = [pytest.mark.postgresql, pytest.mark.django_db(transaction=True)]

PROJECT = Path(__file__).resolve().parents[2]


def database_url():
    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db["PASSWORD"] else ""
    return (
        f"postgres://{db['USER']}{password}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}"
        f"/{db['NAME']}"
    )


def run(script, *args, media_root):
    env = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "MEDIA_ROOT": str(media_root),
        "MEDIA_STORAGE": "filesystem",
    }
    return subprocess.run(
        [str(PROJECT / "deploy" / script), *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def jpeg_bytes():
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), (200, 80, 20)).save(buffer, "JPEG")
    return buffer.getvalue()


@pytest.fixture
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def test_backup_wipe_restore_brings_the_site_back(
    client, resident, association_manager, beauvais, media_root, password, tmp_path
):
    resident.photo.save("portrait.jpg", ContentFile(jpeg_bytes()))
    photo_name = resident.photo.name
    photo_bytes = (media_root / photo_name).read_bytes()
    # Transactional tests flush the rows data migrations created: make sure the category is here.
    Category.objects.get_or_create(slug="culture", defaults={"name": "Culture"})
    event = create_event(created_by=association_manager, commune=beauvais, title="Fête du cidre")
    event_url = event.get_absolute_url()
    users_before = User.objects.count()

    backup = run("backup.sh", str(tmp_path / "backups"), media_root=media_root)
    assert backup.returncode == 0, backup.stderr
    backup_dir = Path(backup.stdout.strip().splitlines()[-1])
    assert {p.name for p in backup_dir.iterdir()} == {
        "database.dump",
        "media.tar.gz",
        "MANIFEST",
        "SHA256SUMS",
    }

    # The disaster: every table and every uploaded file gone.
    with connection.cursor() as cursor:
        cursor.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public")
    shutil.rmtree(media_root)
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")
        assert cursor.fetchone()[0] == 0

    restore = run("restore.sh", str(backup_dir), "--yes", media_root=media_root)
    assert restore.returncode == 0, restore.stderr

    assert User.objects.count() == users_before
    assert (media_root / photo_name).read_bytes() == photo_bytes
    # The member logs in with the same password; the event page and search answer again.
    assert client.login(email=resident.email, password=password)
    response = client.get(event_url)
    assert response.status_code == 200
    assert "Fête du cidre" in response.content.decode()
    response = client.get("/agenda/", {"q": "cidre"})
    assert "Fête du cidre" in response.content.decode()


def test_restore_refuses_a_damaged_backup(resident, media_root, tmp_path):
    backup = run("backup.sh", str(tmp_path / "backups"), media_root=media_root)
    assert backup.returncode == 0, backup.stderr
    backup_dir = Path(backup.stdout.strip().splitlines()[-1])
    with (backup_dir / "database.dump").open("ab") as dump:
        dump.write(b"corrupted")

    restore = run("restore.sh", str(backup_dir), "--yes", media_root=media_root)

    assert restore.returncode == 2
    assert "damaged" in restore.stderr
    assert User.objects.filter(pk=resident.pk).exists()


def test_backup_refuses_a_database_that_is_not_postgresql(tmp_path):
    result = subprocess.run(
        [str(PROJECT / "deploy" / "backup.sh"), str(tmp_path)],
        env={**os.environ, "DATABASE_URL": "sqlite:///tmp/x.sqlite3"},
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 2
    assert "PostgreSQL only" in result.stderr
    assert not any(tmp_path.iterdir())
