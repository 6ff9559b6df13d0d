"""The Celery application: tasks are auto-discovered in each app's tasks.py."""


from celery import Celery

from labourportal.env import set_default_settings_module

set_default_settings_module()

app = Celery("labourportal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
