"""Write the missing renditions of the stored images (``core.pictures``).

Idempotent and resumable: an image saved before renditions existed is copied under a sized
name (the row then names the copy; the old file is deleted once that is committed), and only
the renditions missing from storage are written; cached pages are retired when a file was
renamed. Run it after deploying, again at will.
"""

from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import transaction
from PIL import Image

from parvis.core import pagecache
from parvis.core.images import file_delete_on_commit
from parvis.core.pictures import PictureField, original_size, renditions_write, sized_name


class Command(BaseCommand):
    help = "Write the missing renditions (WebP sizes) of the uploaded images."

    def handle(self, *args, **options):
        written = renamed = failed = 0
        for model in apps.get_models():
            for field in model._meta.concrete_fields:
                if not isinstance(field, PictureField):
                    continue
                rows = (
                    model._default_manager.exclude(**{field.name: ""})
                    .order_by("pk")
                    .values_list("pk", field.name)
                )
                for pk, name in rows.iterator(chunk_size=500):
                    try:
                        if original_size(name) is None:
                            name = self._rename(model, field, pk, name)
                            renamed += 1
                        written += renditions_write(
                            field.storage, name, field.picture_kind, missing_only=True
                        )
                    except (OSError, ValueError, Image.DecompressionBombError) as error:
                        failed += 1
                        self.stderr.write(f"{model._meta.label} {pk} {name}: {error}")
        if renamed and pagecache.enabled():  # cached pages name the old files
            pagecache.bump([pagecache.ALL])
        self.stdout.write(
            f"{written} renditions written, {renamed} images renamed, {failed} failed."
        )

    def _rename(self, model, field, pk, name):
        storage = field.storage
        with storage.open(name, "rb") as stored:
            with Image.open(stored) as image:
                size = image.size
            stored.seek(0)
            new_name = storage.save(sized_name(name, *size), stored)
        if original_size(new_name) is None:  # the sized name was taken: the storage renamed it
            storage.delete(new_name)
            raise ValueError(f"{sized_name(name, *size)} already exists")
        with transaction.atomic():
            updated = model._default_manager.filter(pk=pk, **{field.name: name}).update(
                **{field.name: new_name}
            )
            if updated:
                file_delete_on_commit(storage, name)
        if not updated:  # the row changed meanwhile: drop the copy
            storage.delete(new_name)
            raise ValueError("changed while being renamed")
        return new_name
