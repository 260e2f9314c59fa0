"""What the platform knows about moderation's own records, declared once (see
``parvis.core.content``): the notification kinds (``notifications.py``: statements of
reasons, report outcomes, appeals) and what a data export and an erasure do with the reports,
decisions, appeals, sanctions and audit entries that name a member."""

from . import notifications  # noqa: F401  (the notification kinds)
