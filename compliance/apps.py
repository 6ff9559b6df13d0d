from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ComplianceConfig(AppConfig):
    name = "compliance"
    verbose_name = _("Compliance and enforcement")

    def ready(self):
        from compliance import home, job_handlers, scoping_rules  # noqa: F401
