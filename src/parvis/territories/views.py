from django.http import Http404, HttpResponsePermanentRedirect
from django.shortcuts import redirect, render

from parvis.core import pagecache
from parvis.core.pagecache import public_page

from .forms import CommunePickerForm
from .models import TerritoryKind
from .portal import portal_sections
from .selectors import territories_to_explore, territory_for_page, territory_parts


@public_page("territories.territory", params=CommunePickerForm.base_fields)
def index(request):
    """The commune picker: ``?commune=`` (a name, a postal code, an INSEE code) leads to the
    commune's page; a bad entry is explained next to the field. Below it, the wider territories."""
    form = CommunePickerForm(request.GET if "commune" in request.GET else None)
    if form.is_bound and form.is_valid():
        return redirect(form.cleaned_data["commune"])
    return render(
        request,
        "territories/index.html",
        {"form": form, "territories": territories_to_explore()},
    )


@public_page(dynamic=True)
def territory_detail(request, kind, code, slug):
    """A territory's portal: what it is, where it lies, what lies inside it, then the sections
    registered in ``portal.portal_sections`` (officials, events, associations...), each
    naming what it lists for the page cache (``Section.tags``)."""
    territory = territory_for_page(kind, code)
    if territory is None:
        raise Http404
    pagecache.depends_on(
        *(tag for section in portal_sections.sections() for tag in section.tags(territory))
    )
    canonical = territory.get_absolute_url()
    if request.path != canonical:
        query = request.META.get("QUERY_STRING", "")
        return HttpResponsePermanentRedirect(canonical + (f"?{query}" if query else ""))
    parts = territory_parts(territory)
    containers = [
        container
        for container in (territory.epci, territory.arrondissement, territory.departement)
        if container is not None
    ]
    return render(
        request,
        "territories/territory_detail.html",
        {
            "territory": territory,
            "containers": containers,
            "communes": [t for t in parts if t.kind == TerritoryKind.COMMUNE],
            "arrondissements": [t for t in parts if t.kind == TerritoryKind.ARRONDISSEMENT],
            "epcis": [t for t in parts if t.kind == TerritoryKind.EPCI],
            "sections": portal_sections.render(territory, request.user, request),
        },
    )
