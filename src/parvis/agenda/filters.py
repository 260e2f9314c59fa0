"""The agenda's filters, read from the URL and shared by every way of finding events.

The list, month, week and day pages, the iCalendar feed, the exports and the API all call
``parse_filters(request.GET, request.user)`` then ``filter_occurrences(queryset, filters)``, so
one bookmarked or shared query string gives the same events everywhere.

Parameters (all optional, any combination):

``category``
    a category slug; repeat it for several categories (``?category=sport&category=culture``).
``commune``
    a commune: INSEE code, primary key, "Name (postal code)", name or postal code.
``epci``
    an intercommunality by SIREN code; ``arrondissement``: an arrondissement by INSEE code.
``organiser``
    an organisation's slug, or words of its name.
``free=1``
    free events only.
``from`` / ``to``
    ISO dates (``2026-12-24``), inclusive, in Europe/Paris.
``q``
    words searched in the title and description (French stemming on PostgreSQL).
``pres`` / ``km``
    "Autour de moi": a position ``<latitude>,<longitude>`` inside the département and a
    distance (5, 10, 20 or 30 km; 10 when left out): events whose venue has a point within that
    distance (see ``nearby``); the list orders them nearest first. Events without a point are
    left out while it is on.
``near=1``
    "near me", for members with a commune: events in the member's intercommunality (their own
    commune first where the caller orders by ``proximity``) and events targeted at one of the
    member's territories (commune, EPCI, arrondissement, département). Ignored for visitors.

A malformed value never fails a request: its parameter is ignored and reported in
``filters.errors`` (and next to the field of ``filters.form``).
"""

import datetime
from dataclasses import dataclass, field

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Case, Exists, IntegerField, OuterRef, Q, Value, When
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from parvis.core.prepared import prepared
from parvis.territories.forms import CommuneField
from parvis.territories.models import Territory, TerritoryKind
from parvis.territories.rendered import kept

from .models import Category, Event
from .nearby import DEFAULT_KM, KM_CHOICES, point_parse, within
from .search import matching_events, search_words

MIN_YEAR = 1900
MAX_YEAR = 2200


class SelectOne(forms.Select):
    """A single select whose value is read as a list (``?category=a&category=b`` still works)."""

    def value_from_datadict(self, data, files, name):
        try:
            return [value for value in data.getlist(name) if value]
        except AttributeError:
            value = data.get(name)
            if isinstance(value, list | tuple):
                return [v for v in value if v]
            return [value] if value else []

    def format_value(self, value):
        if value is None:
            return []
        if isinstance(value, list | tuple):
            return [str(v) for v in value]
        return [str(value)]


class FilterCommuneField(CommuneField):
    """A commune typed as in ``CommuneField``, or given by its primary key; an INSEE code wins
    over the postal codes it may look like."""

    def to_python(self, value):
        if isinstance(value, str):
            text = value.strip()
            if text.isdigit() and len(text) != 5 and len(text) < 12:
                commune = Territory.objects.filter(kind=TerritoryKind.COMMUNE, pk=text).first()
                if commune is None:
                    raise ValidationError(
                        self.error_messages["unknown"], code="unknown", params={"value": text}
                    )
                return commune
            if text.isdigit() and len(text) == 5:
                by_code = Territory.objects.filter(kind=TerritoryKind.COMMUNE, code=text).first()
                if by_code is not None:
                    return by_code
                try:
                    return super().to_python(value)
                except ValidationError:
                    # Not a postal code either: a primary key of five digits.
                    by_pk = Territory.objects.filter(kind=TerritoryKind.COMMUNE, pk=text).first()
                    if by_pk is None:
                        raise
                    return by_pk
        return super().to_python(value)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self):
        super().__init__(format="%Y-%m-%d")


