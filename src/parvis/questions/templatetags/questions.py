"""``{% load questions %}``: ``|timedelta_days``, a duration in days (or hours under a day)."""

from django import template
from django.utils.translation import ngettext

register = template.Library()


@register.filter
def timedelta_days(value):
    if value is None:
        return ""
    hours = value.total_seconds() / 3600
    if hours < 24:
        count = max(round(hours), 1)
        return ngettext("%(count)d hour", "%(count)d hours", count) % {"count": count}
    count = round(hours / 24)
    return ngettext("%(count)d day", "%(count)d days", count) % {"count": count}
