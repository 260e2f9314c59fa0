from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "parvis.notifications"
    verbose_name = _("Notifications")
    # The notification types and the activity kinds are declared by each app's content.py,
    # which imports its notifications.py and activities.py (parvis.core.content.autodiscover,
    # run by CoreConfig.ready).
