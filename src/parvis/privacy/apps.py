from importlib import import_module

from django.apps import AppConfig, apps
from django.utils.module_loading import module_has_submodule
from django.utils.translation import gettext_lazy as _


class PrivacyConfig(AppConfig):
    name = "parvis.privacy"
    verbose_name = _("Personal data")

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from . import declarations, signals  # noqa: F401  (the relations of existing apps)

        # An app may declare its own relations in its privacy.py (see docs/privacy.md).
        for app_config in apps.get_app_configs():
            if (
                app_config.name.startswith("parvis.")
                and app_config.name != self.name
                and module_has_submodule(app_config.module, "privacy")
            ):
                import_module(f"{app_config.name}.privacy")
        user_logged_in.connect(signals.member_logged_in, dispatch_uid="privacy_logged_in")
