from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WelfareConfig(AppConfig):
    name = "welfare"
    verbose_name = _("Welfare schemes and payments")

    def ready(self):
        from core.crypto import encrypted_field_register
        from welfare import home, job_handlers, scoping_rules  # noqa: F401
        from welfare.models import PaymentLine

        encrypted_field_register(PaymentLine, "account_encrypted")
