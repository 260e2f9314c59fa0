"""The section registry of the officials' pages: an app registers a section and it shows."""

import pytest

from parvis.accounts.models import DirectoryVisibility
from parvis.officials.sections import OfficialSection, official_sections


@pytest.fixture
def dummy_section():
    seen = []

    def context(official, user):
        seen.append((official, user))
        return {
            "occurrences": [],
            "see_all_url": f"/dummy/?official={official.pk}",
            "institutions": len(official.institutions),
        }

    official_sections.register(
        OfficialSection(
            key="dummy",
            title="Dummy contributions",
            template="officials/sections/events.html",
            context=context,
            order=25,
        )
    )
    yield seen
    official_sections.unregister("dummy")


def test_a_registered_section_shows_on_the_official_page(visitor, official, dummy_section):
    official.directory_visibility = DirectoryVisibility.PUBLIC
    official.save(update_fields=["directory_visibility"])
    html = visitor.get(f"/elus/{official.pk}/").content.decode()
    assert '<h2 id="section-dummy-title">Dummy contributions</h2>' in html
    assert f'href="/dummy/?official={official.pk}"' in html
    assert html.index('id="section-events"') < html.index('id="section-dummy"')
    ((seen_official, seen_user),) = dummy_section
    assert seen_official == official
    assert [m.territory.name for m in seen_official.verified_mandates] == ["Compiègne"]
    assert not seen_user.is_authenticated


def test_the_events_section_is_registered():
    assert "events" in official_sections
