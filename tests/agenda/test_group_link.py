"""An event may be linked to a public group its proposer belongs to: offered in the form,
checked by the services, shown on the event page and on the group's page."""

import pytest
from django.core.exceptions import ValidationError

from parvis.agenda.forms import EventForm
from parvis.agenda.models import Event, EventStatus
from parvis.agenda.services import event_create, event_update
from parvis.groups.models import JoinPolicy, Visibility
from parvis.groups.selectors import group_upcoming_events
from parvis.groups.services import membership_leave

from ..groups.conftest import add_member, create_group
from .test_forms import form_data
from .test_workflow import event_data


@pytest.fixture(autouse=True)
def _pages_in_english(settings):
    settings.LANGUAGE_CODE = "en"


@pytest.fixture
def groups(resident, other_resident, beauvais):
    """Camille (resident) owns a public and a private group; Hugo owns another public one."""
    return {
        "mine": create_group(resident, name="Jardins partagés"),
        "private": create_group(
            resident,
            name="Conseil citoyen",
            visibility=Visibility.PRIVATE,
            join_policy=JoinPolicy.REQUEST,
        ),
        "other": create_group(other_resident, name="Club de randonnée"),
    }


def test_the_form_offers_only_the_public_groups_the_member_belongs_to(resident, groups):
    form = EventForm(user=resident)
    offered = [label for value, label in form.fields["group"].choices if value]
    assert offered == ["Jardins partagés"]


def test_a_member_proposes_an_event_for_their_group_through_the_page(login, resident, groups, oise):
    group = groups["mine"]
    client = login(resident)
    assert 'id="id_group"' in client.get("/agenda/proposer/").content.decode()
    response = client.post("/agenda/proposer/", form_data(group=str(group.pk)))
    assert response.status_code == 302
    event = Event.objects.get()
    assert event.group == group
    event.status = EventStatus.PUBLISHED
    event.save(update_fields=["status"])
    assert [o.event for o in group_upcoming_events(group)] == [event]
    page = client.get(event.get_absolute_url()).content.decode()
    assert f'href="{group.get_absolute_url()}"' in page


def test_a_group_that_is_not_offered_is_refused_by_the_form(login, resident, groups):
    response = login(resident).post("/agenda/proposer/", form_data(group=str(groups["other"].pk)))
    assert response.status_code == 200
    assert not Event.objects.exists()


@pytest.mark.parametrize("which", ["private", "other"])
def test_the_services_refuse_a_private_group_or_one_the_member_is_not_in(
    resident, groups, beauvais, which
):
    with pytest.raises(ValidationError) as error:
        event_create(author=resident, data=event_data(beauvais, group=groups[which]))
    assert "group" in error.value.message_dict
    assert not Event.objects.exists()


def test_a_former_member_can_no_longer_link_the_group(resident, other_resident, groups, beauvais):
    group = groups["mine"]
    add_member(group, other_resident)
    event = event_create(author=other_resident, data=event_data(beauvais), draft=True)
    membership_leave(group=group, user=other_resident)
    with pytest.raises(ValidationError):
        event_update(event=event, editor=other_resident, data={"group": group})
    event.refresh_from_db()
    assert event.group is None


def test_editing_keeps_the_group_and_may_remove_it(resident, groups, beauvais):
    group = groups["mine"]
    event = event_create(author=resident, data=event_data(beauvais, group=group), draft=True)
    assert EventForm(user=resident, event=event).initial["group"] == str(group.pk)
    event_update(event=event, editor=resident, data={"group": None})
    event.refresh_from_db()
    assert event.group is None
