"""Create forms and API creates that run once, however often they are sent.

The back button after posting, then "send" again; a double click; a phone that resends when
the network comes back: each would create the same message twice. Two ways in, one store:

- **Forms.** A create form renders ``{% form_token %}`` (a built-in tag, next to ``{% csrf_token
  %}``): a hidden ``form_token`` field with a random value, new for each render (no query,
  nothing stored). The back button shows the page from the browser's memory with the same token;
  when the browser loads the page anew instead, ``static/parvis/forms.js`` puts back the token
  the form was sent with. The middleware below runs the first ``POST`` that carries it; when
  that ``POST`` *succeeded* (a redirect, and no error or warning message queued for the next
  page), it records where it redirected. The same token sent again to the same address by the
  same member creates nothing: the answer redirects to the same place with the message "This
  form was already sent". A ``POST`` that failed (the form shown again with its errors, or a
  redirect with an error message) records nothing: the same token may be sent again, and the
  form shown again with its errors carries the same token (the tag reuses the one posted).
- **API.** A ``POST`` with an ``Idempotency-Key`` header (IETF draft
  ``draft-ietf-httpapi-idempotency-key-header``) runs once; a successful answer (2xx) is stored
  and the same key answers it again, with ``Idempotent-Replayed: true``. The same key with a
  different body answers 422; while the first request runs, 409.

Keys belong to the member (the session's member, else the API token's hash) and to the
address posted to; anonymous requests are not tracked (they create nothing). While a first
request runs, the key holds a "pending" mark (``cache.add``, atomic): a form sent twice at
once waits for the first answer (up to ``PARVIS_IDEMPOTENCY_WAIT_SECONDS``) and redirects
where it went. The store is the default cache (Redis), entries expire after
``RESULT_SECONDS``; with Redis down the cache stores nothing and forms simply run (as before).

Only *create* forms carry the token: an edit form sent again after the back button must
apply the new edit. Every response must get its own token: a page or a fragment that the page
cache stores renders a placeholder instead, replaced by a new token in each response (a
fragment holding a form is cached with ``pagecache.fragment(..., request=request)``).
"""

import hashlib
import json
import re
import secrets
import time

from django.conf import settings
from django.contrib import messages
from django.contrib.messages import constants
from django.core.cache import cache
from django.http import HttpResponse, HttpResponseRedirect, JsonResponse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

#: The hidden field of create forms.
FIELD = "form_token"
#: The API's header (and its echo on a replayed answer).
HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotent-Replayed"
#: A form token is ours (URL-safe base64); an API key is any short printable string.
TOKEN_RE = re.compile(r"^[A-Za-z0-9_-]{16,64}$")
KEY_RE = re.compile(r"^[\x21-\x7e]{1,255}$")
#: How long a finished request's result is kept (the back button a day later still works).
RESULT_SECONDS = 24 * 60 * 60
#: How long a "pending" mark holds if its request never finishes (the process died).
PENDING_SECONDS = 120
#: How often a request that met a "pending" mark looks again.
POLL_SECONDS = 0.1
#: API answers larger than this are not stored (the key still blocks a second create).
MAX_STORED_BYTES = 256 * 1024
PENDING = "pending"
#: The request attribute holding the token posted (the tag renders it again).
POSTED = "_parvis_form_token"
#: The header an htmx fragment answer sets to be recorded like a redirect (``record_success``).
LOCATION_HEADER = "X-Parvis-Created"


def new_token():
    return secrets.token_urlsafe(18)


#: The request attribute holding the page cache's placeholders while it renders a page or a
#: fragment to store (``core.pagecache.pages.RENDERING``; not imported: the page cache imports
#: this module).
PAGE_CACHE_RENDERING = "_parvis_pagecache_rendering"


def token_for_render(request):
    """The token a create form renders: the one this request posted (a form shown again
    with its errors keeps it, once per request); while the page cache renders something to
    store, its placeholder (each response gets a new token in its place); else a new one."""
    if request is None:
        return new_token()
    posted = getattr(request, POSTED, None)
    if posted:
        setattr(request, POSTED, None)
        return posted
    marks = getattr(request, PAGE_CACHE_RENDERING, None)  # (csrf, nonce, form token)
    return marks[2] if marks else new_token()


def record_success(request, response, location):
    """Mark an htmx fragment answer (a 200, not a redirect) as the success of its form token:
    the same token sent again creates nothing and leads to ``location``; the fragment renders a
    new token (the next reply is a new form)."""
    if response is not None:
        response[LOCATION_HEADER] = location
    if request is not None:
        setattr(request, POSTED, None)
    return response


def _scope(request):
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return f"u{user.pk}"
    authorization = request.headers.get("Authorization", "")
    if authorization:
        return "a" + hashlib.sha256(authorization.encode()).hexdigest()[:32]
    return None


def _key(scope, path, token):
    digest = hashlib.sha256(f"{scope}\n{path}\n{token}".encode()).hexdigest()
    return f"idempotency:v1:{digest}"


