from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class AgendaConfig(AppConfig):
    name = "parvis.agenda"
    verbose_name = _("Agenda")

    def ready(self):
        from parvis.core.seeding import default_rows_restorer

        post_migrate.connect(
            default_rows_restorer(
                model_label="agenda.Category",
                migration="parvis.agenda.migrations.0002_categories",
            ),
            sender=self,
            dispatch_uid="agenda_default_categories",
            weak=False,
        )
