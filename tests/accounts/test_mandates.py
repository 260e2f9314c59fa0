"""Declaring mandates, withdrawing them, and their review by moderators (services)."""

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError

from parvis.accounts.models import Mandate, MandateRole, ProfileKind, VerificationStatus
from parvis.accounts.services import (
    mandate_changes_request,
    mandate_declare,
    mandate_reject,
    mandate_resubmit,
    mandate_verify,
)

from ..factories import MandateFactory

MANDATES = "/compte/mandats/"


def withdraw_url(mandate):
    return f"/compte/mandats/{mandate.pk}/retirer/"


# Review by moderators


def test_verifying_a_mandate_makes_the_member_an_official_and_tells_them(
    moderator, resident, pending_mandate, django_capture_on_commit_callbacks, settings
):
    with django_capture_on_commit_callbacks(execute=True):
        mandate_verify(mandate=pending_mandate, moderator=moderator)
    pending_mandate.refresh_from_db()
    resident.refresh_from_db()
    assert pending_mandate.status == VerificationStatus.VERIFIED
    assert pending_mandate.reviewed_by == moderator
    assert pending_mandate.reviewed_at is not None
    assert resident.kind == ProfileKind.OFFICIAL
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [resident.email]
    assert "Beauvais" in message.subject
    assert f"/membres/{resident.pk}/" in message.body
    assert settings.PARVIS_CONTACT_EMAIL in message.body


def test_rejecting_a_mandate_states_the_reason_and_how_to_contest(
    moderator, resident, pending_mandate, django_capture_on_commit_callbacks, settings
):
    reason = "Aucun conseiller municipal de ce nom sur la liste de la préfecture."
    with django_capture_on_commit_callbacks(execute=True):
        mandate_reject(mandate=pending_mandate, moderator=moderator, reason=f"  {reason} ")
    pending_mandate.refresh_from_db()
    resident.refresh_from_db()
    assert pending_mandate.status == VerificationStatus.REJECTED
    assert pending_mandate.rejection_reason == reason
    assert pending_mandate.reviewed_by == moderator
    assert resident.kind == ProfileKind.RESIDENT
    assert len(mail.outbox) == 1
    body = mail.outbox[0].body
    assert reason in body
    assert settings.PARVIS_CONTACT_EMAIL in body
    assert "/compte/mandats/" in body


@pytest.mark.parametrize("reason", ["", "   ", None])
def test_rejecting_without_a_reason_is_refused(moderator, pending_mandate, reason):
    with pytest.raises(ValidationError):
        mandate_reject(mandate=pending_mandate, moderator=moderator, reason=reason)
    pending_mandate.refresh_from_db()
    assert pending_mandate.status == VerificationStatus.PENDING
    assert mail.outbox == []


def test_rejecting_the_last_verified_mandate_makes_the_official_a_resident_again(
    moderator, official
):
    mandate = official.mandates.get()
    mandate_reject(mandate=mandate, moderator=moderator, reason="Mandat terminé en 2026.")
    official.refresh_from_db()
    assert official.kind == ProfileKind.RESIDENT


def test_only_moderators_review_mandates(resident, other_resident, pending_mandate):
    with pytest.raises(PermissionDenied):
        mandate_verify(mandate=pending_mandate, moderator=other_resident)
    with pytest.raises(PermissionDenied):
        mandate_reject(mandate=pending_mandate, moderator=resident, reason="Non.")
    pending_mandate.refresh_from_db()
    assert pending_mandate.status == VerificationStatus.PENDING


# Declaring


def test_member_declares_a_municipal_mandate(login, resident, beauvais):
    client = login(resident)
    assert client.get(MANDATES).status_code == 200
    response = client.post(MANDATES, {"role": MandateRole.MAYOR, "commune": str(beauvais)})
    assert response.status_code == 302
    mandate = Mandate.objects.get(user=resident)
    assert (mandate.role, mandate.territory, mandate.status) == (
        MandateRole.MAYOR,
        beauvais,
        VerificationStatus.PENDING,
    )
    html = client.get(MANDATES).content.decode()
    assert "Mayor" in html and "Awaiting verification" in html
    resident.refresh_from_db()
    assert resident.kind == ProfileKind.RESIDENT


