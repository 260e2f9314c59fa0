"""Default rows that a data migration creates once, put back when their table is empty.

A data migration fills the first categories of the agenda and of the news. ``flush`` (run by
transactional tests, or by an administrator) empties those tables without re-running the
migrations, but it does send ``post_migrate``: apps connect :func:`default_rows_restorer` to
put the default rows back — only into an empty table, so categories an administrator removed on
a live site never come back at the next deployment.
"""

import importlib


def default_rows_restorer(*, model_label, migration, rows_attribute="CATEGORIES"):
    """A ``post_migrate`` receiver creating ``(slug, name)`` rows, with their position, from
    ``migration.<rows_attribute>`` when the model's table is empty."""

    def restore(sender, using="default", apps=None, **kwargs):
        from django.apps import apps as global_apps

        model = (apps or global_apps).get_model(model_label)
        if model.objects.using(using).exists():
            return
        rows = getattr(importlib.import_module(migration), rows_attribute)
        model.objects.using(using).bulk_create(
            model(slug=slug, name=name, position=position)
            for position, (slug, name) in enumerate(rows)
        )

    return restore
