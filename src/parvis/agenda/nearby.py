"""Events around a point: "Autour de moi" (``?pres=<lat>,<lon>&km=<5|10|20|30>``) and the
agenda's maps.

The distance filter is a bounding box on the event's indexed ``latitude``/``longitude``
(``core.geo.bounding_box``), then the exact great-circle distance (haversine) computed by the
database with Django's math functions, which PostgreSQL has and Django registers on SQLite:
one query, whatever the number of events. Events without a point are left out while it is on.
"""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db.models import F, FloatField, Value
from django.db.models.functions import ASin, Cast, Cos, Power, Radians, Sin, Sqrt
from django.utils.formats import date_format
from django.utils.timezone import localtime
from django.utils.translation import gettext_lazy as _

from parvis.core.geo import EARTH_RADIUS_M, bounding_box, coordinate_parse, is_inside, map_point

#: The distances offered, in kilometres; ``DEFAULT_KM`` when only ``pres`` is given.
KM_CHOICES = (5, 10, 20, 30)
DEFAULT_KM = 10


def point_parse(text):
    """``"49.43,2.08"`` as ``(Decimal, Decimal)``; ``ValidationError`` with a message for the
    person when it is not a point of the département."""
    parts = (text or "").replace(";", ",").split(",")
    try:
        if len(parts) != 2:
            raise ValueError(text)
        latitude, longitude = (coordinate_parse(part) for part in parts)
    except ValueError:
        raise ValidationError(
            _("Give a position as latitude,longitude, e.g. 49.4300,2.0800."), code="invalid"
        ) from None
    if latitude is None or longitude is None or not is_inside(latitude, longitude):
        raise ValidationError(
            _("This position is outside the département: all the events are listed."),
            code="outside",
        )
    return latitude, longitude


def _radians(expression):
    return Radians(Cast(expression, FloatField()))


def within(queryset, *, point, km, prefix="event__"):
    """``queryset`` narrowed to the rows whose event lies within ``km`` of ``point``,
    annotated with ``distance_km``. ``prefix``: the path from the rows to the event."""
    latitude, longitude = point
    lat_min, lat_max, lon_min, lon_max = bounding_box(latitude, longitude, km)
    queryset = queryset.filter(
        **{
            f"{prefix}latitude__gte": lat_min,
            f"{prefix}latitude__lte": lat_max,
            f"{prefix}longitude__gte": lon_min,
            f"{prefix}longitude__lte": lon_max,
        }
    )
    lat0 = Value(float(Decimal(latitude)), output_field=FloatField())
    lon0 = Value(float(Decimal(longitude)), output_field=FloatField())
    lat = _radians(F(f"{prefix}latitude"))
    lon = _radians(F(f"{prefix}longitude"))
    half_chord = Power(Sin((lat - Radians(lat0)) / 2), 2) + Cos(Radians(lat0)) * Cos(lat) * Power(
        Sin((lon - Radians(lon0)) / 2), 2
    )
    distance = Value(2 * EARTH_RADIUS_M / 1000, output_field=FloatField()) * ASin(Sqrt(half_chord))
    return queryset.annotate(distance_km=distance).filter(distance_km__lte=km)


def occurrence_points(occurrences):
    """The markers of a list of dates: one per event with a point (its first date listed)."""
    points, seen = [], set()
    for occurrence in occurrences:
        event = occurrence.event
        if not event.has_point or event.pk in seen:
            continue
        seen.add(event.pk)
        points.append(
            map_point(
                latitude=event.latitude,
                longitude=event.longitude,
                label=event.title,
                url=event.get_absolute_url(),
                detail=f"{date_format(localtime(occurrence.start), 'DATETIME_FORMAT')}"
                f" · {event.venue_name}",
            )
        )
    return points
