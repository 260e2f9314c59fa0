import pytest
from django.core.exceptions import ValidationError

from parvis.accounts.validators import clean_links, clean_person_name


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("  Camille  ", "Camille"),
        ("Jean-Marc", "Jean-Marc"),
        ("Anne   Sophie", "Anne Sophie"),
        ("N'Diaye", "N'Diaye"),
        ("J. Martin", "J. Martin"),
        ("Ève", "Ève"),
    ],
)
def test_real_names_are_trimmed_and_accepted(value, expected):
    assert clean_person_name(value) == expected


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("", "empty"),
        ("    ", "empty"),
        (None, "empty"),
        ("a" * 81, "too_long"),
        ("contact@example.org", "email"),
        ("Jean contact@exemple.fr", "email"),
        ("http://spam.example", "url"),
        ("https://spam.example", "url"),
        ("www.spam", "url"),
        ("Acheter sur promo.fr", "url"),
        ("promo.com/offre", "url"),
        ("Monsite.org", "url"),
        ("1234", "no_letter"),
        ("-- !!", "no_letter"),
    ],
)
def test_names_with_addresses_or_no_letter_are_refused(value, code):
    with pytest.raises(ValidationError) as error:
        clean_person_name(value)
    assert error.value.code == code


def test_name_of_exactly_80_characters_is_accepted():
    assert clean_person_name("a" * 80) == "a" * 80


def test_links_one_per_line_are_parsed_and_deduplicated():
    text = "https://mastodon.social/@camille\n\n  http://example.org/moi  \nhttps://mastodon.social/@camille\n"
    assert clean_links(text) == ["https://mastodon.social/@camille", "http://example.org/moi"]


@pytest.mark.parametrize(
    "text",
    [
        "javascript:alert(1)",
        "ftp://example.org/file",
        "mastodon.social/@camille",
        "https://",
        "\n".join(f"https://example.org/{n}" for n in range(6)),
        "https://example.org/" + "a" * 200,
    ],
)
def test_bad_links_are_refused(text):
    with pytest.raises(ValidationError):
        clean_links(text)


def test_no_links_is_an_empty_list():
    assert clean_links("") == []
    assert clean_links(None) == []
