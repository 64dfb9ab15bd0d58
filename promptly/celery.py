"""The Celery application shared by the worker, beat and the web process (for .delay())."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "promptly.settings")

app = Celery("promptly")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
