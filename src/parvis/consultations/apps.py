from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConsultationsConfig(AppConfig):
    name = "parvis.consultations"
    verbose_name = _("Citizen consultations")

    def ready(self):
        from django.apps import apps

        from . import sections

        sections.register()
        if apps.is_installed("parvis.moderation"):
            from . import reportables

            reportables.register()
