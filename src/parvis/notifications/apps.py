from importlib import import_module

from django.apps import AppConfig, apps
from django.utils.module_loading import module_has_submodule
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "parvis.notifications"
    verbose_name = _("Notifications")

    def ready(self):
        # Each Parvis app declares its notification types in its own notifications.py, and
        # the activity kinds it tells with a handler in its activities.py.
        for module in ("notifications", "activities"):
            for app_config in apps.get_app_configs():
                if app_config.name.startswith("parvis.") and module_has_submodule(
                    app_config.module, module
                ):
                    import_module(f"{app_config.name}.{module}")
