"""The sections of an organisation's page (``/organisations/<slug>/``): what it does, in the
sections other apps register in their ``content.py`` (its upcoming events, its news...), as the
official pages do (``parvis.officials.sections``):

.. code-block:: python

    from parvis.organisations.sections import ORDER, OrganisationSection, organisation_sections

    organisation_sections.register(
        OrganisationSection(
            key="events",
            title=_("Upcoming events"),
            template="agenda/_organisation_section.html",
            context=organisation_events,  # (organisation, user) -> dict, or None to hide
            order=ORDER["events"],
        )
    )

Same contract as the territory pages: one or two queries with a ``LIMIT`` whatever the volume,
``see_all_url`` in the returned dict for the "see all" link.
"""

from parvis.core.sections import Section, SectionRegistry

#: A section of an organisation's page.
OrganisationSection = Section

#: The registry of the organisation pages' sections.
organisation_sections = SectionRegistry("organisation page")

#: Where each capability's section goes on an organisation's page (smaller first).
ORDER = {
    "events": 10,
    "posts": 20,
    "groups": 30,
}
