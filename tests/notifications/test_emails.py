"""The notification e-mails: plain text and HTML, in the recipient's language, with the
RFC 8058 one-click unsubscribe headers."""

import re

import pytest
from django.core import mail
from django.test import Client
from django.utils import translation

from parvis.notifications.registry import Delivery
from parvis.notifications.selectors import preferences_of
from parvis.notifications.services import notify

pytestmark = pytest.mark.usefixtures("sample_types")


@pytest.fixture(autouse=True)
def _https_site(settings):
    settings.PARVIS_SITE_URL = "https://parvis.example"


def send(recipient, type_key="tests.sample", title="Brocante", capture=None):
    with capture(execute=True):
        notify(
            recipients=[recipient],
            type_key=type_key,
            url="/agenda/",
            context={"title": title},
        )
    (message,) = mail.outbox
    return message


def test_the_e_mail_has_a_plain_text_and_an_html_part(resident, django_capture_on_commit_callbacks):
    message = send(resident, capture=django_capture_on_commit_callbacks)
    assert message.to == [resident.email]
    assert message.subject == "About Brocante"
    assert "Hello Camille Martin," in message.body
    assert "https://parvis.example/agenda/" in message.body
    ((html, mimetype),) = message.alternatives
    assert mimetype == "text/html"
    assert html.startswith("<!DOCTYPE html>")
    assert '<a href="https://parvis.example/agenda/"' in html
    raw = message.message().as_string()
    assert "multipart/alternative" in raw


def test_the_e_mail_carries_one_click_unsubscribe_headers(
    resident, django_capture_on_commit_callbacks
):
    message = send(resident, capture=django_capture_on_commit_callbacks)
    header = message.extra_headers["List-Unsubscribe"]
    assert re.fullmatch(r"<https://parvis\.example/notifications/desabonnement/[^/>]+/>", header)
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert message.extra_headers["Auto-Submitted"] == "auto-generated"
    raw = message.message().as_string()
    assert "List-Unsubscribe-Post: List-Unsubscribe=One-Click" in raw
    # The unsubscribe link is in both bodies too.
    link = header[1:-1]
    assert link in message.body
    assert link in message.alternatives[0][0]

    # What a mail client does with the header: a POST, no login, no CSRF token.
    path = link.removeprefix("https://parvis.example")
    response = Client(enforce_csrf_checks=True).post(
        path, "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 200
    assert preferences_of(resident)["tests.sample"] == Delivery.NEVER


def test_a_required_e_mail_has_no_unsubscribe(resident, django_capture_on_commit_callbacks):
    message = send(
        resident, type_key="tests.sample_required", capture=django_capture_on_commit_callbacks
    )
    assert "List-Unsubscribe" not in message.extra_headers
    assert "List-Unsubscribe-Post" not in message.extra_headers
    assert "/notifications/preferences/" in message.body


def test_the_html_part_escapes_what_members_wrote(resident, django_capture_on_commit_callbacks):
    message = send(
        resident, title="<script>alert(1)</script>", capture=django_capture_on_commit_callbacks
    )
    html = message.alternatives[0][0]
    assert "<script>" not in html
    assert "&lt;script&gt;" in html


def test_the_e_mail_is_in_the_sites_language_not_the_senders(
    settings, resident, make_event, association_manager, django_capture_on_commit_callbacks
):
    """Members have no language of their own yet: e-mails use LANGUAGE_CODE (French), even
    when the person acting browses in English."""
    from parvis.agenda.models import Rsvp
    from parvis.agenda.services import event_cancel

    settings.LANGUAGE_CODE = "fr"
    event = make_event(title="Brocante")
    Rsvp.objects.create(occurrence=event.occurrences.get(), user=resident)
    with translation.override("en"), django_capture_on_commit_callbacks(execute=True):
        event_cancel(event=event, actor=association_manager, reason="Pluie.")
    (message,) = mail.outbox
    assert message.subject == "Annulé : Brocante"
    assert message.body.startswith("Bonjour,")
