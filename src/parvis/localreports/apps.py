from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LocalReportsConfig(AppConfig):
    name = "parvis.localreports"
    label = "localreports"
    verbose_name = _("Local reports")
