"""French alphabetical order for names (Écuvilly between Échelles and Ernemont, not after Z).

Name columns that lists sort on are declared with ``db_collation=FRENCH`` ("fr-x-icu"):
PostgreSQL's ICU collation for French (created by the territories migration 0002 as a copy of
"fr-x-icu"). SQLite, the embedded demo database, has no ICU: the same
collation name is registered on every SQLite connection with a Python comparison
(``french_key``: letters without accents first, then accents, then case), so that
``order_by("name")`` sorts the French way on both databases.
"""

import unicodedata

from django.db.backends.signals import connection_created

FRENCH = "parvis_fr"


def french_key(text):
    """A sort key: base letters (accents and case ignored), then accents, then case."""
    text = text or ""
    decomposed = unicodedata.normalize("NFD", text)
    base = "".join(char for char in decomposed if not unicodedata.combining(char))
    accents = tuple(
        unicodedata.combining(char) and ord(char) for char in decomposed if not char.isspace()
    )
    return (base.casefold().replace("-", " ").replace("'", " "), accents, text.swapcase())


def french_compare(first, second):
    first_key, second_key = french_key(first), french_key(second)
    return (first_key > second_key) - (first_key < second_key)


def register_sqlite_collation(sender, connection, **kwargs):
    if connection.vendor == "sqlite":
        connection.connection.create_collation(FRENCH, french_compare)


def install():
    connection_created.connect(register_sqlite_collation, dispatch_uid="parvis-french-collation")
