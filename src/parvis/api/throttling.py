"""DRF's rate limits keyed on the client behind the trusted proxies (``core.clientip``).

DRF alone reads the whole ``X-Forwarded-For`` when ``NUM_PROXIES`` is unset, so a visitor
writing a new value in each request was never throttled. These classes ask the same helper as
allauth's log-in limits: only the trusted proxies' entries count (none: the header is ignored).
"""

from rest_framework import throttling

from parvis.core.clientip import client_ip


class ClientIdentMixin:
    def get_ident(self, request):
        return client_ip(request) or "unknown"


class AnonRateThrottle(ClientIdentMixin, throttling.AnonRateThrottle):
    pass


class UserRateThrottle(ClientIdentMixin, throttling.UserRateThrottle):
    pass
