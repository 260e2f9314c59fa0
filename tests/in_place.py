"""What every list's other page brought in place (htmx, ``core.htmx.results_fragment``) shows:
the results block alone, focused, "Page 2 of 2" announced, never cached; the same address
without htmx is the whole page (docs/design.md, "In-place updates")."""

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

HTMX = {"HTTP_HX_REQUEST": "true"}


def next_page_in_place(member, path, found_id, *, public=True, max_queries=None):
    """Page 1 of ``path`` links to page 2 in place (``#found_id``); page 2 through htmx is the
    block alone; without htmx, the page. Returns the fragment's HTML."""
    join = "&" if "?" in path else "?"
    second = f"{path}{join}page=2"
    page = member.get(path).content.decode()
    assert 'id="page-next" hx-get="' in page and f'hx-target="#{found_id}"' in page
    assert 'hx-push-url="true"' in page  # the address stays shareable
    swapped = member.get(second, **HTMX)
    html = swapped.content.decode()
    assert swapped.status_code == 200 and "<main" not in html and "<title>" not in html
    assert f' id="{found_id}" tabindex="-1" autofocus' in html.split(">", 1)[0] + ">"
    assert 'id="page-previous"' in html
    assert "Page 2 of 2" in html.split('id="live-status"')[1]
    assert "no-cache" in swapped["Cache-Control"] and "HX-Request" in swapped["Vary"]
    plain = member.get(second)
    assert plain.status_code == 200 and "<main" in plain.content.decode()
    visitor = Client().get(second, **HTMX)  # the fragment is not in the page cache
    if public:
        text = visitor.content.decode()
        assert "<main" in text and "hx-get" not in text and "autofocus" not in text
    else:
        assert visitor.status_code == 302
    return html


def found_in_place(member, path, found_id, trigger, announced):
    """``path`` (a list's address with a status or a filter) asked by its tab or filter form
    (``trigger``, the ``HX-Trigger`` id) through htmx is the block of the list's tabs, filters
    and results (``#found_id``) alone, with ``announced`` ("3 questions") in the live region
    and the focus left on the control used (no ``autofocus``), never cached, for no more
    queries than the page; the same address without htmx is the whole page and a visitor never
    gets the block. Returns the fragment's HTML."""
    page = member.get(path.split("?")[0]).content.decode()
    assert f'hx-target="#{found_id}"' in page and f'<div id="{found_id}">' in page
    assert 'hx-push-url="true"' in page  # the address stays shareable
    with CaptureQueriesContext(connection) as whole:
        plain = member.get(path)
    assert plain.status_code == 200 and "<main" in plain.content.decode()
    with CaptureQueriesContext(connection) as part:
        swapped = member.get(path, HTTP_HX_TRIGGER=trigger, **HTMX)
    assert len(part) <= len(whole), "the block costs more queries than the page"
    html = swapped.content.decode()
    assert swapped.status_code == 200 and "<main" not in html
    assert html.startswith(f'<div id="{found_id}">')
    assert "autofocus" not in html
    assert announced in html.split('id="live-status"')[1]
    assert "no-cache" in swapped["Cache-Control"] and "HX-Request" in swapped["Vary"]
    visitor = Client().get(path, HTTP_HX_TRIGGER=trigger, **HTMX).content.decode()
    assert "<main" in visitor and "hx-get" not in visitor
    return html