@pytest.mark.parametrize(
    ("role", "field", "territory"),
    [
        (MandateRole.DEPARTMENTAL_COUNCILLOR, "departement", "departement"),
        (MandateRole.DEPARTMENTAL_PRESIDENT, "departement", "departement"),
        (MandateRole.EPCI_PRESIDENT, "epci", "epci"),
        (MandateRole.EPCI_VICE_PRESIDENT, "epci", "epci"),
        (MandateRole.EPCI_COUNCILLOR, "epci", "epci"),
        (MandateRole.DEPUTY_MAYOR, "commune", "commune"),
        (MandateRole.MUNICIPAL_COUNCILLOR, "commune", "commune"),
    ],
)
def test_member_declares_each_kind_of_mandate_in_its_territory(
    login, resident, oise, role, field, territory
):
    target = {
        "departement": oise["departement"],
        "epci": oise["epcis"][0],
        "commune": oise["margny"],
    }[territory]
    response = login(resident).post(
        MANDATES, {"role": role, field: str(target) if field == "commune" else target.pk}
    )
    assert response.status_code == 302
    assert Mandate.objects.get(user=resident).territory == target


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"role": MandateRole.MAYOR}, "Choose where you hold the mandate “mayor”"),
        ({"role": MandateRole.DEPARTMENTAL_COUNCILLOR}, "Choose where you hold"),
        ({"role": MandateRole.EPCI_PRESIDENT}, "Choose where you hold"),
        ({"role": MandateRole.MAYOR, "departement": "dep"}, "fill in only the “Commune” field"),
        (
            {"role": MandateRole.DEPARTMENTAL_COUNCILLOR, "commune": "beauvais"},
            "fill in only the “Département” field",
        ),
        (
            {"role": MandateRole.EPCI_COUNCILLOR, "commune": "beauvais"},
            "fill in only the “Intercommunality (EPCI)” field",
        ),
        ({"role": "king"}, "valid choice"),
        ({"role": ""}, "required"),
        ({"role": MandateRole.EPCI_PRESIDENT, "epci": "beauvais"}, "valid choice"),
        ({"role": MandateRole.DEPARTMENTAL_COUNCILLOR, "departement": "epci"}, "valid choice"),
    ],
)
def test_mandate_form_refuses_bad_pairs_with_a_message(login, resident, oise, data, message):
    pks = {
        "dep": oise["departement"].pk,
        "beauvais": str(oise["beauvais"]),
        "epci": oise["epcis"][0].pk,
    }
    data = {key: pks.get(value, value) for key, value in data.items()}
    response = login(resident).post(MANDATES, data)
    assert response.status_code == 200
    form = response.context["form"]
    assert message in " ".join(" ".join(errors) for errors in form.errors.values())
    assert not Mandate.objects.filter(user=resident).exists()


def test_duplicate_declaration_is_refused_with_a_message(login, resident, pending_mandate):
    response = login(resident).post(
        MANDATES,
        {"role": pending_mandate.role, "commune": str(pending_mandate.territory)},
    )
    assert response.status_code == 200
    assert "You have already declared this mandate." in response.content.decode()
    assert Mandate.objects.filter(user=resident).count() == 1


def test_duplicate_declaration_through_the_service_is_refused(resident, pending_mandate):
    with pytest.raises(ValidationError):
        mandate_declare(
            user=resident, role=pending_mandate.role, territory=pending_mandate.territory
        )


def test_member_sees_the_reason_of_a_rejection(login, resident, pending_mandate, moderator):
    mandate_reject(mandate=pending_mandate, moderator=moderator, reason="Pas sur la liste.")
    html = login(resident).get(MANDATES).content.decode()
    assert "Pas sur la liste." in html
    assert "Rejected" in html


