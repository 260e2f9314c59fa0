"""What makes Parvis installable: favicon, app icons (drawn with Pillow), the web app manifest,
and a service worker served from the site root that shows an offline page (no offline data)."""

import functools
import io
import zlib

from django.conf import settings
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_safe
from PIL import Image, ImageDraw

BRAND = (0x24, 0x46, 0xB8)
ROOF = (0xFF, 0xBF, 0x47)
WHITE = (255, 255, 255)
ICON_SIZES = (192, 512)
ONE_DAY = 60 * 60 * 24


@functools.cache
def icon_png(size, *, maskable=False):
    """The Parvis mark (a town-hall front: roof, pillars, ground) drawn at ``size`` pixels.
    A maskable icon keeps the drawing inside the central safe zone on a full-bleed square."""
    scale = 4  # drawn large, then reduced: smooth edges
    big = size * scale
    image = Image.new("RGBA", (big, big), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    if maskable:
        draw.rectangle((0, 0, big, big), fill=BRAND)
        inset, unit = big * 0.2, big * 0.6 / 64
    else:
        draw.rounded_rectangle((0, 0, big - 1, big - 1), radius=big * 14 // 64, fill=BRAND)
        inset, unit = 0, big / 64

    def point(x, y):
        return (inset + x * unit, inset + y * unit)

    draw.polygon([point(12, 28), point(32, 14), point(52, 28)], fill=ROOF)
    width = max(1, round(4 * unit))
    for start, end in (((14, 50), (50, 50)), ((18, 50), (18, 30)), ((46, 50), (46, 30))):
        draw.line([point(*start), point(*end)], fill=WHITE, width=width)
    draw.line([point(32, 50), point(32, 38)], fill=WHITE, width=width)
    image = image.resize((size, size), Image.LANCZOS)
    output = io.BytesIO()
    image.save(output, format="PNG", optimize=True)
    return output.getvalue()


@functools.cache
def favicon_ico():
    output = io.BytesIO()
    Image.open(io.BytesIO(icon_png(64))).save(output, format="ICO", sizes=[(16, 16), (32, 32)])
    return output.getvalue()


@require_safe
@cache_control(public=True, max_age=ONE_DAY)
def favicon(request):
    return HttpResponse(favicon_ico(), content_type="image/x-icon")


@require_safe
@cache_control(public=True, max_age=ONE_DAY)
def icon(request, size, purpose="any"):
    if size not in ICON_SIZES:
        raise Http404
    return HttpResponse(icon_png(size, maskable=purpose == "maskable"), content_type="image/png")


@require_safe
@cache_control(public=True, max_age=ONE_DAY)
def apple_touch_icon(request):
    return HttpResponse(icon_png(180, maskable=True), content_type="image/png")


@require_safe
@cache_control(public=True, max_age=ONE_DAY)
def manifest(request):
    icons = [
        {"src": static("parvis/icon.svg"), "sizes": "any", "type": "image/svg+xml"},
        *(
            {
                "src": reverse("app_icon", args=[size]),
                "sizes": f"{size}x{size}",
                "type": "image/png",
            }
            for size in ICON_SIZES
        ),
        *(
            {
                "src": reverse("app_icon_maskable", args=[size]),
                "sizes": f"{size}x{size}",
                "type": "image/png",
                "purpose": "maskable",
            }
            for size in ICON_SIZES
        ),
    ]
    data = {
        "name": settings.PARVIS_SITE_NAME,
        "short_name": settings.PARVIS_SITE_NAME,
        "description": _(
            "The social network of the territory: events, groups, associations and elected "
            "officials."
        ),
        "lang": getattr(request, "LANGUAGE_CODE", settings.LANGUAGE_CODE),
        "start_url": "/",
        "scope": "/",
        "display": "standalone",
        "background_color": "#f4f5fa",
        "theme_color": "#2446b8",
        "icons": icons,
    }
    response = JsonResponse(data, json_dumps_params={"ensure_ascii": False})
    response["Content-Type"] = "application/manifest+json"
    return response


@require_safe
@cache_control(no_cache=True)
def service_worker(request):
    response = render(
        request,
        "core/sw.js",
        {"version": zlib.crc32(static("parvis/parvis.css").encode())},
        content_type="application/javascript; charset=utf-8",
    )
    response["Service-Worker-Allowed"] = "/"
    return response


@require_safe
def offline(request):
    return render(request, "core/offline.html")
