"""Key journey of the groups: a resident asks to join a private group, a group moderator
accepts, the resident replies to a discussion mentioning another member — with axe-core
checking every page visited."""

import re

import pytest
from playwright.sync_api import expect

from parvis.groups import services
from parvis.groups.models import Mention, Message, Role
from parvis.groups.services import _activate

from ..factories import PASSWORD, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_in(page, live_server, email):
    page.goto(f"{live_server.url}/compte/login/")
    page.fill("input[name=login]", email)
    page.fill("input[name=password]", PASSWORD)
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_url(live_server.url + "/")


def test_resident_joins_a_private_group_and_replies_mentioning_a_member(
    live_server, browser, page, assert_accessible, oise
):
    owner = UserFactory(
        email="sophie.girard@example.org",
        first_name="Sophie",
        last_name="Girard",
        commune=oise["beauvais"],
    )
    moderator = UserFactory(
        email="marc.lemaire@example.org",
        first_name="Marc",
        last_name="Lemaire",
        commune=oise["beauvais"],
    )
    member = UserFactory(
        email="lea.dubois@example.org",
        first_name="Léa",
        last_name="Dubois",
        commune=oise["beauvais"],
    )
    resident = UserFactory(
        email="camille.martin@example.org",
        first_name="Camille",
        last_name="Martin",
        commune=oise["beauvais"],
    )
    group = services.group_create(
        creator=owner,
        name="Conseil citoyen de Saint-Jean",
        theme="citizenship",
        description="Préparation des réunions du conseil citoyen.",
        visibility="private",
        join_policy="request",
        territory=oise["beauvais"],
    )
    moderator_membership = _activate(group, moderator)
    moderator_membership.role = Role.MODERATOR
    moderator_membership.save(update_fields=["role"])
    _activate(group, member)
    thread = services.thread_create(
        group=group, author=member, title="Fête de quartier", body="Qui peut aider le 21 juin ?"
    )
    group_url = f"{live_server.url}/groupes/{group.slug}/"

    # The resident finds the group, cannot read it, and asks to join.
    log_in(page, live_server, resident.email)
    page.goto(f"{live_server.url}/groupes/")
    assert_accessible(page)
    page.locator(f"a[href='/groupes/{group.slug}/']").first.click()
    page.wait_for_url(group_url)
    assert "Fête de quartier" not in page.content()
    assert_accessible(page)
    page.locator(f"a[href='/groupes/{group.slug}/demander/']").click()
    page.wait_for_url(group_url + "demander/")
    assert_accessible(page)
    page.fill("textarea[name=message]", "J'habite le quartier depuis dix ans.")
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(group_url)
    assert_accessible(page)

    # A group moderator accepts the request, with a message.
    other = browser.new_context(locale="fr-FR", timezone_id="Europe/Paris")
    moderator_page = other.new_page()
    log_in(moderator_page, live_server, moderator.email)
    moderator_page.goto(group_url + "gestion/")
    assert "Camille Martin" in moderator_page.content()
    assert_accessible(moderator_page)
    moderator_page.fill("textarea[name=message]", "Bienvenue !")
    moderator_page.locator("button[name=decision][value=accept]").click()
    moderator_page.wait_for_url(group_url + "gestion/")
    assert_accessible(moderator_page)
    other.close()

    # The resident now reads the discussion and replies, mentioning Léa.
    page.goto(group_url)
    assert_accessible(page)
    page.locator(f"a[href='/groupes/{group.slug}/discussions/{thread.pk}/']").click()
    page.wait_for_url(re.compile(rf"/discussions/{thread.pk}/$"))
    assert "Qui peut aider le 21 juin" in page.content()
    assert_accessible(page)
    page.fill("textarea[name=body]", "Je tiendrai la buvette avec @lea-dubois !")
    page.locator("main form[action$='/repondre/'] button[type=submit]").click()
    # The reply joins the discussion in place (htmx), the form comes back empty.
    expect(page.locator("#message-list")).to_contain_text("Je tiendrai la buvette")
    expect(page.locator("main form[action$='/repondre/'] textarea[name=body]")).to_have_value("")
    assert page.url.endswith(f"/discussions/{thread.pk}/")
    assert_accessible(page)

    reply = Message.objects.get(thread=thread, position=2)
    assert reply.author == resident
    assert list(Mention.objects.filter(message=reply).values_list("user", flat=True)) == [member.pk]
    assert not [e for e in page.csp_errors if "Content Security Policy" in e]
