import dataclasses
import datetime as dt
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponsePermanentRedirect
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from parvis.accounts.models import VerificationStatus
from parvis.accounts.selectors import member_is_visible_to
from parvis.core import pagecache
from parvis.core.geo import map_context, map_point
from parvis.core.htmx import fragment, is_htmx, page_of
from parvis.core.pagecache import public_page
from parvis.core.pagination import CappedPaginator
from parvis.core.richtext import render_markdown
from parvis.core.routers import replica_reads
from parvis.moderation.selectors import hidden_from
from parvis.moderation.views import render_hidden
from parvis.organisations.selectors import organisation_is_visible_to

from .filters import (
    FILTER_PARAMS,
    cache_tags,
    filter_occurrences,
    local_midnight,
    parse_filters,
    upcoming_occurrences,
)
from .grids import month_weeks, week_days
from .models import Accessibility, EventStatus
from .nearby import occurrence_points
from .selectors import (
    event_dates,
    event_for_page,
    event_is_visible_to,
    participants_by_date,
    public_occurrences,
    rsvped_occurrence_ids,
)
from .services import rsvp_cancel, rsvp_create, rsvp_refusal
from .structured_data import event_jsonld, openstreetmap_url, plain_summary

#: Dates listed on the event page before "see all dates".
DATES_SHOWN = 10


# --- Finding events: list, month, week and day (filters in the URL, see filters.py) ---------

PAGE_SIZE = 20
MIN_YEAR, MAX_YEAR = 1900, 2200


#: The finding pages count at most this many dates (a ``LIMIT`` inside the count walks the
#: ``start`` index instead of counting every upcoming date): beyond, the page says "more than".
DATES_COUNT_CAP = 1000


#: What the finding pages (list, month, week, day) read from the query string.
AGENDA_PARAMS = (*FILTER_PARAMS, "page")


def _finding_context(request, filters, view, **extra):
    """What every finding page shows around its events: the filter form, the links to the
    other views (keeping the filters), the period chips and the calendar subscription links
    for the same filters with a rolling window (without the page's ``from``/``to``)."""
    params = request.GET.copy()
    params.pop("page", None)
    query = params.urlencode()
    unfiltered = params.copy()  # the same without the position: "show all the events"
    for name in ("pres", "km"):
        unfiltered.pop(name, None)
    for name in ("from", "to"):
        params.pop(name, None)
    feed_query = params.urlencode()
    feed_url = reverse("agenda:feed") + (f"?{feed_query}" if feed_query else "")
    today = timezone.localdate()
    return {
        "filters": filters,
        "form": filters.form,
        "view": view,
        "filter_query": query,
        "unfiltered_query": unfiltered.urlencode(),
        "feed_url": feed_url,
        "webcal_url": webcal(request, feed_url),
        "periods": _periods(params, filters, today),
        "today": today,
        **extra,
    }


def webcal(request, path):
    """``path`` as a ``webcal://`` address: calendar applications subscribe to it (and keep it
    up to date) instead of downloading the file once."""
    return "webcal://" + request.get_host() + path


