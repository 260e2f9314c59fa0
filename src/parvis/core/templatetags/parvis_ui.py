"""Design-system helpers usable in every template: ``{% load parvis_ui %}``.

- ``{% avatar person %}`` / ``{% avatar person "lg" %}``: the person's photo (or an
  organisation's logo, a group's image), else their initials on one of eight colours chosen
  from the name, so that the same person always gets the same colour. Decorative by default
  (the name is written next to it); ``labelled=True`` gives it the name as text alternative.
- ``{% picture event.image "card" alt=... %}``: an uploaded image over its renditions, as
  ``<img srcset sizes width height loading="lazy" decoding="async">`` (``core.pictures``).
- ``{% icon "bell" %}``: a small hand-drawn SVG icon (``core/_icons.html``), hidden from
  assistive technologies (the link or button that holds it carries the text).
- ``{% cards posts "news/_post_card.html" "post" show_audience=True %}``: each item's card in
  a ``<li class="card">``, rendered once for all who see it in the same state
  (``core.pagecache.cards``); ``{% items %}``, the same without the ``<li>``.
- ``{% main_menu %}``: the site's main menu (``core/_main_menu.html``), its current section
  marked.
- ``{% if form|allowance_refused %}``: the form was refused by a new account's daily
  allowance (the alert then says so rather than "please correct the errors below").

The icons depend on nothing but their name, the menu on the language and the section: each
process renders each of them once (not with ``DEBUG``, where templates are read anew).
"""

import zlib
from functools import lru_cache
from types import SimpleNamespace

from django import template
from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

from .. import pagecache
from ..pagecache.cards import cards

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


@register.simple_tag
def avatar(person, size="md", labelled=False):
    """The person's picture or initials. Written here rather than by a template: lists and
    discussions show one per item (a template and its context per avatar cost several times
    this)."""
    name = display_name(person)
    image_url, srcset = "", ""
    for field in IMAGE_FIELDS:
        image = getattr(person, field, None)
        if image:
            try:
                image_url = image.url
            except ValueError:  # a field without a file
                image_url = ""
                break
            versions = getattr(image, "renditions", None)
            if versions:
                srcset = ", ".join(
                    f"{image.storage.url(version.name)} {version.width}w" for version in versions
                )
                image_url = image.storage.url(versions[0].name)
            break
    size = size if size in SIZES else "md"
    pixels = SIZES[size]
    if image_url:
        return format_html(
            '<img class="avatar avatar-{}" src="{}"{} alt="{}" width="{}" height="{}"'
            ' loading="lazy" decoding="async">\n',
            size,
            image_url,
            format_html(' srcset="{}" sizes="{}px"', srcset, pixels) if srcset else "",
            name if labelled else "",
            pixels,
            pixels,
        )
    return format_html(
        '<span class="avatar avatar-{} avatar-c{}"{}>{}</span>\n',
        size,
        colour_index(name),
        format_html(' role="img" aria-label="{}"', name)
        if labelled
        else mark_safe(' aria-hidden="true"'),
        initials(name),
    )


@register.simple_tag
def icon(name):
    if settings.DEBUG:
        return _render_icon(name)
    return _icon(name)


@lru_cache(maxsize=64)
def _icon(name):
    return _render_icon(name)


def _render_icon(name):
    return render_to_string("core/_icon.html", {"name": name})


@register.simple_tag(name="cards")
def cards_tag(items, template_name, name, **extra):
    return cards(items, template_name, name, wrapper=('<li class="card">', "</li>"), **extra)


@register.simple_tag(name="items")
def items_tag(items, template_name, name, **extra):
    return cards(items, template_name, name, **extra)


