from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "parvis.core"
    verbose_name = _("Core")

    def ready(self):
        from . import pagecache

        pagecache.install()
