"""``manage.py images_renditions``: images stored before renditions existed get a sized name
and their renditions; a second run writes nothing."""

import io

from django.core.files.base import ContentFile
from django.core.management import call_command
from PIL import Image

from parvis.organisations.models import Organisation

from ..factories import OrganisationFactory


def test_command_renames_old_images_and_writes_missing_renditions_once(
    oise, settings, tmp_path, capsys, django_capture_on_commit_callbacks
):
    settings.MEDIA_ROOT = tmp_path / "media"
    organisation = OrganisationFactory(commune=oise["beauvais"])
    buffer = io.BytesIO()
    Image.new("RGBA", (400, 200), (0, 0, 0, 0)).save(buffer, format="PNG")
    storage = organisation.logo.storage
    old = storage.save("logos/old.png", ContentFile(buffer.getvalue()))  # as stored before
    Organisation.objects.filter(pk=organisation.pk).update(logo=old)

    with django_capture_on_commit_callbacks(execute=True):
        call_command("images_renditions")
    assert "3 renditions written, 1 images renamed, 0 failed." in capsys.readouterr().out
    organisation.refresh_from_db()
    assert organisation.logo.name == "logos/old.400x200.png"
    assert not storage.exists(old)
    sizes = [(64, 32), (128, 64), (256, 128)]
    for rendition, size in zip(organisation.logo.renditions, sizes, strict=True):
        with Image.open(storage.path(rendition.name)) as image:
            assert (image.format, image.size, image.mode) == ("WEBP", size, "RGBA")

    storage.delete(organisation.logo.renditions[0].name)  # an interrupted run
    call_command("images_renditions")
    assert "1 renditions written, 0 images renamed" in capsys.readouterr().out
    call_command("images_renditions")
    assert "0 renditions written, 0 images renamed" in capsys.readouterr().out
