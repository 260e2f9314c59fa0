"""Official identifiers of French organisations: RNA (associations) and SIREN (any body).

``normalise_*`` tidy what people type (spaces, lower case); ``validate_*`` refuse what cannot
be a real number with a message that says what is expected.
"""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

RNA_PATTERN = re.compile(r"W\d{9}")
SIREN_PATTERN = re.compile(r"\d{9}")
# La Poste's SIREN predates the Luhn rule; its digits add up to a multiple of 5 instead.
LA_POSTE_SIREN = "356000000"


def normalise_rna(value):
    """``" w60 1234 567 "`` → ``"W601234567"``."""
    return "".join((value or "").split()).upper()


def normalise_siren(value):
    """``"732 829 320"`` → ``"732829320"`` (also non-breaking spaces)."""
    return "".join((value or "").split())


def luhn_is_valid(digits):
    total = 0
    for position, char in enumerate(reversed(digits)):
        digit = int(char)
        if position % 2 == 1:
            digit *= 2
            if digit > 9:
                digit -= 9
        total += digit
    return total % 10 == 0


def validate_rna(value):
    if not RNA_PATTERN.fullmatch(value or ""):
        raise ValidationError(
            _(
                "An RNA number is the letter W followed by 9 digits, for example W601234567. "
                "You will find it on the receipt of your association's declaration."
            ),
            code="invalid_rna",
        )


def validate_siren(value):
    if not SIREN_PATTERN.fullmatch(value or ""):
        raise ValidationError(
            _("A SIREN number has exactly 9 digits, for example 732 829 320."),
            code="invalid_siren",
        )
    if value != LA_POSTE_SIREN and not luhn_is_valid(value):
        raise ValidationError(
            _(
                "This SIREN number does not exist: its digits do not add up (check digit). "
                "Please check it against your registration notice."
            ),
            code="invalid_siren_checksum",
        )
