"""Safeguards every content app calls before a member posts.

- ``check_posting_allowed(user, kind)``: raises ``ValidationError`` (a message for the member)
  when the member is suspended or banned, or when a new account (``PARVIS_NEW_ACCOUNT_DAYS``)
  has already posted ``PARVIS_NEW_ACCOUNT_POSTS_PER_DAY`` items of ``kind`` today. Call it in
  the service that creates the item, after validating the input and before writing: each
  allowed call counts one post of that kind.
- ``posting_allowance(user, kind)``: how many more items of ``kind`` a new account may post
  today (``None``: no limit), for the forms to announce it.
- ``check_not_sanctioned(user)``: only the sanction part (for edits, which are not counted).
- ``needs_review(user, text)``: whether content written by a new account carries so many links
  (``PARVIS_NEW_ACCOUNT_MAX_LINKS``) that a moderator should see it before it is published.
- ``check_links_allowed(user, text)``: the same as a refusal (``ValidationError``), for content
  types without a review queue (group messages, consultation comments).

The reports' threshold (``PARVIS_REPORTS_HIDE_THRESHOLD``) is applied by
``services.report_create``.
"""

import datetime as dt
import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from . import ratelimit
from .models import SanctionKind
from .selectors import active_sanction

_LINK = re.compile(r"(?:https?://|www\.)[^\s<>()\[\]\"']+", re.IGNORECASE)
DAY = 24 * 3600


def is_new_account(user, now=None) -> bool:
    """A member who joined less than ``PARVIS_NEW_ACCOUNT_DAYS`` days ago (staff never are)."""
    if not user.is_authenticated or user.is_staff:
        return False
    now = now or timezone.now()
    return user.date_joined > now - dt.timedelta(days=settings.PARVIS_NEW_ACCOUNT_DAYS)


def sanction_message(sanction) -> str:
    """What a sanctioned member is told when they try to log in or post."""
    if sanction.kind == SanctionKind.BAN:
        return _(
            "Your account has been banned by a moderation decision: you can no longer log in "
            "or post. The statement of reasons was sent to you by e-mail, with a link to appeal."
        )
    until = formats.date_format(timezone.localtime(sanction.ends_at), "DATETIME_FORMAT")
    return _(
        "Your account is suspended until %(date)s by a moderation decision: until then you "
        "cannot log in or post. The statement of reasons was sent to you by e-mail, with a "
        "link to appeal."
    ) % {"date": until}


def check_not_sanctioned(user) -> None:
    sanction = active_sanction(user)
    if sanction is not None:
        raise ValidationError(sanction_message(sanction), code="sanctioned")


def check_posting_allowed(user, kind: str) -> None:
    """Refuse (``ValidationError``) a post of ``kind`` (``"event"``, ``"message"``...) by a
    sanctioned member, or beyond the daily allowance of a new account; else count it."""
    check_not_sanctioned(user)
    if not is_new_account(user):
        return
    limit = settings.PARVIS_NEW_ACCOUNT_POSTS_PER_DAY
    scope = f"posting:{kind}"
    if ratelimit.limit_reached(scope, user.pk, limit=limit, period=DAY):
        raise ValidationError(
            _(
                "Your account is new: during its first %(days)d days it may post %(limit)d "
                "items of this kind a day. Please try again tomorrow."
            )
            % {"days": settings.PARVIS_NEW_ACCOUNT_DAYS, "limit": limit},
            code="new_account_limit",
        )
    ratelimit.consume(scope, user.pk, period=DAY)


def posting_allowance(user, kind: str) -> int | None:
    """How many more items of ``kind`` a new account may post today (announced where it
    writes, before it is refused), or ``None`` when no allowance applies (no query: the
    counter lives in the cache)."""
    if not is_new_account(user):
        return None
    used = ratelimit.used(f"posting:{kind}", user.pk, period=DAY)
    return max(settings.PARVIS_NEW_ACCOUNT_POSTS_PER_DAY - used, 0)


def count_links(text: str) -> int:
    return len(_LINK.findall(text or ""))


def needs_review(user, text: str) -> bool:
    """Content by a new account with at least ``PARVIS_NEW_ACCOUNT_MAX_LINKS`` links waits
    for a moderator (the content app sends it to its review queue)."""
    return is_new_account(user) and count_links(text) >= settings.PARVIS_NEW_ACCOUNT_MAX_LINKS


def check_links_allowed(user, text: str) -> None:
    """Refuse (``ValidationError``) a new account's text that ``needs_review``, for content
    types without a review queue (group messages, consultation comments): nothing is
    written, and the member is asked to remove links. Content with a review queue (events)
    calls ``needs_review`` and sends the item there instead."""
    if needs_review(user, text):
        raise ValidationError(
            _(
                "Your account is new: during its first %(days)d days, a message may contain "
                "at most %(max)d links. Please remove some links and post it again."
            )
            % {
                "days": settings.PARVIS_NEW_ACCOUNT_DAYS,
                "max": max(settings.PARVIS_NEW_ACCOUNT_MAX_LINKS - 1, 0),
            },
            code="new_account_links",
        )


def login_refusal(user) -> str:
    """Why ``user`` may not log in (suspended or banned), or ``""``."""
    sanction = active_sanction(user)
    return sanction_message(sanction) if sanction is not None else ""
