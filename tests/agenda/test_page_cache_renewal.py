"""A visitor's page retired by a write (``core.pagecache``): the first request renders it anew
at once; the visitors who come while it renders get the previous version instead of all
rendering it too; a render that is not stored lets the next request render."""

import pytest
from django.core.cache import cache
from django.http import HttpResponse, QueryDict
from django.test import Client, RequestFactory

from parvis.core import pagecache
from parvis.core.pagecache import STATUS_HEADER
from parvis.core.pagecache.pages import RETIRED_RENEW_SECONDS

pytestmark = pytest.mark.django_db


def visit(url):
    response = Client().get(url)
    assert response.status_code == 200
    return response[STATUS_HEADER], response.content.decode()


def renewing_key(path):
    """The mark a request rendering the visitors' page ``path`` anew holds (French, no query)."""
    request = RequestFactory().get(path)
    request.LANGUAGE_CODE = "fr"
    return pagecache.page_key(request, QueryDict()) + ":renewing"


def test_visitors_get_the_previous_page_while_one_request_renders_it_after_a_write(make_event):
    event = make_event(title="Kermesse")
    url = event.get_absolute_url()
    visit(url)
    event.title = "Kermesse de l'école"
    event.save()
    # Another request is rendering the page anew (it took the mark, as the first one after
    # the write does): this visitor gets the previous version rather than rendering it too.
    assert cache.add(renewing_key(url), 1, RETIRED_RENEW_SECONDS)
    status, page = visit(url)
    assert status == "stale"
    assert "Kermesse de l" not in page and "Kermesse" in page
    # Once that render is stored (or fails), the page shows the write.
    cache.delete(renewing_key(url))
    status, page = visit(url)
    assert status == "miss"
    assert "Kermesse de l" in page
    status, page = visit(url)
    assert status == "hit"
    assert "Kermesse de l" in page


def test_the_first_request_after_a_write_renders_and_stores_the_page(make_event):
    event = make_event(title="Kermesse")
    url = event.get_absolute_url()
    visit(url)
    event.title = "Kermesse de l'école"
    event.save()
    assert visit(url)[0] == "miss"
    assert cache.get(renewing_key(url)) is None  # released: stored
    status, page = visit(url)
    assert status == "hit"
    assert "Kermesse de l" in page


def test_a_render_that_is_not_stored_lets_the_next_request_render(make_event, settings):
    event = make_event(title="Kermesse")
    url = event.get_absolute_url()
    visit(url)
    event.title = "Kermesse de l'école"
    event.save()
    settings.PARVIS_PAGE_CACHE_MAX_BYTES = 1_000  # the new page is not stored
    assert visit(url)[0] == "miss"
    status, page = visit(url)  # not the previous version: rendered again
    assert status == "miss"
    assert "Kermesse de l" in page


def test_a_page_written_to_while_it_renders_is_served_only_while_another_renders_it():
    """Its tags moved during the render: it is kept as past its time, so the next request
    renders it again, and the visitors who come meanwhile get it rather than rendering too."""
    renders = []

    def render(text, write=False):
        def view():
            renders.append(text)
            if write:
                pagecache.bump(["essai.note"])  # a write while this page renders
            return HttpResponse(text)

        return view

    def request():
        made = RequestFactory().get("/essai/")
        made.LANGUAGE_CODE = "fr"
        made.COOKIES = {}
        return made

    declared = ("essai.note",)
    assert pagecache.serve(request(), declared, render("v1", write=True))[STATUS_HEADER] == "miss"
    # Kept past its time: the next request renders it anew...
    second = pagecache.serve(request(), declared, render("v2"))
    assert (second[STATUS_HEADER], second.content) == ("miss", b"v2")
    # ...and, stored without a write this time, it is served from then on.
    third = pagecache.serve(request(), declared, render("v3"))
    assert (third[STATUS_HEADER], third.content) == ("hit", b"v2")
    assert renders == ["v1", "v2"]

    # Written to again while it renders, then asked for while another request renders it.
    pagecache.bump(["essai.note"])
    pagecache.serve(request(), declared, render("v4", write=True))
    assert cache.add(renewing_key("/essai/"), 1, RETIRED_RENEW_SECONDS)
    meanwhile = pagecache.serve(request(), declared, render("v5"))
    assert (meanwhile[STATUS_HEADER], meanwhile.content) == ("stale", b"v4")
    assert renders == ["v1", "v2", "v4"]
