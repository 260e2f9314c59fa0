from django.shortcuts import render
from django.utils.translation import ngettext

from parvis.core import pagecache
from parvis.core.htmx import is_htmx, results_fragment
from parvis.core.pagecache import public_page
from parvis.core.pagination import Paginator
from parvis.core.routers import replica_reads

from .forms import DirectoryFilterForm
from .selectors import directory_entries
from .types import DEFAULT_TYPE, DIRECTORY_TYPES

PAGE_SIZE = 20


def _params():
    """What the directory reads from the query string: its tabs' filters included."""
    choices = {f.name for kind in DIRECTORY_TYPES.values() for f in kind.choice_filters}
    return (*DirectoryFilterForm.base_fields, "type", "page", *choices)


@public_page(params=_params, dynamic=True)
@replica_reads
def directory(request):
    """One tab per directory type, filtered by territory and name; everything in the URL."""
    directory_type = DIRECTORY_TYPES.get(request.GET.get("type"), DIRECTORY_TYPES[DEFAULT_TYPE])
    pagecache.depends_on(*directory_type.page_cache_tags)  # what this tab lists
    form = DirectoryFilterForm(request.GET, directory_type=directory_type)
    text, territories = form.filters()
    choices = form.choice_values()
    entries = directory_entries(
        directory_type, user=request.user, territories=territories, text=text, choices=choices
    )
    page = Paginator(entries, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "form": form,
        "directory_type": directory_type,
        "directory_types": DIRECTORY_TYPES.values(),
        "page": page,
        "filtered": bool(text.strip() or territories or choices),
    }
    if is_htmx(request) and request.user.is_authenticated:  # filters or another page, in place
        count = page.paginator.count
        found = ngettext("%(counter)s result", "%(counter)s results", count) % {"counter": count}
        return results_fragment(
            request, "directory/_directory_results.html", context, page, found=found
        )
    return render(request, "directory/directory.html", context)
