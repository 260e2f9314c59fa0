"""Key journey of "Request changes" on a mandate: the moderator sends it back from its admin
page with what to change; the member reads it in "My mandates" (phone) and submits it again,
and it is back in the queue — axe-core on every page, screenshots in /tmp."""

import re

import pytest
from django.contrib.auth.models import Group
from playwright.sync_api import expect

from parvis.accounts.models import Mandate, VerificationStatus
from parvis.accounts.signals import MODERATORS_GROUP, ensure_moderators_group

from ..factories import MandateFactory, UserFactory
from .test_journey_moderation import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

MESSAGE = "Votre nom diffère de la liste des conseillers : indiquez « Hugo Lefebvre »."


def test_moderator_requests_changes_on_a_mandate_and_the_member_submits_it_again(
    live_server, browser, assert_accessible, settings, oise
):
    settings.PARVIS_STAFF_MFA_REQUIRED = False
    ensure_moderators_group()
    beauvais = oise["beauvais"]
    moderator = UserFactory(email="nadia.benali@example.org", first_name="Nadia",
                            last_name="Benali", commune=beauvais, is_staff=True)  # fmt: skip
    moderator.groups.add(Group.objects.get(name=MODERATORS_GROUP))
    mandate = MandateFactory(user__email="hugo.l@example.org", user__first_name="H.",
                             user__last_name="Lefebvre", user__commune=beauvais,
                             status=VerificationStatus.PENDING)  # fmt: skip

    # The moderator opens the mandate from the queue and asks for a change.
    page = log_in(browser, live_server, moderator.email, "/admin/")
    page.set_viewport_size({"width": 1366, "height": 900})
    page.locator("#queue-mandates").get_by_role("link").click()
    page.get_by_role("link", name=re.compile("Lefebvre")).first.click()
    page.get_by_role("link", name=re.compile("^Demander des modifications")).click()
    assert_accessible(page)
    page.fill("textarea[name=reason]", MESSAGE)
    page.screenshot(path="/tmp/changes-admin-reason.png")
    page.locator("input.default[type=submit]").click()
    page.wait_for_url(re.compile(r"/admin/$"))
    expect(page.get_by_text("Mandat renvoyé au membre")).to_be_visible()
    assert Mandate.objects.get(pk=mandate.pk).status == VerificationStatus.CHANGES_REQUESTED
    page.context.close()

    # The member reads the message on their phone and submits the mandate again.
    page = log_in(browser, live_server, "hugo.l@example.org", "/compte/mandats/")
    page.set_viewport_size({"width": 390, "height": 844})
    expect(page.get_by_text(MESSAGE)).to_be_visible()
    expect(page.get_by_text("Modifications demandées").first).to_be_visible()
    assert_accessible(page)
    page.screenshot(path="/tmp/changes-member-390.png", full_page=True)
    page.get_by_role("button", name=re.compile("Soumettre à nouveau")).click()
    expect(page.get_by_text("Votre mandat a été soumis à nouveau.")).to_be_visible()
    assert Mandate.objects.get(pk=mandate.pk).status == VerificationStatus.PENDING
    assert not page.csp_errors
    page.context.close()