def _periods(params, filters, today):
    """The chips "Today", "This weekend", "This week", "This month": the list of events of that
    period with the other filters kept."""
    saturday = today + dt.timedelta(days=max(0, 5 - today.weekday()))
    sunday = today + dt.timedelta(days=6 - today.weekday())
    following_month = (today.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    choices = (
        (_("Today"), today, today),
        (_("This weekend"), saturday, sunday),
        (_("This week"), today, sunday),
        (_("This month"), today, following_month - dt.timedelta(days=1)),
    )
    periods = []
    for label, start, end in choices:
        query = params.copy()
        query["from"], query["to"] = start.isoformat(), end.isoformat()
        periods.append(
            {
                "label": label,
                "url": reverse("agenda:index") + "?" + query.urlencode(),
                "current": filters.date_from == start and filters.date_to == end,
            }
        )
    return periods


#: Dates offered when a period or a set of filters has none.
NEXT_EVENTS_SHOWN = 5


def _next_events(filters, after):
    """The next dates after ``after`` with the same filters but the dates: what an empty
    period offers instead of "no event"."""
    undated = dataclasses.replace(filters, date_from=None, date_to=None)
    return list(
        filter_occurrences(public_occurrences(), undated)
        .filter(start__gte=local_midnight(after), end__gte=timezone.now())
        .order_by("start", "pk")[:NEXT_EVENTS_SHOWN]
    )


def _day_or_404(year, month, day=1):
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise Http404
    try:
        return dt.date(year, month, day)
    except ValueError:
        raise Http404 from None


def _occurrences(request):
    filters = parse_filters(request.GET, request.user)
    pagecache.depends_on(*cache_tags(filters))
    return filters, filter_occurrences(public_occurrences(), filters)


@public_page(params=AGENDA_PARAMS, dynamic=True)
@replica_reads
def upcoming(request):
    """Dates from today on (those not over yet), soonest first, 20 a page."""
    filters = parse_filters(request.GET, request.user)
    pagecache.depends_on(*cache_tags(filters))
    # Around a position: the nearest first (``filter_occurrences`` annotated the distance).
    occurrences = upcoming_occurrences(filters)
    page = CappedPaginator(occurrences, PAGE_SIZE, cap=DATES_COUNT_CAP).get_page(
        request.GET.get("page")
    )
    next_events = []
    if not page.object_list and filters.date_to:
        next_events = _next_events(filters, filters.date_to + dt.timedelta(days=1))
    map_points = occurrence_points(page.object_list) if settings.PARVIS_MAP_TILES_URL else []
    context = _finding_context(
        request,
        filters,
        "list",
        page=page,
        next_events=next_events,
        map_points=map_points,
        **map_context(),
    )
    if is_htmx(request) and request.user.is_authenticated:
        # A member changed a filter, a view tab, a period or a page: the heading, filters and
        # results in place (visitors' pages, cached, never change: htmx is not loaded for them).
        trigger = request.headers.get("HX-Trigger", "")
        if trigger in PAGE_LINK_IDS:  # the results take the focus
            in_place, message = {"in_place": True, "paged": True}, page_of(page)
        else:
            count = page.paginator.count
            if page.paginator.truncated:
                message = _("More than %(counter)s dates: narrow the filters to see them all.")
            else:
                message = ngettext("%(counter)s date", "%(counter)s dates", count)
            message %= {"counter": count}
            in_place = {"filters_open": True} if trigger == FILTERS_FORM_ID else {"in_place": True}
        return fragment(
            request, "agenda/_list_found.html", {**context, **in_place}, message=message
        )
    return render(request, "agenda/upcoming.html", context)


def month_current(request):
    today = timezone.localdate()
    return _redirect_keeping_query(request, "agenda:month", year=today.year, month=today.month)


def week_current(request):
    return _redirect_to_day(request, "agenda:week", timezone.localdate())


def day_current(request):
    return _redirect_to_day(request, "agenda:day", timezone.localdate())


def _redirect_to_day(request, name, day):
    return _redirect_keeping_query(request, name, year=day.year, month=day.month, day=day.day)


def _redirect_keeping_query(request, name, **kwargs):
    query = request.GET.urlencode()
    return redirect(reverse(name, kwargs=kwargs) + (f"?{query}" if query else ""))


#: The id of the filter form (``_filters.html``): htmx names it in ``HX-Trigger``.
FILTERS_FORM_ID = "agenda-filters"
#: The ids of the links to the previous and next page of dates (``directory/_pagination.html``).
PAGE_LINK_IDS = ("page-previous", "page-next")


def _period_url(name, day, context, **kwargs):
    """The address of the month, week or day view of ``day`` with the page's filters."""
    if day is None:
        return ""
    kwargs = {"year": day.year, "month": day.month, **kwargs}
    if name != "agenda:month":
        kwargs["day"] = day.day
    query = context["filter_query"]
    return reverse(name, kwargs=kwargs) + (f"?{query}" if query else "")


def _period_page(request, template, found, context, heading):
    """A month, week or day page; for a member's htmx request (a filter changed, a view tab,
    the previous/next period, a day's other page) its ``#agenda-found`` block alone, with the
    page title and the heading announced (visitors' pages, cached, never change: htmx is not
    loaded for them)."""
    if is_htmx(request) and request.user.is_authenticated:
        trigger = request.headers.get("HX-Trigger", "")
        in_place = {
            "in_place": True,
            "filters_open": trigger == FILTERS_FORM_ID,
            "paged": trigger in PAGE_LINK_IDS,  # a day's other page: its dates take the focus
        }
        if in_place["paged"]:
            heading = page_of(context["page"])
        return fragment(request, found, {**context, **in_place}, message=heading)
    return render(request, template, context)


@public_page(params=AGENDA_PARAMS, dynamic=True)
@replica_reads
def month(request, year, month):
    first = _day_or_404(year, month)
    filters, occurrences = _occurrences(request)
    weeks = month_weeks(occurrences, first.year, first.month, dense=not filters.is_active)
    previous = first - dt.timedelta(days=1)
    previous = previous.replace(day=1) if previous.year >= MIN_YEAR else None
    following = first + dt.timedelta(days=32)
    following = following.replace(day=1) if following.year <= MAX_YEAR else None
    context = _finding_context(
        request,
        filters,
        "month",
        first=first,
        weeks=weeks,
        weekdays=[day.date for day in weeks[0]],
        previous=previous,
        following=following,
    )
    context["previous_url"] = _period_url("agenda:month", previous, context)
    context["following_url"] = _period_url("agenda:month", following, context)
    context["current_url"] = _period_url("agenda:month", context["today"], context)
    heading = _("Agenda: %(month)s") % {"month": date_format(first, "F Y")}
    return _period_page(request, "agenda/month.html", "agenda/_month_found.html", context, heading)


@public_page(params=AGENDA_PARAMS, dynamic=True)
@replica_reads
def week(request, year, month, day):
    chosen = _day_or_404(year, month, day)
    monday = chosen - dt.timedelta(days=chosen.weekday())
    if monday.year < MIN_YEAR:
        raise Http404
    filters, occurrences = _occurrences(request)
    days = week_days(occurrences, monday, dense=not filters.is_active)
    next_events = []
    if not any(day.occurrences for day in days):
        next_events = _next_events(filters, monday + dt.timedelta(days=7))
    context = _finding_context(
        request,
        filters,
        "week",
        monday=monday,
        sunday=days[-1].date,
        days=days,
        next_events=next_events,
        previous=monday - dt.timedelta(days=7),
        following=monday + dt.timedelta(days=7),
    )
    context["previous_url"] = _period_url("agenda:week", context["previous"], context)
    context["following_url"] = _period_url("agenda:week", context["following"], context)
    heading = _("Week of %(start)s to %(end)s") % {
        "start": date_format(monday, "j F"),
        "end": date_format(days[-1].date, "j F Y"),
    }
    return _period_page(request, "agenda/week.html", "agenda/_week_found.html", context, heading)


@public_page(params=AGENDA_PARAMS, dynamic=True)
@replica_reads
def day(request, year, month, day):
    chosen = _day_or_404(year, month, day)
    filters, occurrences = _occurrences(request)
    occurrences = occurrences.filter(
        start__gte=local_midnight(chosen),
        start__lt=local_midnight(chosen + dt.timedelta(days=1)),
    ).order_by("start", "pk")
    page = CappedPaginator(occurrences, PAGE_SIZE, cap=DATES_COUNT_CAP).get_page(
        request.GET.get("page")
    )
    context = _finding_context(
        request,
        filters,
        "day",
        day=chosen,
        page=page,
        previous=chosen - dt.timedelta(days=1),
        following=chosen + dt.timedelta(days=1),
    )
    context["previous_url"] = _period_url("agenda:day", context["previous"], context)
    context["following_url"] = _period_url("agenda:day", context["following"], context)
    heading = _("Events on %(date)s") % {"date": date_format(chosen, "l j F Y")}
    return _period_page(request, "agenda/day.html", "agenda/_day_found.html", context, heading)


def _event_or_404(request, pk, slug, *, suffix=""):
    """The event ``pk`` if ``request.user`` may see it (else 404), and a redirect if the slug
    in the address is not its own (``None`` otherwise)."""
    event = event_for_page(pk)
    if event is None or not event_is_visible_to(event, request.user):
        raise Http404
    if slug != event.slug:
        return event, HttpResponsePermanentRedirect(event.get_absolute_url() + suffix)
    return event, None


def _url_or_empty(name, **kwargs):
    """``reverse(name)``, or "" while the view is not wired yet."""
    try:
        return reverse(name, kwargs=kwargs)
    except NoReverseMatch:
        return ""


def _date_display(occurrence, all_day):
    """Attach what the page needs to show a date: local start/end, several days or not."""
    start = timezone.localtime(occurrence.start)
    end = timezone.localtime(occurrence.end)
    last_day = end.date()
    if all_day and end.time() == dt.time(0) and end > start:
        last_day = (end - dt.timedelta(microseconds=1)).date()
    occurrence.local_start = start
    occurrence.local_end = end
    occurrence.last_day = last_day
    occurrence.several_days = last_day != start.date()
    occurrence.is_past = occurrence.end <= timezone.now()
    capacity = occurrence.event.capacity
    occurrence.places_left = None if capacity is None else max(capacity - occurrence.rsvp_count, 0)
    return occurrence


def _dates_context(request, event, *, show_all=False):
    """The event's dates with the member's "I'm going" state (``agenda/_event_dates.html``)."""
    dates, has_more = event_dates(event, limit=None if show_all else DATES_SHOWN)
    for occurrence in dates:
        _date_display(occurrence, event.all_day)
    next_date = next((o for o in dates if not o.is_past), dates[0] if dates else None)
    refusal = None
    if dates and next_date and not next_date.is_past:
        refusal = rsvp_refusal(occurrence=next_date, user=request.user)
    return {
        "event": event,
        "dates": dates,
        "has_more_dates": has_more,
        "going": rsvped_occurrence_ids(request.user, dates),
        "next_date": next_date,
        "can_rsvp": event.status == EventStatus.PUBLISHED,
        "rsvp_refusal": refusal,
        "login_url": reverse("account_login") + "?" + urlencode({"next": request.get_full_path()}),
        "ics_url": _url_or_empty("agenda:event_ics", pk=event.pk, slug=event.slug),
    }


@public_page(
    "agenda.eventoccurrence@event:{pk}",
    "agenda.eventoccurrence@event:{pk}@activity",  # the dates' participants
    params=("dates", "commentaires"),
)
def event_detail(request, pk, slug):
    event, redirect_response = _event_or_404(request, pk, slug)
    if redirect_response:
        return redirect_response
    if hidden_from(event, request.user):  # hidden by moderation: a notice instead
        return render_hidden(request, event)
    user = request.user
    dates_context = _dates_context(request, event, show_all=request.GET.get("dates") == "toutes")
    next_date = dates_context["next_date"]

    url = request.build_absolute_uri(event.get_absolute_url())
    image_url = request.build_absolute_uri(event.image.url) if event.image else ""
    organiser_url = ""
    organisation_linked = False
    official = False
    member_linked = False
    if event.organisation_id:
        organisation_linked = organisation_is_visible_to(event.organisation, user)
        if organisation_linked:
            organiser_url = event.organisation.get_absolute_url()
    else:
        member_linked = member_is_visible_to(event.created_by, user)
        if member_linked:
            organiser_url = event.created_by.get_absolute_url()
        official = event.created_by.mandates.filter(status=VerificationStatus.VERIFIED).exists()

    is_organiser = user.is_authenticated and user.has_perm("agenda.see_event_participants", event)
    labels = dict(Accessibility.choices)
    context = {
        **dates_context,
        "is_organiser": is_organiser,
        "description_html": render_markdown(event.description),
        "summary": plain_summary(event, words=30),
        "accessibility": [labels[code] for code in event.accessibility if code in labels],
        "audience": list(event.audience.all()),
        "organisation_linked": organisation_linked,
        "member_linked": member_linked,
        "official": official,
        "osm_url": openstreetmap_url(event),
        **map_context(),
        "map_points": [
            map_point(
                latitude=event.latitude,
                longitude=event.longitude,
                label=event.venue_name,
                url=url,
                detail=event.address,
            )
        ]
        if event.has_point and settings.PARVIS_MAP_TILES_URL
        else [],
        "absolute_url": url,
        "image_url": image_url,
        "edit_url": _url_or_empty("agenda:edit", pk=event.pk, slug=event.slug)
        if user.has_perm("agenda.edit_event", event)
        else "",
        "cancel_url": _url_or_empty("agenda:cancel", pk=event.pk, slug=event.slug)
        if user.has_perm("agenda.cancel_event", event)
        else "",
        "submit_url": _url_or_empty("agenda:submit", pk=event.pk, slug=event.slug)
        if user.has_perm("agenda.submit_event", event)
        else "",
        "jsonld": event_jsonld(
            event,
            occurrence=next_date,
            url=url,
            image_url=image_url,
            organiser_url=request.build_absolute_uri(organiser_url) if organiser_url else "",
        ),
    }
    return render(request, "agenda/event_detail.html", context)


@require_POST
def event_rsvp(request, pk, slug):
    """ "I'm going" (or, with ``action=cancel``, no longer) to one date of the event."""
    event, _redirect = _event_or_404(request, pk, slug)
    if not request.user.is_authenticated:
        return redirect_to_login(event.get_absolute_url())
    try:
        occurrence_pk = int(request.POST.get("occurrence", ""))
    except ValueError:
        occurrence_pk = None
    occurrence = event.occurrences.filter(pk=occurrence_pk).first() if occurrence_pk else None
    if occurrence is None:
        messages.error(request, _("Choose one of the dates of this event."))
        return redirect(event)
    occurrence.event = event
    when = date_format(timezone.localtime(occurrence.start), "DATE_FORMAT")
    text, level = "", messages.SUCCESS
    try:
        if request.POST.get("action") == "cancel":
            if rsvp_cancel(occurrence=occurrence, user=request.user):
                text = _("You no longer take part on %(date)s.") % {"date": when}
        else:
            rsvp_create(occurrence=occurrence, user=request.user)
            text = _("You take part on %(date)s.") % {"date": when}
    except ValidationError as error:
        text, level = " ".join(error.messages), messages.ERROR
    if is_htmx(request):  # the dates and their buttons, swapped in place
        context = _dates_context(request, event)
        return fragment(request, "agenda/_event_dates.html", context, message=text)
    if text:
        messages.add_message(request, level, text)
    return redirect(event)


def event_participants(request, pk, slug):
    """Who goes to each date: for the event's organisers and the moderators only (404)."""
    event, redirect_response = _event_or_404(request, pk, slug, suffix="participants/")
    if not request.user.has_perm("agenda.see_event_participants", event):
        raise Http404
    if redirect_response:
        return redirect_response
    dates = list(participants_by_date(event))
    for occurrence in dates:
        occurrence.event = event
        _date_display(occurrence, event.all_day)
        for rsvp in occurrence.rsvps.all():
            rsvp.linked = member_is_visible_to(rsvp.user, request.user)
    return render(request, "agenda/event_participants.html", {"event": event, "dates": dates})