class AgendaFilterForm(forms.Form):
    """The GET form of every agenda page; each field with a bad value is reported and ignored."""

    q = forms.CharField(
        label=_("Search"),
        max_length=100,
        required=False,
        widget=forms.TextInput(attrs={"type": "search"}),
    )
    category = forms.MultipleChoiceField(label=_("Category"), required=False, widget=SelectOne)
    commune = FilterCommuneField(label=_("Commune"), required=False, help_text="")
    epci = forms.ChoiceField(label=_("Intercommunality (EPCI)"), required=False)
    arrondissement = forms.ChoiceField(label=_("Arrondissement"), required=False)
    organiser = forms.CharField(
        label=_("Organiser"),
        max_length=170,
        required=False,
        help_text=_("An organisation's name."),
    )
    free = forms.BooleanField(label=_("Free events only"), required=False)
    near = forms.BooleanField(label=_("Near me"), required=False)
    pres = forms.CharField(
        label=_("Around a position (latitude,longitude)"),
        max_length=60,
        required=False,
        help_text=_("Filled in by the “Around me” button, or typed, e.g. 49.4300,2.0800."),
    )
    km = forms.TypedChoiceField(
        label=_("Within"),
        choices=[(str(km), _("%(km)d km") % {"km": km}) for km in KM_CHOICES],
        coerce=int,
        required=False,
        error_messages={"invalid_choice": _("Choose 5, 10, 20 or 30 km.")},
    )

    def __init__(self, data=None, *, user=None, **kwargs):
        if data is not None and data.get("pres") and not data.get("km"):
            data = data.copy()
            data["km"] = str(DEFAULT_KM)
        super().__init__(data, **kwargs)
        self.user = user
        date_error = {"invalid": _("Enter a date such as 2026-12-24.")}
        self.fields["from"] = forms.DateField(
            label=_("From"), required=False, widget=DateInput(), error_messages=date_error
        )
        self.fields["to"] = forms.DateField(
            label=_("To"), required=False, widget=DateInput(), error_messages=date_error
        )
        self.categories = categories_kept()
        self.fields["category"].choices = [("", _("All categories"))] + [
            (c.slug, c.name) for c in self.categories
        ]
        self.territories = {}
        epcis, arrondissements = [], []
        for territory in kept("agenda:epci-arrondissements", _epcis_and_arrondissements):
            self.territories[(territory.kind, territory.code)] = territory
            choices = epcis if territory.kind == TerritoryKind.EPCI else arrondissements
            choices.append((territory.code, territory.name))
        self.fields["epci"].choices = [("", _("All intercommunalities"))] + epcis
        self.fields["arrondissement"].choices = [("", _("All arrondissements"))] + arrondissements
        if not (user is not None and user.is_authenticated and user.commune_id):
            del self.fields["near"]

    def _clean_year(self, name):
        value = self.cleaned_data.get(name)
        if value is not None and not MIN_YEAR <= value.year <= MAX_YEAR:
            raise ValidationError(
                _("Enter a date between %(min)s and %(max)s."),
                code="range",
                params={"min": MIN_YEAR, "max": MAX_YEAR},
            )
        return value

    def clean_pres(self):
        text = self.cleaned_data.get("pres", "").strip()
        return point_parse(text) if text else None

    def clean(self):
        if self.cleaned_data.get("pres") is None:
            self.cleaned_data.pop("km", None)
        elif "km" in self.errors:  # a bad distance: no distance filter at all
            self.cleaned_data.pop("pres", None)
        for name in ("from", "to"):
            if name in self.cleaned_data:
                try:
                    self.cleaned_data[name] = self._clean_year(name)
                except ValidationError as error:
                    self.add_error(name, error)
        start, end = self.cleaned_data.get("from"), self.cleaned_data.get("to")
        if start and end and end < start:
            self.add_error("to", _("The end date is before the start date."))
        return self.cleaned_data

    def territory(self, kind, code):
        return self.territories.get((kind, code)) if code else None


def categories_kept():
    """The categories, read once per process while they hold (``kept``)."""
    return kept(
        "agenda:categories",
        lambda: list(Category.objects.order_by("position", "name")),
        tags=("agenda.category",),
    )


def _category_ids(slugs):
    """The primary keys of the categories ``slugs`` (those that exist), or ``None`` for no
    category filter."""
    if not slugs:
        return None
    chosen = set(slugs)
    return [category.pk for category in categories_kept() if category.slug in chosen]


def _epcis_and_arrondissements():
    return list(
        Territory.objects.filter(
            kind__in=[TerritoryKind.EPCI, TerritoryKind.ARRONDISSEMENT]
        ).order_by("name", "pk")
    )


