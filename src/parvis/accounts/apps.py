from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "parvis.accounts"
    verbose_name = _("Accounts and members")

    def ready(self):
        from . import security, signals, staff  # noqa: F401 (their signal receivers)

        # Also after a test database flush, which empties the tables the data migration filled.
        # Connected for every app: the permissions of later apps exist only after their turn.
        post_migrate.connect(signals.ensure_moderators_group, dispatch_uid="moderators_group")
