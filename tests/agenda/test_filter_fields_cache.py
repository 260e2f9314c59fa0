"""The agenda's filter fields are one fragment for every agenda page showing them with the same
data ({% form_fields %}): a new category shows at once, each filter's own values and errors
stay its own, and a member's "near me" field is not shown to visitors."""

import pytest

from parvis.agenda.models import Category

pytestmark = pytest.mark.django_db


def fields_of(client, path):
    text = client.get(path, follow=True).content.decode()
    start = text.index('id="agenda-filters"')
    return text[text.index("<p", start) : text.index('<p class="button-row">', start)]


def test_the_list_and_the_month_share_the_fields(client, oise):
    listed = fields_of(client, "/agenda/?q=concert")
    month = fields_of(client.__class__(), "/agenda/mois/?q=concert")
    assert 'value="concert"' in listed
    assert listed == month


def test_a_new_category_shows_at_once(client, oise):
    assert "Astronomie" not in fields_of(client, "/agenda/")
    Category.objects.create(name="Astronomie", slug="astronomie", position=99)
    assert "Astronomie" in fields_of(client, "/agenda/")


def test_each_query_gets_its_own_values_and_errors(client, oise):
    assert 'id="id_from_error"' in fields_of(client, "/agenda/?from=bientot")
    fields = fields_of(client, "/agenda/?from=2026-12-24")
    assert 'id="id_from_error"' not in fields
    assert 'value="2026-12-24"' in fields
    assert 'value="bientot"' not in fields_of(client, "/agenda/?from=")


def test_a_members_near_me_field_is_not_shown_to_visitors(client, login, resident):
    visitor = client.__class__()
    login(resident)
    assert 'name="near"' in fields_of(client, "/agenda/")
    assert 'name="near"' not in fields_of(visitor, "/agenda/")
