"""Key journey of moderation: a member reports a group message, a moderator hides it in the
admin with a reason, and its author reads the statement of reasons from their notifications —
with axe-core checking every member-facing page visited."""

import re

import pytest
from django.contrib.auth.models import Group
from playwright.sync_api import expect

from parvis.accounts.signals import MODERATORS_GROUP, ensure_moderators_group
from parvis.groups import services as groups
from parvis.groups.models import Message
from parvis.groups.services import _activate
from parvis.moderation.models import Decision, ModerationCase

from ..factories import PASSWORD, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_in(browser, live_server, email, next_path="/"):
    context = browser.new_context(locale="fr-FR", timezone_id="Europe/Paris")
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.csp_errors = []
    page.on(
        "console",
        lambda msg: (
            page.csp_errors.append(msg.text) if "Content Security Policy" in msg.text else None
        ),
    )
    page.goto(f"{live_server.url}/compte/login/?next={next_path}")
    page.fill("input[name=login]", email)
    page.fill("input[name=password]", PASSWORD)
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_url(live_server.url + next_path)
    return page


def test_member_reports_a_message_moderator_hides_it_author_reads_the_statement(
    live_server, browser, assert_accessible, settings, oise
):
    settings.PARVIS_STAFF_MFA_REQUIRED = False
    author = UserFactory(
        email="marc.lemaire@example.org",
        first_name="Marc",
        last_name="Lemaire",
        commune=oise["beauvais"],
    )
    reporter = UserFactory(
        email="lea.dubois@example.org",
        first_name="Léa",
        last_name="Dubois",
        commune=oise["beauvais"],
    )
    moderator = UserFactory(
        email="nadia.benali@example.org",
        first_name="Nadia",
        last_name="Benali",
        commune=oise["beauvais"],
        is_staff=True,
    )
    ensure_moderators_group()
    moderator.groups.add(Group.objects.get(name=MODERATORS_GROUP))
    group = groups.group_create(
        creator=reporter,
        name="Jardins partagés",
        theme="environment",
        description="Graines, outils et conseils.",
        visibility="public",
        join_policy="open",
    )
    _activate(group, author)
    thread = groups.thread_create(
        group=group,
        author=author,
        title="Bourse aux graines",
        body="Ceux qui ne pensent pas comme moi sont des imbéciles.",
    )
    message = Message.objects.get(thread=thread)

    # 1. The member reports the message from its discussion.
    page = log_in(browser, live_server, reporter.email, thread.get_absolute_url())
    assert_accessible(page)
    page.locator(f'a[href="/moderation/signaler/groups.message/{message.pk}/"]').click()
    page.wait_for_url(re.compile(r"/moderation/signaler/groups\.message/"))
    assert_accessible(page)
    page.check("input[name=reason][value=harassment]")
    page.fill("textarea[name=details]", "Insulte les autres membres.")
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(re.compile(re.escape(thread.get_absolute_url())))
    assert_accessible(page)
    case = ModerationCase.objects.get()
    assert case.reports.get().reporter == reporter
    page.context.close()

    # 2. A moderator hides it in the admin, with the ground and the facts.
    page = log_in(browser, live_server, moderator.email, "/admin/moderation/moderationcase/")
    page.get_by_role("link", name=re.compile("Bourse aux graines")).click()
    page.wait_for_url(re.compile(rf"/admin/moderation/moderationcase/{case.pk}/change/"))
    expect(page.get_by_text("Insulte les autres membres.")).to_be_visible()
    page.check("input[name=action][value=hide]")
    page.select_option("select[name=ground]", "harassment")
    page.fill("textarea[name=facts]", "Le message traite d'imbéciles les autres membres.")
    page.locator("input.default[type=submit]").click()
    page.wait_for_url(re.compile(r"/admin/moderation/moderationcase/$"))
    decision = Decision.objects.get()
    assert decision.action == "hide" and decision.moderator == moderator
    page.context.close()

    # 3. The author finds the statement of reasons in their notifications.
    page = log_in(browser, live_server, author.email, "/notifications/")
    assert_accessible(page)
    page.locator("a[href^='/notifications/']", has_text="Bourse aux graines").first.click()
    page.wait_for_url(re.compile(rf"/moderation/decisions/{decision.pk}/"))
    assert_accessible(page)
    expect(page.get_by_text("Le message traite d'imbéciles les autres membres.")).to_be_visible()
    appeal = page.locator(f"a[href^='/moderation/decisions/{decision.pk}/recours/']")
    expect(appeal).to_be_visible()
    appeal.click()
    page.wait_for_url(re.compile(r"/recours/"))
    assert_accessible(page)
    assert not page.csp_errors
    page.context.close()

    # The other members see a notice in place of the message.
    page = log_in(browser, live_server, reporter.email, thread.get_absolute_url())
    content = page.content()
    assert "imbéciles" not in content
    assert_accessible(page)
    page.context.close()
