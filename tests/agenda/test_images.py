"""An event's replaced, removed or deleted image leaves storage (nothing stays public under
/media/)."""

import pytest

from parvis.agenda.services import event_update

from ..core.leftover_files import image_upload, stored


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def test_replacing_then_removing_an_event_image_deletes_the_old_files(
    make_event, association_manager, django_capture_on_commit_callbacks
):
    event = make_event()
    with django_capture_on_commit_callbacks(execute=True):
        event = event_update(
            event=event, editor=association_manager, data={"image": image_upload()}
        )
    storage, first = stored(event.image)

    with django_capture_on_commit_callbacks(execute=True):
        event = event_update(
            event=event, editor=association_manager, data={"image": image_upload((200, 0, 0))}
        )
    assert not storage.exists(first)
    storage, second = stored(event.image)
    assert second != first

    with django_capture_on_commit_callbacks(execute=True):
        event = event_update(event=event, editor=association_manager, data={"image": False})
    assert not event.image
    assert not storage.exists(second)


def test_a_refused_image_keeps_the_current_one(make_event, association_manager):
    event = make_event()
    event = event_update(event=event, editor=association_manager, data={"image": image_upload()})
    storage, name = stored(event.image)
    event.refresh_from_db()
    with pytest.raises(Exception):  # noqa: B017, PT011 - the service's ValidationError
        event_update(
            event=event,
            editor=association_manager,
            data={"image": image_upload(), "end": event.start.replace(year=2000)},
        )
    assert storage.exists(name)


def test_deleting_an_event_deletes_its_image(
    make_event, association_manager, django_capture_on_commit_callbacks
):
    event = make_event()
    event = event_update(event=event, editor=association_manager, data={"image": image_upload()})
    storage, name = stored(event.image)
    with django_capture_on_commit_callbacks(execute=True):
        event.delete()
    assert not storage.exists(name)