@dataclass(frozen=True)
class AgendaFilters:
    """The valid filters of a request (see the module docstring)."""

    categories: tuple[str, ...] = ()
    commune: Territory | None = None
    epci: Territory | None = None
    arrondissement: Territory | None = None
    organiser: str = ""
    free: bool = False
    date_from: datetime.date | None = None
    date_to: datetime.date | None = None
    q: str = ""
    near: Territory | None = None
    point: tuple | None = None
    km: int | None = None
    errors: dict[str, list[str]] = field(default_factory=dict)
    form: AgendaFilterForm | None = field(default=None, compare=False, repr=False)

    @property
    def words(self):
        return search_words(self.q)

    @property
    def is_active(self):
        """Whether any filter narrows the agenda."""
        return bool(
            self.categories
            or self.commune
            or self.epci
            or self.arrondissement
            or self.organiser
            or self.free
            or self.date_from
            or self.date_to
            or self.words
            or self.near
            or self.point
        )


def parse_filters(params, user=None):
    """The filters in ``params`` (a QueryDict or a plain dict), valid ones only."""
    form = AgendaFilterForm(params, user=user)
    form.is_valid()
    data = {name: value for name, value in form.cleaned_data.items() if name not in form.errors}
    near = None
    if data.get("near") and user is not None and user.is_authenticated and user.commune_id:
        near = user.commune
    return AgendaFilters(
        categories=tuple(data.get("category") or ()),
        commune=data.get("commune"),
        epci=form.territory(TerritoryKind.EPCI, data.get("epci")),
        arrondissement=form.territory(TerritoryKind.ARRONDISSEMENT, data.get("arrondissement")),
        organiser=(data.get("organiser") or "").strip(),
        free=bool(data.get("free")),
        date_from=data.get("from"),
        date_to=data.get("to"),
        q=(data.get("q") or "").strip(),
        near=near,
        point=data.get("pres"),
        km=data.get("km") or DEFAULT_KM if data.get("pres") else None,
        errors={name: [str(m) for m in messages] for name, messages in form.errors.items()},
        form=form,
    )


def local_midnight(day):
    """The start of ``day`` in the current time zone (Europe/Paris), as an aware datetime."""
    return timezone.make_aware(
        datetime.datetime.combine(day, datetime.time()), timezone.get_current_timezone()
    )


def _targeted_at(territory_ids):
    """Occurrences whose event targets one of ``territory_ids``."""
    return Exists(
        Event.audience.through.objects.filter(
            event_id=OuterRef("event_id"), territory_id__in=territory_ids
        )
    )


def near_condition(commune):
    """``Q`` for occurrences near ``commune``: in its commune or intercommunality, or targeted
    at one of its territories."""
    condition = Q(event__commune=commune) | _targeted_at(commune.lineage_ids)
    if commune.epci_id:
        condition |= Q(event__commune__epci_id=commune.epci_id)
    return condition


def with_proximity(queryset, commune):
    """``queryset`` annotated with ``proximity``: 0 in ``commune``, 1 in its intercommunality
    or targeted at its territories, 2 elsewhere (visitors: ``commune`` None, all 2)."""
    if commune is None:
        return queryset.annotate(proximity=Value(2, output_field=IntegerField()))
    whens = [When(event__commune=commune, then=Value(0))]
    if commune.epci_id:
        whens.append(When(event__commune__epci_id=commune.epci_id, then=Value(1)))
    whens.append(When(_targeted_at(commune.lineage_ids), then=Value(1)))
    return queryset.annotate(proximity=Case(*whens, default=Value(2), output_field=IntegerField()))


def filter_occurrences(queryset, filters):
    """``queryset`` (of ``EventOccurrence``) narrowed by ``filters``."""
    queryset = _narrowed(
        queryset,
        categories=_category_ids(filters.categories),
        commune=_pk(filters.commune),
        epci=_pk(filters.epci),
        arrondissement=_pk(filters.arrondissement),
        free=filters.free,
    )
    if filters.organiser:
        queryset = queryset.filter(
            Q(event__organisation__slug=filters.organiser)
            | Q(event__organisation__name__icontains=filters.organiser)
        )
    if filters.date_from:
        queryset = queryset.filter(start__gte=local_midnight(filters.date_from))
    if filters.date_to:
        queryset = queryset.filter(
            start__lt=local_midnight(filters.date_to + datetime.timedelta(days=1))
        )
    words = filters.words
    if words:
        queryset = queryset.filter(event_id__in=matching_events(words))
    if filters.near:
        queryset = queryset.filter(near_condition(filters.near))
    if filters.point:
        queryset = within(queryset, point=filters.point, km=filters.km)
    return queryset


