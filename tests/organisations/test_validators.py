import pytest
from django.core.exceptions import ValidationError

from parvis.organisations.validators import (
    normalise_rna,
    normalise_siren,
    validate_rna,
    validate_siren,
)


def test_rna_is_normalised_from_what_people_type():
    assert normalise_rna(" w60 1234 567 ") == "W601234567"


def test_siren_is_normalised_without_spaces():
    assert normalise_siren("732 829\u00a0320") == "732829320"


@pytest.mark.parametrize("value", ["W601234567", "W000000001"])
def test_valid_rna_numbers_are_accepted(value):
    validate_rna(value)


@pytest.mark.parametrize("value", ["W12345678", "W1234567890", "601234567", "X601234567", ""])
def test_malformed_rna_numbers_are_refused_with_the_expected_format(value):
    with pytest.raises(ValidationError) as error:
        validate_rna(value)
    assert "W followed by 9 digits" in error.value.messages[0]


@pytest.mark.parametrize("value", ["732829320", "216000570", "356000000"])
def test_siren_numbers_passing_the_check_digit_are_accepted(value):
    validate_siren(value)


def test_siren_failing_the_luhn_check_is_refused():
    with pytest.raises(ValidationError) as error:
        validate_siren("123456789")
    assert error.value.code == "invalid_siren_checksum"
    assert "check digit" in error.value.messages[0]


@pytest.mark.parametrize("value", ["73282932", "7328293201", "73282932A", ""])
def test_siren_without_exactly_nine_digits_is_refused(value):
    with pytest.raises(ValidationError) as error:
        validate_siren(value)
    assert "exactly 9 digits" in error.value.messages[0]
