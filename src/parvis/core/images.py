"""Uploaded images: checked by content, re-encoded and resized with Pillow, metadata stripped.

The browser's file name and declared type are never trusted: Pillow must recognise the bytes
as one of the allowed raster formats (an SVG or HTML file renamed ``.jpg`` is refused), the
image is decoded fully, then re-encoded from its pixels only, so no EXIF/GPS or other
metadata survives.

A replaced or removed image, and the images of a deleted item, leave storage once the change is
committed (``image_set``, ``delete_files_with``), with its renditions (``core.pictures``):
nothing stays public under ``/media/``.
"""

import io

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models.signals import post_delete
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageOps, UnidentifiedImageError

from .pictures import kind_of, renditions_delete

ALLOWED_FORMATS = {"JPEG", "PNG", "WEBP", "GIF"}
MAX_UPLOAD_BYTES = 5 * 1024 * 1024
MAX_PIXELS = 40_000_000


def process_image(uploaded, *, max_size=(800, 800), output_format="JPEG"):
    """Return a ``ContentFile`` with the cleaned image, or raise ``ValidationError``."""
    if uploaded.size > MAX_UPLOAD_BYTES:
        raise ValidationError(
            _("The image is too large (%(size)s MB at most)."),
            code="too_large",
            params={"size": MAX_UPLOAD_BYTES // (1024 * 1024)},
        )
    try:
        uploaded.seek(0)
        with Image.open(uploaded) as probe:
            if probe.format not in ALLOWED_FORMATS:
                raise ValidationError(
                    _("Only JPEG, PNG, WebP or GIF images are accepted."), code="bad_format"
                )
            width, height = probe.size
            if width * height > MAX_PIXELS:
                raise ValidationError(_("The image has too many pixels."), code="too_big")
            probe.verify()
        uploaded.seek(0)
        with Image.open(uploaded) as image:
            image.load()
            image = ImageOps.exif_transpose(image)
            image = image.convert("RGB" if output_format == "JPEG" else "RGBA")
            image.thumbnail(max_size)
            clean = Image.new(image.mode, image.size)
            clean.paste(image)
            buffer = io.BytesIO()
            clean.save(buffer, format=output_format, quality=85, optimize=True)
    except ValidationError:
        raise
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError):
        raise ValidationError(
            _("This file is not a valid image (JPEG, PNG, WebP or GIF)."), code="invalid"
        ) from None
    extension = "jpg" if output_format == "JPEG" else output_format.lower()
    return ContentFile(buffer.getvalue(), name=f"image.{extension}")


def file_delete_on_commit(storage, name, kind=None) -> None:
    """Delete ``name`` (and its renditions of ``kind``, see ``core.pictures``) from
    ``storage`` once the current transaction commits (at once outside one); nothing is deleted
    if it rolls back, as the row still names the file then."""
    if name:

        def delete():
            renditions_delete(storage, name, kind)
            storage.delete(name)

        transaction.on_commit(delete)


def image_set(instance, field_name, image, *, max_size=(1600, 1600)) -> bool:
    """Set ``instance``'s image field (not saved): ``image`` an uploaded file (checked and
    re-encoded, else ``ValidationError`` on the field), ``False`` to remove it, ``None`` to
    leave it alone. The previous file is deleted once the change is committed. Returns
    whether the image changed. Call it inside the transaction that saves ``instance``."""
    if image is None:
        return False
    current = getattr(instance, field_name)
    old_name, storage = current.name, current.storage
    if image is False:
        if not old_name:
            return False
        setattr(instance, field_name, "")
    else:
        try:
            clean = process_image(image, max_size=max_size)
        except ValidationError as error:
            raise ValidationError({field_name: error.messages}) from None
        current.save("image.jpg", clean, save=False)
    file_delete_on_commit(storage, old_name, kind_of(instance, field_name))
    return True


def delete_files_with(model, *field_names) -> None:
    """Delete the files of ``field_names`` when a row of ``model`` is deleted (cascades
    included), once the deletion is committed."""

    def deleted(sender, instance, **kwargs):
        for name in field_names:
            field_file = getattr(instance, name)
            file_delete_on_commit(field_file.storage, field_file.name, kind_of(instance, name))

    post_delete.connect(
        deleted, sender=model, weak=False, dispatch_uid=f"parvis-files-{model._meta.label}"
    )
