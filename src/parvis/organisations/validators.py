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


# --- public contact details -----------------------------------------------------------------

#: Separators people type in a phone number: spaces (also non-breaking), dots, dashes, "(0)".
_PHONE_NOISE = re.compile(r"[\s.\-/]|\(0\)")
_NATIONAL = re.compile(r"0[1-9]\d{8}")
#: Overseas départements and collectivities with their own country code: their national
#: prefixes, written "0262 12 34 56", are dialled "+262 262 12 34 56" from abroad.
OVERSEAS_CODES = {
    "0262": "+262",
    "0263": "+262",
    "0269": "+262",
    "0639": "+262",
    "0692": "+262",
    "0693": "+262",
    "0508": "+508",
    "0590": "+590",
    "0690": "+590",
    "0594": "+594",
    "0694": "+594",
    "0596": "+596",
    "0696": "+596",
}
_INTERNATIONAL = ("+33", "0033", "+262", "+508", "+590", "+594", "+596")


def normalise_phone(value):
    """A French number as it is written in France: ``"+33 (0)3.44.06.60.00"`` →
    ``"03 44 06 60 00"``. What cannot be read as one is returned unchanged (the validator
    then says what is expected)."""
    value = (value or "").strip()
    digits = _PHONE_NOISE.sub("", value)
    for prefix in _INTERNATIONAL:
        if digits.startswith(prefix):
            national = "0" + digits[len(prefix) :]
            if OVERSEAS_CODES.get(national[:4], "+33") == prefix or prefix == "0033":
                digits = national
            break
    if _NATIONAL.fullmatch(digits):
        return " ".join(digits[i : i + 2] for i in range(0, 10, 2))
    return value


def validate_phone(value):
    """Any way of writing a French number that ``normalise_phone`` reads."""
    if not _NATIONAL.fullmatch(normalise_phone(value).replace(" ", "")):
        raise ValidationError(
            _(
                "Enter a French phone number of 10 digits, for example 03 44 06 60 00 or "
                "+33 3 44 06 60 00."
            ),
            code="invalid_phone",
        )


def phone_uri(value):
    """The ``tel:`` address of a normalised number, in international form."""
    digits = (value or "").replace(" ", "")
    if not _NATIONAL.fullmatch(digits):
        return ""
    return f"tel:{OVERSEAS_CODES.get(digits[:4], '+33')}{digits[1:]}"


def validate_web_address(value):
    """Only ``http`` and ``https`` addresses (no ``ftp:``, ``javascript:``, ``data:``...)."""
    scheme = (value or "").split(":", 1)[0].lower()
    if value and scheme not in ("http", "https"):
        raise ValidationError(
            _("Enter a web address starting with https:// or http://."),
            code="invalid_scheme",
        )
