"""Validators shared by every app (model fields, services, forms, the API)."""

import unicodedata

from django.core.exceptions import ValidationError
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _

#: Bidirectional embeddings, overrides and isolates: they reorder what follows them, so that
#: "‮nimda" displays as "admin" (Trojan Source, CVE-2021-42574).
BIDI_CONTROLS = frozenset(chr(code) for code in (*range(0x202A, 0x202F), *range(0x2066, 0x206A)))
#: Joiners needed to write some scripts (Persian, Indic) and emoji: kept.
_ALLOWED_FORMAT = frozenset({"\u200c", "\u200d"})
#: Controls (Cc), invisible formatting (Cf), line and paragraph separators, private use,
#: surrogates and unassigned code points.
_REFUSED_CATEGORIES = frozenset({"Cc", "Cf", "Zl", "Zp", "Co", "Cs", "Cn"})


def invisible_character(value):
    """The first bidirectional-control or invisible character of ``value``, or ``None``."""
    for character in value or "":
        if character in BIDI_CONTROLS:
            return character
        if character in _ALLOWED_FORMAT:
            continue
        if unicodedata.category(character) in _REFUSED_CATEGORIES:
            return character
    return None


@deconstructible
class VisibleTextValidator:
    """Refuse names that could spoof another: bidirectional overrides (U+202A–U+202E,
    U+2066–U+2069), zero-width and other invisible or control characters."""

    message = _(
        "This text contains an invisible or control character (%(code)s), which is not "
        "accepted: it could disguise the text. Remove it and try again."
    )
    code = "invisible_character"

    def __call__(self, value):
        character = invisible_character(value if isinstance(value, str) else str(value))
        if character is not None:
            raise ValidationError(
                self.message, code=self.code, params={"code": f"U+{ord(character):04X}"}
            )

    def __eq__(self, other):
        return isinstance(other, VisibleTextValidator)


validate_visible_text = VisibleTextValidator()