def upcoming_occurrences(filters, *, now=None):
    """The public dates the agenda's list shows with ``filters``, in its order: from today on
    (the dates not over yet) unless a start date is chosen; the nearest first around a point.

    Prepared (``core.prepared``: built and compiled once per process) for the filters most
    lists use: categories, territories, free, dates. Words, an organiser, "near me" and a
    point are built each time."""
    from .selectors import public_occurrences

    now = now or timezone.now()
    today = local_midnight(timezone.localdate())
    categories = _category_ids(filters.categories)
    # ``[]``: slugs of no category (deleted since the form read them): an empty list, which
    # ``filter_occurrences`` answers as Django does, is no shape to prepare.
    if filters.organiser or filters.words or filters.near or filters.point or categories == []:
        occurrences = filter_occurrences(public_occurrences(), filters)
        if not filters.date_from:
            occurrences = occurrences.filter(start__gte=today, end__gte=now)
        order = ("distance_km", "start", "pk") if filters.point else ("start", "pk")
        return occurrences.order_by(*order)
    return _upcoming_occurrences(
        categories=categories,
        commune=_pk(filters.commune),
        epci=_pk(filters.epci),
        arrondissement=_pk(filters.arrondissement),
        free=filters.free,
        start_from=local_midnight(filters.date_from) if filters.date_from else today,
        start_before=(
            local_midnight(filters.date_to + datetime.timedelta(days=1))
            if filters.date_to
            else None
        ),
        end_from=None if filters.date_from else now,
    )


def _pk(instance):
    return None if instance is None else instance.pk


def _narrowed(occurrences, *, categories, commune, epci, arrondissement, free):
    """``occurrences`` of the events in ``categories``, in a commune, intercommunality or
    arrondissement (primary keys), free: the filters of every agenda list, on the dates' own
    copies of their event's (``models.LISTING_COPIES``), which their indexes order by date."""
    if categories is not None:
        occurrences = occurrences.filter(category_id__in=categories)
    if commune is not None:
        occurrences = occurrences.filter(commune_id=commune)
    if epci is not None:
        occurrences = occurrences.filter(epci_id=epci)
    if arrondissement is not None:
        occurrences = occurrences.filter(arrondissement_id=arrondissement)
    if free:
        occurrences = occurrences.filter(is_free=True)
    return occurrences


@prepared(
    "categories", "commune", "epci", "arrondissement", "start_from", "start_before", "end_from"
)
def _upcoming_occurrences(
    categories, commune, epci, arrondissement, free, start_from, start_before, end_from
):
    """``upcoming_occurrences`` for its prepared filters (the same conditions as
    ``filter_occurrences``)."""
    from .selectors import public_occurrences

    occurrences = _narrowed(
        public_occurrences(),
        categories=categories,
        commune=commune,
        epci=epci,
        arrondissement=arrondissement,
        free=free,
    )
    occurrences = occurrences.filter(start__gte=start_from)
    if start_before is not None:
        occurrences = occurrences.filter(start__lt=start_before)
    if end_from is not None:
        occurrences = occurrences.filter(end__gte=end_from)
    return occurrences.order_by("start", "pk")


#: The query parameters ``parse_filters`` reads (the page cache keys finding pages on these).
FILTER_PARAMS = (*AgendaFilterForm.base_fields, "from", "to")


def cache_tags(filters):
    """The page cache's tags for the events a finding page with ``filters`` lists: the
    narrowest territory it is filtered on (an event published elsewhere leaves the page), else
    its categories (an event of another category leaves it too), else every event."""
    from parvis.core.pagecache import scoped
    from parvis.territories.selectors import territory_scope

    for territory in (filters.commune, filters.epci, filters.arrondissement):
        if territory is not None:
            return [territory_scope("agenda.event", territory)]
    if filters.categories and filters.form is not None:
        chosen = set(filters.categories)
        ids = [category.pk for category in filters.form.categories if category.slug in chosen]
        if len(ids) == len(chosen):
            return [scoped("agenda.event", "category", pk) for pk in ids]
    return ["agenda.event"]
