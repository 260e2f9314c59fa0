"""The Celery app of the worker subprocesses of the tests: Parvis's app, with the broker's
restore sweep made fast (``CELERY_VISIBILITY_TIMEOUT`` is short in these tests) so that a task
of a killed worker comes back in seconds instead of the production hours."""

from parvis.celery import app

app.conf.broker_transport_options = {
    **app.conf.broker_transport_options,
    "unacked_restore_interval": 1,
    "unacked_restore_throttle": 1,
}
