"""The client's address behind the reverse proxies (``PARVIS_TRUSTED_PROXIES``).

Each trusted proxy appends the address it received the request from to ``X-Forwarded-For``
(nginx: ``$proxy_add_x_forwarded_for``), so the client is the entry that many places from the
right; whatever a client writes in the header itself stands further left and is never read.
With no trusted proxy the header is ignored: the address is the connection's. The same rule as
Django REST framework's ``NUM_PROXIES`` (set from the same setting), so that allauth's rate
limits, the API's throttles and the members' session list agree.
"""

import ipaddress

from django.conf import settings


def client_ip(request) -> str:
    """The client's address, or ``""`` when nothing usable was given."""
    count = settings.PARVIS_TRUSTED_PROXIES
    address = request.META.get("REMOTE_ADDR", "")
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if count > 0 and forwarded:
        hops = [hop.strip() for hop in forwarded.split(",")]
        # Fewer hops than proxies: a request that bypassed one; the leftmost is the nearest
        # to the client that any of them saw (DRF does the same).
        address = hops[-min(count, len(hops))]
    try:
        return str(ipaddress.ip_address(address))
    except ValueError:
        return ""
