"""Progressive enhancement with htmx (docs/design.md, "In-place updates").

A small action (a reaction, follow, "I'm going", support) is a plain ``POST`` form that
redirects back to its page. A member's browser with JavaScript loads htmx, which sends the
same form with the ``HX-Request`` header; the view then answers with the fragment to swap in
place of the form's block instead of the redirect, plus the message for the page's live region
(``#live-status`` in ``base.html``, swapped out of band). Fragments are member responses:
never cached, and they vary on ``HX-Request``.
"""

from urllib.parse import urlencode

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.cache import add_never_cache_headers, patch_vary_headers
from django.utils.translation import gettext as _

#: The ids of a list's "Previous page" and "Next page" links (``directory/_pagination.html``).
PAGE_LINK_IDS = ("page-previous", "page-next")


def is_htmx(request) -> bool:
    """Whether htmx sent the request (and wants a fragment rather than a redirect)."""
    return request.headers.get("HX-Request") == "true"


def fragment(request, template, context, *, message=""):
    """The rendered ``template`` for htmx to swap in, with ``message`` for screen readers
    and sighted members alike (the live region under the header)."""
    html = render_to_string(template, context, request=request)
    if message:
        html += render_to_string("core/_live_status.html", {"message": message})
    response = HttpResponse(html)
    patch_vary_headers(response, ["HX-Request"])
    add_never_cache_headers(response)
    return response


def page_of(page):
    """ "Page 2 of 5": the message of a list's other page brought in place (the pagination links
    of ``directory/_pagination.html`` with ``found_id``)."""
    return _("Page %(number)s of %(total)s") % {
        "number": page.number,
        "total": page.paginator.num_pages,
    }


def results_fragment(request, template, context, page, *, found=""):
    """The results block of a list (``template``, which includes ``directory/_pagination.html``
    ``with found_id``) for htmx. Brought by its filter form (an ``HX-Trigger`` id ending in
    ``-filters``): the focus stays in the form and ``found`` ("3 results") is announced.
    Brought by a pagination link: the block takes the focus and "Page 2 of 5" is announced."""
    if request.headers.get("HX-Trigger", "").endswith("-filters"):
        return fragment(request, template, {**context, "filters_open": True}, message=found)
    return fragment(request, template, {**context, "in_place": True}, message=page_of(page))


def found_fragment(request, template, context, *, found=""):
    """A list's status tabs, filters and results (``template``, the block they target) for
    htmx, brought by a tab or the filter form: the focus stays on the link or field used
    (stable ids), the filter panel stays open when the form sent the request (an
    ``HX-Trigger`` id ending in ``-filters``) and ``found`` ("3 questions") is announced, after
    the page's notes ("Unknown commune: …"), shown in the block (``notes``: the messages the
    view added, which the fragment's page would otherwise show on the next page)."""
    notes = list(messages.get_messages(request))
    opened = request.headers.get("HX-Trigger", "").endswith("-filters")
    return fragment(
        request,
        template,
        {**context, "notes": notes, "filters_open": opened},
        message=" ".join([*(str(note) for note in notes), found]),
    )


def render_list(request, template, results_template, context, page, *, found="", found_template=""):
    """A list's page, or for a member's htmx request (another page, a filter) its results
    block alone (``results_template``, included by ``template``; ``results_fragment``). Without
    a ``page`` (nothing listed yet: no words searched), the page. With ``found_template`` (the
    block of the list's status tabs, filters and results, which they target), a request sent by
    a tab or the filter form (an ``HX-Trigger`` other than the pagination links') answers that
    block (``found_fragment``)."""
    if page is not None and is_htmx(request) and request.user.is_authenticated:
        trigger = request.headers.get("HX-Trigger", "")
        if found_template and trigger and trigger not in PAGE_LINK_IDS:
            return found_fragment(request, found_template, context, found=found)
        return results_fragment(request, results_template, context, page, found=found)
    return render(request, template, context)


def status_tabs(path, name, choices, current, kept, *, prefix):
    """The links of a list's status tabs (``core/_status_tabs.html``): ``choices`` are
    (value of the ``name`` parameter, label), "" for all; each keeps the other filters
    (``kept``, a dict) and has a stable id (``prefix-value``, ``prefix-all``) for htmx to put
    the focus back on after the swap."""
    tabs = []
    for value, label in choices:
        query = urlencode({**({name: value} if value else {}), **kept})
        tabs.append(
            {
                "id": f"{prefix}-{value or 'all'}",
                "label": label,
                "url": f"{path}?{query}" if query else path,
                "current": value == current,
            }
        )
    return tabs
