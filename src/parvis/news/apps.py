from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NewsConfig(AppConfig):
    name = "parvis.news"
    verbose_name = _("Targeted information")

    def ready(self):
        from . import sections

        sections.register()
