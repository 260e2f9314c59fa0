"""A group invitation sent twice is sent once."""

import pytest

from parvis.groups.models import Invitation
from tests.idempotency import assert_form_has_token, assert_sent_once

from .conftest import create_group

pytestmark = pytest.mark.django_db


def test_an_invitation_sent_twice_is_sent_once(login, resident, other_resident):
    group = create_group(resident)
    client = login(resident)
    assert_form_has_token(client, f"/groupes/{group.slug}/gestion/")
    url = f"/groupes/{group.slug}/gestion/inviter/"
    data = {"email": other_resident.email, "message": "Viens !"}
    assert_sent_once(client, url, data, Invitation.objects.count)
