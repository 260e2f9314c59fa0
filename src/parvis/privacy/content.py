"""What the platform knows about the personal-data app's own records, declared once (see
``parvis.core.content``): the notification kinds (``notifications.py``) and what a data
export and an erasure do with the member's archives and inactivity notices."""

from . import notifications  # noqa: F401  (the notification kinds)
