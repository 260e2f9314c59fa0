from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ModerationConfig(AppConfig):
    name = "parvis.moderation"
    verbose_name = _("Moderation and audit log")

    def ready(self):
        # The reportable content types are registered by their apps' content.py
        # (parvis.core.content; see docs/moderation.md).
        from . import signals  # noqa: F401
