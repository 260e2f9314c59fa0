"""Celery application; tasks run eagerly when no Redis is configured (embedded demo)."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "parvis.settings")

app = Celery("parvis")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