def _failed_messages(request):
    """Whether the view queued an error or a warning for the next page (a refusal that
    redirects): then the token stays usable."""
    storage = getattr(request, "_messages", None)
    queued = getattr(storage, "_queued_messages", ())
    return any(message.level >= constants.WARNING for message in queued)


def _local(url, request):
    return url_has_allowed_host_and_scheme(url, {request.get_host()}, request.is_secure())


def _wait(key):
    """The first request's result, waiting while it is pending (a double click)."""
    deadline = time.monotonic() + getattr(settings, "PARVIS_IDEMPOTENCY_WAIT_SECONDS", 5)
    while True:
        value = cache.get(key)
        if value != PENDING or time.monotonic() >= deadline:
            return value
        time.sleep(POLL_SECONDS)


class IdempotencyMiddleware:
    """Runs a create ``POST`` once per form token or ``Idempotency-Key`` (module docstring).
    Listed after the messages' and the authentication's middlewares."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method != "POST":
            return self.get_response(request)
        header = request.headers.get(HEADER)
        if header is not None:
            return self._api(request, header.strip())
        if request.content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
            try:
                token = request.POST.get(FIELD, "")
            except Exception:  # noqa: BLE001 - a malformed body: the view answers it as before
                token = ""
            if TOKEN_RE.match(token):
                return self._form(request, token)
        return self.get_response(request)

    # --- forms -------------------------------------------------------------------------------

    def _form(self, request, token):
        setattr(request, POSTED, token)
        scope = _scope(request)
        if scope is None:
            return self.get_response(request)
        key = _key(scope, request.path, token)
        if not cache.add(key, PENDING, PENDING_SECONDS):
            return self._form_replay(request, _wait(key))
        try:
            response = self.get_response(request)
        except BaseException:
            cache.delete(key)
            raise
        location = response.get("Location", "") if response.status_code in (301, 302, 303) else ""
        if response.status_code == 200 and response.has_header(LOCATION_HEADER):
            location = response[LOCATION_HEADER]
            del response[LOCATION_HEADER]
        if location and _local(location, request) and not _failed_messages(request):
            cache.set(key, json.dumps({"location": location}), RESULT_SECONDS)
        else:
            cache.delete(key)
        return response

    def _form_replay(self, request, value):
        if value is None:
            # The first request failed meanwhile (or the store forgot it): run this one.
            return self.get_response(request)
        if value == PENDING:
            messages.warning(
                request,
                _(
                    "This form is still being sent. Check in a moment whether it arrived "
                    "before sending it again."
                ),
            )
            referer = request.headers.get("Referer", "")
            return HttpResponseRedirect(referer if _local(referer, request) else request.path)
        messages.info(request, _("This form was already sent: nothing was created twice."))
        location = json.loads(value)["location"]
        if request.headers.get("HX-Request") == "true":
            # htmx would swap the whole page into the form: have it load the page instead.
            response = HttpResponse(status=204)
            response["HX-Redirect"] = location
            return response
        return HttpResponseRedirect(location)

    # --- API ---------------------------------------------------------------------------------

    def _api(self, request, header):
        if not KEY_RE.match(header):
            return JsonResponse(
                {"detail": _("The Idempotency-Key header must be 1 to 255 visible characters.")},
                status=400,
            )
        scope = _scope(request)
        if scope is None:
            return self.get_response(request)
        key = _key(scope, request.path, header)
        fingerprint = self._fingerprint(request)
        if not cache.add(key, PENDING, PENDING_SECONDS):
            return self._api_replay(cache.get(key), fingerprint)
        try:
            response = self.get_response(request)
        except BaseException:
            cache.delete(key)
            raise
        if 200 <= response.status_code < 300 and not response.streaming:
            content = response.content if len(response.content) <= MAX_STORED_BYTES else b""
            stored = {
                "fingerprint": fingerprint,
                "status": response.status_code,
                "content": content.decode("utf-8", "replace"),
                "content_type": response.get("Content-Type", ""),
                "location": response.get("Location", ""),
            }
            cache.set(key, json.dumps(stored), RESULT_SECONDS)
        else:
            cache.delete(key)
        return response

    @staticmethod
    def _fingerprint(request):
        # Multipart bodies (photos) are not read here: they may exceed what Django keeps in
        # memory, and their boundary changes with each sending anyway.
        if request.content_type == "multipart/form-data":
            return ""
        return hashlib.sha256(request.body).hexdigest()

    @staticmethod
    def _api_replay(value, fingerprint):
        if value is None or value == PENDING:
            return JsonResponse(
                {"detail": _("A request with this Idempotency-Key is still being processed.")},
                status=409,
            )
        stored = json.loads(value)
        if stored["fingerprint"] != fingerprint:
            return JsonResponse(
                {"detail": _("This Idempotency-Key was already used for a different request.")},
                status=422,
            )
        response = HttpResponse(
            stored["content"], status=stored["status"], content_type=stored["content_type"]
        )
        if stored["location"]:
            response["Location"] = stored["location"]
        response[REPLAYED_HEADER] = "true"
        return response
