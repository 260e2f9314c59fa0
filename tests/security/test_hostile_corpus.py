"""The hostile corpus (``hostile.py``) against every form and API write of ``writes.py``.

Whatever is sent: never a 500; either the write is refused with a clear (French) message and
nothing is stored, or it is stored and every page showing it renders it escaped (no tag, no
``javascript:`` link of the payload reaches the HTML) — and a stored image is a re-encoded
raster image carrying none of the upload's script.
"""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from .conftest import api_messages, looks_french, sign_in
from .hostile import FORBIDDEN_IN_STORED_FILES, STRINGS, UPLOADS, dangerous
from .test_form_api_parity import REFUSAL_MARKS
from .writes import FORMS_ELSEWHERE, FORMS_NOT_YET_COVERED, WRITES

TEXT_WRITES = [
    pytest.param(write, field, id=f"{write.name}-{field}")
    for write in WRITES
    for field in write.text_fields
]
FILE_WRITES = [
    pytest.param(write, field, id=f"{write.name}-{field}")
    for write in WRITES
    for field in write.file_fields
]


def assert_rendered_safely(client, world, write, payload):
    for url in write.shown_on(world):
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        page = response.content.decode()
        if dangerous(payload):
            assert payload not in page, f"{payload!r} unescaped on {url}"
        assert 'href="javascript:' not in page.lower(), url


def api_changes(write, field, value):
    """The API's fields for a change of the form's ``field``."""
    if write.apply is not None:  # consultation answers name questions by kind
        return {field: value}
    return {write.fields.get(field, field): value}


@pytest.mark.parametrize(("write", "field"), [p for p in TEXT_WRITES if p.values[0].form_url])
def test_hostile_strings_through_the_form(write, field, people, client):
    for payload in STRINGS:
        world = write.setup(people)
        sign_in(client, world)
        form_data, _api = write.submissions(world, {field: payload}, {})
        before = write.stored(world)

        response = client.post(write.form_url(world), form_data)

        assert response.status_code < 500, (payload[:40], response.status_code)
        if write.stored(world) == before:  # refused: the page says why
            page = (
                client.get(response["Location"]) if response.status_code == 302 else response
            ).content.decode()
            assert any(mark in page for mark in REFUSAL_MARKS), (payload[:40], page[:1500])
            if dangerous(payload):
                assert payload not in page  # the form shown again escapes it too
        else:
            assert_rendered_safely(client, world, write, payload)


@pytest.mark.parametrize(("write", "field"), [p for p in TEXT_WRITES if p.values[0].api_url])
def test_hostile_strings_through_the_api(write, field, people, api_client, client):
    if write.apply is None and field not in write.fields:
        pytest.fail(f"{write.name}: map the form field {field!r} to its API field")
    for payload in STRINGS:
        world = write.setup(people)
        _form, api_data = write.submissions(world, {}, api_changes(write, field, payload))
        before = write.stored(world)
        method, _path = write.api_operation

        response = getattr(api_client(world["user"]), method)(
            write.api_url(world), api_data, format="json"
        )

        assert response.status_code < 500, (payload[:40], response.status_code)
        if response.status_code in (400, 404):  # refused (404: names nothing that exists)
            messages = api_messages(response.json())
            assert all(looks_french(message) for message in messages), messages
            assert write.stored(world) == before
        else:
            assert response.status_code in (200, 201), response.content[:500]
            sign_in(client, world)
            assert_rendered_safely(client, world, write, payload)


def assert_stored_images_are_clean(before):
    from django.conf import settings

    root = settings.MEDIA_ROOT
    for path in root.rglob("*") if root.exists() else ():
        if path.is_file() and path not in before:
            content = path.read_bytes()
            assert not any(bad in content for bad in FORBIDDEN_IN_STORED_FILES), path
            assert path.suffix in {".jpg", ".jpeg", ".png", ".webp", ".gif"}, path
            with Image.open(io.BytesIO(content)) as image:
                assert image.format in {"JPEG", "PNG", "WEBP", "GIF"}


def media_files():
    from django.conf import settings

    root = settings.MEDIA_ROOT
    return set(root.rglob("*")) if root.exists() else set()


@pytest.mark.parametrize(("write", "field"), [p for p in FILE_WRITES if p.values[0].form_url])
def test_hostile_uploads_through_the_form(write, field, people, client):
    for upload in UPLOADS:
        world = write.setup(people)
        sign_in(client, world)
        form_data, _api = write.submissions(world, {}, {})
        form_data[field] = SimpleUploadedFile(upload.name, upload.content(), upload.content_type)
        before, files = write.stored(world), media_files()

        response = client.post(write.form_url(world), form_data)

        assert response.status_code < 500, (upload.label, response.status_code)
        if write.stored(world) == before:
            page = response.content.decode()
            assert any(mark in page for mark in REFUSAL_MARKS), upload.label
            assert "image" in page.lower()
        assert_stored_images_are_clean(files)


@pytest.mark.parametrize(("write", "field"), [p for p in FILE_WRITES if p.values[0].api_url])
def test_hostile_uploads_through_the_api(write, field, people, api_client):
    for upload in UPLOADS:
        world = write.setup(people)
        _form, api_data = write.submissions(world, {}, {})
        api_field = write.fields.get(field, field)
        before, files = write.stored(world), media_files()
        method, _path = write.api_operation
        data = {key: value for key, value in api_data.items() if value is not None}
        data[api_field] = SimpleUploadedFile(upload.name, upload.content(), upload.content_type)

        response = getattr(api_client(world["user"]), method)(
            write.api_url(world), data, format="multipart"
        )

        assert response.status_code < 500, (upload.label, response.status_code)
        if response.status_code == 400:
            messages = api_messages(response.json())
            assert all(looks_french(message) for message in messages), messages
            assert write.stored(world) == before
        assert_stored_images_are_clean(files)


def test_every_form_with_text_or_files_is_covered():
    """Each form of the site taking text or a file is in ``writes.WRITES`` (or listed as a GET
    filter, or as not covered yet): a new form fails here until it is added."""
    import importlib
    import inspect
    import pkgutil

    from django import forms

    import parvis

    found = set()
    for module_info in pkgutil.walk_packages(parvis.__path__, "parvis."):
        if not module_info.name.endswith(".forms"):
            continue
        module = importlib.import_module(module_info.name)
        for name, cls in inspect.getmembers(module, inspect.isclass):
            if not (issubclass(cls, forms.BaseForm) and cls.__module__ == module.__name__):
                continue
            takes = [
                f
                for f in cls.base_fields.values()
                if isinstance(f, forms.CharField | forms.FileField)
            ]
            if takes:
                found.add(f"{cls.__module__}.{name}")
    covered = {f"{w.form_class.__module__}.{w.form_class.__name__}" for w in WRITES if w.form_class}
    listed = covered | set(FORMS_ELSEWHERE) | set(FORMS_NOT_YET_COVERED)
    assert not found - listed, f"forms not in the hostile corpus: {sorted(found - listed)}"
    assert not FORMS_NOT_YET_COVERED  # the gap list stays empty
