"""A group's replaced, removed or deleted image leaves storage (nothing stays public under
/media/)."""

import pytest

from parvis.groups.services import group_update

from ..core.leftover_files import image_upload, stored


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def test_replacing_removing_and_deleting_a_group_image_deletes_the_old_files(
    public_group, owner, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        group = group_update(group=public_group, actor=owner, image=image_upload())
    storage, first = stored(group.image)

    with django_capture_on_commit_callbacks(execute=True):
        group = group_update(group=group, actor=owner, image=image_upload((0, 0, 90)))
    assert not storage.exists(first)
    storage, second = stored(group.image)

    with django_capture_on_commit_callbacks(execute=True):
        group = group_update(group=group, actor=owner, image=False)
    assert not storage.exists(second)

    with django_capture_on_commit_callbacks(execute=True):
        group = group_update(group=group, actor=owner, image=image_upload())
    storage, third = stored(group.image)
    with django_capture_on_commit_callbacks(execute=True):
        group.delete()
    assert not storage.exists(third)
