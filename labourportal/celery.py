"""The Celery application: tasks are auto-discovered in each app's tasks.py."""


from celery import Celery

from labourportal.env import set_default_settings_module

set_default_settings_module()

app = Celery("labourportal")
# The default in every thread, not only this one: shared tasks called from another
# thread (threaded servers, the test live server) must use this app and its settings.
app.set_default()
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
