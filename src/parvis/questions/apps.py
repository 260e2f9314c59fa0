from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class QuestionsConfig(AppConfig):
    name = "parvis.questions"
    verbose_name = _("Questions to the elected officials")
