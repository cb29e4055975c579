"""The Celery app. Broker from CELERY_BROKER_URL; with none (``make run``, the tests), tasks
run eagerly in-process. Production requires one (cogwg/settings/production.py)."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cogwg.settings.local")

app = Celery("cogwg")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
# Not an app of its own: the status reports' tasks live in a package of the cogwg app.
app.autodiscover_tasks(["cogwg.reports"])
# The reporting cycles' reminders (cogwg/cycle_tasks.py).
app.autodiscover_tasks(["cogwg"], related_name="cycle_tasks")
# The review's e-mails and the e-mail jobs' sweeper (cogwg/notification_tasks.py).
app.autodiscover_tasks(["cogwg"], related_name="notification_tasks")
