from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    name = "parvis.api"
    verbose_name = _("API")

    def ready(self):
        # Each app's ``api`` module registers its routes (``parvis.api.registry.router``).
        autodiscover_modules("api")
