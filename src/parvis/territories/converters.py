"""URL converter of territory pages: an official code (INSEE, SIREN), letters and digits only
(Corsica's communes are 2A004...), so ``<code>-<slug>`` splits at the first hyphen."""


class TerritoryCodeConverter:
    regex = "[0-9A-Za-z]{1,12}"

    def to_python(self, value):
        return value.upper()

    def to_url(self, value):
        return str(value)
