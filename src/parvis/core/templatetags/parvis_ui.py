"""Design-system helpers usable in every template: ``{% load parvis_ui %}``.

- ``{% avatar person %}`` / ``{% avatar person "lg" %}``: the person's photo (or an
  organisation's logo, a group's image), else their initials on one of eight colours chosen
  from the name, so that the same person always gets the same colour. Decorative by default
  (the name is written next to it); ``labelled=True`` gives it the name as text alternative.
- ``{% icon "bell" %}``: a small hand-drawn SVG icon (``core/_icons.html``), hidden from
  assistive technologies (the link or button that holds it carries the text).
- ``{% if form|allowance_refused %}``: the form was refused by a new account's daily
  allowance (the alert then says so rather than "please correct the errors below").
"""

import zlib

from django import template
from django.core.exceptions import NON_FIELD_ERRORS

register = template.Library()

SIZES = {"sm": 32, "md": 40, "lg": 96}
COLOURS = 8
IMAGE_FIELDS = ("photo", "logo", "image")


def display_name(person):
    if person is None:
        return ""
    full_name = getattr(person, "get_full_name", None)
    if callable(full_name):
        name = full_name()
        if name:
            return name
    return getattr(person, "name", "") or str(person)


def initials(name):
    letters = [word[0] for word in name.replace("-", " ").split() if word[:1].isalnum()]
    return "".join(letters[:2]).upper() or "?"


def colour_index(name):
    return zlib.crc32(name.encode("utf-8")) % COLOURS


@register.inclusion_tag("core/_avatar.html")
def avatar(person, size="md", labelled=False):
    name = display_name(person)
    image_url = ""
    for field in IMAGE_FIELDS:
        image = getattr(person, field, None)
        if image:
            try:
                image_url = image.url
            except ValueError:  # a field without a file
                image_url = ""
            break
    return {
        "name": name,
        "image_url": image_url,
        "initials": initials(name),
        "colour": colour_index(name),
        "size": size if size in SIZES else "md",
        "pixels": SIZES.get(size, SIZES["md"]),
        "labelled": labelled,
    }


@register.inclusion_tag("core/_icon.html")
def icon(name):
    return {"name": name}


@register.filter
def markdown(text):
    """User text written in Markdown, as safe (sanitised) HTML: ``{{ text|markdown }}``."""
    from django.utils.safestring import mark_safe

    from parvis.core.richtext import render_markdown

    return mark_safe(render_markdown(text))  # noqa: S308 - sanitised by render_markdown


@register.filter
def allowance_refused(form):
    """Whether ``form`` was refused by a new account's daily allowance
    (``moderation.safeguards.check_posting_allowed``): its alert then says so, instead of
    asking to correct errors that are not there."""
    has_error = getattr(form, "has_error", None)
    return bool(has_error and has_error(NON_FIELD_ERRORS, code="new_account_limit"))


#: ``{{ person|display_name }}``: a member's full name, an organisation's or a group's name.
register.filter("display_name", display_name)
