"""Organisation list and detail pages, for every persona."""

import pytest

from parvis.accounts.models import DirectoryVisibility, VerificationStatus
from parvis.organisations.models import OrganisationRole

from ..factories import MembershipFactory, OrganisationFactory, UserFactory

LIST = "/organisations/"


def detail(organisation):
    return f"/organisations/{organisation.slug}/"


def test_visitor_sees_verified_organisations_but_not_pending_ones(
    visitor, association, pending_organisation
):
    response = visitor.get(LIST)
    assert response.status_code == 200
    content = response.content.decode()
    assert association.name in content
    assert pending_organisation.name not in content


def test_member_finds_their_pending_organisation_among_their_organisations(
    login, association_manager, pending_organisation
):
    content = login(association_manager).get(LIST).content.decode()
    assert pending_organisation.name in content
    assert "awaiting verification" in content


def test_organisation_list_is_paginated(visitor, beauvais):
    OrganisationFactory.create_batch(30, commune=beauvais)
    first = visitor.get(LIST).content.decode()
    assert "Page 1 of 2" in first
    second = visitor.get(LIST, {"page": 2})
    assert second.status_code == 200
    assert "Page 2 of 2" in second.content.decode()
    assert visitor.get(LIST, {"page": "abc"}).status_code == 200


def test_organisation_list_query_count_does_not_grow_with_organisations(
    login, resident, beauvais, django_assert_max_num_queries
):
    OrganisationFactory.create_batch(30, commune=beauvais)
    for organisation in OrganisationFactory.create_batch(5, commune=beauvais):
        MembershipFactory(organisation=organisation, user=resident)
    client = login(resident)
    # The first request of a session records it (allauth user sessions); about 7 of the
    # queries are the session, the user and activity tracking, the page itself needs 4.
    client.get(LIST)
    with django_assert_max_num_queries(12):
        response = client.get(LIST)
    assert response.status_code == 200


def test_visitor_reads_a_verified_organisation_page(visitor, association, association_manager):
    association.description = "Première ligne.\n\nDeuxième ligne, en **Markdown**."
    association.website = "https://amis-beauvaisis.example.org"
    association.save()
    response = visitor.get(detail(association))
    assert response.status_code == 200
    content = response.content.decode()
    assert "Verified" in content
    assert "<p>Première ligne.</p>" in content  # the description is Markdown
    assert "<strong>Markdown</strong>" in content
    assert "https://amis-beauvaisis.example.org" in content
    assert "Beauvais" in content
    assert "Léa Dubois" in content
    assert "Edit the page" not in content
    assert "Manage the team" not in content


def test_team_links_only_to_profiles_the_viewer_may_see(visitor, login, resident, association):
    public = UserFactory(
        first_name="Inès", last_name="Public", directory_visibility=DirectoryVisibility.PUBLIC
    )
    members_only = UserFactory(
        first_name="Marc", last_name="Discret", directory_visibility=DirectoryVisibility.MEMBERS
    )
    MembershipFactory(organisation=association, user=public, role=OrganisationRole.EDITOR)
    MembershipFactory(organisation=association, user=members_only, role=OrganisationRole.EDITOR)

    as_visitor = visitor.get(detail(association)).content.decode()
    assert f'href="/membres/{public.pk}/"' in as_visitor
    assert "Marc Discret" in as_visitor
    assert f'href="/membres/{members_only.pk}/"' not in as_visitor

    as_member = login(resident).get(detail(association)).content.decode()
    assert f'href="/membres/{members_only.pk}/"' in as_member


def test_logo_is_shown_with_an_alternative_text(visitor, association, png_logo):
    association.logo.save("logo.png", png_logo)
    content = visitor.get(detail(association)).content.decode()
    assert 'alt="Logo of Les Amis du Beauvaisis"' in content


@pytest.mark.parametrize("persona", ["visitor", "other_resident"])
def test_pending_organisation_page_is_not_found_for_strangers(
    request, login, persona, pending_organisation
):
    user = request.getfixturevalue(persona)
    client = user if persona == "visitor" else login(user)
    assert client.get(detail(pending_organisation)).status_code == 404


def test_manager_sees_their_pending_organisation_with_a_notice(
    login, association_manager, pending_organisation
):
    response = login(association_manager).get(detail(pending_organisation))
    assert response.status_code == 200
    content = response.content.decode()
    assert "awaiting verification by a moderator" in content
    assert "Verified" not in content


def test_moderator_can_open_a_pending_organisation(login, moderator, pending_organisation):
    assert login(moderator).get(detail(pending_organisation)).status_code == 200


def test_rejected_organisation_shows_the_reason_to_its_team(
    login, association_manager, pending_organisation
):
    pending_organisation.status = VerificationStatus.REJECTED
    pending_organisation.rejection_reason = "Numéro RNA inconnu."
    pending_organisation.save()
    content = login(association_manager).get(detail(pending_organisation)).content.decode()
    assert "Numéro RNA inconnu." in content


def test_manager_sees_edit_and_manage_links(login, association_manager, association):
    content = login(association_manager).get(detail(association)).content.decode()
    assert f"/organisations/{association.slug}/modifier/" in content
    assert f"/organisations/{association.slug}/membres/" in content


def test_editor_sees_the_edit_link_but_not_the_team_management(login, editor, association):
    content = login(editor).get(detail(association)).content.decode()
    assert f"/organisations/{association.slug}/modifier/" in content
    assert f"/organisations/{association.slug}/membres/" not in content


def test_stranger_sees_neither_edit_nor_manage_links(login, other_resident, association):
    content = login(other_resident).get(detail(association)).content.decode()
    assert "/modifier/" not in content
    assert f"/organisations/{association.slug}/membres/" not in content


def test_unknown_organisation_is_not_found(visitor, db):
    assert visitor.get("/organisations/n-existe-pas/").status_code == 404


def test_detail_query_count_does_not_grow_with_the_team(
    login, resident, association, django_assert_max_num_queries
):
    for user in UserFactory.create_batch(20):
        MembershipFactory(organisation=association, user=user, role=OrganisationRole.EDITOR)
    client = login(resident)
    client.get(detail(association))  # the first request of a session records it
    with django_assert_max_num_queries(11):
        response = client.get(detail(association))
    assert response.status_code == 200
