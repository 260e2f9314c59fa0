"""Uploaded images: checked by content, re-encoded and resized with Pillow, metadata stripped.

The browser's file name and declared type are never trusted: Pillow must recognise the bytes
as one of the allowed raster formats (an SVG or HTML file renamed ``.jpg`` is refused), the
image is decoded fully, then re-encoded from its pixels only, so no EXIF/GPS or other
metadata survives.
"""

import io

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageOps, UnidentifiedImageError

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
