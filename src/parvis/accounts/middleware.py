import hashlib
from contextlib import suppress

from allauth.account.adapter import get_adapter
from allauth.mfa.utils import is_mfa_enabled
from allauth.usersessions import app_settings as usersessions_settings
from allauth.usersessions.models import UserSession
from django.conf import settings
from django.core.cache import cache
from django.shortcuts import redirect
from django.urls import reverse
from redis.exceptions import RedisError

CACHE_ERRORS = (RedisError, OSError)

#: How often, at most, a session's last request is written to its ``UserSession`` row.
USERSESSION_TOUCH_SECONDS = 300
_USER_AGENT_LENGTH = UserSession._meta.get_field("user_agent").max_length


class StaffMFAMiddleware:
    """Send a staff member without an authenticator to set one up before any admin page."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            settings.PARVIS_STAFF_MFA_REQUIRED
            and user is not None
            and user.is_authenticated
            and user.is_staff
            and request.path.startswith(reverse("admin:index"))
            and not is_mfa_enabled(user)
        ):
            return redirect(reverse("mfa_activate_totp") + f"?next={request.path}")
        return self.get_response(request)


class UserSessionsMiddleware:
    """allauth's ``UserSessionsMiddleware`` (``USERSESSIONS_TRACK_ACTIVITY``), with fewer writes.

    allauth writes every request of a logged-in member to the session's ``UserSession`` row
    (last seen, IP address, browser): two reads and an update in a transaction on each page.
    The row is written the same way here, but only at the first request of a session, when
    its IP address or browser changes, and otherwise at most every ``USERSESSION_TOUCH_SECONDS``
    (``last_seen_at`` serves the sessions page and the inactive-accounts rule, counted in
    months). What was written last is remembered in the cache: one cache read per request.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if (
            usersessions_settings.TRACK_ACTIVITY
            and hasattr(request, "session")
            and request.session.session_key
            and hasattr(request, "user")
            and request.user.is_authenticated
        ):
            self._track(request)
        return self.get_response(request)

    def _track(self, request):
        seen = (
            request.user.pk,
            get_adapter().get_client_ip(request),
            request.META.get("HTTP_USER_AGENT", "")[:_USER_AGENT_LENGTH],
        )
        key = "usersession-seen:" + hashlib.sha256(request.session.session_key.encode()).hexdigest()
        try:
            if cache.get(key) == seen:
                return
        except CACHE_ERRORS:  # Redis down: write the row as allauth does
            pass
        UserSession.objects.create_from_request(request)
        with suppress(CACHE_ERRORS):
            cache.set(key, seen, USERSESSION_TOUCH_SECONDS)
