"""Share links for a public item: e-mail, Mastodon, LinkedIn, Facebook, the link to copy and
the device's share sheet (``static/parvis/share.js``, progressive enhancement). Addresses are
built from ``PARVIS_SITE_URL``, never from the request's Host."""

import re
from urllib.parse import quote, urlencode

from django.conf import settings

#: An instance's host name: letters, digits, hyphens and dots, with a dot (``mastodon.social``).
INSTANCE = re.compile(r"^(?=.{4,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")


def absolute_url(path: str) -> str:
    return settings.PARVIS_SITE_URL.rstrip("/") + path


def share_links(*, title: str, path: str) -> dict:
    url = absolute_url(path)
    return {
        "url": url,
        "title": title,
        "text": f"{title} {url}",
        "email": "mailto:?" + urlencode({"subject": title, "body": url}, quote_via=quote),
        "linkedin": "https://www.linkedin.com/sharing/share-offsite/?"
        + urlencode({"url": url}, quote_via=quote),
        "facebook": "https://www.facebook.com/sharer/sharer.php?"
        + urlencode({"u": url}, quote_via=quote),
    }


def clean_instance(value: str) -> str | None:
    """The host name of a Mastodon instance typed by a member (``@me@mastodon.social``,
    ``https://mastodon.social/``...), or ``None`` when it is not one."""
    value = (value or "").strip().lower()
    value = re.sub(r"^https?://", "", value).split("/", 1)[0]
    value = value.rsplit("@", 1)[-1]
    return value if INSTANCE.match(value) else None


def mastodon_share_url(instance: str, text: str) -> str:
    return f"https://{instance}/share?" + urlencode({"text": text[:500]}, quote_via=quote)
