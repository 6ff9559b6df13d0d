from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegistrationConfig(AppConfig):
    name = "registration"
    verbose_name = _("Worker registration")

    def ready(self):
        from registration import home, imports, job_handlers, scoping_rules  # noqa: F401
