"""Validators of what members type about themselves (real names, links)."""

import re

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils.translation import gettext_lazy as _

from parvis.core.validators import validate_visible_text

NAME_MAX_LENGTH = 80
MAX_LINKS = 5

_EMAIL_RE = re.compile(r"[^\s@]+@[^\s@]+\.[^\s@]+")
_URL_RE = re.compile(
    r"(https?://|www\.)"
    r"|\b[\w-]+\.(fr|com|org|net|eu|io|info|biz|be|ch|de|uk|xyz|app|me|co|tv|ly)\b(/|$|\s)",
    re.IGNORECASE,
)


def clean_person_name(value):
    """Return the trimmed name, or raise ``ValidationError`` with a clear message.

    A real first or last name: not empty, 80 characters at most, at least one letter, and
    neither an e-mail address nor a web address (no advertising in names).
    """
    name = " ".join((value or "").split())
    if not name:
        raise ValidationError(_("Enter a name."), code="empty")
    validate_visible_text(name)
    if len(name) > NAME_MAX_LENGTH:
        raise ValidationError(
            _("A name has %(max)d characters at most (this one has %(length)d)."),
            code="too_long",
            params={"max": NAME_MAX_LENGTH, "length": len(name)},
        )
    if _EMAIL_RE.search(name):
        raise ValidationError(_("A name cannot contain an e-mail address."), code="email")
    if _URL_RE.search(name):
        raise ValidationError(_("A name cannot contain a web address."), code="url")
    if not any(character.isalpha() for character in name):
        raise ValidationError(_("A name must contain at least one letter."), code="no_letter")
    return name


def validate_person_name(value):
    clean_person_name(value)


def clean_links(text):
    """Parse "one address per line" into a list of at most five http(s) addresses."""
    lines = [line.strip() for line in (text or "").splitlines() if line.strip()]
    if len(lines) > MAX_LINKS:
        raise ValidationError(
            _("Give %(max)d addresses at most (you gave %(count)d)."),
            code="too_many",
            params={"max": MAX_LINKS, "count": len(lines)},
        )
    validator = URLValidator(schemes=["http", "https"])
    links = []
    for line in lines:
        try:
            validator(line)
        except ValidationError:
            raise ValidationError(
                _("“%(link)s” is not a web address starting with http:// or https://."),
                code="invalid_link",
                params={"link": line[:100]},
            ) from None
        if len(line) > 200:
            raise ValidationError(_("An address has 200 characters at most."), code="link_too_long")
        if line not in links:
            links.append(line)
    return links