def test_member_acts_on_requested_changes_and_submits_the_mandate_again(
    login, resident, pending_mandate, moderator, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        mandate_changes_request(
            mandate=pending_mandate, moderator=moderator, reason="Indiquez votre nom complet."
        )
    assert "Indiquez votre nom complet." in mail.outbox[0].body
    assert "/compte/mandats/" in mail.outbox[0].body
    client = login(resident)
    html = client.get(MANDATES).content.decode()
    assert "Changes requested" in html and "Indiquez votre nom complet." in html
    assert "Submit again" in html and withdraw_url(pending_mandate) in html
    response = client.post(f"/compte/mandats/{pending_mandate.pk}/renvoyer/")
    assert response.status_code == 302 and response.url == MANDATES
    pending_mandate.refresh_from_db()
    assert pending_mandate.status == VerificationStatus.PENDING
    # Submitting again what already waits is refused with a message and changes nothing.
    page = client.post(f"/compte/mandats/{pending_mandate.pk}/renvoyer/", follow=True)
    assert "Only a mandate sent back with changes" in page.content.decode()


def test_only_the_holder_submits_a_mandate_again(other_resident, pending_mandate, moderator):
    mandate_changes_request(mandate=pending_mandate, moderator=moderator, reason="Nom ?")
    with pytest.raises(PermissionDenied):
        mandate_resubmit(user=other_resident, mandate=pending_mandate)
    with pytest.raises(ValidationError, match="Say what to change"):
        mandate_changes_request(mandate=pending_mandate, moderator=moderator, reason=" ")
    pending_mandate.refresh_from_db()
    assert pending_mandate.status == VerificationStatus.CHANGES_REQUESTED


def test_member_withdraws_a_mandate_sent_back_for_changes(
    login, resident, pending_mandate, moderator
):
    mandate_changes_request(mandate=pending_mandate, moderator=moderator, reason="Nom ?")
    login(resident).post(withdraw_url(pending_mandate))
    assert not Mandate.objects.filter(pk=pending_mandate.pk).exists()


def test_member_lists_only_their_own_mandates(login, other_resident, pending_mandate):
    html = login(other_resident).get(MANDATES).content.decode()
    assert "Municipal councillor" not in html


# Withdrawing


def test_member_withdraws_a_pending_claim_after_confirming(login, resident, pending_mandate):
    client = login(resident)
    page = client.get(withdraw_url(pending_mandate))
    assert page.status_code == 200
    assert "<form" in page.content.decode()
    assert Mandate.objects.filter(pk=pending_mandate.pk).exists()
    response = client.post(withdraw_url(pending_mandate))
    assert response.status_code == 302
    assert response.url == MANDATES
    assert not Mandate.objects.filter(pk=pending_mandate.pk).exists()


def test_stranger_cannot_withdraw_someone_elses_claim(login, other_resident, pending_mandate):
    client = login(other_resident)
    assert client.get(withdraw_url(pending_mandate)).status_code == 404
    assert client.post(withdraw_url(pending_mandate)).status_code == 404
    assert Mandate.objects.filter(pk=pending_mandate.pk).exists()


def test_verified_mandate_cannot_be_withdrawn(login, official):
    mandate = official.mandates.get()
    assert login(official).post(withdraw_url(mandate)).status_code == 404
    assert Mandate.objects.filter(pk=mandate.pk).exists()


def test_visitor_is_sent_to_log_in_to_withdraw(client, pending_mandate):
    response = client.post(withdraw_url(pending_mandate))
    assert response.status_code == 302
    assert response.url.startswith("/compte/login/?next=")
    assert Mandate.objects.filter(pk=pending_mandate.pk).exists()


def test_verified_mandates_are_listed_with_their_badge(login, official):
    html = login(official).get(MANDATES).content.decode()
    assert "Verified" in html
    assert "Withdraw" not in html


def test_official_fixture_mandate_is_verified(official):
    assert MandateFactory._meta.model.objects.get(user=official).is_verified
