"""Helpers for the content apps' moderation tests: hide an item and sanction a member through
the real services and models."""

import datetime as dt

from django.utils import timezone

from parvis.moderation.models import Sanction, SanctionKind
from parvis.moderation.selectors import forget_sanction
from parvis.moderation.services import case_decide, report_create

from ..factories import UserFactory


def hide(item, moderator, *, reporter=None):
    """A member reports ``item`` and ``moderator`` hides it."""
    report = report_create(reporter=reporter or UserFactory(), obj=item, reason="false_information")
    case_decide(
        case=report.case,
        moderator=moderator,
        action="hide",
        ground="false_information",
        facts="Misleading content.",
    )
    return report.case


def suspend(user, days=3):
    """``user`` is suspended for ``days`` days (as a decision would)."""
    Sanction.objects.create(
        user=user, kind=SanctionKind.SUSPENSION, ends_at=timezone.now() + dt.timedelta(days=days)
    )
    forget_sanction(user.pk)


def ban(user):
    Sanction.objects.create(user=user, kind=SanctionKind.BAN)
    forget_sanction(user.pk)


def api_as(user):
    """An API client authenticated by ``user``'s personal token."""
    from rest_framework.test import APIClient

    from ..factories import api_key_for

    key = api_key_for(user)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client
