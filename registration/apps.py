from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegistrationConfig(AppConfig):
    name = "registration"
    verbose_name = _("Worker registration")

    def ready(self):
        from core.crypto import encrypted_field_register
        from registration import home, imports, job_handlers, scoping_rules  # noqa: F401
        from registration.models import AadhaarVault, Worker

        encrypted_field_register(AadhaarVault, "ciphertext")
        encrypted_field_register(Worker, "bank_account_encrypted")
