"""What the territories tell the apps that copy their data.

``communes_regrouped``: communes moved to another intercommunality or arrondissement (a
territory import, ``services.territory_import``); sent inside the import's transaction with
``communes``, their primary keys. An app that copied a commune's intercommunality or
arrondissement (the agenda's dates, ``agenda.models.LISTING_COPIES``) copies them again.
"""

from django.dispatch import Signal

communes_regrouped = Signal()
