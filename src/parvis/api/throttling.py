"""DRF's rate limits keyed on the client behind the trusted proxies (``core.clientip``).

DRF alone reads the whole ``X-Forwarded-For`` when ``NUM_PROXIES`` is unset, so a visitor
writing a new value in each request was never throttled. These classes ask the same helper as
allauth's log-in limits: only the trusted proxies' entries count (none: the header is ignored).

A rate of ``off`` (``API_THROTTLE_ANON=off``) sets no limit. The benchmark's servers use it:
DRF keeps the time of every request of the period in one cache entry per client, so a rate
high enough never to answer 429 to a load generator made each request read and write tens of
thousands of times (hundreds of KB) in Redis.
"""

from rest_framework import throttling

from parvis.core.clientip import client_ip


class ClientIdentMixin:
    def get_ident(self, request):
        return client_ip(request) or "unknown"

    def get_rate(self):
        rate = super().get_rate()
        return None if rate is not None and rate.strip().lower() == "off" else rate


class AnonRateThrottle(ClientIdentMixin, throttling.AnonRateThrottle):
    pass


class UserRateThrottle(ClientIdentMixin, throttling.UserRateThrottle):
    pass
