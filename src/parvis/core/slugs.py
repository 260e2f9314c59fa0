"""The slugs of the URLs (``/evenements/12-fete-de-la-musique/``, ``/groupes/jardins-partages/``):
made once here, so that every app writes them the same way."""

from django.utils.text import slugify

#: The longest slug taken from a title (the ``slug`` fields hold 200 characters or more).
TITLE_SLUG_LENGTH = 200


def title_slug(title, *, default, max_length=TITLE_SLUG_LENGTH):
    """The slug that follows a primary key in a URL: ``title`` lowercased, without accents nor
    punctuation, cut to ``max_length``; ``default`` when nothing is left (a title of symbols)."""
    return slugify(title)[:max_length] or default


def unique_slug(queryset, name, *, default, max_length, reserved=(), exclude_pk=None):
    """A slug of ``name`` that no row of ``queryset`` has (but ``exclude_pk``, the row being
    renamed) and that is not ``reserved`` (paths it would shadow): ``name``'s slug, else the
    same followed by ``-2``, ``-3``... One query."""
    base = slugify(name)[:max_length].strip("-") or default
    taken = set(
        queryset.filter(slug__startswith=base).exclude(pk=exclude_pk).values_list("slug", flat=True)
    )
    taken |= set(reserved)
    candidate, number = base, 1
    while candidate in taken:
        number += 1
        candidate = f"{base}-{number}"
    return candidate
