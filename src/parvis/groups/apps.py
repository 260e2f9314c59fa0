from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GroupsConfig(AppConfig):
    name = "parvis.groups"
    label = "groups"
    verbose_name = _("Groups")

    def ready(self):
        from django.conf import settings
        from django.db.models.signals import pre_delete

        from . import signals

        # A member whose account is deleted leaves their groups without orphaning them.
        pre_delete.connect(
            signals.release_memberships,
            sender=settings.AUTH_USER_MODEL,
            dispatch_uid="groups_release_memberships",
        )
