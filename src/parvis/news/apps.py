from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class NewsConfig(AppConfig):
    name = "parvis.news"
    verbose_name = _("Targeted information")

    def ready(self):
        from parvis.core.seeding import default_rows_restorer

        post_migrate.connect(
            default_rows_restorer(
                model_label="news.Category",
                migration="parvis.news.migrations.0002_categories",
            ),
            sender=self,
            dispatch_uid="news_default_categories",
            weak=False,
        )
