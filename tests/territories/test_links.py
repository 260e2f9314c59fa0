"""Every place a commune is named links to its page."""

from django.template import Context, Template

from parvis.accounts.models import DirectoryVisibility, MandateRole

from ..agenda.conftest import create_event
from ..factories import MandateFactory, UserFactory

BEAUVAIS_LINK = '<a href="/communes/60057-beauvais/">Beauvais</a>'
COMPIEGNE_LINK = '<a href="/communes/60159-compiegne/">Compiègne</a>'


def render(text, **context):
    return Template("{% load territories %}" + text).render(Context(context))


def test_territory_link_tag_and_filter(oise):
    beauvais = oise["beauvais"]
    assert render("{% territory_link c %}", c=beauvais) == BEAUVAIS_LINK
    assert render("{{ c|territory_link }}", c=beauvais) == BEAUVAIS_LINK
    assert render("{% territory_link c 'the town' %}", c=beauvais) == (
        '<a href="/communes/60057-beauvais/">the town</a>'
    )
    assert render("{% territory_link c %}|{{ c|territory_link }}", c=None) == "|"


def test_territory_link_escapes_the_name(oise):
    beauvais = oise["beauvais"]
    beauvais.name = "<b>Beauvais</b>"
    assert "&lt;b&gt;Beauvais&lt;/b&gt;" in render("{% territory_link c %}", c=beauvais)


def test_territory_link_works_inside_blocktranslate(oise):
    html = render(
        "{% load i18n %}{% blocktranslate with place=c|territory_link %}In {{ place }}"
        "{% endblocktranslate %}",
        c=oise["beauvais"],
    )
    assert html == f"In {BEAUVAIS_LINK}"


def test_member_profile_links_their_commune_and_mandate_territories(visitor, oise, official):
    official.directory_visibility = DirectoryVisibility.PUBLIC
    official.save(update_fields=["directory_visibility"])
    MandateFactory(user=official, role=MandateRole.EPCI_COUNCILLOR, territory=oise["epcis"][1])
    html = visitor.get(official.get_absolute_url()).content.decode()
    assert COMPIEGNE_LINK in html
    assert f'href="{oise["epcis"][1].get_absolute_url()}"' in html
    assert f'href="/elus/{official.pk}/"' in html


def test_directory_entries_link_their_commune(visitor, oise, association):
    html = visitor.get("/annuaire/", {"type": "associations"}).content.decode()
    assert BEAUVAIS_LINK in html
    official = UserFactory(commune=oise["compiegne"], directory_visibility="public")
    MandateFactory(user=official, territory=oise["compiegne"])
    html = visitor.get("/annuaire/", {"type": "officials"}).content.decode()
    assert COMPIEGNE_LINK in html


def test_organisation_page_and_cards_link_their_commune(visitor, oise, association):
    assert BEAUVAIS_LINK in visitor.get(association.get_absolute_url()).content.decode()
    assert BEAUVAIS_LINK in visitor.get("/organisations/").content.decode()


def test_agenda_pages_link_the_commune_of_each_event(visitor, oise, association_manager):
    event = create_event(created_by=association_manager, commune=oise["beauvais"])
    assert BEAUVAIS_LINK in visitor.get("/agenda/").content.decode()
    assert BEAUVAIS_LINK in visitor.get("/").content.decode()
    assert (
        'href="/communes/60057-beauvais/"' in visitor.get(event.get_absolute_url()).content.decode()
    )
