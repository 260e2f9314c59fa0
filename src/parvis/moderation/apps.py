from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ModerationConfig(AppConfig):
    name = "parvis.moderation"
    verbose_name = _("Moderation and audit log")

    def ready(self):
        # The content types this app makes reportable (events, profiles, organisations); other
        # apps register theirs in their own ``ready()`` or here (see docs/moderation.md).
        from . import reportables, signals  # noqa: F401
