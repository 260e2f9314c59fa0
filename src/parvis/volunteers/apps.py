from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VolunteersConfig(AppConfig):
    name = "parvis.volunteers"
    verbose_name = _("Calls for volunteers")
