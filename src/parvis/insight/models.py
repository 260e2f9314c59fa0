"""Usage statistics for the council: one snapshot of every aggregate a day, computed by a
Celery task (``tasks.stats_compute``), so that the statistics page reads one row whatever
the number of members."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class StatSnapshot(models.Model):
    day = models.DateField(_("day"), unique=True)
    data = models.JSONField(_("figures"), default=dict)
    computed_at = models.DateTimeField(_("computed at"), default=timezone.now)

    class Meta:
        verbose_name = _("usage statistics")
        verbose_name_plural = _("usage statistics")
        ordering = ["-day"]

    def __str__(self):
        return str(self.day)
