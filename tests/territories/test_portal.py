"""The section registry of the territory pages: an app registers a section and it shows."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from parvis.core.sections import Section, SectionRegistry
from parvis.territories.portal import PortalSection, portal_sections

from ..agenda.conftest import create_event

BEAUVAIS = "/communes/60057-beauvais/"


@pytest.fixture
def register_section():
    """``register_section(**fields)`` registers a portal section for the test only."""
    keys = []

    def _register(**fields):
        fields.setdefault("template", "organisations/_portal_section.html")
        section = portal_sections.register(PortalSection(**fields))
        keys.append(section.key)
        return section

    yield _register
    for key in keys:
        portal_sections.unregister(key)


def dummy_context(territory, user):
    return {
        "organisations": [],
        "see_all_url": f"/dummy/?territory={territory.code}",
    }


def test_a_registered_section_shows_on_every_territory_page_with_its_see_all_link(
    visitor, oise, register_section
):
    register_section(key="dummy", title="Dummy section", context=dummy_context, order=15)
    for territory in (oise["beauvais"], oise["epcis"][0], oise["departement"]):
        html = visitor.get(territory.get_absolute_url()).content.decode()
        assert '<section id="section-dummy"' in html
        assert '<h2 id="section-dummy-title">Dummy section</h2>' in html
        assert "None listed here yet." in html
        assert f'href="/dummy/?territory={territory.code}"' in html


def test_sections_are_ordered_by_their_order(visitor, oise, register_section):
    register_section(key="last", title="Last", context=dummy_context, order=1000)
    register_section(key="first", title="First", context=dummy_context, order=-1)
    html = visitor.get(BEAUVAIS).content.decode()
    assert (
        html.index('id="section-first"')
        < html.index('id="section-officials"')
        < html.index('id="section-events"')
        < html.index('id="section-last"')
    )


def test_a_section_whose_context_is_none_is_left_out(visitor, oise, register_section):
    def only_communes(territory, user):
        return dummy_context(territory, user) if territory.kind == "commune" else None

    register_section(key="communes-only", title="Communes only", context=only_communes)
    assert 'id="section-communes-only"' in visitor.get(BEAUVAIS).content.decode()
    epci_page = visitor.get(oise["epcis"][0].get_absolute_url()).content.decode()
    assert 'id="section-communes-only"' not in epci_page


def test_the_section_template_sees_its_context_the_territory_and_the_viewer(
    login, resident, oise, register_section, settings, tmp_path
):
    (tmp_path / "dummy.html").write_text(
        "<p>[{{ greeting }} {{ subject.name }} {{ user.first_name }} {{ section.key }}]</p>"
    )
    settings.TEMPLATES = [
        {**settings.TEMPLATES[0], "DIRS": [*settings.TEMPLATES[0]["DIRS"], tmp_path]}
    ]
    seen = []

    def context(territory, user):
        seen.append((territory, user))
        return {"greeting": "Hello"}

    register_section(key="hello", title="Hello", context=context, template="dummy.html")
    html = login(resident).get(BEAUVAIS).content.decode()
    assert "<p>[Hello Beauvais Camille hello]</p>" in html
    assert seen == [(oise["beauvais"], resident)]
    assert 'class="see-all"' not in html[html.index('id="section-hello"') :].split("</section>")[0]


def test_registering_the_same_key_replaces_the_section(register_section):
    register_section(key="twice", title="One", context=dummy_context)
    register_section(key="twice", title="Two", context=dummy_context)
    titles = [section.title for section in portal_sections.sections() if section.key == "twice"]
    assert titles == ["Two"]


def test_registry_accepts_sections_only_and_offers_a_decorator():
    registry = SectionRegistry("test")
    with pytest.raises(TypeError):
        registry.register({"key": "dict"})

    @registry.section(key="decorated", title="Decorated", template="x.html", order=5)
    def decorated(subject, user):
        return {"value": subject}

    assert "decorated" in registry
    assert registry.sections()[0].context is decorated
    rendered = registry.render("subject", None)
    assert rendered[0].context == {"value": "subject"}
    assert rendered[0].see_all_url == ""
    registry.unregister("decorated")
    registry.unregister("never-registered")
    assert len(registry) == 0


def test_builtin_sections_are_registered():
    keys = {section.key for section in portal_sections.sections()}
    assert {"officials", "events", "associations", "institutions"} <= keys
    assert all(isinstance(section, Section) for section in portal_sections.sections())


# --- a visitor's sections are fragments of the cache (core.pagecache) ---------------------------


def queries_of(client, path):
    with CaptureQueriesContext(connection) as done:
        response = client.get(path)
    assert response.status_code == 200
    return len(done), response.content.decode()


def test_a_visitors_sections_are_reused_and_a_new_event_shows_at_once(
    visitor, oise, official, settings
):
    """The page rendered each time (the page cache off, or a page a write retired): the
    sections nothing changed come from the cache, the one a write changed is rendered."""
    settings.PARVIS_PAGE_CACHE_SECONDS = 0
    first, _ = queries_of(visitor, BEAUVAIS)
    again, _ = queries_of(visitor, BEAUVAIS)
    assert again < first - 3  # the page's own queries, no section's
    create_event(created_by=official, commune=oise["beauvais"], title="Bal de la Saint-Jean")
    after, html = queries_of(visitor, BEAUVAIS)
    assert "Bal de la Saint-Jean" in html  # the events section, rendered again
    assert again < after < first  # the other sections still from the cache


def test_a_members_sections_are_their_own(visitor, login, resident, oise, register_section):
    def context(territory, user):
        who = "member" if user.is_authenticated else "visitor"
        return {"organisations": [], "see_all_url": f"/dummy/?seen-by={who}"}

    register_section(key="dummy", title="Dummy section", context=context, order=15)
    for _ in range(2):  # rendered, then from the cache
        assert "/dummy/?seen-by=visitor" in visitor.get(BEAUVAIS).content.decode()
    html = login(resident).get(BEAUVAIS).content.decode()
    assert "/dummy/?seen-by=member" in html
    assert "seen-by=visitor" not in html
