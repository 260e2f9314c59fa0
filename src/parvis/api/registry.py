"""The API's routes, which each domain app registers in its own ``api`` module (``<app>/api.py``
or an ``api/`` package), discovered at start-up like the admin's (``ApiConfig.ready``):

```python
from parvis.api.registry import router

router.register("evenements", EventViewSet, basename="api-event", order=40)
```

``order`` places the routes in the URL patterns and in the API root's list, lower first:
territoires 10, organisations 20, membres 30, evenements 40, consultations 50, actualites 60,
elus 70, groupes 80 (a new prefix picks a free number). Routes of the same order keep the order
in which they were registered: an app registers a prefix that could shadow another one (such
as ``groupes/<slug>/discussions`` and ``groupes/recherche/discussions``) after it.
"""

from bisect import bisect_right

from rest_framework.routers import DefaultRouter


class ApiRouter(DefaultRouter):
    """DRF's default router (API root, ``.json`` suffixes), with routes kept in ``order``."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.orders = []  # parallel to self.registry

    def register(self, prefix, viewset, basename=None, *, order=1000):
        super().register(prefix, viewset, basename)
        position = bisect_right(self.orders, order)
        self.registry.insert(position, self.registry.pop())
        self.orders.insert(position, order)


#: The API's router (``/api/``): its URLs are built once every app has registered.
router = ApiRouter()
