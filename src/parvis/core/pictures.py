"""Renditions of the uploaded images: the sizes the pages show, in WebP, next to the original.

An image field declared as ``PictureField(kind=...)`` stores, when a file is saved through it
(the services save files that ``core.images`` has already cleaned), the original under a name
that carries its size (``events/<token>.1600x900.jpg``) and one WebP file per width of its kind
beside it (``events/<token>.1600x900.640w.webp``). Every name derives from the original's name,
so showing the renditions costs no query and no storage call; ``{% picture %}``
(``core/templatetags/pictures.py``) renders them as ``srcset``.

Kinds:

- ``cover``: widths 320, 640 and 1280, the aspect ratio kept (event, post and group images,
  organisation covers, message attachments, local report photos);
- ``square``: 64, 128 and 256 px squares cropped at the centre (member photos);
- ``logo``: fitted in a 64, 128 or 256 px square, the aspect ratio and transparency kept.

No rendition is larger than its original. Files saved before renditions existed are named
without a size: ``manage.py images_renditions`` renames them and writes their renditions.
"""

import io
import os
import re
from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.db import models
from django.db.models.fields.files import ImageFieldFile
from PIL import Image, ImageOps

WEBP_QUALITY = 80


@dataclass(frozen=True)
class Kind:
    widths: tuple
    shape: str  # "keep" (ratio kept), "square" (cropped), "fit" (fitted in a square)


KINDS = {
    "cover": Kind(widths=(320, 640, 1280), shape="keep"),
    "square": Kind(widths=(64, 128, 256), shape="square"),
    "logo": Kind(widths=(64, 128, 256), shape="fit"),
}

SIZED_NAME = re.compile(r"^(?P<root>.+)\.(?P<width>\d+)x(?P<height>\d+)\.(?P<ext>[a-z]+)$")


@dataclass(frozen=True)
class Rendition:
    name: str
    width: int
    height: int


def original_size(name):
    """``(width, height)`` read from a sized name, else ``None`` (a file saved before)."""
    match = SIZED_NAME.match(name or "")
    if not match:
        return None
    return int(match["width"]), int(match["height"])


def sized_name(name, width, height):
    root, ext = os.path.splitext(name)
    return f"{root}.{width}x{height}{ext}"


def _dimensions(shape, target, width, height):
    if shape == "square":
        side = min(target, width, height)
        return side, side
    bound = target / max(width, height) if shape == "fit" else target / width
    scale = min(bound, 1)
    return max(1, round(width * scale)), max(1, round(height * scale))


def renditions(name, kind):
    """The renditions of the original ``name`` for ``kind``, smallest first (none for a name
    without a size)."""
    size = original_size(name)
    if size is None or kind not in KINDS:
        return []
    root = os.path.splitext(name)[0]
    spec = KINDS[kind]
    found = {}
    for target in spec.widths:
        width, height = _dimensions(spec.shape, target, *size)
        found.setdefault(width, Rendition(f"{root}.{width}w.webp", width, height))
    return [found[width] for width in sorted(found)]


def _render(image, shape, width, height):
    if shape == "square":
        resized = ImageOps.fit(image, (width, height), Image.Resampling.LANCZOS)
    else:
        resized = image.resize((width, height), Image.Resampling.LANCZOS)
    buffer = io.BytesIO()
    resized.save(buffer, format="WEBP", quality=WEBP_QUALITY, method=4)
    return ContentFile(buffer.getvalue())


def renditions_write(storage, name, kind, image=None, *, missing_only=False):
    """Write the renditions of ``name`` (already stored, sized) to ``storage``; ``image`` the
    decoded original if at hand. Returns how many files were written."""
    wanted = renditions(name, kind)
    if missing_only:
        wanted = [rendition for rendition in wanted if not storage.exists(rendition.name)]
    if not wanted:
        return 0
    if image is None:
        with storage.open(name, "rb") as stored:
            image = Image.open(stored)
            image.load()
    image = image.convert("RGBA" if image.mode in ("RGBA", "LA", "P") else "RGB")
    for rendition in wanted:
        content = _render(image, KINDS[kind].shape, rendition.width, rendition.height)
        storage.save(rendition.name, content)
    return len(wanted)


def renditions_delete(storage, name, kind) -> None:
    for rendition in renditions(name, kind):
        storage.delete(rendition.name)


def kind_of(instance_or_model, field_name):
    """The rendition kind of a model's image field, ``None`` for a plain file field."""
    field = instance_or_model._meta.get_field(field_name)
    return getattr(field, "picture_kind", None)


class PictureFieldFile(ImageFieldFile):
    def save(self, name, content, save=True):
        """Store the original under a sized name, then its renditions."""
        image = None
        try:
            content.seek(0)
            image = Image.open(content)
            image.load()
        except (OSError, ValueError, Image.DecompressionBombError):
            image = None  # not decodable: stored as it is, without renditions
        name = self.field.generate_filename(self.instance, name)
        if image is not None:
            name = sized_name(name, *image.size)
        content.seek(0)
        self.name = self.storage.save(name, content, max_length=self.field.max_length)
        setattr(self.instance, self.field.attname, self.name)
        self._committed = True
        if image is not None:
            renditions_write(self.storage, self.name, self.field.picture_kind, image)
        if save:
            self.instance.save()

    save.alters_data = True

    def delete(self, save=True):
        if self.name:
            renditions_delete(self.storage, self.name, self.field.picture_kind)
        super().delete(save=save)

    delete.alters_data = True

    @property
    def renditions(self):
        return renditions(self.name, self.field.picture_kind)


class PictureField(models.ImageField):
    """An ``ImageField`` that writes renditions of ``kind`` (see ``KINDS``) when a file is
    saved. Migrations see a plain ``ImageField``: the kind changes no column."""

    attr_class = PictureFieldFile

    def __init__(self, *args, kind="cover", **kwargs):
        if kind not in KINDS:
            raise ValueError(f"Unknown picture kind {kind!r}")
        self.picture_kind = kind
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, _path, args, kwargs = super().deconstruct()
        return name, "django.db.models.ImageField", args, kwargs
