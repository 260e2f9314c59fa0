"""The content apps tell their members through notify(): the agenda's participants, the
verification outcomes of mandates and organisations."""

import datetime as dt

from django.core import mail
from django.urls import reverse

from parvis.accounts.services import mandate_reject, mandate_verify
from parvis.agenda.models import Rsvp
from parvis.agenda.services import event_cancel, event_update
from parvis.notifications.models import Notification
from parvis.notifications.registry import Delivery
from parvis.notifications.services import preferences_set
from parvis.organisations.services import organisation_reject, organisation_verify

from ..factories import MandateFactory


def centre(client):
    return client.get(reverse("notifications:list")).content.decode()


def test_participants_of_a_cancelled_event_find_it_in_their_centre(
    login, resident, association_manager, make_event, django_capture_on_commit_callbacks
):
    event = make_event(title="Brocante")
    Rsvp.objects.create(occurrence=event.occurrences.get(), user=resident)
    with django_capture_on_commit_callbacks(execute=True):
        event_cancel(event=event, actor=association_manager, reason="Pluie.")
    notification = Notification.objects.get(recipient=resident)
    assert notification.type_key == "agenda.event_cancelled"
    assert notification.actor == association_manager
    assert notification.target == event
    page = centre(login(resident))
    assert "“Brocante”, which you were going to, is cancelled." in page
    response = login(resident).get(reverse("notifications:open", args=[notification.pk]))
    assert response["Location"] == event.get_absolute_url()
    assert [m.to for m in mail.outbox] == [[resident.email]]


def test_a_participant_who_chose_the_digest_gets_no_e_mail_at_once(
    resident, association_manager, make_event, django_capture_on_commit_callbacks
):
    preferences_set(member=resident, choices={"agenda.event_changed": Delivery.DAILY})
    event = make_event()
    Rsvp.objects.create(occurrence=event.occurrences.get(), user=resident)
    with django_capture_on_commit_callbacks(execute=True):
        event_update(
            event=event,
            editor=association_manager,
            data={
                "start": event.start + dt.timedelta(days=1),
                "end": event.end + dt.timedelta(days=1),
            },
        )
    assert mail.outbox == []
    assert Notification.objects.get(recipient=resident).email_delivery == Delivery.DAILY


def test_mandate_outcomes_reach_the_member_without_naming_the_moderator(
    login, resident, moderator, oise, django_capture_on_commit_callbacks
):
    mandate = MandateFactory(user=resident, territory=oise["beauvais"], status="pending")
    with django_capture_on_commit_callbacks(execute=True):
        mandate_verify(mandate=mandate, moderator=moderator)
        mandate_reject(mandate=mandate, moderator=moderator, reason="Mandat terminé.")
    texts = centre(login(resident))
    assert "Your mandate has been verified" in texts
    assert "Your mandate could not be verified" in texts
    assert not Notification.objects.filter(actor__isnull=False).exists()
    assert len(mail.outbox) == 2
    assert "Mandat terminé." in mail.outbox[1].body


def test_organisation_outcomes_reach_every_manager(
    association, association_manager, moderator, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        organisation_reject(organisation=association, moderator=moderator, reason="RNA faux.")
        organisation_verify(organisation=association, moderator=moderator)
    notifications = Notification.objects.filter(recipient=association_manager).order_by("pk")
    assert [n.params["verified"] for n in notifications] == [False, True]
    assert all(n.url == association.get_absolute_url() for n in notifications)
    assert [m.to for m in mail.outbox] == [[association_manager.email]] * 2
