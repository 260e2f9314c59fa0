from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "parvis.core"
    verbose_name = _("Core")

    def ready(self):
        from . import collation, columns, content, pagecache

        collation.install()
        columns.install()
        pagecache.install()
        # Every app's content.py: moderation, privacy, notifications and the pages' sections
        # (every model is loaded by now; the registries are module-level).
        content.autodiscover()
