"""The static files' storage in production: whitenoise's (hashed names, compressed copies), with
each file's address computed once per process.

``{% static %}`` asks the storage for an address about ten times a page (the style sheets, the
scripts, the icon...); the manifest does not change while a process runs (``collectstatic``
writes a new one for the next deployment's processes), so the address of a name does not
either. Asked with ``force=True`` (``collectstatic``'s own rewriting), the storage computes it
as before; a name missing from the manifest still raises ``ValueError`` every time.
"""

from whitenoise.storage import CompressedManifestStaticFilesStorage

#: Names remembered at most: the templates name a few dozen files, all literal.
MAX_REMEMBERED = 1000


class StaticStorage(CompressedManifestStaticFilesStorage):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._addresses = {}

    def url(self, name, force=False):
        if force:
            return super().url(name, force)
        try:
            return self._addresses[name]
        except KeyError:
            address = super().url(name)
            if len(self._addresses) < MAX_REMEMBERED:
                self._addresses[name] = address
            return address
