from django.http import Http404
from django.shortcuts import render
from django.utils.translation import ngettext

from parvis.core.htmx import render_list
from parvis.core.pagecache import public_page
from parvis.core.pagination import Paginator

from .forms import OfficialFilterForm
from .sections import official_sections
from .selectors import official_for_page, official_is_visible_to, official_list

PAGE_SIZE = 20


@public_page("accounts.mandate", "accounts.user", params=(*OfficialFilterForm.base_fields, "page"))
def official_list_view(request):
    """``/elus/``: the verified officials, filtered by territory, mandate and name."""
    form = OfficialFilterForm(request.GET)
    text, role, territories = form.filters()
    officials = official_list(request.user, territories=territories, role=role, text=text)
    page = Paginator(officials, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"form": form, "page": page, "filtered": bool(text or role or territories)}
    count = page.paginator.count
    return render_list(
        request,
        "officials/official_list.html",
        "officials/_official_results.html",
        context,
        page,
        found=ngettext("%(counter)s elected official", "%(counter)s elected officials", count)
        % {"counter": count},
        found_template="officials/_official_found.html",
    )


@public_page(
    "accounts.mandate@user:{pk}",
    "news.post@author:{pk}",
    "agenda.event@creator:{pk}",
)
def official_detail(request, pk):
    """``/elus/<id>/``: an official's mandates and activity, in the sections other apps
    register (``sections.official_sections``). Members who are not verified officials, or
    whose profile the viewer may not see, answer 404."""
    official = official_for_page(pk)
    if official is None or not official_is_visible_to(official, request.user):
        raise Http404
    return render(
        request,
        "officials/official_detail.html",
        {
            "official": official,
            "sections": official_sections.render(official, request.user, request),
        },
    )
