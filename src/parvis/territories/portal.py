"""The sections of a territory's page, the local portal (``/communes/60057-beauvais/``).

A commune, EPCI, arrondissement or département page is a header (population, postal codes,
the territories it belongs to, the territories inside it) followed by the sections that apps
register here. To add one, in your app's ``content.py`` (see ``parvis.core.content``):

.. code-block:: python

    from parvis.territories.portal import PortalSection, portal_sections

    portal_sections.register(
        PortalSection(
            key="consultations",
            title=_("Open consultations"),
            template="consultations/_portal_section.html",
            context=selectors.portal_consultations,
            order=ORDER["consultations"],
        )
    )

``context(territory, user)`` returns the dict the template sees (or ``None`` to leave the
section out for this territory), with ``see_all_url`` for the "see all" link. ``territory``
comes with its ``epci``, ``arrondissement`` and ``departement`` loaded and ``lineage_ids``
needs no query; ``user`` is the viewer, possibly anonymous. Keep it to one or two queries with
a ``LIMIT`` (``SECTION_LIMIT``): the page's query count is pinned in tests. See
``parvis.core.sections`` for the details.
"""

from parvis.core.sections import Section, SectionRegistry

#: A section of a territory page: ``PortalSection(key, title, template, context, order)``.
PortalSection = Section

#: The registry of the territory pages' sections.
portal_sections = SectionRegistry("territory portal")

#: Where each capability's section goes on the page (smaller first).
ORDER = {
    "officials": 10,
    "news": 20,
    "events": 30,
    "consultations": 40,
    "groups": 50,
    "associations": 60,
    "institutions": 70,
}

#: How many items a section shows before its "see all" link.
SECTION_LIMIT = 6
