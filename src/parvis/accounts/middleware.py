import hashlib
from contextlib import suppress

from allauth.account.adapter import get_adapter
from allauth.usersessions import app_settings as usersessions_settings
from allauth.usersessions.models import UserSession
from django.conf import settings
from django.core.cache import cache
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.functional import SimpleLazyObject, empty
from redis.exceptions import RedisError

from .staff import staff_mfa_url, staff_user_for_request

CACHE_ERRORS = (RedisError, OSError)

#: How often, at most, a session's last request is written to its ``UserSession`` row.
USERSESSION_TOUCH_SECONDS = 300
_USER_AGENT_LENGTH = UserSession._meta.get_field("user_agent").max_length


class StaffMFAMiddleware:
    """Staff powers only after a second factor (``PARVIS_STAFF_MFA_REQUIRED``), see ``staff``.

    ``request.user`` of a staff account whose session did not pass two-factor authentication
    becomes the same account as an ordinary member (lazily: visitors cost nothing), and the
    admin sends it to set up an authenticator, or to confirm the one it has.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not settings.PARVIS_STAFF_MFA_REQUIRED or not hasattr(request, "user"):
            return self.get_response(request)
        original = request.user
        request.user = SimpleLazyObject(lambda: staff_user_for_request(request, _unwrap(original)))
        if request.path.startswith(reverse("admin:index")) and getattr(
            request.user, "staff_powers_suspended", False
        ):
            return redirect(staff_mfa_url(request.user) + f"?next={request.path}")
        return self.get_response(request)


def _unwrap(user):
    if isinstance(user, SimpleLazyObject):
        if user._wrapped is empty:
            user._setup()
        return user._wrapped
    return user


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
