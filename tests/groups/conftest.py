"""Fixtures of the groups tests: a private and a public group with one member per role.

Personas (on top of ``tests/conftest.py``'s): ``owner`` (the resident Camille Martin, who
created the groups), ``group_moderator``, ``member``, ``banned`` (banned from both groups),
``ex_member`` (left both groups), ``non_member`` (Hugo Lefebvre, ``other_resident``) and the
site ``moderator``; the ``visitor`` is the anonymous client.
"""

import pytest

from parvis.groups import services
from parvis.groups.models import JoinPolicy, Role, Theme, Visibility
from parvis.groups.selectors import membership_of

from ..factories import UserFactory


@pytest.fixture(autouse=True)
def _pages_in_english(settings):
    """Assert on the English msgids, whatever the French catalogue holds."""
    settings.LANGUAGE_CODE = "en"


def create_group(owner, **fields):
    values = {
        "name": "Jardins partagés du Beauvaisis",
        "theme": Theme.ENVIRONMENT,
        "description": "On échange graines, outils et conseils de **jardinage**.",
        "visibility": Visibility.PUBLIC,
        "join_policy": JoinPolicy.OPEN,
        **fields,
    }
    return services.group_create(creator=owner, **values)


def add_member(group, user, role=Role.MEMBER):
    """``user`` joins ``group`` (directly, whatever its policy), with ``role``."""
    from parvis.groups.services import _activate

    membership = _activate(group, user)
    if role != Role.MEMBER:
        membership.role = role
        membership.save(update_fields=["role"])
    group.refresh_from_db()
    return membership


@pytest.fixture
def owner(resident):
    return resident


@pytest.fixture
def non_member(other_resident):
    return other_resident


@pytest.fixture
def group_moderator(oise):
    return UserFactory(
        email="sophie.girard@example.org",
        first_name="Sophie",
        last_name="Girard",
        commune=oise["beauvais"],
    )


@pytest.fixture
def member(oise):
    return UserFactory(
        email="lucas.bernard@example.org",
        first_name="Lucas",
        last_name="Bernard",
        commune=oise["margny"],
    )


@pytest.fixture
def banned(oise):
    return UserFactory(
        email="kevin.roux@example.org",
        first_name="Kévin",
        last_name="Roux",
        commune=oise["beauvais"],
    )


@pytest.fixture
def ex_member(oise):
    return UserFactory(
        email="ines.petit@example.org",
        first_name="Inès",
        last_name="Petit",
        commune=oise["compiegne"],
    )


def _populate(group, *, owner, group_moderator, member, banned, ex_member):
    add_member(group, group_moderator, Role.MODERATOR)
    add_member(group, member)
    add_member(group, banned)
    add_member(group, ex_member)
    services.member_ban(group=group, user=banned, actor=owner, reason="Messages insultants.")
    services.membership_leave(group=group, user=ex_member)
    group.refresh_from_db()
    assert membership_of(owner, group).role == Role.OWNER
    return group


@pytest.fixture
def people(owner, group_moderator, member, banned, ex_member):
    return {
        "owner": owner,
        "group_moderator": group_moderator,
        "member": member,
        "banned": banned,
        "ex_member": ex_member,
    }


@pytest.fixture
def private_group(people, beauvais):
    group = create_group(
        people["owner"],
        name="Conseil citoyen de Beauvais",
        theme=Theme.CITIZENSHIP,
        visibility=Visibility.PRIVATE,
        join_policy=JoinPolicy.REQUEST,
        territory=beauvais,
        description="Préparation des réunions du conseil citoyen.",
    )
    return _populate(group, **people)


@pytest.fixture
def public_group(people):
    group = create_group(people["owner"])
    return _populate(group, **people)


@pytest.fixture
def thread(private_group, owner):
    return services.thread_create(
        group=private_group,
        author=owner,
        title="Ordre du jour de la réunion de mars",
        body="Voici l'ordre du jour proposé. Vos remarques ?",
    )


@pytest.fixture
def public_thread(public_group, owner):
    return services.thread_create(
        group=public_group,
        author=owner,
        title="Bourse aux graines du printemps",
        body="Qui apporte des graines de tomates anciennes ?",
    )
