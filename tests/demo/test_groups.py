"""``make demo`` also creates a living community of groups, reproducibly and idempotently."""

from io import StringIO

import pytest
from django.core.management import call_command

from parvis.demo import people as demo
from parvis.groups.models import (
    Group,
    Invitation,
    JoinRequest,
    Membership,
    Mention,
    Message,
    Role,
    Thread,
    Visibility,
)


@pytest.fixture
def loaded(db):
    call_command("import_territory", "60", stdout=StringIO())
    call_command("load_demo", stdout=StringIO())


def counts():
    return [
        model.objects.count()
        for model in (Group, Membership, Thread, Message, Mention, JoinRequest, Invitation)
    ]


def test_demo_groups_are_public_and_private_with_french_discussions(loaded, client):
    groups = Group.objects.all()
    assert groups.count() >= 8
    assert groups.filter(visibility=Visibility.PRIVATE).count() >= 2
    assert groups.filter(territory__kind="commune").exists()
    assert groups.filter(territory__kind="epci").exists()
    assert groups.filter(territory__isnull=True).exists()
    for group in groups:
        assert group.member_count == group.memberships.filter(state="active").count()
        assert group.memberships.filter(role=Role.OWNER).count() == 1
        assert group.thread_count == group.threads.count() >= 1
    assert Message.objects.filter(body__contains="Bonjour").exists()
    assert Message.objects.filter(quoted__isnull=False).exists()
    assert Mention.objects.exists()
    assert Thread.objects.filter(pinned=True).exists()
    assert Thread.objects.filter(locked=True).exists()
    response = client.get("/groupes/")
    assert "Jardins partagés du Beauvaisis" in response.content.decode()


def test_the_demo_resident_takes_part_and_is_invited(loaded, client):
    resident = demo.build_plan(
        communes=list(demo.territory_for_demo("60")[0]),
        departement=demo.territory_for_demo("60")[1],
    ).people
    email = next(p.email for p in resident if p.kind == "resident")
    memberships = Membership.objects.filter(user__email=email, state="active")
    assert memberships.count() == 3
    assert memberships.filter(group__visibility=Visibility.PRIVATE).exists()
    assert Invitation.objects.filter(invitee__email=email, status="pending").exists()


def test_loading_the_demo_again_changes_no_group(loaded):
    before = counts()
    call_command("load_demo", stdout=StringIO())
    assert counts() == before
