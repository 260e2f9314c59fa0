"""A post's replaced, removed or deleted image leaves storage (nothing stays public under
/media/)."""

from parvis.news.services import post_update

from ..core.leftover_files import image_upload, stored


def test_replacing_removing_and_deleting_a_post_image_deletes_the_old_files(
    make_post, agent, django_capture_on_commit_callbacks
):
    post = make_post()
    with django_capture_on_commit_callbacks(execute=True):
        post = post_update(post=post, editor=agent, data={"image": image_upload()})
    storage, first = stored(post.image)

    with django_capture_on_commit_callbacks(execute=True):
        post = post_update(post=post, editor=agent, data={"image": image_upload((0, 90, 0))})
    assert not storage.exists(first)
    storage, second = stored(post.image)

    with django_capture_on_commit_callbacks(execute=True):
        post = post_update(post=post, editor=agent, data={"image": False})
    assert not storage.exists(second)

    with django_capture_on_commit_callbacks(execute=True):
        post = post_update(post=post, editor=agent, data={"image": image_upload()})
    storage, third = stored(post.image)
    with django_capture_on_commit_callbacks(execute=True):
        post.delete()
    assert not storage.exists(third)
