"""Points on the département's map, shared by the apps that place things (local reports,
events): the département's bounding box, the check of a typed point against it, the distance
between two points and the box around a point that a SQL prefilter uses."""

import math
from decimal import Decimal, InvalidOperation
from urllib.parse import urlsplit

from django.conf import settings
from django.utils.translation import gettext as _

#: The département's bounding box, with a margin: a point outside is a typing error.
LATITUDE_RANGE = (Decimal("48.5"), Decimal("50.0"))
LONGITUDE_RANGE = (Decimal("1.3"), Decimal("3.6"))
#: Where maps open when they have no point to show (the département's centre).
CENTRE = (49.41, 2.42)
EARTH_RADIUS_M = 6_371_000
_STEP = Decimal("0.000001")


def coordinate_parse(value):
    """``value`` (number or text, a comma accepted) as a ``Decimal`` to six places; ``None``
    when empty; ``ValueError`` when it is not a number."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        number = Decimal(str(value).strip().replace(",", ".")).quantize(_STEP)
    except (InvalidOperation, ValueError):
        raise ValueError(value) from None
    if not number.is_finite():
        raise ValueError(value)
    return number


def is_inside(latitude, longitude) -> bool:
    """Whether the point lies in the département's box."""
    return (
        LATITUDE_RANGE[0] <= Decimal(str(latitude)) <= LATITUDE_RANGE[1]
        and LONGITUDE_RANGE[0] <= Decimal(str(longitude)) <= LONGITUDE_RANGE[1]
    )


def point_clean(latitude, longitude, errors):
    """The cleaned ``(latitude, longitude)`` (``(None, None)`` for no point); messages are
    added to ``errors`` (a dict) under "latitude" / "longitude", the person's fields."""
    cleaned = {}
    for field, value, bounds in (
        ("latitude", latitude, LATITUDE_RANGE),
        ("longitude", longitude, LONGITUDE_RANGE),
    ):
        try:
            number = coordinate_parse(value)
        except ValueError:
            errors[field] = _("Give a number, e.g. 49.4300.")
            number = None
        else:
            if number is not None and not bounds[0] <= number <= bounds[1]:
                errors[field] = _(
                    "This point is outside the département: check it, or leave it empty."
                )
                number = None
        cleaned[field] = number
    if (cleaned["latitude"] is None) != (cleaned["longitude"] is None) and not {
        "latitude",
        "longitude",
    } & set(errors):
        errors["latitude"] = _("Give both the latitude and the longitude, or neither.")
    if {"latitude", "longitude"} & set(errors):
        return None, None
    return cleaned["latitude"], cleaned["longitude"]


def distance_m(lat1, lon1, lat2, lon2) -> float:
    """The great-circle distance in metres (haversine)."""
    lat1, lon1, lat2, lon2 = (math.radians(float(v)) for v in (lat1, lon1, lat2, lon2))
    a = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * EARTH_RADIUS_M * math.asin(math.sqrt(a))


def bounding_box(latitude, longitude, km):
    """``(lat_min, lat_max, lon_min, lon_max)`` (``Decimal``) of a box holding every point
    within ``km`` of the point: what a SQL prefilter compares before the exact distance."""
    dlat = math.degrees(km * 1000 / EARTH_RADIUS_M)
    dlon = dlat / max(math.cos(math.radians(float(latitude))), 0.01)
    lat, lon = float(latitude), float(longitude)
    return tuple(
        Decimal(str(round(v, 6))) for v in (lat - dlat, lat + dlat, lon - dlon, lon + dlon)
    )


def map_context():
    """What a page's maps need (none when ``PARVIS_MAP_TILES_URL`` is empty: no map at all)."""
    tiles = urlsplit(settings.PARVIS_MAP_TILES_URL)
    return {
        "map_tiles": settings.PARVIS_MAP_TILES_URL,
        # The browser opens its connection to the tile server while the page loads.
        "map_tiles_origin": f"{tiles.scheme}://{tiles.netloc}" if tiles.netloc else "",
        "map_attribution": settings.PARVIS_MAP_ATTRIBUTION,
    }


def map_point(*, latitude, longitude, label, url, detail=""):
    """One marker of a ``[data-map="points"]`` map (see ``static/parvis/map.js``)."""
    return {
        "lat": float(latitude),
        "lon": float(longitude),
        "label": label,
        "url": url,
        "detail": detail,
    }
