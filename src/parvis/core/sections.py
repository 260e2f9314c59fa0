"""Section registries: pages that other apps fill with their own sections.

A page such as a commune's portal (``parvis.territories.portal``) or an elected official's
public page (``parvis.officials.sections``) is a header plus a list of sections. Each app that
has something to show there registers a ``Section`` once, in its ``content.py``
(``parvis.core.content``):

.. code-block:: python

    from parvis.territories.portal import PortalSection, portal_sections

    portal_sections.register(
        PortalSection(
            key="news",
            title=_("Targeted information"),
            template="news/_portal_section.html",
            context=selectors.portal_news,  # (territory, user) -> dict, or None to hide
            order=20,
        )
    )

The page calls each section's ``context(subject, user)`` in ``order`` and renders its
``template`` inside a ``<section>`` with the title as heading and, when the context holds a
``see_all_url``, a "see all" link. The template sees the keys of the returned dict, plus
``section``, ``subject`` and the page's own context (``request``, ``user``...).

A section must cost a fixed number of queries (one or two, with a ``LIMIT``) whatever the
volume of data: the pages' query counts are pinned in tests.

A visitor's sections are the same for every visitor: with the request, ``render`` gives each
one's HTML as a fragment (``pagecache.fragment``) kept while the collections its ``tags`` name
and the items it loaded are not retired, so that a page rendered again (after a write, or with
the page cache off) reads them from the cache unless that write changed them. The section's
template is then rendered on its own (``core/_section.html``, with ``request``, ``user``,
``section`` and ``subject``): it must not rely on other variables of the page.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.functional import Promise
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from . import pagecache


@dataclass(frozen=True)
class Section:
    """One section of a page.

    ``key``
        unique in its registry; the section's HTML id is ``section-<key>``.
    ``title``
        its heading (a lazy translation).
    ``template``
        renders the section's body (not its heading nor its "see all" link).
    ``context``
        ``(subject, user) -> dict | None``: what the template needs; ``None`` hides the
        section (not relevant for this subject). ``user`` may be anonymous. Put the address
        of the complete list under ``see_all_url``.
    ``order``
        sections are shown by increasing order, then key.
    ``see_all_label``
        the text of the "see all" link.
    ``tags``
        ``(subject) -> [tag, ...]``: the collections the section lists, for the page cache
        (``parvis.core.pagecache``); the page holds while none of them is retired.
    """

    key: str
    title: str | Promise
    template: str
    context: Callable[[Any, Any], dict | None]
    order: int = 100
    see_all_label: str | Promise = field(default=_("See all"))
    tags: Callable[[Any], Any] = field(default=lambda subject: ())


@dataclass(frozen=True)
class RenderedSection:
    """A section ready for its page: the section and what its ``context`` returned."""

    section: Section
    context: dict

    @property
    def key(self):
        return self.section.key

    @property
    def title(self):
        return self.section.title

    @property
    def see_all_url(self):
        return self.context.get("see_all_url") or ""


@dataclass(frozen=True)
class SharedSection:
    """A visitor's section, already rendered (``SectionRegistry.render`` with the request)."""

    html: str


class SectionRegistry:
    """The sections of one kind of page, registered by the apps that fill it."""

    def __init__(self, name):
        self.name = name
        self._sections: dict[str, Section] = {}

    def __repr__(self):
        return f"<SectionRegistry {self.name}: {', '.join(self._sections)}>"

    def __contains__(self, key):
        return key in self._sections

    def __len__(self):
        return len(self._sections)

    def register(self, section):
        """Add ``section`` (replacing a section with the same key) and return it."""
        if not isinstance(section, Section):
            raise TypeError(f"{self.name}: register a Section, not {type(section).__name__}.")
        self._sections[section.key] = section
        return section

    def section(self, *, key, title, template, order=100, **options):
        """Decorator form of ``register``: decorate the ``context`` function."""

        def decorator(function):
            self.register(
                Section(
                    key=key,
                    title=title,
                    template=template,
                    context=function,
                    order=order,
                    **options,
                )
            )
            return function

        return decorator

    def unregister(self, key):
        """Remove the section ``key`` (no error when it is not there)."""
        self._sections.pop(key, None)

    def sections(self):
        """The registered sections, in page order."""
        return sorted(self._sections.values(), key=lambda section: (section.order, section.key))

    def render(self, subject, user, request=None):
        """The sections to show for ``subject`` and ``user``, with their context; for a visitor
        with ``request``, each section's HTML (``SharedSection``), a fragment of the cache."""
        if request is not None and not user.is_authenticated and pagecache.fragments_enabled():
            shown = (self._shared(section, subject, user, request) for section in self.sections())
            return [SharedSection(html) for html in shown if html]
        rendered = []
        for section in self.sections():
            context = section.context(subject, user)
            if context is not None:
                rendered.append(RenderedSection(section=section, context=dict(context)))
        return rendered

    def _shared(self, section, subject, user, request):
        def html():
            context = section.context(subject, user)
            if context is None:
                return ""
            block = RenderedSection(section=section, context=dict(context))
            shown = render_to_string(
                "core/_section.html", {"block": block, "subject": subject}, request
            )
            # As included in the page, where the line's end comes after it.
            return mark_safe(shown.rstrip())  # noqa: S308 - rendered by the template engine

        parts = (
            "section:v1",
            self.name,
            section.key,
            subject.pk,
            translation.get_language(),
            timezone.get_current_timezone_name(),
        )
        return pagecache.fragment(
            parts,
            html,
            tags=tuple(section.tags(subject)),
            seconds=settings.PARVIS_FRAGMENT_CACHE_SECONDS,
            request=request,
        )
