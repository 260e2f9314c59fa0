"""``{% load privacy %}``: the retention periods, read from the settings, for the pages that
state them (the privacy policy)."""

from django import template
from django.conf import settings

register = template.Library()

_DAYS = {
    "export": "PARVIS_EXPORT_RETENTION_DAYS",
    "inactive_warning": "PARVIS_INACTIVE_WARNING_DAYS",
    "inactive_erasure": "PARVIS_INACTIVE_ERASURE_DAYS",
}


@register.simple_tag
def retention_days(name):
    """``{% retention_days "export" as days %}``: a period in days."""
    return getattr(settings, _DAYS[name])


@register.simple_tag
def retention_months(name):
    """``{% retention_months "inactive_erasure" as months %}``: a period in whole months."""
    return round(getattr(settings, _DAYS[name]) / 30.44)
