from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConversationsConfig(AppConfig):
    name = "parvis.conversations"
    verbose_name = _("Private messages")

    def ready(self):
        from . import signals

        signals.connect()