@register.simple_tag
def form_fields(form, template_name, *tags):
    """``template_name`` rendered with ``form`` (a search form's fields): a fragment shared by
    every page showing the same fields with the same data, in the same language, kept while
    ``tags`` (what the choices come from; the territories are always part of it) hold. For a
    form whose HTML depends only on those (a ``GET`` form, no request, no member)."""
    data = tuple(sorted((name, tuple(values)) for name, values in form.data.lists()))
    parts = ("form-fields", template_name, translation.get_language(), tuple(form.fields), data)
    return mark_safe(  # noqa: S308 - a template's output
        pagecache.fragment(
            parts,
            lambda: render_to_string(template_name, {"form": form}),
            tags=tags,
            seconds=settings.PARVIS_FRAGMENT_CACHE_SECONDS,
        )
    )


@register.simple_tag(takes_context=True)
def main_menu(context):
    """``core/_main_menu.html`` for the section of the page (``request.resolver_match``)."""
    match = getattr(context.get("request"), "resolver_match", None)
    where = (getattr(match, "app_name", None), getattr(match, "url_name", None))
    if settings.DEBUG:
        return _render_main_menu(*where)
    return _main_menu(translation.get_language(), *where)


@lru_cache(maxsize=256)
def _main_menu(language, app_name, url_name):
    return _render_main_menu(app_name, url_name)


def _render_main_menu(app_name, url_name):
    page = SimpleNamespace(resolver_match=SimpleNamespace(app_name=app_name, url_name=url_name))
    return render_to_string("core/_main_menu.html", {"request": page})


@register.filter
def markdown(text):
    """User text written in Markdown, as safe (sanitised) HTML: ``{{ text|markdown }}``."""
    from django.utils.safestring import mark_safe

    from parvis.core.richtext import render_markdown

    return mark_safe(render_markdown(text))  # noqa: S308 - sanitised by render_markdown


#: ``sizes`` of each layout: how wide the image is shown, for the browser to pick a rendition.
LAYOUTS = {
    "cover": "(min-width: 60rem) 50rem, 100vw",  # a page's header image
    "card": "(min-width: 40rem) 20rem, 100vw",  # the image of a card in a list
    "thumb": "8rem",  # a small thumbnail
    "logo": "10rem",
}


@register.simple_tag
def picture(field_file, layout="cover", alt="", eager=False, css_class="", url=""):
    """An uploaded image as ``<img srcset sizes width height>`` over its renditions
    (``core.pictures``): ``{% picture event.image "card" alt=title %}``. Lazy unless
    ``eager=True`` (the first image of a page); ``url`` serves the renditions through a view
    (``url?w=640``) instead of the storage's URL (private files)."""
    if not field_file:
        return ""
    versions = getattr(field_file, "renditions", None) or []
    if url:
        address = lambda version: f"{url}?w={version.width}"  # noqa: E731
    else:
        address = lambda version: field_file.storage.url(version.name)  # noqa: E731
    attributes = {"class": css_class or None, "src": url or field_file.url, "alt": alt}
    if versions:
        largest = versions[-1]
        middle = [version for version in versions if version.width <= 640][-1:] or versions[:1]
        attributes["src"] = address(middle[0])
        attributes |= {
            "srcset": ", ".join(f"{address(version)} {version.width}w" for version in versions),
            "sizes": LAYOUTS.get(layout, layout),
            "width": largest.width,
            "height": largest.height,
        }
        if layout.endswith("px") and layout[:-2].isdigit():  # a fixed size: shown at it
            shown = int(layout[:-2])
            attributes["width"] = shown
            attributes["height"] = max(1, round(shown * largest.height / largest.width))
    if eager:
        attributes["fetchpriority"] = "high"
    else:
        attributes["loading"] = "lazy"
    attributes["decoding"] = "async"
    return format_html(
        "<img{}>",
        format_html_join("", ' {}="{}"', ((k, v) for k, v in attributes.items() if v is not None)),
    )


@register.filter
def allowance_refused(form):
    """Whether ``form`` was refused by a new account's daily allowance
    (``moderation.safeguards.check_posting_allowed``): its alert then says so, instead of
    asking to correct errors that are not there."""
    has_error = getattr(form, "has_error", None)
    return bool(has_error and has_error(NON_FIELD_ERRORS, code="new_account_limit"))


#: ``{{ person|display_name }}``: a member's full name, an organisation's or a group's name.
register.filter("display_name", display_name)
