"""A URLconf with a cached view that declares nothing (for the system check's test)."""

from django.http import HttpResponse
from django.urls import path

from parvis.core.pagecache import public_page


@public_page()
def cached(request):
    return HttpResponse("")


urlpatterns = [path("cached/", cached)]
