"""What the apps' ``content.py`` use to declare the export and erasure of their relations to
the member (``parvis.privacy.registry``): the shared wording of the reasons, and helpers for
erasure handlers. Words used in the reasons:

- *staff work*: a moderator's or a group moderator's action on someone else's item; the
  record is kept for accountability and points to the anonymised account ("former member").
- *others' data*: rows that belong to another member (their follows, their notifications);
  exporting them would disclose that member's data.
"""

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext

STAFF_WORK = (
    "Staff work on someone else's item: kept for accountability, pointing to the anonymised "
    "account (shown as a former member); it discloses other members' data, so it is not "
    "exported."
)
OTHERS_DATA = "Another member's data: exporting it would disclose it."
MODERATION_RECORD = (
    "A moderation record (Digital Services Act: decisions, their statements of reasons, "
    "appeals and sanctions are kept for accountability); it points to the anonymised account."
)


def site_text(message):
    """A text stored in the database, in the site's language."""
    with translation.override(settings.LANGUAGE_CODE):
        return gettext(message)


def scrub(value, needles, replacement):
    """``value`` (JSON) with every occurrence of the ``needles`` replaced."""
    if isinstance(value, str):
        for needle in needles:
            value = value.replace(needle, replacement)
        return value
    if isinstance(value, list):
        return [scrub(item, needles, replacement) for item in value]
    if isinstance(value, dict):
        return {key: scrub(item, needles, replacement) for key, item in value.items()}
    return value


def needles(member):
    """What names the member in stored texts: their full name and e-mail address."""
    name = f"{member.first_name} {member.last_name}".strip()
    return [needle for needle in (name, member.email) if needle]


def platform_audit(**kwargs):
    """An audit entry made by the platform itself (no actor), as part of an erasure."""
    from parvis.moderation.audit import audit_record

    return audit_record(actor=None, **kwargs)
