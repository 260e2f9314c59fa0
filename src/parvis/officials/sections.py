"""The sections of an elected official's page (``/elus/<id>/``), and the officials' section
of the territory pages.

Apps add what an official does to their page by registering an ``OfficialSection`` in their
``content.py`` (see ``parvis.core.content``):

.. code-block:: python

    from parvis.officials.sections import ORDER, OfficialSection, official_sections

    official_sections.register(
        OfficialSection(
            key="posts",
            title=_("Posts"),
            template="news/_official_section.html",
            context=selectors.official_posts,  # (official, user) -> dict, or None to hide
            order=ORDER["posts"],
        )
    )

``official`` is the member whose page it is, with ``verified_mandates`` (their verified
mandates, territory loaded) and ``institutions`` (the verified institutions whose team they
belong to, commune loaded): no query needed to read them. ``user`` is the viewer, possibly
anonymous. Same contract as the territory pages (``parvis.territories.portal``): one or two
queries with a ``LIMIT``, ``see_all_url`` in the returned dict for the "see all" link.
"""

from parvis.core.sections import Section, SectionRegistry

#: A section of an official's page: ``OfficialSection(key, title, template, context, order)``.
OfficialSection = Section

#: The registry of the official pages' sections.
official_sections = SectionRegistry("official page")

#: Where each capability's section goes on an official's page (smaller first).
ORDER = {
    "posts": 10,
    "events": 20,
    "contributions": 30,
    "consultations": 40,
}
