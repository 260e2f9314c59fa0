"""The organisation's cover image: cleaned and stored with its renditions (core.pictures),
shown as ``srcset`` on its page and card, refused by field when it is not a good image."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template import Context, Template
from PIL import Image

from parvis.accounts.services import profile_update
from parvis.core.images import MAX_UPLOAD_BYTES, process_image

from ..factories import UserFactory


def edit(organisation):
    return f"/organisations/{organisation.slug}/modifier/"


def jpeg(size=(1600, 900)):
    buffer = io.BytesIO()
    Image.new("RGB", size, (11, 79, 138)).save(buffer, format="JPEG")
    return SimpleUploadedFile("cover.jpg", buffer.getvalue(), content_type="image/jpeg")


def stored_files(settings):
    root = settings.MEDIA_ROOT / "covers"
    return sorted(path.name for path in root.iterdir()) if root.exists() else []


def test_cover_is_stored_with_webp_renditions_and_shown_as_srcset(
    login, editor, association, settings, django_assert_max_num_queries, resident
):
    client = login(editor)
    client.post(
        edit(association),
        {"description": "x", "cover": jpeg(), "cover_alt": "Le lac au lever du jour"},
    )
    association.refresh_from_db()
    assert association.cover.name.endswith(".1600x900.jpg")
    assert association.cover_alt == "Le lac au lever du jour"
    sizes = []
    for rendition in association.cover.renditions:
        with Image.open(association.cover.storage.path(rendition.name)) as image:
            assert image.format == "WEBP"
            sizes.append(image.size)
    assert sizes == [(320, 180), (640, 360), (1280, 720)]

    visitor = login(resident)
    visitor.get(association.get_absolute_url())  # the first request records the session
    with django_assert_max_num_queries(11):
        page = visitor.get(association.get_absolute_url()).content.decode()
    base = association.cover.url.removesuffix(".jpg")
    assert f'srcset="{base}.320w.webp 320w, {base}.640w.webp 640w, {base}.1280w.webp 1280w"' in page
    assert 'alt="Le lac au lever du jour"' in page
    assert 'width="1280" height="720"' in page
    assert 'fetchpriority="high"' in page  # the page's first image is not lazy
    listing = visitor.get("/organisations/").content.decode()
    assert f"{base}.320w.webp 320w" in listing
    assert 'loading="lazy"' in listing


def test_replacing_removing_or_deleting_the_cover_deletes_its_renditions(
    login, editor, association, django_capture_on_commit_callbacks
):
    client = login(editor)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(edit(association), {"description": "x", "cover": jpeg()})
    association.refresh_from_db()
    storage, first = association.cover.storage, association.cover
    names = [first.name] + [rendition.name for rendition in first.renditions]
    assert all(storage.exists(name) for name in names)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(edit(association), {"description": "x", "cover": jpeg((800, 800))})
    assert not any(storage.exists(name) for name in names)
    association.refresh_from_db()
    second = [association.cover.name] + [r.name for r in association.cover.renditions]
    assert [r.width for r in association.cover.renditions] == [320, 640, 800]
    with django_capture_on_commit_callbacks(execute=True):
        client.post(edit(association), {"description": "x", "remove_cover": "on"})
    association.refresh_from_db()
    assert not association.cover
    assert not any(storage.exists(name) for name in second)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(edit(association), {"description": "x", "cover": jpeg()})
    association.refresh_from_db()
    third = [association.cover.name] + [r.name for r in association.cover.renditions]
    with django_capture_on_commit_callbacks(execute=True):
        association.delete()  # the organisation goes: its cover and renditions too
    assert not any(storage.exists(name) for name in third)


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (SimpleUploadedFile("cover.jpg", b"<svg></svg>", "image/jpeg"), "not a valid image"),
        (
            SimpleUploadedFile("cover.jpg", b"0" * (MAX_UPLOAD_BYTES + 1), "image/jpeg"),
            "too large",
        ),
    ],
)
def test_bad_cover_is_refused_on_its_field_and_nothing_is_stored(
    login, editor, association, settings, upload, message
):
    response = login(editor).post(edit(association), {"description": "Changée", "cover": upload})
    assert response.status_code == 200
    form = response.context["form"]
    assert message in " ".join(form.errors["cover"])
    association.refresh_from_db()
    assert not association.cover
    assert association.description != "Changée"
    assert stored_files(settings) == []


def test_api_gives_the_cover_and_its_description(login, editor, association, client):
    login(editor).post(edit(association), {"description": "x", "cover": jpeg(), "cover_alt": "Lac"})
    association.refresh_from_db()
    data = client.get(f"/api/organisations/{association.pk}/").json()
    assert data["cover"].endswith(association.cover.url)
    assert data["cover_alt"] == "Lac"


def test_member_photo_avatar_uses_square_renditions(db, oise):
    member = UserFactory(commune=oise["beauvais"])
    buffer = io.BytesIO()
    Image.new("RGB", (300, 200), (200, 30, 30)).save(buffer, format="JPEG")
    photo = process_image(SimpleUploadedFile("p.jpg", buffer.getvalue()))
    profile_update(user=member, photo=photo)
    assert [(r.width, r.height) for r in member.photo.renditions] == [
        (64, 64),
        (128, 128),
        (200, 200),
    ]
    html = Template('{% load parvis_ui %}{% avatar member "lg" %}').render(
        Context({"member": member})
    )
    assert 'sizes="96px"' in html
    assert ".200w.webp 200w" in html
