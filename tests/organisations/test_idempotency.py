"""An organisation page and a team invitation sent twice are created once."""

from django.core import mail

from parvis.organisations.models import Organisation, OrganisationInvitation, OrganisationRole
from tests.idempotency import assert_form_has_token, assert_retry_after_error, assert_sent_once

from .test_create_edit import CREATE, form_data  # noqa: F401  (fixture)


def test_an_organisation_sent_twice_is_created_once(login, resident, form_data):  # noqa: F811
    client = login(resident)
    assert_form_has_token(client, CREATE)
    assert_retry_after_error(
        client, CREATE, {**form_data, "name": ""}, form_data, Organisation.objects.count
    )
    assert_sent_once(
        client, CREATE, {**form_data, "name": "Les Marcheurs"}, Organisation.objects.count
    )


def test_the_edit_form_has_no_token(login, association_manager, association):
    page = login(association_manager).get(f"/organisations/{association.slug}/modifier/")
    assert 'name="form_token"' not in page.content.decode()


def test_an_invitation_sent_twice_is_sent_once(
    login, association_manager, association, resident, django_capture_on_commit_callbacks
):
    client = login(association_manager)
    url = f"/organisations/{association.slug}/membres/"
    assert_form_has_token(client, url)
    data = {"email": resident.email, "role": OrganisationRole.EDITOR}
    with django_capture_on_commit_callbacks(execute=True):
        assert_sent_once(client, url, data, OrganisationInvitation.objects.count)
    assert len(mail.outbox) == 1
