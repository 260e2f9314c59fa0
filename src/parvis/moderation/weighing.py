"""When reports hide an item before a moderator reviews it.

Each report since the last decision weighs by its reporter: a verified official (or staff)
and an established member (joined ``PARVIS_NEW_ACCOUNT_DAYS`` or more ago) weigh
``FULL_WEIGHT``; a brand-new account weighs ``NEW_ACCOUNT_WEIGHT``, a third, so that a handful
of accounts made for the purpose cannot hide what they dislike. The item is hidden once the
weights reach ``PARVIS_REPORTS_HIDE_THRESHOLD`` full reports.

An item that speaks for a verified institution or a verified official (``Reportable.
verified_source``: by default, its author holds a verified mandate) is never hidden by reports:
they send it to the moderators' queue, where a person decides.
"""

import datetime as dt

from django.conf import settings
from django.utils import timezone

from parvis.accounts.models import Mandate, VerificationStatus

FULL_WEIGHT = 3
NEW_ACCOUNT_WEIGHT = 1


def is_verified_official(user) -> bool:
    return (
        user is not None
        and user.is_active
        and Mandate.objects.filter(user=user, status=VerificationStatus.VERIFIED).exists()
    )


def report_weights(reports) -> int:
    """The summed weight of ``reports`` (a queryset), in one query."""
    recent = timezone.now() - dt.timedelta(days=settings.PARVIS_NEW_ACCOUNT_DAYS)
    rows = reports.values_list("reporter__date_joined", "reporter__is_staff", "reporter_id")
    rows = list(rows)
    verified = set(
        Mandate.objects.filter(
            user_id__in=[row[2] for row in rows], status=VerificationStatus.VERIFIED
        ).values_list("user_id", flat=True)
    )
    total = 0
    for joined, is_staff, reporter_id in rows:
        established = joined is not None and joined <= recent
        full = established or is_staff or reporter_id in verified
        total += FULL_WEIGHT if full else NEW_ACCOUNT_WEIGHT
    return total


def hides_before_review(reports) -> bool:
    """Whether ``reports`` (those since the last decision) hide the item until reviewed."""
    return report_weights(reports) >= FULL_WEIGHT * settings.PARVIS_REPORTS_HIDE_THRESHOLD
