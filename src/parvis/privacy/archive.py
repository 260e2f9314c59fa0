"""The archive of a member's data: ``data.json``, the files they uploaded, a README.

``member_data(member)`` gathers the member's own row and every registered export (see
``registry.py``); ``write_archive(member, fileobj)`` writes the ZIP. Values are plain JSON:
relations give their text, dates ISO 8601, files the path of their copy in the archive.
"""

import datetime as dt
import json
import logging
import zipfile
from decimal import Decimal
from uuid import UUID

from django.apps import apps
from django.conf import settings
from django.db import models
from django.db.models.fields.files import FieldFile
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.functional import Promise

from . import registry

logger = logging.getLogger(__name__)

FORMAT = "parvis-personal-data"
VERSION = 1
#: Fields of the member's own row that are never exported (a hash nobody can use).
MEMBER_FIELDS_LEFT_OUT = ("password",)


def _value(value, files):
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, Promise):
        return str(value)
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, Decimal | UUID):
        return str(value)
    if isinstance(value, FieldFile):
        if not value:
            return None
        files.append(value)
        return f"files/{value.name}"
    if isinstance(value, models.Model):
        return str(value)
    if isinstance(value, models.Manager):  # a many-to-many field: the related rows' texts
        return [str(item) for item in value.all()]
    if isinstance(value, list | tuple):
        return [_value(item, files) for item in value]
    if isinstance(value, dict):
        return {str(key): _value(item, files) for key, item in value.items()}
    return str(value)


def _resolve(row, path):
    value = row
    for part in path.split("__"):
        if value is None:
            return None
        value = getattr(value, part)
        if callable(value) and not isinstance(value, models.Manager):
            value = value()
    return value


def serialize_row(row, fields, files):
    """One row as a dict of the declared ``fields`` (names, paths or (label, function))."""
    data = {}
    for spec in fields:
        if isinstance(spec, tuple):
            label, function = spec
            data[label] = _value(function(row), files)
        else:
            data[spec] = _value(_resolve(row, spec), files)
    return data


def member_fields():
    """The member's own fields that are exported: every concrete field but the password."""
    user_model = apps.get_model(settings.AUTH_USER_MODEL)
    return [
        field.name
        for field in user_model._meta.concrete_fields
        if field.name not in MEMBER_FIELDS_LEFT_OUT
    ]


def member_data(member):
    """Everything the platform holds about ``member``, as plain JSON, and the files to copy
    (``FieldFile`` objects)."""
    files = []
    sections = {}
    for entry in registry.exports():
        rows = entry.rows(member)
        sections[entry.section] = [serialize_row(row, entry.fields, files) for row in rows]
    data = {
        "format": FORMAT,
        "version": VERSION,
        "site": settings.PARVIS_SITE_NAME,
        "site_url": settings.PARVIS_SITE_URL,
        "generated_at": timezone.now().isoformat(),
        "member": serialize_row(member, member_fields(), files),
        "sections": sections,
    }
    return data, files


def write_archive(member, fileobj, *, language=None):
    """Write the ZIP of ``member``'s data into ``fileobj`` (opened for binary writing).
    Returns the number of files copied. A file missing from the storage is listed in
    ``data.json`` under ``missing_files`` instead of failing the whole archive."""
    data, files = member_data(member)
    copied, missing, seen = 0, [], set()
    with zipfile.ZipFile(fileobj, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for field_file in files:
            name = field_file.name
            if name in seen:
                continue
            seen.add(name)
            try:
                with (
                    field_file.storage.open(name, "rb") as source,
                    archive.open(f"files/{name}", "w") as target,
                ):
                    while chunk := source.read(1024 * 1024):
                        target.write(chunk)
            except (OSError, ValueError) as error:
                logger.warning(
                    "Export of member %s: file %s unreadable (%s)", member.pk, name, error
                )
                missing.append(f"files/{name}")
                continue
            copied += 1
        if missing:
            data["missing_files"] = missing
        archive.writestr(
            "data.json", json.dumps(data, ensure_ascii=False, indent=2, sort_keys=False)
        )
        with translation.override(language or settings.LANGUAGE_CODE):
            readme = render_to_string(
                "privacy/archive_readme.txt",
                {
                    "site_name": settings.PARVIS_SITE_NAME,
                    "generated_at": data["generated_at"],
                    "sections": list(data["sections"]),
                    "file_count": copied,
                },
            )
        archive.writestr("README.txt", readme)
    return copied
