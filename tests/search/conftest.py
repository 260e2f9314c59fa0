"""A small world for the search box: one item of every type about a "marché", plus what must
never be found (a private group's discussion, hidden and deleted items, a member who chose not
to appear in the directory)."""

import pytest

from parvis.accounts.models import DirectoryVisibility, MandateRole, ProfileKind
from parvis.groups import services as group_services
from parvis.groups.models import JoinPolicy, Visibility
from parvis.organisations.models import OrganisationKind
from tests.agenda.conftest import create_event
from tests.consultations.conftest import create_consultation
from tests.factories import MandateFactory, OrganisationFactory, UserFactory
from tests.groups.conftest import add_member, create_group
from tests.news.conftest import create_post


@pytest.fixture(autouse=True)
def _french(settings):
    settings.LANGUAGE_CODE = "fr"


def build_world(oise, *, suffix=""):
    """Items of every type whose text holds "marché" (with ``suffix`` in their titles, to build
    several volumes); returns them by name."""
    beauvais = oise["beauvais"]
    manager = UserFactory(first_name="Léa", last_name=f"Dubois{suffix}", commune=beauvais)
    association = OrganisationFactory(
        name=f"Marché paysan du Beauvaisis{suffix}",
        description="Producteurs locaux réunis en association.",
        commune=beauvais,
    )
    institution = OrganisationFactory(
        name=f"Mairie de Beauvais{suffix}",
        kind=OrganisationKind.INSTITUTION,
        rna="",
        siren="216000562",
        description="Le marché couvert et les halles.",
        commune=beauvais,
    )
    event = create_event(
        created_by=manager,
        commune=beauvais,
        organisation=association,
        title=f"Grand marché de Noël{suffix}",
        description="Artisans et producteurs sur la place.",
    )
    group = create_group(
        manager,
        name=f"Amis du marché bio{suffix}",
        description="Pour acheter local.",
        visibility=Visibility.PUBLIC,
        join_policy=JoinPolicy.OPEN,
    )
    public_thread = group_services.thread_create(
        group=group, author=manager, title=f"Horaires du marché{suffix}", body="Qui sait ?"
    )
    private_group = create_group(
        manager,
        name=f"Conseil des commerçants{suffix}",
        description="Réservé aux commerçants.",
        visibility=Visibility.PRIVATE,
        join_policy=JoinPolicy.REQUEST,
    )
    private_thread = group_services.thread_create(
        group=private_group,
        author=manager,
        title=f"Places du marché secrètes{suffix}",
        body="Entre nous.",
    )
    post = create_post(
        author=manager,
        organisation=institution,
        title=f"Le marché déménage{suffix}",
        body="Travaux sur la place.",
    )
    consultation = create_consultation(
        organisation=institution, title=f"Avenir du marché couvert{suffix}"
    )
    official = UserFactory(
        first_name="Bernard",
        last_name=f"Marchand{suffix}",
        kind=ProfileKind.OFFICIAL,
        commune=beauvais,
        directory_visibility=DirectoryVisibility.PUBLIC,
    )
    MandateFactory(user=official, territory=beauvais, role=MandateRole.MAYOR)
    public_member = UserFactory(
        first_name="Élodie",
        last_name=f"Marché{suffix}",
        commune=beauvais,
        directory_visibility=DirectoryVisibility.PUBLIC,
    )
    members_only = UserFactory(
        first_name="Paul",
        last_name=f"Marchetti{suffix}",
        commune=beauvais,
        directory_visibility=DirectoryVisibility.MEMBERS,
    )
    unlisted = UserFactory(
        first_name="Rose",
        last_name=f"Marchal{suffix}",
        commune=beauvais,
        directory_visibility=DirectoryVisibility.HIDDEN,
    )
    return {
        "manager": manager,
        "association": association,
        "institution": institution,
        "event": event,
        "group": group,
        "public_thread": public_thread,
        "private_group": private_group,
        "private_thread": private_thread,
        "post": post,
        "consultation": consultation,
        "official": official,
        "public_member": public_member,
        "members_only": members_only,
        "unlisted": unlisted,
    }


@pytest.fixture
def world(oise):
    return build_world(oise)


@pytest.fixture
def private_member(world):
    """A member of the private group."""
    user = UserFactory(first_name="Inès", last_name="Garnier", commune=world["event"].commune)
    add_member(world["private_group"], user)
    return user
