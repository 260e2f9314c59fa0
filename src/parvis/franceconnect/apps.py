from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FranceConnectConfig(AppConfig):
    name = "parvis.franceconnect"
    label = "franceconnect"
    verbose_name = _("FranceConnect")

    def ready(self):
        from . import signals  # noqa: F401
