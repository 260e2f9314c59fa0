from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OfficialsConfig(AppConfig):
    """The elected officials' pages (``/elus/``), built on accounts' verified mandates."""

    name = "parvis.officials"
    verbose_name = _("Elected officials")
