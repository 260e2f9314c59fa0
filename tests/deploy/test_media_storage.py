"""Media on an S3-compatible object store (django-storages), against a real S3 server (moto's
standalone server on loopback), and the refusal of a bad MEDIA_STORAGE setting."""

import io
import os
import subprocess
import sys

import boto3
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from moto.server import ThreadedMotoServer
from PIL import Image

BUCKET = "parvis-media"


@pytest.fixture(scope="module")
def s3_endpoint():
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture
def s3_media(settings, s3_endpoint):
    credentials = {"aws_access_key_id": "parvis", "aws_secret_access_key": "parvis-secret"}
    client = boto3.client("s3", endpoint_url=s3_endpoint, region_name="us-east-1", **credentials)
    client.create_bucket(Bucket=BUCKET)
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": BUCKET,
                "endpoint_url": s3_endpoint,
                "region_name": "us-east-1",
                "access_key": credentials["aws_access_key_id"],
                "secret_key": credentials["aws_secret_access_key"],
                "querystring_auth": False,
                "default_acl": None,
                "file_overwrite": False,
            },
        },
    }
    yield client
    for item in client.list_objects_v2(Bucket=BUCKET).get("Contents", []):
        client.delete_object(Bucket=BUCKET, Key=item["Key"])
    client.delete_bucket(Bucket=BUCKET)


def test_a_profile_photo_is_stored_in_the_bucket_and_shown_from_it(
    s3_media, s3_endpoint, login, resident, beauvais
):
    buffer = io.BytesIO()
    Image.new("RGB", (800, 600), (10, 120, 200)).save(buffer, "PNG")
    upload = SimpleUploadedFile("moi.png", buffer.getvalue(), content_type="image/png")
    client = login(resident)

    response = client.post(
        "/compte/profil/",
        {
            "first_name": resident.first_name,
            "last_name": resident.last_name,
            "commune": "Beauvais (60000)",
            "directory_visibility": resident.directory_visibility,
            "photo": upload,
        },
    )

    assert response.status_code == 302
    resident.refresh_from_db()
    keys = [item["Key"] for item in s3_media.list_objects_v2(Bucket=BUCKET)["Contents"]]
    renditions = [rendition.name for rendition in resident.photo.renditions]
    assert sorted(keys) == sorted([resident.photo.name, *renditions])  # 64, 128, 256 px WebP
    stored = s3_media.get_object(Bucket=BUCKET, Key=resident.photo.name)["Body"].read()
    with Image.open(io.BytesIO(stored)) as image:
        assert max(image.size) <= 400
    stored = s3_media.get_object(Bucket=BUCKET, Key=renditions[-1])["Body"].read()
    with Image.open(io.BytesIO(stored)) as image:
        assert (image.format, image.size) == ("WEBP", (256, 256))
    page = client.get(f"/membres/{resident.pk}/").content.decode()
    assert f"{s3_endpoint}/{BUCKET}/{renditions[-1]} 256w" in page


@pytest.mark.parametrize(
    ("environment", "message"),
    [
        ({"MEDIA_STORAGE": "ftp"}, "MEDIA_STORAGE must be 'filesystem' or 's3'"),
        ({"MEDIA_STORAGE": "s3", "S3_BUCKET": ""}, "MEDIA_STORAGE=s3 needs S3_BUCKET"),
    ],
)
def test_a_bad_media_storage_setting_stops_the_start_with_a_clear_message(environment, message):
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "parvis.settings", **environment},
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0
    assert message in result.stderr


def test_images_from_the_object_store_are_allowed_by_the_content_security_policy():
    code = (
        "import django; django.setup(); from django.conf import settings; "
        "print(settings.SECURE_CSP['img-src'][-1])"
    )
    environment = {
        "MEDIA_STORAGE": "s3",
        "S3_BUCKET": "parvis-media",
        "S3_ENDPOINT_URL": "https://s3.gra.io.cloud.ovh.net/",
    }
    result = subprocess.run(
        [sys.executable, "-c", code],
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "parvis.settings", **environment},
        capture_output=True,
        text=True,
        check=True,
    )
    assert result.stdout.strip() == "https://s3.gra.io.cloud.ovh.net"
