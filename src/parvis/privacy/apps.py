from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PrivacyConfig(AppConfig):
    name = "parvis.privacy"
    verbose_name = _("Personal data")

    def ready(self):
        # Each app declares the export and erasure of its relations to the member in its own
        # content.py (parvis.core.content; see docs/privacy.md).
        from django.contrib.auth.signals import user_logged_in

        from . import signals

        user_logged_in.connect(signals.member_logged_in, dispatch_uid="privacy_logged_in")
